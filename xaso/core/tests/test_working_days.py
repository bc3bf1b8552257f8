"""Working days and deadlines, without the database.

Every expected value is written out by hand from the published calendar (working-days.md
§2–§6), never computed by the code under test. Office hours 07:30–11:30 and 13:30–17:00,
cut-off 15:00, unless a test says otherwise.

Official 2026 calendar used here: Tết Bính Ngọ off Saturday 14/2 – Sunday 22/2/2026
(holidays Monday 16/2 – Friday 20/2); Giỗ Tổ 26/4 (Sunday) with Monday 27/4 off;
30/4–1/5 Thursday–Friday; Quốc khánh 1–2/9 with Monday 31/8 off in exchange for
Saturday 22/8 worked; Ngày Văn hóa Việt Nam 24/11 (Tuesday) off from 2026.
"""

import datetime

import pytest

from xaso.core import working_days
from xaso.core.working_days import DayKind
from xaso.core.working_days import DayOverride
from xaso.core.working_days import WorkCalendar

VN = working_days.VIETNAM_TZ
D = datetime.date
CAL = WorkCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=VN)


# --- holidays of the official calendar ------------------------------------------------


@pytest.mark.parametrize(
    ("day", "is_working"),
    [
        # Tết 2026: the last working day before, the nine days off, the first day back.
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), False),
        (D(2026, 2, 15), False),
        (D(2026, 2, 16), False),
        (D(2026, 2, 17), False),
        (D(2026, 2, 18), False),
        (D(2026, 2, 19), False),
        (D(2026, 2, 20), False),
        (D(2026, 2, 21), False),
        (D(2026, 2, 22), False),
        (D(2026, 2, 23), True),
        # Tết 2027 per holidays 0.109: Thursday 4/2 – Wednesday 10/2/2027.
        (D(2027, 2, 3), True),
        (D(2027, 2, 4), False),
        (D(2027, 2, 5), False),
        (D(2027, 2, 6), False),
        (D(2027, 2, 7), False),
        (D(2027, 2, 8), False),
        (D(2027, 2, 9), False),
        (D(2027, 2, 10), False),
        (D(2027, 2, 11), True),
        # Giỗ Tổ 2026 on a Sunday, Monday 27/4 off; 30/4–1/5 Thursday–Friday.
        (D(2026, 4, 24), True),
        (D(2026, 4, 27), False),
        (D(2026, 4, 28), True),
        (D(2026, 4, 29), True),
        (D(2026, 4, 30), False),
        (D(2026, 5, 1), False),
        (D(2026, 5, 4), True),
        # Quốc khánh 2026: Saturday 22/8 worked, Monday 31/8 off, 1–2/9 holidays.
        (D(2026, 8, 21), True),
        (D(2026, 8, 22), True),
        (D(2026, 8, 29), False),
        (D(2026, 8, 31), False),
        (D(2026, 9, 1), False),
        (D(2026, 9, 2), False),
        (D(2026, 9, 3), True),
        # Ngày Văn hóa Việt Nam: a day off from 2026 only.
        (D(2025, 11, 24), True),
        (D(2026, 11, 24), False),
        # 2025: Saturday 26/4 worked in exchange for Friday 2/5 off.
        (D(2025, 4, 26), True),
        (D(2025, 5, 2), False),
        # An ordinary week.
        (D(2026, 3, 9), True),
        (D(2026, 3, 7), False),
        (D(2026, 3, 8), False),
    ],
)
def test_is_working_day_follows_the_official_calendar(day: datetime.date, is_working: bool):
    assert working_days.is_working_day(CAL, day) is is_working


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "Tết Dương lịch"),
        (D(2026, 2, 17), "Tết Nguyên Đán"),
        (D(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (D(2026, 4, 30), "Ngày Chiến thắng"),
        (D(2026, 5, 1), "Ngày Quốc tế Lao động"),
        (D(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
        (D(2026, 9, 2), "Quốc khánh"),
        (D(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
        (D(2027, 4, 16), "Ngày Giỗ Tổ Hùng Vương"),
        # A plain weekend, a make-up Saturday and a working day have no name.
        (D(2026, 3, 7), None),
        (D(2026, 8, 22), None),
        (D(2026, 3, 9), None),
    ],
)
def test_holiday_name(day: datetime.date, name: str | None):
    assert working_days.holiday_name(CAL, day) == name


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2026, 3, 9), DayKind.WORKING),
        (D(2026, 3, 8), DayKind.WEEKEND),
        (D(2026, 2, 17), DayKind.HOLIDAY),
        (D(2026, 8, 31), DayKind.HOLIDAY),
        (D(2026, 8, 22), DayKind.MAKE_UP_WORKING),
    ],
)
def test_describe_day_kind(day: datetime.date, kind: DayKind):
    assert working_days.describe_day(CAL, day).kind == kind


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 13), D(2026, 2, 23)),  # eve of Tết 2026 → first day back
        (D(2026, 8, 21), D(2026, 8, 22)),  # Friday → the make-up Saturday
        (D(2026, 8, 28), D(2026, 9, 3)),  # over the Quốc khánh bridge
        (D(2026, 12, 31), D(2027, 1, 4)),  # New Year's Day is a Friday in 2027
        (D(2027, 2, 3), D(2027, 2, 11)),  # over Tết 2027
    ],
)
def test_next_working_day(day: datetime.date, expected: datetime.date):
    assert working_days.next_working_day(CAL, day) == expected


