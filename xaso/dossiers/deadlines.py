"""Legal due times of dossiers and steps (pure: no ORM, no clock).

Uses the unit's working-day calendar (xaso.core.working_days). The procedure's limit kind
decides how to count (procedures.md: same day, working days, hours, calendar days).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from xaso.core import working_days
from xaso.core.working_days import WorkCalendar

IMMEDIATE = "immediate"
WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class Due:
    counting_start: datetime.datetime
    due_at: datetime.datetime
    needs_review: bool


def legal_due(
    cal: WorkCalendar,
    *,
    kind: str,
    value: Decimal | int | float,
    received_at: datetime.datetime,
    first_day_is_receipt_day: bool = False,
) -> Due:
    """When a dossier received at `received_at` is due under a limit of `kind` and `value`.

    - immediate: the end of the receipt day; after the cut-off (15:00) the next working
      day (Luật Hộ tịch Đ5.3, ND 23/2015 Đ7).
    - working days: the end of the Nth working day (day 1 per `first_day_is_receipt_day`).
    - working hours: office hours only, from the counting start.
    - calendar days: every day counts; a limit ending on a day off moves to the next
      working day (Civil Code rule, unverified for administrative limits: setting).
    """
    start = working_days.counting_start(cal, received_at)
    if kind == IMMEDIATE:
        due = working_days.add_working_days(cal, received_at, 0)
    elif kind == WORKING_DAYS:
        due = working_days.add_working_days(
            cal, received_at, int(value), first_day_is_receipt_day=first_day_is_receipt_day
        )
    elif kind == WORKING_HOURS:
        due = working_days.add_working_hours(cal, start, float(value))
    elif kind == CALENDAR_DAYS:
        due = working_days.add_calendar_days(cal, start, int(value), move_to_next_working_day=True)
    else:
        raise ValueError(f"unknown time limit kind {kind!r}")
    return Due(
        counting_start=start,
        due_at=due,
        needs_review=working_days.needs_review(cal, received_at, due),
    )


def step_due(
    cal: WorkCalendar, *, start: datetime.datetime, budget_hours: Decimal | float
) -> datetime.datetime:
    """Due time of a step that starts at `start` with a budget in working hours."""
    begin = working_days.next_office_time(cal, start)
    return working_days.add_working_hours(cal, begin, float(budget_hours))


def timing_outcome(
    *, finished_at: datetime.datetime, due_at: datetime.datetime, cal: WorkCalendar
) -> str:
    """early / on_time / late: early when finished before the due working day started."""
    if finished_at > due_at:
        return "late"
    if finished_at.astimezone(cal.timezone).date() < due_at.astimezone(cal.timezone).date():
        return "early"
    return "on_time"


def dossier_code(*, agency_identifier: str, received_on: datetime.date, sequence: int) -> str:
    """Mã hồ sơ: `<agency identifier>-YYMMDD-NNNN` (TT 01/2018 Đ19), per unit per day."""
    return f"{agency_identifier}-{received_on:%y%m%d}-{sequence:04d}"
