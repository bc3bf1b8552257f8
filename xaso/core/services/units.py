"""Unit settings and agency identifiers (writes), and the province's view of its communes.

Writes: only a unit's own administrators (`core.manage_unit`) change it, each change in one
transaction with its audit event. Reads for province supervision are scoped through
`readable_units`, so a province never sees another province's communes.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import models
from django.db import transaction
from django.db.models import Count
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.search import search_filter
from xaso.core.tenancy import can_write_in
from xaso.core.tenancy import readable_units

SETTINGS_FIELDS = (
    "saturday_morning_service",
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "cutoff_time",
    "cutoff_inclusive",
)
RECENT_AUDIT_DAYS = 30


def _require_unit_manager(actor: User, unit: AdministrativeUnit | int) -> None:
    # Both checks: the position grants the right, and it applies only in the actor's unit
    # (a province administrator does not edit a commune).
    if not can_write_in(actor, unit) or not actor.has_perm("core.manage_unit"):
        raise PermissionDenied(_("Bạn không có quyền sửa thông tin của đơn vị này."))


def _lock_unit(unit: AdministrativeUnit) -> AdministrativeUnit:
    """Lock the unit row: serializes every change of its settings and identifiers."""
    return AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime.time):
        return _hhmm(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _validate_office_hours(
    *,
    morning_start: datetime.time,
    morning_end: datetime.time,
    afternoon_start: datetime.time,
    afternoon_end: datetime.time,
    cutoff_time: datetime.time,
) -> None:
    """Refuse hours out of order with one message per field (the model only has a generic
    check constraint, whose message would not tell the user what to fix)."""
    errors: dict[str, str] = {}
    if morning_start >= morning_end:
        errors["morning_end"] = _("Giờ kết thúc buổi sáng phải sau giờ bắt đầu buổi sáng.")
    if morning_end > afternoon_start:
        errors["afternoon_start"] = _(
            "Giờ bắt đầu buổi chiều (%(afternoon)s) không được sớm hơn giờ kết thúc "
            "buổi sáng (%(morning)s)."
        ) % {"afternoon": _hhmm(afternoon_start), "morning": _hhmm(morning_end)}
    if afternoon_start >= afternoon_end:
        errors["afternoon_end"] = _("Giờ kết thúc buổi chiều phải sau giờ bắt đầu buổi chiều.")
    # A cut-off outside office hours would never apply (or apply to every dossier).
    if not morning_start <= cutoff_time <= afternoon_end:
        errors["cutoff_time"] = _(
            "Giờ chuyển hồ sơ sang ngày sau phải nằm trong giờ làm việc (%(start)s – %(end)s)."
        ) % {"start": _hhmm(morning_start), "end": _hhmm(afternoon_end)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_unit_settings(
    *,
    actor: User,
    unit: AdministrativeUnit,
    saturday_morning_service: bool,
    morning_start: datetime.time,
    morning_end: datetime.time,
    afternoon_start: datetime.time,
    afternoon_end: datetime.time,
    cutoff_time: datetime.time,
    cutoff_inclusive: bool,
) -> AdministrativeUnit:
    """Change the unit's office hours, Saturday-morning service and dossier cut-off.

    Raises PermissionDenied outside the actor's own unit and ValidationError (nothing
    saved) for hours out of order. Writes one `unit.updated` event listing old → new
    values; an unchanged form writes nothing.
    """
    _require_unit_manager(actor, unit)
    _validate_office_hours(
        morning_start=morning_start,
        morning_end=morning_end,
        afternoon_start=afternoon_start,
        afternoon_end=afternoon_end,
        cutoff_time=cutoff_time,
    )
    locked = _lock_unit(unit)
    new_values = {
        "saturday_morning_service": saturday_morning_service,
        "morning_start": morning_start,
        "morning_end": morning_end,
        "afternoon_start": afternoon_start,
        "afternoon_end": afternoon_end,
        "cutoff_time": cutoff_time,
        "cutoff_inclusive": cutoff_inclusive,
    }
    changes = {
        field: [_audit_value(getattr(locked, field)), _audit_value(value)]
        for field, value in new_values.items()
        if getattr(locked, field) != value
    }
    if not changes:
        return locked
    for field, value in new_values.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=list(changes))
    record_audit_event(
        actor=actor, unit=locked, action="unit.updated", target=locked, data={"changes": changes}
    )
    return locked


def _period(valid_from: datetime.date, valid_until: datetime.date | None) -> str:
    if valid_until is None:
        return _("từ %(start)s") % {"start": valid_from.strftime("%d/%m/%Y")}
    return _("từ %(start)s đến %(end)s") % {
        "start": valid_from.strftime("%d/%m/%Y"),
        "end": valid_until.strftime("%d/%m/%Y"),
    }


def _overlaps(
    a_from: datetime.date,
    a_until: datetime.date | None,
    b_from: datetime.date,
    b_until: datetime.date | None,
) -> bool:
    return a_from <= (b_until or datetime.date.max) and b_from <= (a_until or datetime.date.max)


def _refuse_overlap(
    *,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    others: list[tuple[AgencyIdentifier, datetime.date | None]],
) -> None:
    for other, other_until in others:
        if _overlaps(valid_from, valid_until, other.valid_from, other_until):
            raise ValidationError(
                _(
                    "Thời gian hiệu lực %(period)s trùng với mã định danh %(identifier)s "
                    "(hiệu lực %(other_period)s). Mỗi ngày đơn vị chỉ có một mã định danh."
                )
                % {
                    "period": _period(valid_from, valid_until),
                    "identifier": other.identifier,
                    "other_period": _period(other.valid_from, other_until),
                },
                code="overlap",
            )


def _check_identifier_fields(candidate: AgencyIdentifier) -> None:
    # Field formats first (QĐ 20/2020 validator, lengths), dates next; uniqueness is
    # covered by the overlap check, whose message says which identifier is in the way.
    candidate.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
    if candidate.valid_until is not None and candidate.valid_until < candidate.valid_from:
        raise ValidationError(
            {"valid_until": _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")}
        )


@transaction.atomic
def add_agency_identifier(
    *,
    actor: User,
    unit: AdministrativeUnit,
    identifier: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> AgencyIdentifier:
    """Record a new agency identifier of `unit`.

    The identifier in force (open-ended, starting earlier) is closed the day before
    `valid_from`, as when the 2025 reform replaced identifiers. Any other overlap with the
    recorded history is refused with ValidationError and nothing is changed.
    """
    _require_unit_manager(actor, unit)
    locked = _lock_unit(unit)
    new = AgencyIdentifier(
        unit=locked,
        identifier=identifier,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    _check_identifier_fields(new)
    existing = list(AgencyIdentifier.objects.filter(unit=locked).order_by("valid_from"))
    open_before = [e for e in existing if e.valid_until is None and e.valid_from < valid_from]
    closing = open_before[-1] if open_before else None
    closing_until = valid_from - datetime.timedelta(days=1)
    _refuse_overlap(
        valid_from=valid_from,
        valid_until=valid_until,
        others=[(e, closing_until if e is closing else e.valid_until) for e in existing],
    )
    data: dict[str, Any] = {
        "identifier": identifier,
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "note": note,
    }
    if closing is not None:
        closing.valid_until = closing_until
        closing.full_clean()
        closing.save(update_fields=["valid_until"])
        data["closed_previous"] = {
            "id": closing.pk,
            "identifier": closing.identifier,
            "valid_until": closing_until.isoformat(),
        }
    new.full_clean()
    new.save()
    record_audit_event(
        actor=actor, unit=locked, action="unit.agency_identifier_added", target=new, data=data
    )
    return new


@transaction.atomic
def update_agency_identifier(
    *,
    actor: User,
    agency_identifier: AgencyIdentifier,
    identifier: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    note: str,
) -> AgencyIdentifier:
    """Correct a recorded identifier or its validity dates (e.g. a typing error).

    Refuses (ValidationError, nothing changed) a period overlapping another identifier of
    the unit; unlike `add_agency_identifier` it closes nothing by itself.
    """
    _require_unit_manager(actor, agency_identifier.unit_id)
    locked_unit = _lock_unit(agency_identifier.unit)
    current = AgencyIdentifier.objects.get(pk=agency_identifier.pk)
    new_values = {
        "identifier": identifier,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "note": note,
    }
    changes = {
        field: [_audit_value(getattr(current, field)), _audit_value(value)]
        for field, value in new_values.items()
        if getattr(current, field) != value
    }
    for field, value in new_values.items():
        setattr(current, field, value)
    _check_identifier_fields(current)
    others = AgencyIdentifier.objects.filter(unit=locked_unit).exclude(pk=current.pk)
    _refuse_overlap(
        valid_from=valid_from,
        valid_until=valid_until,
        others=[(e, e.valid_until) for e in others.order_by("valid_from")],
    )
    if not changes:
        return current
    current.full_clean()
    current.save(update_fields=list(changes))
    record_audit_event(
        actor=actor,
        unit=locked_unit,
        action="unit.agency_identifier_updated",
        target=current,
        data={"changes": changes},
    )
    return current


# --- Reads (selectors) --------------------------------------------------------------------


def get_own_agency_identifier(*, user: User, pk: int) -> AgencyIdentifier:
    """An identifier of the user's own unit; 404 for any other unit's identifier."""
    try:
        return AgencyIdentifier.objects.select_related("unit").get(
            pk=pk, unit_id=user.unit_id, unit__isnull=False
        )
    except AgencyIdentifier.DoesNotExist as exc:
        raise Http404 from exc


def agency_identifier_history(*, unit: AdministrativeUnit) -> models.QuerySet[AgencyIdentifier]:
    """The unit's identifiers, newest first."""
    return AgencyIdentifier.objects.filter(unit=unit).order_by("-valid_from")


