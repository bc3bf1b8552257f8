"""Writes of the applicant directory: create and edit, one transaction each with audit."""

import datetime
from dataclasses import asdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.applicants import cccd
from xaso.applicants.models import Applicant
from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.models import User

MANAGE_PERMISSION = "applicants.manage_applicants"


class DuplicateIdNumberError(DomainError):
    """The CCCD is already in the unit's directory: the same person, offer that record."""

    code = "duplicate_id_number"

    def __init__(self, existing: Applicant) -> None:
        super().__init__(
            _("Số CCCD %(number)s đã có trong danh bạ: %(name)s.")
            % {"number": existing.id_number, "name": existing.full_name}
        )
        self.existing = existing


@dataclass
class ApplicantData:
    """What the counter enters (or the chip-CCCD QR gives) about an applicant."""

    full_name: str
    id_number: str = ""
    old_id_number: str = ""
    id_issued_on: datetime.date | None = None
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    kind: str = Applicant.Kind.PERSON


def _check_can_manage(actor: User) -> None:
    if not actor.has_perm(MANAGE_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied


def _validated(data: ApplicantData, *, today: datetime.date) -> ApplicantData:
    """`data` with numbers normalized; ValidationError by field for what is wrong."""
    errors: dict[str, list[str]] = {}
    full_name = " ".join((data.full_name or "").split())
    if not full_name:
        errors["full_name"] = [_("Hãy nhập họ và tên.")]
    id_number = cccd.normalize_cccd(data.id_number)
    if data.kind == Applicant.Kind.PERSON and id_number:
        problems = cccd.cccd_problems(
            id_number, date_of_birth=data.date_of_birth, sex=data.sex, today=today
        )
        if problems:
            errors["id_number"] = problems
    old_id_number = ""
    try:
        old_id_number = cccd.validate_old_id_number(data.old_id_number)
    except ValidationError as error:
        errors["old_id_number"] = error.messages
    if data.date_of_birth and data.date_of_birth > today:
        errors["date_of_birth"] = [_("Ngày sinh không thể sau ngày hôm nay.")]
    if data.id_issued_on and data.id_issued_on > today:
        errors["id_issued_on"] = [_("Ngày cấp không thể sau ngày hôm nay.")]
    if errors:
        raise ValidationError(errors)
    return ApplicantData(
        **{
            **asdict(data),
            "full_name": full_name,
            "id_number": id_number,
            "old_id_number": old_id_number,
            "phone": cccd.normalize_cccd(data.phone),
            "address": " ".join((data.address or "").split()),
            "email": (data.email or "").strip(),
        }
    )


def _save(applicant: Applicant) -> None:
    """full_clean and save; a racing insert of the same CCCD becomes DuplicateIdNumberError."""
    applicant.refresh_search_text()
    applicant.full_clean(exclude=["unit", "created_by"], validate_constraints=False)
    if applicant.id_number:
        existing = (
            Applicant.objects.filter(unit_id=applicant.unit_id, id_number=applicant.id_number)
            .exclude(pk=applicant.pk)
            .first()
        )
        if existing is not None:
            raise DuplicateIdNumberError(existing)
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError:
        existing = (
            Applicant.objects.filter(unit_id=applicant.unit_id, id_number=applicant.id_number)
            .exclude(pk=applicant.pk)
            .first()
        )
        if existing is None:
            raise
        raise DuplicateIdNumberError(existing) from None


@transaction.atomic
def create_applicant(
    *, actor: User, data: ApplicantData, today: datetime.date | None = None
) -> Applicant:
    """Add a person or organisation to the actor's unit's directory.

    Validates the CCCD (cccd.py) against the date of birth and sex; raises
    DuplicateIdNumberError (with the existing record) when the CCCD is already in the
    unit's directory, ValidationError by field for bad data, PermissionDenied without
    applicants.manage_applicants. Writes the audit event in the same transaction.
    """
    _check_can_manage(actor)
    clean = _validated(data, today=today or timezone.localdate())
    applicant = Applicant(unit_id=actor.unit_id, created_by=actor, **asdict(clean))
    _save(applicant)
    record_audit_event(action="applicant.created", actor=actor, target=applicant)
    return applicant


@transaction.atomic
def update_applicant(
    *, actor: User, applicant: Applicant, data: ApplicantData, today: datetime.date | None = None
) -> Applicant:
    """Change an applicant of the actor's unit; same rules and errors as create_applicant.

    The audit event lists the changed field names only (the values are personal data).
    """
    _check_can_manage(actor)
    if applicant.unit_id != actor.unit_id:
        raise PermissionDenied
    clean = _validated(data, today=today or timezone.localdate())
    changed = [name for name, value in asdict(clean).items() if getattr(applicant, name) != value]
    if not changed:
        return applicant
    for name in changed:
        setattr(applicant, name, getattr(clean, name))
    _save(applicant)
    record_audit_event(
        action="applicant.updated", actor=actor, target=applicant, data={"fields": changed}
    )
    return applicant