def test_2026_has_249_working_days():
    # 365 days − 104 Saturdays and Sundays − 13 weekday days off (1/1; 16–20/2; 27/4;
    # 30/4; 1/5; 31/8; 1/9; 2/9; 24/11) + 1 worked Saturday (22/8) = 249.
    days = working_days.days_of_year(CAL, 2026)

    assert sum(1 for info in days if info.is_working) == 249


def test_days_of_year_covers_every_date():
    days = working_days.days_of_year(CAL, 2026)

    assert len(days) == 365
    assert days[0].date == D(2026, 1, 1)
    assert days[-1].date == D(2026, 12, 31)


# --- overrides beat the package -------------------------------------------------------


def test_working_day_override_beats_a_package_holiday():
    cal = WorkCalendar(
        overrides={D(2026, 4, 30): DayOverride(True, "Trực tiếp nhận hồ sơ", "QĐ 12/QĐ-UBND")}
    )

    assert working_days.is_working_day(cal, D(2026, 4, 30)) is True
    assert working_days.holiday_name(cal, D(2026, 4, 30)) is None
    info = working_days.describe_day(cal, D(2026, 4, 30))
    assert info.kind == DayKind.OVERRIDE_WORKING
    assert info.package_name == "Ngày Chiến thắng"
    assert info.legal_reference == "QĐ 12/QĐ-UBND"


def test_day_off_override_beats_a_make_up_saturday():
    cal = WorkCalendar(overrides={D(2026, 8, 22): DayOverride(False, "Không làm bù")})

    assert working_days.is_working_day(cal, D(2026, 8, 22)) is False
    assert working_days.holiday_name(cal, D(2026, 8, 22)) == "Không làm bù"


def test_day_off_override_is_skipped_by_deadlines():
    cal = WorkCalendar(overrides={D(2026, 3, 11): DayOverride(False, "Nghỉ bầu cử")})

    # Tuesday 10/3 10:00, 1 working day: Wednesday 11/3 is off → Thursday 12/3.
    assert working_days.add_working_days(cal, at(2026, 3, 10, 10), 1) == at(2026, 3, 12, 17)


def test_overrides_cannot_be_changed_after_building():
    cal = WorkCalendar(overrides={D(2026, 3, 11): DayOverride(False, "Nghỉ")})

    with pytest.raises(TypeError):
        cal.overrides[D(2026, 3, 12)] = DayOverride(False, "Nghỉ")  # type: ignore[index]


def test_overlapping_office_periods_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar(
            office_periods=(
                (datetime.time(7, 30), datetime.time(12, 0)),
                (datetime.time(11, 0), datetime.time(17, 0)),
            )
        )


