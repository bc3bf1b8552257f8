"""API of the working-day calendar: a unit's days off, and a deadline check.

Every staff member may call it for their own unit; a province supervisor may name one of
the province's communes with `unit` (any other unit: 404).
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field
from ninja import Query
from ninja import Router
from ninja import Schema

from xaso.core import working_days
from xaso.core.services import calendar as calendar_services

router = Router(tags=["calendar"])


class CalendarDayOut(Schema):
    date: datetime.date
    kind: str = Field(description="holiday, override_day_off, make_up_working, override_working")
    name: str = Field(description="Tên ngày lễ hoặc lý do điều chỉnh")
    legal_reference: str


class WorkingDaysOut(Schema):
    unit_id: int
    unit_name: str
    year: int
    approved: bool = Field(description="Lịch năm đã được duyệt (của đơn vị hoặc của tỉnh)")
    non_working_days: list[CalendarDayOut] = Field(
        description="Ngày nghỉ ngoài thứ Bảy, Chủ nhật thông thường (kể cả lễ rơi vào cuối tuần)"
    )
    extra_working_days: list[CalendarDayOut] = Field(
        description="Ngày đi làm dù lịch chung là ngày nghỉ (làm bù, điều chỉnh)"
    )


class WorkingDaysQuery(Schema):
    year: int | None = Field(None, ge=calendar_services.FIRST_YEAR, le=calendar_services.LAST_YEAR)
    unit: int | None = Field(None, description="Đơn vị (chỉ cán bộ giám sát cấp tỉnh)")


class DeadlineIn(Schema):
    received_at: datetime.datetime = Field(
        description="Thời điểm tiếp nhận; không ghi múi giờ thì hiểu là giờ Việt Nam"
    )
    working_days: int | None = Field(None, ge=0, le=365)
    working_hours: float | None = Field(None, gt=0, le=2000)
    first_day_is_receipt_day: bool = False
    unit: int | None = None


class DeadlineOut(Schema):
    counting_start: datetime.datetime
    due_at: datetime.datetime
    needs_review: bool


def _day_out(info: working_days.DayInfo) -> CalendarDayOut:
    return CalendarDayOut(
        date=info.date, kind=info.kind, name=info.name, legal_reference=info.legal_reference
    )


@router.get("/working-days", response=WorkingDaysOut)
def calendar_working_days(request: HttpRequest, filters: Query[WorkingDaysQuery]) -> WorkingDaysOut:
    unit = calendar_services.get_calendar_unit_for(user=request.auth, unit_pk=filters.unit)
    year = filters.year or timezone.localdate().year
    cal = calendar_services.calendar_for_unit(unit)
    days = working_days.days_of_year(cal, year)
    kinds = working_days.DayKind
    return WorkingDaysOut(
        unit_id=unit.pk,
        unit_name=unit.name,
        year=year,
        approved=year in cal.approved_years,
        non_working_days=[
            _day_out(info) for info in days if not info.is_working and info.kind != kinds.WEEKEND
        ],
        extra_working_days=[
            _day_out(info)
            for info in days
            if info.kind in (kinds.MAKE_UP_WORKING, kinds.OVERRIDE_WORKING)
        ],
    )


@router.post("/deadline", response=DeadlineOut)
def calendar_deadline(request: HttpRequest, payload: DeadlineIn) -> DeadlineOut:
    unit = calendar_services.get_calendar_unit_for(user=request.auth, unit_pk=payload.unit)
    received_at = payload.received_at
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, working_days.VIETNAM_TZ)
    result = calendar_services.calculate_deadline(
        unit=unit,
        received_at=received_at,
        working_days_limit=payload.working_days,
        working_hours_limit=payload.working_hours,
        first_day_is_receipt_day=payload.first_day_is_receipt_day,
    )
    return DeadlineOut(
        counting_start=result.counting_start,
        due_at=result.due_at,
        needs_review=result.needs_review,
    )
