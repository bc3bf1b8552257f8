"""Registers and statistics of the one-stop desk, computed from the dossiers' own records.

Read-only selectors: the yearly dossier tracking book (Sổ theo dõi hồ sơ, 2025 form 07 /
2018 form 06), the statistics of a period (QĐ 766 indicators 2.1 and 2.2) and the list
of overdue dossiers. Everything is computed from timestamps (received_at, closed_at,
finished_at of steps), not from the current status, so a past period gives the same
numbers later on, apart from due times changed since (supplements restart the clock).

Definitions used by the statistics (indicators-766.md §3, onestop.md §9):

- A dossier is **finished** when it is closed with a result: returned (Đã trả kết quả) or
  refused after appraisal (ND 61/2018 Đ19.8 logs a refusal as a return). Its moment is
  `closed_at`; its timing is the outcome the closing service stored (against the due
  time then in force, early when before the due day), recomputed the same way when
  missing.
- A dossier **withdrawn** by the applicant or **stopped** is closed without a result: it
  counts in neither the finished nor the in-progress figures (shown on its own).
- A dossier is **in progress** at the reference moment when it was received by then and
  not yet closed (a result ready but not yet handed over is still in progress). It is
  within its deadline when its due time is not past, or when its clock is stopped
  waiting for a supplement.
- The reference moment is the end of the period, or now for a period not over yet.
- Indicator 2.1 (on time) = (finished early or on time + in progress within deadline) /
  (finished + in progress), the dossiers received or processed in the period.
- Indicator 2.2 (average time) = the office time between the start of counting and
  the close, averaged over the finished dossiers (and the elapsed calendar days).
"""

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.db.models import Min
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xaso.core import working_days
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.services.calendar import calendar_for_unit
from xaso.core.tenancy import readable_units
from xaso.core.working_days import WorkCalendar
from xaso.dossiers import deadlines
from xaso.dossiers.models import Channel
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import TimingOutcome

VIEW_ALL_DOSSIERS = "dossiers.view_all_dossiers"
FINISHED_STATUSES = (Dossier.Status.RETURNED, Dossier.Status.REFUSED)
DROPPED_STATUSES = (Dossier.Status.WITHDRAWN, Dossier.Status.STOPPED)


def get_report_unit_for(*, user: User, unit_pk: int | None = None) -> AdministrativeUnit:
    """The unit whose registers `user` asks for: their own, or (province supervisors) a
    commune of their province named by `unit_pk`. Any other unit, or none: 404."""
    if unit_pk is None:
        if not user.is_authenticated or user.unit is None:
            raise Http404
        return user.unit
    unit = readable_units(user).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    return unit