# --- the 15:00 rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "inclusive", "expected"),
    [
        (at(2026, 3, 10, 14, 59), False, at(2026, 3, 10, 14, 59)),
        (at(2026, 3, 10, 15, 0, 0), False, at(2026, 3, 10, 15, 0)),
        (at(2026, 3, 10, 15, 0, 0), True, at(2026, 3, 11, 7, 30)),
        (at(2026, 3, 10, 15, 1), False, at(2026, 3, 11, 7, 30)),
        (at(2026, 3, 10, 14, 59), True, at(2026, 3, 10, 14, 59)),
    ],
)
def test_cutoff_at_15(received_at, inclusive: bool, expected):
    cal = WorkCalendar(cutoff_inclusive=inclusive)

    assert working_days.counting_start(cal, received_at) == expected


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        # Eve of Tết 2026 at 15:01 → the first working day after the Tết block.
        (at(2026, 2, 13, 15, 1), at(2026, 2, 23, 7, 30)),
        (at(2026, 2, 13, 15, 30), at(2026, 2, 23, 7, 30)),
        # 31/12/2026 after 15:00 → Monday 4/1/2027 (1/1 is a Friday).
        (at(2026, 12, 31, 15, 30), at(2027, 1, 4, 7, 30)),
        # Lunch break → the afternoon; before opening (online, 06:00) → 07:30 same day.
        (at(2026, 3, 10, 12, 0), at(2026, 3, 10, 13, 30)),
        (at(2026, 3, 10, 6, 0), at(2026, 3, 10, 7, 30)),
        # Evening, Sunday, holiday.
        (at(2026, 3, 10, 20, 0), at(2026, 3, 11, 7, 30)),
        (at(2026, 3, 8, 9, 0), at(2026, 3, 9, 7, 30)),
        (at(2026, 9, 2, 9, 0), at(2026, 9, 3, 7, 30)),
        # Saturday 22/8/2026 is a working day.
        (at(2026, 8, 22, 9, 0), at(2026, 8, 22, 9, 0)),
    ],
)
def test_counting_start(received_at, expected):
    assert working_days.counting_start(CAL, received_at) == expected


def test_counting_start_converts_from_utc():
    # 08:01 UTC is 15:01 in Hà Nội.
    received_at = datetime.datetime(2026, 2, 13, 8, 1, tzinfo=datetime.UTC)

    start = working_days.counting_start(CAL, received_at)

    assert start == at(2026, 2, 23, 7, 30)
    assert start.utcoffset() == datetime.timedelta(hours=7)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        working_days.counting_start(CAL, datetime.datetime(2026, 3, 10, 9, 0))  # noqa: DTZ001


# --- Saturday-morning service (edge case #14) -----------------------------------------


def test_saturday_morning_desk_is_open_but_saturday_does_not_count():
    cal = WorkCalendar(saturday_morning_service=True)

    assert working_days.is_service_time(cal, at(2026, 3, 7, 9, 0)) is True
    assert working_days.is_service_time(cal, at(2026, 3, 7, 14, 0)) is False
    assert working_days.is_service_time(cal, at(2026, 3, 8, 9, 0)) is False
    assert working_days.is_working_day(cal, D(2026, 3, 7)) is False
    # Received Saturday 7/3/2026 09:00 → counts from Monday 9/3 07:30.
    assert working_days.counting_start(cal, at(2026, 3, 7, 9, 0)) == at(2026, 3, 9, 7, 30)


def test_saturday_desk_is_closed_on_a_holiday_saturday_and_without_the_setting():
    cal = WorkCalendar(saturday_morning_service=True)

    # Saturday 6/2/2027 is Tết.
    assert working_days.is_service_time(cal, at(2027, 2, 6, 9, 0)) is False
    assert working_days.is_service_time(CAL, at(2026, 3, 7, 9, 0)) is False


def test_service_time_on_a_working_day():
    assert working_days.is_service_time(CAL, at(2026, 3, 10, 9, 0)) is True
    assert working_days.is_service_time(CAL, at(2026, 3, 10, 12, 0)) is False


