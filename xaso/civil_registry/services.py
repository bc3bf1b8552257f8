"""Civil registry writes (register a birth from a dossier, correct an entry) and scoped reads."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.civil_registry.models import BIRTH_DATE_FIELDS
from xaso.civil_registry.models import BIRTH_FIELDS
from xaso.civil_registry.models import BirthEntry
from xaso.civil_registry.models import BirthEntryVersion
from xaso.civil_registry.models import CivilRegister
from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.search import apply_search
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import results as result_services

BIRTH_PROCEDURE_CODE = "1.001193"
REGISTER_PERMISSION = "civil_registry.register_civil_status"
VIEW_PERMISSION = "civil_registry.view_civil_registers"
# States in which the processing official works on the dossier.
PROCESSING_STATUSES = (
    Dossier.Status.RECEIVED,
    Dossier.Status.IN_PROGRESS,
    Dossier.Status.WAITING_APPROVAL,
)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class NotABirthDossierError(DomainError):
    code = "not_birth_dossier"


class DossierNotInProcessingError(DomainError):
    code = "dossier_not_in_processing"


class AlreadyRegisteredError(DomainError):
    code = "already_registered"


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def birth_form_initial(*, dossier: Dossier) -> dict[str, Any]:
    """The birth form's initial values: the declared data, the applicant as declarant."""
    declared = dossier.declared_data or {}
    initial: dict[str, Any] = {}
    for name in BIRTH_FIELDS:
        value = declared.get(name)
        if value in (None, ""):
            continue
        initial[name] = _parse_date(value) if name in BIRTH_DATE_FIELDS else value
    applicant = dossier.applicant
    initial.setdefault("declarant_name", applicant.full_name)
    if applicant.id_number:
        initial.setdefault("declarant_id_number", applicant.id_number)
    initial.setdefault("nationality", "Việt Nam")
    return initial


def _validate(data: dict[str, Any], *, registered_on: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    if not str(data.get("child_full_name") or "").strip():
        errors["child_full_name"] = [_("Hãy nhập họ, chữ đệm và tên của người được khai sinh.")]
    born = data.get("date_of_birth")
    if not isinstance(born, datetime.date):
        errors["date_of_birth"] = [_("Hãy nhập ngày, tháng, năm sinh.")]
    elif born > registered_on:
        errors["date_of_birth"] = [_("Ngày sinh không thể sau ngày đăng ký.")]
    elif born < EARLIEST_BIRTH:
        errors["date_of_birth"] = [_("Ngày sinh không thể trước năm 1900.")]
    if not (
        str(data.get("mother_full_name") or "").strip()
        or str(data.get("father_full_name") or "").strip()
    ):
        errors["mother_full_name"] = [_("Hãy nhập họ tên người mẹ hoặc người cha.")]
    for parent in ("mother", "father"):
        parent_born = data.get(f"{parent}_date_of_birth")
        if (
            isinstance(parent_born, datetime.date)
            and isinstance(born, datetime.date)
            and parent_born >= born
        ):
            errors[f"{parent}_date_of_birth"] = [
                _("Ngày sinh của cha, mẹ phải trước ngày sinh của con.")
            ]
    if errors:
        raise ValidationError(errors)


def _fee_exempt_reason(entry: BirthEntry) -> str:
    if entry.is_late_registration:
        return ""
    return _("Đăng ký khai sinh đúng hạn (Điều 11 Luật Hộ tịch)")


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in BIRTH_FIELDS:
        value = data.get(name)
        if name in BIRTH_DATE_FIELDS:
            cleaned[name] = _parse_date(value)
        else:
            cleaned[name] = str(value or "").strip()
    return cleaned


def _register_for(unit_id: int, year: int) -> CivilRegister:
    register, _created = CivilRegister.objects.get_or_create(
        unit_id=unit_id, kind=CivilRegister.Kind.BIRTH, year=year, book_number=1
    )
    return register


@transaction.atomic
def register_birth(
    *,
    actor: User,
    dossier: Dossier,
    data: dict[str, Any],
    registered_on: datetime.date | None = None,
) -> BirthEntry:
    """Register the birth declared in `dossier` (khai sinh, 1.001193) in the unit's register.

    The entry number is allocated under the register's counter lock (no gap, no repeat);
    version 1 keeps the original values; the checked values are written back to the
    dossier's declared data. When the official may record the dossier's result now, the
    birth certificate is recorded as the result. Raises PermissionDenied, DomainError or
    ValidationError; nothing is written then.
    """
    if not actor.has_perm(REGISTER_PERMISSION):
        raise PermissionDenied
    if actor.unit_id is None or actor.unit_id != dossier.unit_id:
        raise PermissionDenied
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "applicant", "current_step")
        .get(pk=dossier.pk)
    )
    if dossier.procedure.code != BIRTH_PROCEDURE_CODE:
        raise NotABirthDossierError(_("Hồ sơ này không phải hồ sơ đăng ký khai sinh."))
    if dossier.status not in PROCESSING_STATUSES:
        raise DossierNotInProcessingError(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không thể đăng ký khai sinh.")
            % {"status": dossier.get_status_display()}
        )
    if BirthEntry.objects.filter(dossier=dossier).exists():
        raise AlreadyRegisteredError(_("Hồ sơ này đã được đăng ký khai sinh."))
    registered_on = registered_on or timezone.localdate()
    values = _clean_data(data)
    _validate(values, registered_on=registered_on)

    register = _register_for(dossier.unit_id, registered_on.year)
    entry = BirthEntry(
        unit_id=dossier.unit_id,
        register=register,
        dossier=dossier,
        registered_on=registered_on,
        registered_by=actor,
        **values,
    )
    entry.refresh_derived()
    entry.fee_exempt_reason = _fee_exempt_reason(entry)
    entry.entry_number = 0  # placeholder so full_clean passes; allocated just below
    entry.full_clean(exclude=["entry_number"], validate_unique=False)
    entry.entry_number = allocate_number(
        unit=dossier.unit, register=f"birth:{register.year}", period=str(register.year)
    )
    entry.save(force_insert=True)
    now = timezone.now()
    BirthEntryVersion.objects.create(
        unit_id=entry.unit_id,
        entry=entry,
        number=1,
        data=entry.snapshot(),
        changed_by=actor,
        changed_at=now,
    )
    # What the official checked becomes the dossier's declared data (typed once).
    dossier.declared_data = {
        **(dossier.declared_data or {}),
        **{name: _json_value(value) for name, value in values.items()},
    }
    dossier.save(update_fields=["declared_data"])
    record_audit_event(
        action="civil_registry.birth_registered",
        actor=actor,
        target=entry,
        data={
            "dossier": dossier.code,
            "year": register.year,
            "book_number": register.book_number,
            "entry_number": entry.entry_number,
            "is_late_registration": entry.is_late_registration,
        },
    )
    if result_services.can_record_result(actor, dossier):
        result_services.record_result(
            actor=actor,
            dossier=dossier,
            number=_("Số %(number)s, quyển số %(book)s/%(year)s")
            % {"number": entry.entry_number, "book": register.book_number, "year": register.year},
            issued_on=registered_on,
            signer_name=entry.signer_name or actor.get_full_name() or str(actor),
            summary=_("Giấy khai sinh của %(name)s") % {"name": entry.child_full_name},
        )
    return entry


