"""Fixtures of the work calendar tests: the office, a leader, an official, a week."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import PublishedRevision

# Week of 31/8/2026: Monday is a substitute day off, Tuesday and Wednesday are Quốc khánh.
NATIONAL_DAY_WEEK = datetime.date(2026, 8, 31)
# An ordinary week (Monday 7/12/2026 … Sunday 13/12/2026).
WEEK = datetime.date(2026, 12, 7)


@pytest.fixture
def office(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "office_statistics", username="vanphong", full_name="Phạm Văn Nam")


@pytest.fixture
def official(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "culture_social", username="vanhoa", full_name="Bùi Thị Hạnh")


@pytest.fixture
def no_role(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, username="khongchucdanh", full_name="Người Không Chức Danh")


@pytest.fixture
def other_office(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "office_statistics", username="vanphong_khac")


@pytest.fixture
def other_chairman(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "chairman", username="chutich_khac")


@pytest.fixture
def other_official(other_commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(other_commune, "culture_social", username="vanhoa_khac")


def event_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": WEEK + datetime.timedelta(days=1),
        "start_time": datetime.time(8, 0),
        "end_time": datetime.time(10, 30),
        "place": "Hội trường UBND xã",
        "content": "Họp giao ban tuần",
        "chair": None,
        "chair_text": "",
        "participants": [],
        "participants_text": "",
        "preparation": "Văn phòng chuẩn bị tài liệu",
    }
    data.update(overrides)
    return data


@pytest.fixture
def propose() -> Callable[..., CalendarEvent]:
    def make(actor: User, week_start: datetime.date = WEEK, **overrides: Any) -> CalendarEvent:
        return services.propose_event(
            actor=actor, week_start=week_start, data=event_data(**overrides)
        )

    return make


@pytest.fixture
def published_week(
    office: User, chairman: User, official: User, propose: Callable[..., CalendarEvent]
) -> PublishedRevision:
    """WEEK published once: a meeting chaired by the chairman with the official attending."""
    propose(office, chair=chairman, participants=[official], participants_text="Trưởng các bản")
    propose(
        office,
        date=WEEK + datetime.timedelta(days=3),
        start_time=datetime.time(14, 0),
        end_time=None,
        content="Kiểm tra tiến độ xây dựng nông thôn mới",
        place="Bản Hạnh Tiến",
        chair=chairman,
        preparation="",
    )
    week = CalendarEvent.objects.filter(unit=office.unit).first().week
    return services.publish_week(actor=chairman, week=week)