# --- working-day limits ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "days", "first_day_is_receipt_day", "expected"),
    [
        # Monday 9/3/2026 10:00, 1 day: day 1 is Tuesday (default) or Monday itself.
        (at(2026, 3, 9, 10), 1, False, at(2026, 3, 10, 17)),
        (at(2026, 3, 9, 10), 1, True, at(2026, 3, 9, 17)),
        # 5 days from Friday 6/3/2026 09:00: Mon 9 … Fri 13 (default) or Fri 6 … Thu 12.
        (at(2026, 3, 6, 9), 5, False, at(2026, 3, 13, 17)),
        (at(2026, 3, 6, 9), 5, True, at(2026, 3, 12, 17)),
        # 5 days spanning 30/4–1/5 and a weekend, from Wednesday 29/4/2026 10:00:
        # default: 4/5, 5/5, 6/5, 7/5, 8/5; receipt day counted: 29/4, 4/5, 5/5, 6/5, 7/5.
        (at(2026, 4, 29, 10), 5, False, at(2026, 5, 8, 17)),
        (at(2026, 4, 29, 10), 5, True, at(2026, 5, 7, 17)),
        # After 15:00 the receipt day is the next working day, in both settings.
        (at(2026, 3, 9, 15, 1), 1, False, at(2026, 3, 11, 17)),
        (at(2026, 3, 9, 15, 1), 1, True, at(2026, 3, 10, 17)),
    ],
)
def test_add_working_days_both_first_day_settings(
    received_at, days: int, first_day_is_receipt_day: bool, expected
):
    due = working_days.add_working_days(
        CAL, received_at, days, first_day_is_receipt_day=first_day_is_receipt_day
    )

    assert due == expected


def test_last_day_on_a_holiday_moves_on():
    # Tuesday 28/4/2026 10:00, 2 days: Wed 29/4, then 30/4–3/5 are off → Monday 4/5.
    assert working_days.add_working_days(CAL, at(2026, 4, 28, 10), 2) == at(2026, 5, 4, 17)


def test_swapped_working_saturday_is_counted():
    # Thursday 20/8/2026 10:00, 2 days: Friday 21/8, Saturday 22/8 (worked).
    assert working_days.add_working_days(CAL, at(2026, 8, 20, 10), 2) == at(2026, 8, 22, 17)


def test_substitute_day_is_not_counted():
    # Friday 28/8/2026 09:00, 3 days: 31/8 (substitute), 1/9, 2/9 off → 3/9, 4/9, 7/9.
    assert working_days.add_working_days(CAL, at(2026, 8, 28, 9), 3) == at(2026, 9, 7, 17)


def test_limit_over_tet_2026():
    # Thursday 12/2/2026 09:00, 3 days: Friday 13/2, then Monday 23/2 and Tuesday 24/2.
    assert working_days.add_working_days(CAL, at(2026, 2, 12, 9), 3) == at(2026, 2, 24, 17)


def test_limit_over_tet_2027():
    # Tuesday 2/2/2027 10:00, 2 days: Wednesday 3/2, then Thursday 11/2.
    assert working_days.add_working_days(CAL, at(2027, 2, 2, 10), 2) == at(2027, 2, 11, 17)


def test_limit_over_van_hoa_day_2026():
    # Monday 23/11/2026 10:00, 1 day: Tuesday 24/11 is off → Wednesday 25/11.
    assert working_days.add_working_days(CAL, at(2026, 11, 23, 10), 1) == at(2026, 11, 25, 17)


def test_same_day_limit_on_the_eve_of_tet():
    # Edge case #1: hộ tịch at 15:30 on 13/2/2026, result not given at once →
    # due on the first working day after Tết.
    assert working_days.add_working_days(CAL, at(2026, 2, 13, 15, 30), 0) == at(2026, 2, 23, 17)
    assert working_days.add_working_days(CAL, at(2026, 2, 13, 14, 0), 0) == at(2026, 2, 13, 17)


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="negative"):
        working_days.add_working_days(CAL, at(2026, 3, 9, 10), -1)


# --- working-hour limits --------------------------------------------------------------


def test_hours_span_lunch():
    # 10:30 + 4 h: 10:30–11:30 (1 h) and 13:30–16:30 (3 h).
    assert working_days.add_working_hours(CAL, at(2026, 3, 10, 10, 30), 4) == at(
        2026, 3, 10, 16, 30
    )


def test_hours_span_lunch_from_noon_with_a_later_lunch():
    # Edge case #12: lunch 12:00–13:30; 10:30 + 4 h = 1 h 30 before lunch, 2 h 30 after → 16:00.
    cal = WorkCalendar(
        office_periods=(
            (datetime.time(7, 30), datetime.time(12, 0)),
            (datetime.time(13, 30), datetime.time(17, 0)),
        )
    )

    assert working_days.add_working_hours(cal, at(2026, 3, 10, 10, 30), 4) == at(2026, 3, 10, 16)