def can_supervise_communes(user: User) -> bool:
    """Province supervision: the permission, held by a user of a province."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.unit_id
        and user.unit.is_province
        and user.has_perm("core.supervise_communes")
    )


def _current_identifier_subquery(day: datetime.date) -> Subquery:
    return Subquery(
        AgencyIdentifier.objects.filter(unit=OuterRef("pk"), valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .values("identifier")[:1]
    )


def supervised_communes(
    *, user: User, query: str = "", today: datetime.date | None = None
) -> models.QuerySet[AdministrativeUnit]:
    """The communes of the supervisor's province, in GSO code order, with their identifier
    in force `today` (`current_agency_identifier`) and `active_staff_count`.

    `query` matches the name diacritics-insensitively ("quy chau" → "Xã Quỳ Châu", through
    the national list's `codename`) or the exact GSO code.
    """
    if not can_supervise_communes(user):
        return AdministrativeUnit.objects.none()
    day = today or timezone.localdate()
    communes = readable_units(user).communes()
    if query.strip():
        match = search_filter("codename", query, separator="_")
        if query.strip().isdigit():
            match |= Q(code=int(query.strip()))
        communes = communes.filter(match)
    return communes.annotate(
        current_agency_identifier=_current_identifier_subquery(day),
        active_staff_count=Count("staff", filter=Q(staff__is_active=True)),
    ).order_by("code")


def get_supervised_commune(*, user: User, pk: int) -> AdministrativeUnit:
    """One commune of the supervisor's province; 404 for any other unit."""
    try:
        return supervised_communes(user=user).get(pk=pk)
    except AdministrativeUnit.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class StaffSummary:
    """What a province supervisor sees of a commune official: no contact details."""

    full_name: str
    job_title: str
    positions: list[str]


def commune_staff_summary(*, commune: AdministrativeUnit) -> list[StaffSummary]:
    """Active staff of `commune` without personal contacts (e-mail, phone, username)."""
    staff = (
        User.objects.filter(unit=commune, is_active=True)
        .prefetch_related("positions")
        .order_by("full_name", "pk")
    )
    return [
        StaffSummary(
            full_name=member.full_name or _("(chưa ghi họ tên)"),
            job_title=member.job_title,
            positions=[position.name for position in member.positions.all()],
        )
        for member in staff
    ]


def recent_audit_event_count(
    *, unit: AdministrativeUnit, days: int = RECENT_AUDIT_DAYS, now: datetime.datetime | None = None
) -> int:
    """How many audit events the unit recorded in the last `days` days."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    return AuditEvent.objects.filter(unit=unit, created_at__gte=since).count()
