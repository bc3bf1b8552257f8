"""The legal working-day calendar and deadline arithmetic (pure: no ORM, no clock).

A `WorkCalendar` is the `holidays` package's Vietnamese calendar (solar and lunar holidays,
substitute days off, make-up working Saturdays) plus the administrator's per-date
overrides, the unit's office hours and its 15:00 cut-off. Every function takes the
calendar and the moments it needs as arguments, so the same inputs always give the same
deadline (docs: /work/shared/domain/working-days.md; xaso.core.services.calendar builds
the calendar of a unit).

Deadlines are aware datetimes in the calendar's time zone. Naive datetimes are refused:
a deadline without a time zone is a bug waiting for a server in another zone.
"""

import datetime
import enum
import functools
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_OFFICE_PERIODS: tuple[tuple[datetime.time, datetime.time], ...] = (
    (datetime.time(7, 30), datetime.time(11, 30)),
    (datetime.time(13, 30), datetime.time(17, 0)),
)
# ND 61/2018 Đ18, restated for ND 118/2025 Đ18.2: "tiếp nhận sau 15 giờ".
DEFAULT_CUTOFF_TIME = datetime.time(15, 0)
SATURDAY = 5
SUNDAY = 6
WEEKEND = frozenset({SATURDAY, SUNDAY})
# No legal calendar has two years without a working day; a longer search means the
# overrides are wrong, and looping for ever would hang the request.
_SEARCH_LIMIT_DAYS = 366 * 2


@dataclass(frozen=True)
class DayOverride:
    """An administrator's decision for one date, which beats the `holidays` package."""

    is_working: bool
    reason: str
    legal_reference: str = ""


@dataclass(frozen=True)
class _PackageYear:
    names: Mapping[datetime.date, str]
    make_up_working_days: frozenset[datetime.date]


@functools.cache
def _package_year(year: int) -> _PackageYear:
    """The `holidays` package's Vietnamese calendar of one year (cached per process).

    Building it takes about 0.1 s (lunar conversion); it depends only on the package
    version, so the cache is safe for the life of the process.
    """
    country = holidays.VN(years=year, language="vi")
    # `weekend_workdays` also lists other years' Saturdays; keep this year's only.
    make_up = frozenset(day for day in country.weekend_workdays if day.year == year)
    return _PackageYear(names=MappingProxyType(dict(country.items())), make_up_working_days=make_up)


@dataclass(frozen=True)
class WorkCalendar:
    """Everything needed to decide whether a moment is working time.

    - `overrides`: {date: DayOverride}; beat the package (a swapped working Saturday,
      an extra day off decided by the government or the province).
    - `office_periods`: ordered, non-overlapping (start, end) pairs of one working day;
      the gap between them is the lunch break.
    - `cutoff_time` / `cutoff_inclusive`: a receipt after the cut-off counts from the next
      working day; `cutoff_inclusive` makes exactly 15:00:00 count as after.
    - `approved_years`: years an administrator confirmed against the official calendar;
      deadlines touching other years need review (working-days.md §3).
    - `saturday_morning_service`: the desk receives on Saturday mornings. This opens the
      desk only; Saturday is still not a working day (working-days.md edge case #14).
    """

    overrides: Mapping[datetime.date, DayOverride] = field(default_factory=dict)
    office_periods: tuple[tuple[datetime.time, datetime.time], ...] = DEFAULT_OFFICE_PERIODS
    cutoff_time: datetime.time = DEFAULT_CUTOFF_TIME
    cutoff_inclusive: bool = False
    approved_years: frozenset[int] = frozenset()
    saturday_morning_service: bool = False
    timezone: datetime.tzinfo = VIETNAM_TZ

    def __post_init__(self) -> None:
        if not self.office_periods:
            raise ValueError("A calendar needs at least one office period.")
        previous_end: datetime.time | None = None
        for start, end in self.office_periods:
            if start >= end or (previous_end is not None and start < previous_end):
                raise ValueError("Office periods must be ordered and must not overlap.")
            previous_end = end
        # Freeze the containers too, so a calendar shared between requests cannot drift.
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        object.__setattr__(self, "approved_years", frozenset(self.approved_years))

    @property
    def opening_time(self) -> datetime.time:
        return self.office_periods[0][0]

    @property
    def closing_time(self) -> datetime.time:
        return self.office_periods[-1][1]