def test_hours_from_friday_afternoon_continue_on_monday():
    # Edge case #13: Friday 6/3/2026 16:00 + 4 h: 1 h on Friday, 3 h on Monday from 07:30.
    assert working_days.add_working_hours(CAL, at(2026, 3, 6, 16), 4) == at(2026, 3, 9, 10, 30)


def test_hours_skip_tet():
    # Friday 13/2/2026 16:00 + 2 h: 1 h on Friday, 1 h on Monday 23/2.
    assert working_days.add_working_hours(CAL, at(2026, 2, 13, 16), 2) == at(2026, 2, 23, 8, 30)


def test_hours_ending_at_the_end_of_a_period_stay_there():
    assert working_days.add_working_hours(CAL, at(2026, 3, 10, 9, 30), 2) == at(2026, 3, 10, 11, 30)


def test_hours_from_lunch_start_in_the_afternoon():
    assert working_days.add_working_hours(CAL, at(2026, 3, 10, 12), 0.5) == at(2026, 3, 10, 14)


# --- office time between two moments -------------------------------------------------


def test_working_time_between_across_lunch():
    # 11:00–11:30 and 13:30–14:00.
    between = working_days.working_time_between(CAL, at(2026, 3, 10, 11), at(2026, 3, 10, 14))

    assert between == datetime.timedelta(hours=1)


def test_working_time_between_across_a_weekend():
    # Friday 6/3 10:00–11:30 and 13:30–17:00 (5 h), Monday 9/3 07:30–09:00 (1 h 30).
    between = working_days.working_time_between(CAL, at(2026, 3, 6, 10), at(2026, 3, 9, 9))

    assert between == datetime.timedelta(hours=6, minutes=30)


def test_working_time_between_is_negative_backwards():
    between = working_days.working_time_between(CAL, at(2026, 3, 9, 9), at(2026, 3, 6, 10))

    assert between == -datetime.timedelta(hours=6, minutes=30)


def test_working_time_between_over_tet_counts_nothing_during_the_break():
    # Friday 13/2/2026 16:00 → Monday 23/2 08:00: 1 h + 30 min.
    between = working_days.working_time_between(CAL, at(2026, 2, 13, 16), at(2026, 2, 23, 8))

    assert between == datetime.timedelta(hours=1, minutes=30)


# --- calendar-day limits (edge case #7) -----------------------------------------------


def test_calendar_days_ending_on_a_holiday_move_when_asked():
    # Birth on 1/3/2026, 60 days → Thursday 30/4 (holiday); moved: 30/4–3/5 off → 4/5.
    born = at(2026, 3, 1, 10)

    moved = working_days.add_calendar_days(CAL, born, 60, move_to_next_working_day=True)
    kept = working_days.add_calendar_days(CAL, born, 60, move_to_next_working_day=False)

    assert moved == at(2026, 5, 4, 17)
    assert kept == at(2026, 4, 30, 17)


def test_calendar_days_count_weekends():
    # Monday 9/3/2026 + 5 days = Saturday 14/3; moved → Monday 16/3.
    start = at(2026, 3, 9, 9)

    assert working_days.add_calendar_days(CAL, start, 5, move_to_next_working_day=False) == at(
        2026, 3, 14, 17
    )
    assert working_days.add_calendar_days(CAL, start, 5, move_to_next_working_day=True) == at(
        2026, 3, 16, 17
    )


# --- approved years (edge case #18) ---------------------------------------------------


def test_needs_review_when_a_year_is_not_approved():
    cal = WorkCalendar(approved_years=frozenset({2026}))
    received_at = at(2026, 12, 31, 15, 30)
    due = working_days.add_working_days(cal, received_at, 1)

    # Received 31/12/2026 after 15:00 → receipt day Monday 4/1/2027, day 1 Tuesday 5/1.
    assert due == at(2027, 1, 5, 17)
    assert working_days.needs_review(cal, received_at, due) is True
    assert working_days.needs_review(cal, at(2026, 3, 10, 9), at(2026, 3, 17, 17)) is False
    assert working_days.needs_review(WorkCalendar(), at(2026, 3, 10, 9), at(2026, 3, 17, 17))


def test_needs_review_is_false_when_every_year_is_approved():
    cal = WorkCalendar(approved_years=frozenset({2026, 2027}))

    assert working_days.needs_review(cal, at(2026, 12, 31, 15, 30), at(2027, 1, 5, 17)) is False