@transaction.atomic
def correct_birth_entry(
    *, actor: User, entry: BirthEntry, changes: dict[str, Any], reason: str
) -> BirthEntry:
    """Correct (cải chính) an entry: a new version is stored, earlier versions are kept."""
    if not actor.has_perm(REGISTER_PERMISSION):
        raise PermissionDenied
    if actor.unit_id is None or actor.unit_id != entry.unit_id:
        raise PermissionDenied
    entry = BirthEntry.objects.select_for_update().select_related("register").get(pk=entry.pk)
    if not reason.strip():
        raise ValidationError({"reason": [_("Hãy nhập lý do cải chính.")]})
    unknown = set(changes) - set(BIRTH_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    values = {**entry.snapshot(), **changes}
    values = _clean_data(values)
    _validate(values, registered_on=entry.registered_on)
    before = entry.snapshot()
    for name, value in values.items():
        setattr(entry, name, value)
    after = entry.snapshot()
    changed = sorted(name for name in BIRTH_FIELDS if before[name] != after[name])
    if not changed:
        raise ValidationError(_("Không có nội dung nào thay đổi."))
    entry.refresh_derived()
    entry.fee_exempt_reason = _fee_exempt_reason(entry)
    entry.version += 1
    entry.full_clean(validate_unique=False)
    entry.save()
    BirthEntryVersion.objects.create(
        unit_id=entry.unit_id,
        entry=entry,
        number=entry.version,
        data=after,
        reason=reason.strip(),
        changed_by=actor,
        changed_at=timezone.now(),
    )
    record_audit_event(
        action="civil_registry.birth_corrected",
        actor=actor,
        target=entry,
        data={"version": entry.version, "fields": changed, "reason": reason.strip()},
    )
    return entry


# --- Selectors ------------------------------------------------------------------------------


def can_view_registers(user: User) -> bool:
    return user.has_perm(VIEW_PERMISSION) or user.has_perm(REGISTER_PERMISSION)


def birth_entries_for(*, user: User) -> QuerySet[BirthEntry]:
    """Birth entries of the units `user` may read (none without the view permission)."""
    if not can_view_registers(user):
        return BirthEntry.objects.none()
    return BirthEntry.objects.readable_by(user).select_related("register", "dossier")


def search_birth_entries(
    *, user: User, query: str = "", year: int | None = None
) -> QuerySet[BirthEntry]:
    """Entries matching `query` on the child's and parents' names (diacritics-insensitive)
    or an exact date of birth (dd/mm/yyyy or yyyy-mm-dd)."""
    entries = birth_entries_for(user=user)
    if year is not None:
        entries = entries.filter(register__year=year)
    born = _parse_query_date(query)
    if born is not None:
        return entries.filter(date_of_birth=born)
    return apply_search(entries, query)


def _parse_query_date(query: str | None) -> datetime.date | None:
    text = (query or "").strip()
    # A date only (no time of day), so no time zone is involved.
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def get_birth_entry_for(*, user: User, pk: int) -> BirthEntry:
    """One entry the user may read; 404 for another unit's entry."""
    try:
        return birth_entries_for(user=user).get(pk=pk)
    except BirthEntry.DoesNotExist as exc:
        raise Http404 from exc