def units_to_choose(user: User) -> list[AdministrativeUnit]:
    """The communes a province supervisor may pick (empty for a commune user)."""
    if user.unit is None or not user.unit.is_province:
        return []
    return list(
        readable_units(user).filter(level=AdministrativeUnit.Level.COMMUNE).order_by("name")
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _rate(part: int, whole: int) -> Decimal | None:
    """part / whole in percent with one decimal (as the indicators are published)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- The dossier tracking book -----------------------------------------------------------


@dataclass(frozen=True)
class BookFilters:
    year: int
    procedure_id: int | None = None
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class BookRow:
    """One line of the book, in the columns of form 07 (2025) / 06 (2018)."""

    number: int
    code: str
    procedure: str
    copies: int
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    lead_agency: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    sent_at: datetime.datetime | None
    result_back_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    status: str
    note: str


def book_queryset(*, unit: AdministrativeUnit, filters: BookFilters) -> QuerySet[Dossier]:
    """The dossiers of `unit`'s book of `filters.year`, in book order, narrowed by filters.

    `sent_at` is the hand-over from the desk to the processing side (the reception step
    finished) or to another agency (first transfer), whichever came first; `result_back_at`
    the latest result coming back from another agency, else the moment the result was ready.
    """
    dossiers = Dossier.objects.filter(unit=unit, book_year=filters.year)
    if filters.procedure_id:
        dossiers = dossiers.filter(procedure_id=filters.procedure_id)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.date_from:
        dossiers = dossiers.filter(received_at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        dossiers = dossiers.filter(
            received_at__lt=_local_midnight(filters.date_to + datetime.timedelta(days=1))
        )
    return (
        dossiers.select_related("procedure", "applicant", "unit")
        .annotate(
            handed_over_at=Min(
                "steps__finished_at", filter=Q(steps__kind=ProcessStep.Kind.RECEPTION)
            ),
            transferred_at=Min("transfers__sent_at"),
            transfer_back_at=Max("transfers__returned_at"),
        )
        .order_by("book_number")
    )


def book_row(dossier: Any) -> BookRow:
    """The book line of a dossier from `book_queryset` (with its annotations)."""
    sent = [t for t in (dossier.handed_over_at, dossier.transferred_at) if t is not None]
    applicant = dossier.applicant
    notes = []
    if dossier.extension_count:
        notes.append(_("Hẹn lại %(count)s lần") % {"count": dossier.extension_count})
    if dossier.submitter_name:
        notes.append(_("Người nộp thay: %(name)s") % {"name": dossier.submitter_name})
    return BookRow(
        number=dossier.book_number,
        code=dossier.code,
        procedure=dossier.procedure.name,
        copies=dossier.copies,
        applicant_name=applicant.full_name,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        lead_agency=dossier.procedure.implementing_agency or dossier.unit.name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        sent_at=min(sent) if sent else None,
        result_back_at=dossier.transfer_back_at or dossier.result_ready_at,
        returned_at=dossier.returned_at,
        status=dossier.get_status_display(),
        note="; ".join(notes),
    )


def book_rows(*, unit: AdministrativeUnit, filters: BookFilters) -> list[BookRow]:
    return [book_row(dossier) for dossier in book_queryset(unit=unit, filters=filters)]


def book_years(unit: AdministrativeUnit) -> list[int]:
    """The years the unit has a book for (newest first), always with the current one."""
    years = set(
        Dossier.objects.filter(unit=unit).order_by().values_list("book_year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# Headers marked for makemessages, translated when the workbook is written.
BOOK_COLUMNS = [
    ("number", gettext_noop("STT")),
    ("code", gettext_noop("Mã hồ sơ")),
    ("procedure", gettext_noop("Tên thủ tục hành chính")),
    ("copies", gettext_noop("Số lượng hồ sơ (bộ)")),
    ("applicant_name", gettext_noop("Tên cá nhân, tổ chức")),
    ("applicant_address", gettext_noop("Địa chỉ")),
    ("applicant_phone", gettext_noop("Số điện thoại")),
    ("lead_agency", gettext_noop("Cơ quan chủ trì giải quyết")),
    ("received_at", gettext_noop("Nhận hồ sơ")),
    ("due_at", gettext_noop("Hẹn trả kết quả")),
    ("sent_at", gettext_noop("Chuyển hồ sơ đến cơ quan giải quyết")),
    ("result_back_at", gettext_noop("Nhận kết quả từ cơ quan giải quyết")),
    ("returned_at", gettext_noop("Trả kết quả cho cá nhân, tổ chức")),
    ("status", gettext_noop("Trạng thái")),
    ("note", gettext_noop("Ghi chú")),
]


def book_xlsx(*, unit: AdministrativeUnit, filters: BookFilters, rows: list[BookRow]) -> bytes:
    """The book as a workbook: title, unit and year, then one line per dossier.

    Times are local (the unit's time zone) without zone, formatted dd/mm/yyyy hh:mm.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sổ theo dõi hồ sơ")
    sheet.append([_("SỔ THEO DÕI HỒ SƠ")])
    sheet.append([_("%(unit)s — năm %(year)s") % {"unit": unit.name, "year": filters.year}])
    sheet.append([])
    sheet.append([_(header) for _key, header in BOOK_COLUMNS])
    sheet["A1"].font = Font(bold=True, size=14)
    for index in range(1, len(BOOK_COLUMNS) + 1):
        cell = sheet.cell(row=4, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [6, 26, 40, 10, 24, 30, 14, 24, 16, 16, 16, 16, 16, 18, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        values = []
        for key, _header in BOOK_COLUMNS:
            value = getattr(row, key)
            if isinstance(value, datetime.datetime):
                value = timezone.localtime(value).replace(tzinfo=None)
            values.append(value)
        sheet.append(values)
        for index, (key, _header) in enumerate(BOOK_COLUMNS, start=1):
            if key.endswith("_at"):
                sheet.cell(row=sheet.max_row, column=index).number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "C5"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- Statistics --------------------------------------------------------------------------


@dataclass
class Counts:
    """The figures of one group of dossiers (the whole unit, a field, a procedure …)."""

    received: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    dropped: int = 0
    working_hours_total: Decimal = Decimal(0)
    calendar_days_total: Decimal = Decimal(0)

    @property
    def processed(self) -> int:
        """Dossiers received or processed in the period (denominator of 2.1)."""
        return self.finished + self.in_progress

    @property
    def on_time_rate(self) -> Decimal | None:
        """Indicator 2.1, in percent."""
        return _rate(self.early + self.on_time + self.in_progress_within, self.processed)

    @property
    def early_rate(self) -> Decimal | None:
        return _rate(self.early, self.finished)

    @property
    def on_time_only_rate(self) -> Decimal | None:
        return _rate(self.on_time, self.finished)

    @property
    def late_rate(self) -> Decimal | None:
        return _rate(self.late, self.finished)

    @property
    def average_working_hours(self) -> Decimal | None:
        """Indicator 2.2: average office time of the finished dossiers, in hours."""
        if not self.finished:
            return None
        return (self.working_hours_total / self.finished).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def average_calendar_days(self) -> Decimal | None:
        if not self.finished:
            return None
        return (self.calendar_days_total / self.finished).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class GroupRow:
    key: str
    label: str
    counts: Counts


@dataclass
class OfficialRow:
    """Steps an official finished in the period, with their timing."""

    user_id: int
    name: str
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.early + self.on_time, self.finished)


@dataclass
class Statistics:
    unit: AdministrativeUnit
    date_from: datetime.date
    date_to: datetime.date
    as_of: datetime.datetime
    total: Counts
    by_field: list[GroupRow] = field(default_factory=list)
    by_procedure: list[GroupRow] = field(default_factory=list)
    by_channel: list[GroupRow] = field(default_factory=list)
    by_official: list[OfficialRow] = field(default_factory=list)
    by_month: list[GroupRow] = field(default_factory=list)


def _outcome(dossier: Dossier, cal: WorkCalendar) -> str:
    if dossier.timing_outcome:
        return dossier.timing_outcome
    return deadlines.timing_outcome(finished_at=dossier.closed_at, due_at=dossier.due_at, cal=cal)


def _add(
    counts: Counts,
    dossier: Dossier,
    *,
    cal: WorkCalendar,
    start: datetime.datetime,
    end: datetime.datetime,
    as_of: datetime.datetime,
) -> None:
    if start <= dossier.received_at < end:
        counts.received += 1
    closed = dossier.closed_at is not None and dossier.closed_at <= as_of
    if not closed:
        counts.in_progress += 1
        stopped = dossier.clock_stopped_at is not None and dossier.clock_stopped_at <= as_of
        if stopped or dossier.due_at >= as_of:
            counts.in_progress_within += 1
        else:
            counts.in_progress_overdue += 1
        return
    if dossier.status in DROPPED_STATUSES:
        counts.dropped += 1
        return
    counts.finished += 1
    outcome = _outcome(dossier, cal)
    if outcome == TimingOutcome.EARLY:
        counts.early += 1
    elif outcome == TimingOutcome.LATE:
        counts.late += 1
    else:
        counts.on_time += 1
    office = working_days.working_time_between(cal, dossier.counting_start, dossier.closed_at)
    counts.working_hours_total += Decimal(office.total_seconds()) / 3600
    elapsed = dossier.closed_at - dossier.received_at
    counts.calendar_days_total += Decimal(elapsed.total_seconds()) / 86400


def period_dossiers(
    *, unit: AdministrativeUnit, start: datetime.datetime, as_of: datetime.datetime
) -> QuerySet[Dossier]:
    """Dossiers received or processed in [start, as_of]: received by `as_of` and not closed
    before `start`."""
    return (
        Dossier.objects.filter(unit=unit, received_at__lt=as_of)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .select_related("procedure", "procedure__field")
    )


def compute_statistics(
    *,
    unit: AdministrativeUnit,
    date_from: datetime.date,
    date_to: datetime.date,
    now: datetime.datetime | None = None,
) -> Statistics:
    """The one-stop figures of `unit` for the whole days `date_from` to `date_to` (local).

    See the module docstring for the definitions. `now` (default: the clock) caps the
    reference moment of a period not over yet.
    """
    now = now or timezone.now()
    start = _local_midnight(date_from)
    end = _local_midnight(date_to + datetime.timedelta(days=1))
    as_of = min(end, now)
    cal = calendar_for_unit(unit)
    total = Counts()
    fields: dict[str, GroupRow] = {}
    procedures: dict[str, GroupRow] = {}
    channels: dict[str, GroupRow] = {
        value: GroupRow(value, str(label), Counts()) for value, label in Channel.choices
    }
    months: dict[str, GroupRow] = {}
    for dossier in period_dossiers(unit=unit, start=start, as_of=as_of).iterator(chunk_size=2000):
        procedure = dossier.procedure
        field_row = fields.setdefault(
            procedure.field.code, GroupRow(procedure.field.code, procedure.field.name, Counts())
        )
        procedure_row = procedures.setdefault(
            procedure.code, GroupRow(procedure.code, procedure.name, Counts())
        )
        channel_row = channels.setdefault(
            dossier.channel, GroupRow(dossier.channel, dossier.channel, Counts())
        )
        for counts in (total, field_row.counts, procedure_row.counts, channel_row.counts):
            _add(counts, dossier, cal=cal, start=start, end=end, as_of=as_of)
        if start <= dossier.received_at < end:
            local = timezone.localtime(dossier.received_at)
            key = f"{local:%Y-%m}"
            month = months.setdefault(key, GroupRow(key, f"{local:%m/%Y}", Counts()))
            month.counts.received += 1
    return Statistics(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        total=total,
        by_field=sorted(fields.values(), key=lambda row: row.label),
        by_procedure=sorted(procedures.values(), key=lambda row: (-row.counts.processed, row.key)),
        by_channel=[
            row for row in channels.values() if row.counts.processed or row.counts.received
        ],
        by_official=_by_official(unit=unit, start=start, as_of=as_of, cal=cal),
        by_month=_months(date_from, date_to, months),
    )


def _months(
    date_from: datetime.date, date_to: datetime.date, found: dict[str, GroupRow]
) -> list[GroupRow]:
    """One row per calendar month of the period, empty months included."""
    rows = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        key = f"{year:04d}-{month:02d}"
        rows.append(found.get(key) or GroupRow(key, f"{month:02d}/{year}", Counts()))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def _by_official(
    *,
    unit: AdministrativeUnit,
    start: datetime.datetime,
    as_of: datetime.datetime,
    cal: WorkCalendar,
) -> list[OfficialRow]:
    """Steps finished in the period, by who finished them (the hand-overs of form 05/06)."""
    steps = DossierStep.objects.filter(
        dossier__unit=unit,
        finished_at__gte=start,
        finished_at__lt=as_of,
        finished_by__isnull=False,
    ).select_related("finished_by")
    rows: dict[int, OfficialRow] = {}
    for step in steps:
        user = step.finished_by
        row = rows.setdefault(user.pk, OfficialRow(user.pk, str(user)))
        row.finished += 1
        outcome = step.timing_outcome
        if not outcome and step.due_at is not None:
            outcome = deadlines.timing_outcome(
                finished_at=step.finished_at, due_at=step.due_at, cal=cal
            )
        if outcome == TimingOutcome.EARLY:
            row.early += 1
        elif outcome == TimingOutcome.LATE:
            row.late += 1
        else:
            row.on_time += 1
    return sorted(rows.values(), key=lambda row: (-row.finished, row.name))


# --- Overdue dossiers --------------------------------------------------------------------


@dataclass
class OverdueRow:
    dossier: Dossier
    overdue_hours: Decimal
    step_name: str
    step_holder: str
    step_due_at: datetime.datetime | None


def overdue_dossiers(
    *, unit: AdministrativeUnit, now: datetime.datetime | None = None
) -> list[OverdueRow]:
    """Open dossiers of `unit` past their due time, most overdue first, with the current
    step and who holds it. Dossiers waiting for a supplement (clock stopped) are not overdue.
    """
    now = now or timezone.now()
    cal = calendar_for_unit(unit)
    dossiers = (
        Dossier.objects.open()
        .filter(unit=unit, due_at__lt=now, clock_stopped_at__isnull=True)
        .select_related(
            "procedure",
            "applicant",
            "current_step",
            "current_step__assignee",
            "current_step__position",
        )
        .order_by("due_at", "book_number")
    )
    rows = []
    for dossier in dossiers:
        step = dossier.current_step
        holder = ""
        if step is not None:
            if step.assignee is not None:
                holder = str(step.assignee)
            elif step.position is not None:
                holder = step.position.name
        office = working_days.working_time_between(cal, dossier.due_at, now)
        rows.append(
            OverdueRow(
                dossier=dossier,
                overdue_hours=(Decimal(office.total_seconds()) / 3600).quantize(
                    Decimal("0.1"), ROUND_HALF_UP
                ),
                step_name=step.name if step else "",
                step_holder=holder,
                step_due_at=step.due_at if step else None,
            )
        )
    return rows


def summary_dict(statistics: Statistics) -> dict[str, Any]:
    """The headline figures as plain values (for the API)."""
    total = statistics.total

    def number(value: Decimal | None) -> float | None:
        return float(value) if value is not None else None

    return {
        "received": total.received,
        "finished": total.finished,
        "early": total.early,
        "on_time": total.on_time,
        "late": total.late,
        "in_progress": total.in_progress,
        "in_progress_within": total.in_progress_within,
        "in_progress_overdue": total.in_progress_overdue,
        "withdrawn_or_stopped": total.dropped,
        "on_time_rate": number(total.on_time_rate),
        "early_rate": number(total.early_rate),
        "late_rate": number(total.late_rate),
        "average_working_hours": number(total.average_working_hours),
        "average_calendar_days": number(total.average_calendar_days),
    }
