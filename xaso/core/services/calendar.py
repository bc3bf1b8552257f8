"""The working-day calendar of a unit: reads, deadline checks and the administrator's changes."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from xaso.core import working_days
from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import CalendarOverride
from xaso.core.models import CalendarYear
from xaso.core.models import User
from xaso.core.tenancy import can_write_in
from xaso.core.tenancy import readable_units

MANAGE_CALENDAR = "core.manage_calendar"
# The `holidays` package and the lunar tables are trusted in this range only.
FIRST_YEAR = 2000
LAST_YEAR = 2099


def _calendar_unit_ids(unit: AdministrativeUnit) -> list[int]:
    """The province first, then the unit, so the unit's rows are applied last."""
    if unit.is_province or unit.parent_id is None:
        return [unit.pk]
    return [unit.parent_id, unit.pk]


def calendar_for_unit(unit: AdministrativeUnit) -> working_days.WorkCalendar:
    """The legal calendar of `unit`: the package, its province's overrides, then its own.

    A commune's override beats its province's for the same date. Office hours and the
    cut-off come from the unit; approved years from the unit or its province.
    """
    unit_ids = _calendar_unit_ids(unit)
    rows = CalendarOverride.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "date", "kind", "reason", "legal_reference"
    )
    rank = {unit_id: index for index, unit_id in enumerate(unit_ids)}
    overrides: dict[datetime.date, working_days.DayOverride] = {}
    for _unit_id, day, kind, reason, legal_reference in sorted(rows, key=lambda r: rank[r[0]]):
        overrides[day] = working_days.DayOverride(
            is_working=kind == CalendarOverride.Kind.WORKING_DAY,
            reason=reason,
            legal_reference=legal_reference,
        )
    approved_years = CalendarYear.objects.filter(unit_id__in=unit_ids).values_list(
        "year", flat=True
    )
    return working_days.WorkCalendar(
        overrides=overrides,
        office_periods=(
            (unit.morning_start, unit.morning_end),
            (unit.afternoon_start, unit.afternoon_end),
        ),
        cutoff_time=unit.cutoff_time,
        cutoff_inclusive=unit.cutoff_inclusive,
        approved_years=frozenset(approved_years),
        saturday_morning_service=unit.saturday_morning_service,
    )


def get_calendar_unit_for(*, user: User, unit_pk: int | None = None) -> AdministrativeUnit:
    """The unit whose calendar `user` asks to see: their own, or (province supervisors)
    one of their province's communes. Any other unit, or no unit at all, is a 404.
    """
    if unit_pk is None:
        if not user.is_authenticated or user.unit is None:
            raise Http404
        return user.unit
    unit = readable_units(user).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    return unit


def list_calendar_overrides_for(*, unit: AdministrativeUnit, year: int) -> list[CalendarOverride]:
    """The overrides that shape `unit`'s calendar in `year` (its province's and its own)."""
    return list(
        CalendarOverride.objects.filter(unit_id__in=_calendar_unit_ids(unit), date__year=year)
        .select_related("unit")
        .order_by("date", "unit__level")
    )


def get_approved_calendar_year(*, unit: AdministrativeUnit, year: int) -> CalendarYear | None:
    """The approval covering `unit`'s calendar of `year`: its own, else its province's."""
    approvals = CalendarYear.objects.filter(
        unit_id__in=_calendar_unit_ids(unit), year=year
    ).select_related("unit", "approved_by")
    own = [approval for approval in approvals if approval.unit_id == unit.pk]
    return own[0] if own else next(iter(approvals), None)


@dataclass(frozen=True)
class DeadlineResult:
    counting_start: datetime.datetime
    due_at: datetime.datetime
    needs_review: bool


def calculate_deadline(
    *,
    unit: AdministrativeUnit,
    received_at: datetime.datetime,
    working_days_limit: int | None = None,
    working_hours_limit: float | None = None,
    first_day_is_receipt_day: bool = False,
) -> DeadlineResult:
    """Due time of a dossier received at `received_at` with a limit in working days or hours.

    Exactly one limit must be given. Both kinds start at the 15:00 rule's counting start;
    the result needs review when a year it spans has no approved calendar.
    """
    if (working_days_limit is None) == (working_hours_limit is None):
        raise ValidationError(
            _("Hãy nhập số ngày làm việc hoặc số giờ làm việc (chỉ một trong hai).")
        )
    cal = calendar_for_unit(unit)
    start = working_days.counting_start(cal, received_at)
    if working_days_limit is not None:
        due_at = working_days.add_working_days(
            cal,
            received_at,
            working_days_limit,
            first_day_is_receipt_day=first_day_is_receipt_day,
        )
    else:
        due_at = working_days.add_working_hours(cal, start, working_hours_limit or 0)
    return DeadlineResult(
        counting_start=start,
        due_at=due_at,
        needs_review=working_days.needs_review(cal, received_at, due_at),
    )