class DayKind(enum.StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # public holiday or substitute day off, from the package
    MAKE_UP_WORKING = "make_up_working"  # weekend day worked, from the package
    OVERRIDE_DAY_OFF = "override_day_off"
    OVERRIDE_WORKING = "override_working"


@dataclass(frozen=True)
class DayInfo:
    """What a date is, and why, for the calendar pages and the API."""

    date: datetime.date
    kind: DayKind
    is_working: bool
    name: str = ""  # holiday name or override reason
    legal_reference: str = ""
    package_name: str = ""  # the package's holiday an override replaces, if any


# --- days -------------------------------------------------------------------------


def _package(day: datetime.date) -> _PackageYear:
    return _package_year(day.year)


def describe_day(cal: WorkCalendar, day: datetime.date) -> DayInfo:
    """Classify `day`: override first, then the package's holidays and make-up days."""
    package = _package(day)
    package_name = package.names.get(day, "")
    override = cal.overrides.get(day)
    if override is not None:
        return DayInfo(
            date=day,
            kind=DayKind.OVERRIDE_WORKING if override.is_working else DayKind.OVERRIDE_DAY_OFF,
            is_working=override.is_working,
            name=override.reason,
            legal_reference=override.legal_reference,
            package_name=package_name,
        )
    if package_name:
        return DayInfo(date=day, kind=DayKind.HOLIDAY, is_working=False, name=package_name)
    if day in package.make_up_working_days:
        return DayInfo(date=day, kind=DayKind.MAKE_UP_WORKING, is_working=True)
    if day.weekday() in WEEKEND:
        return DayInfo(date=day, kind=DayKind.WEEKEND, is_working=False)
    return DayInfo(date=day, kind=DayKind.WORKING, is_working=True)


def is_working_day(cal: WorkCalendar, day: datetime.date) -> bool:
    """Whether `day` counts as a working day (Monday–Friday minus days off, plus swaps)."""
    return describe_day(cal, day).is_working


def holiday_name(cal: WorkCalendar, day: datetime.date) -> str | None:
    """The name of the holiday or the reason of the day off on `day`; None on other days.

    A plain weekend has no name; a holiday overridden into a working day has none either.
    """
    info = describe_day(cal, day)
    if info.kind in (DayKind.HOLIDAY, DayKind.OVERRIDE_DAY_OFF):
        return info.name
    return None


def next_working_day(cal: WorkCalendar, day: datetime.date) -> datetime.date:
    """The first working day strictly after `day`."""
    for offset in range(1, _SEARCH_LIMIT_DAYS):
        candidate = day + datetime.timedelta(days=offset)
        if is_working_day(cal, candidate):
            return candidate
    raise ValueError(f"No working day within {_SEARCH_LIMIT_DAYS} days after {day}.")


def days_of_year(cal: WorkCalendar, year: int) -> list[DayInfo]:
    """Every date of `year`, described."""
    day = datetime.date(year, 1, 1)
    days = []
    while day.year == year:
        days.append(describe_day(cal, day))
        day += datetime.timedelta(days=1)
    return days


# --- moments ----------------------------------------------------------------------


def _local(cal: WorkCalendar, moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Deadlines need aware datetimes; got a naive one.")
    return moment.astimezone(cal.timezone)


def _at(cal: WorkCalendar, day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=cal.timezone)


def _periods_on(
    cal: WorkCalendar, day: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The office periods of `day` as aware datetimes; none on a non-working day."""
    if not is_working_day(cal, day):
        return []
    return [(_at(cal, day, start), _at(cal, day, end)) for start, end in cal.office_periods]


def _working_days_from(cal: WorkCalendar, day: datetime.date) -> Iterator[datetime.date]:
    """`day` itself if it is a working day, then every following working day."""
    if is_working_day(cal, day):
        yield day
    while True:
        day = next_working_day(cal, day)
        yield day


def start_of_day(cal: WorkCalendar, day: datetime.date) -> datetime.datetime:
    """Opening time of `day` (the start of its first office period)."""
    return _at(cal, day, cal.opening_time)


def end_of_day(cal: WorkCalendar, day: datetime.date) -> datetime.datetime:
    """Closing time of `day` (the end of its last office period)."""
    return _at(cal, day, cal.closing_time)


def is_office_time(cal: WorkCalendar, moment: datetime.datetime) -> bool:
    """Whether `moment` falls in an office period of a working day (end excluded)."""
    local = _local(cal, moment)
    return any(start <= local < end for start, end in _periods_on(cal, local.date()))


def is_service_time(cal: WorkCalendar, moment: datetime.datetime) -> bool:
    """Whether the desk is open at `moment`: office time, or a Saturday morning when the
    unit receives then. A Saturday that is a holiday or a decided day off stays closed.
    """
    if is_office_time(cal, moment):
        return True
    local = _local(cal, moment)
    info = describe_day(cal, local.date())
    if cal.saturday_morning_service and info.kind == DayKind.WEEKEND:
        morning_start, morning_end = cal.office_periods[0]
        return local.weekday() == SATURDAY and morning_start <= local.time() < morning_end
    return False


def next_office_time(cal: WorkCalendar, moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself when it is office time, else the start of the next office period."""
    local = _local(cal, moment)
    for day in _working_days_from(cal, local.date()):
        for start, end in _periods_on(cal, day):
            if local < end:
                return max(start, local)
    raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover


def is_after_cutoff(cal: WorkCalendar, moment: datetime.datetime) -> bool:
    """Whether `moment` is after the unit's cut-off on its own day (15:00 by default)."""
    time = _local(cal, moment).time()
    return time >= cal.cutoff_time if cal.cutoff_inclusive else time > cal.cutoff_time


def counting_start(cal: WorkCalendar, received_at: datetime.datetime) -> datetime.datetime:
    """The moment a dossier received at `received_at` starts to count (the 15:00 rule).

    Received on a working day up to the cut-off: counts from the receipt, or from the
    next office period when received in the lunch break or before opening (an online
    dossier at 06:00 counts from 07:30 the same day, as it came before 15:00).
    Received after the cut-off, or on a non-working day (including a Saturday-morning
    desk): counts from the opening of the next working day (ND 61/2018 Đ18; ND 118/2025
    Đ18.2 "chuyển vào đầu giờ ngày làm việc tiếp theo").
    """
    local = _local(cal, received_at)
    if is_working_day(cal, local.date()) and not is_after_cutoff(cal, local):
        return next_office_time(cal, local)
    return start_of_day(cal, next_working_day(cal, local.date()))


# --- deadlines --------------------------------------------------------------------


def add_working_days(
    cal: WorkCalendar,
    received_at: datetime.datetime,
    days: int,
    *,
    first_day_is_receipt_day: bool = False,
) -> datetime.datetime:
    """The end of office hours of the `days`-th working day of a limit.

    The limit starts at `counting_start(cal, received_at)`; call its working day the
    receipt day (after 15:00 or on a day off, that is the next working day).

    - `first_day_is_receipt_day=False` (default): day 1 is the working day after the
      receipt day, as the Civil Code counts ("ngày đầu tiên của thời hạn không được
      tính", BLDS 2015 Đ147). Received Monday 10:00, 1 day → Tuesday 17:00.
    - `first_day_is_receipt_day=True`: the receipt day is day 1. Monday 10:00, 1 day →
      Monday 17:00.

    `days=0` is the "same day" limit: the end of the receipt day (after 15:00, the next
    working day, as Luật Hộ tịch Đ5.3 and ND 23/2015 Đ7 say). Weekends, holidays and
    substitute days off are skipped; swapped working Saturdays count. Which setting the
    law wants is not established (working-days.md §5); callers pass it from a setting.
    """
    if days < 0:
        raise ValueError("A limit cannot be negative.")
    day = counting_start(cal, received_at).date()
    counted = 1 if first_day_is_receipt_day else 0
    while counted < days:
        day = next_working_day(cal, day)
        counted += 1
    return end_of_day(cal, day)


def add_working_hours(
    cal: WorkCalendar, start: datetime.datetime, hours: float
) -> datetime.datetime:
    """The moment `hours` of office time after `start`.

    Only office periods of working days count: lunch, nights, weekends and holidays are
    skipped. A limit that ends exactly at a period's end ends there (11:30, not 13:30).
    No cut-off rule applies: a step started at 16:00 on Friday uses its last hour and
    continues on Monday morning (working-days.md #13). For a dossier's receipt, pass
    `counting_start(cal, received_at)` as `start` to apply the 15:00 rule first.
    """
    if hours < 0:
        raise ValueError("A limit cannot be negative.")
    remaining = datetime.timedelta(hours=hours)
    cursor = _local(cal, start)
    if not remaining:
        return cursor
    for day in _working_days_from(cal, cursor.date()):
        for period_start, period_end in _periods_on(cal, day):
            if period_end <= cursor:
                continue
            begin = max(period_start, cursor)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover


def working_time_between(
    cal: WorkCalendar, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """The office time between two moments (negative when `end` is before `start`).

    With `start` = the deadline and `end` = the completion, a positive result is how late
    the result was in office time; a negative one, how early.
    """
    if end < start:
        return -working_time_between(cal, end, start)
    start, end = _local(cal, start), _local(cal, end)
    total = datetime.timedelta()
    day = start.date()
    while day <= end.date():
        for period_start, period_end in _periods_on(cal, day):
            overlap = min(period_end, end) - max(period_start, start)
            if overlap > datetime.timedelta():
                total += overlap
        day += datetime.timedelta(days=1)
    return total


def add_calendar_days(
    cal: WorkCalendar,
    start: datetime.datetime,
    days: int,
    *,
    move_to_next_working_day: bool,
) -> datetime.datetime:
    """The end of office hours `days` calendar days after the day of `start`.

    Every day counts, and the day of `start` is not one of them (birth on 1/3, 60 days →
    30/4). `move_to_next_working_day`: a limit ending on a non-working day moves to the
    next working day, as BLDS 2015 Đ148.5 does for civil limits; whether that holds for
    administrative limits is unconfirmed (working-days.md §5), so callers must choose.
    """
    if days < 0:
        raise ValueError("A limit cannot be negative.")
    day = _local(cal, start).date() + datetime.timedelta(days=days)
    if move_to_next_working_day and not is_working_day(cal, day):
        day = next_working_day(cal, day)
    return end_of_day(cal, day)


def needs_review(cal: WorkCalendar, start: datetime.datetime, end: datetime.datetime) -> bool:
    """Whether a year between `start` and `end` has no approved calendar (working-days.md
    §3 and #18: flag such a deadline for review, never compute it silently).
    """
    first, last = sorted((_local(cal, start).year, _local(cal, end).year))
    return any(year not in cal.approved_years for year in range(first, last + 1))