def _check_may_manage(actor: User, unit: AdministrativeUnit) -> None:
    if not actor.has_perm(MANAGE_CALENDAR) or not can_write_in(actor, unit):
        raise PermissionDenied


def _format_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require_legal_reference(legal_reference: str) -> str:
    legal_reference = legal_reference.strip()
    if not legal_reference:
        raise ValidationError(
            {"legal_reference": _("Hãy ghi văn bản quyết định (số, ngày, cơ quan ban hành).")}
        )
    return legal_reference


@transaction.atomic
def add_calendar_override(
    *,
    actor: User,
    unit: AdministrativeUnit,
    date: datetime.date,
    kind: str,
    reason: str,
    legal_reference: str,
) -> CalendarOverride:
    """Record a government decision for one date of `unit`'s calendar (a swapped working
    day or an extra day off), with its legal reference, and audit it.

    Raises PermissionDenied unless `actor` manages the calendar of `unit`; ValidationError
    when the date already has an override of this unit, or when the override would not
    change the day (a "working day" on a day that already is one).
    """
    _check_may_manage(actor, unit)
    legal_reference = _require_legal_reference(legal_reference)
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ValidationError(
            {
                "date": _("Chỉ điều chỉnh được các ngày từ năm %(first)s đến năm %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    if CalendarOverride.objects.filter(unit=unit, date=date).exists():
        raise ValidationError(
            {
                "date": _("Ngày %(date)s đã có điều chỉnh; hãy xóa điều chỉnh cũ trước.")
                % {"date": _format_date(date)}
            }
        )
    is_working = kind == CalendarOverride.Kind.WORKING_DAY
    if working_days.is_working_day(calendar_for_unit(unit), date) == is_working:
        message = (
            _("Ngày %(date)s đã là ngày làm việc; điều chỉnh này không thay đổi gì.")
            if is_working
            else _("Ngày %(date)s đã là ngày nghỉ; điều chỉnh này không thay đổi gì.")
        )
        raise ValidationError({"kind": message % {"date": _format_date(date)}})
    override = CalendarOverride(
        unit=unit,
        date=date,
        kind=kind,
        reason=reason.strip(),
        legal_reference=legal_reference,
        created_by=actor,
    )
    override.full_clean()
    override.save()
    record_audit_event(
        actor=actor,
        unit=unit,
        action="calendar.override_added",
        target=override,
        data={
            "date": date,
            "kind": kind,
            "reason": override.reason,
            "legal_reference": legal_reference,
        },
    )
    return override


@transaction.atomic
def delete_calendar_override(*, actor: User, override: CalendarOverride) -> None:
    """Remove an override of the actor's own unit; the audit event keeps what it said.

    Raises PermissionDenied unless `actor` manages the calendar of the override's unit.
    """
    _check_may_manage(actor, override.unit)
    record_audit_event(
        actor=actor,
        unit=override.unit,
        action="calendar.override_deleted",
        target=override,
        data={
            "date": override.date,
            "kind": override.kind,
            "reason": override.reason,
            "legal_reference": override.legal_reference,
        },
    )
    override.delete()


@transaction.atomic
def approve_calendar_year(
    *, actor: User, unit: AdministrativeUnit, year: int, legal_reference: str
) -> CalendarYear:
    """Confirm that `unit`'s calendar of `year` matches the official one, and audit it.

    Deadlines in a year without an approval are flagged for review (working-days.md §3).
    Raises PermissionDenied unless `actor` manages the calendar of `unit`; ValidationError
    when the year is already approved for the unit or is out of range.
    """
    _check_may_manage(actor, unit)
    legal_reference = _require_legal_reference(legal_reference)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("Năm phải trong khoảng %(first)s–%(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    if CalendarYear.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("Lịch năm %(year)s đã được duyệt.") % {"year": year}})
    approval = CalendarYear(
        unit=unit, year=year, legal_reference=legal_reference, approved_by=actor
    )
    approval.full_clean()
    approval.save()
    overrides = CalendarOverride.objects.filter(
        unit_id__in=_calendar_unit_ids(unit), date__year=year
    ).count()
    record_audit_event(
        actor=actor,
        unit=unit,
        action="calendar.year_approved",
        target=approval,
        data={"year": year, "legal_reference": legal_reference, "override_count": overrides},
    )
    return approval
