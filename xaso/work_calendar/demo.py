"""Demo data of the work calendar: a published current week for the demo commune."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from xaso.core import working_days
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.services.calendar import calendar_for_unit
from xaso.work_calendar import services
from xaso.work_calendar.models import DisplayScreen
from xaso.work_calendar.models import PublishedRevision
from xaso.work_calendar.models import week_start_of


@dataclass(frozen=True)
class DemoEvent:
    weekday: int  # 0 = Monday; moved to the next working day when that day is off
    start: datetime.time
    end: datetime.time | None
    content: str
    place: str
    chair: str  # username
    participants: tuple[str, ...]
    participants_text: str
    preparation: str


DEMO_EVENTS = (
    DemoEvent(
        0,
        datetime.time(7, 30),
        datetime.time(9, 0),
        "Giao ban lãnh đạo UBND xã đầu tuần",
        "Phòng họp UBND xã",
        "chutich",
        ("phochutich", "vanphong"),
        "",
        "Văn phòng – Thống kê",
    ),
    DemoEvent(
        1,
        datetime.time(8, 0),
        datetime.time(11, 0),
        "Tiếp công dân định kỳ",
        "Phòng tiếp công dân",
        "chutich",
        ("tuphap",),
        "Đại diện Ủy ban MTTQ xã",
        "Công chức Tư pháp – Hộ tịch",
    ),
    DemoEvent(
        2,
        datetime.time(14, 0),
        datetime.time(16, 30),
        "Kiểm tra tiến độ làm đường giao thông nông thôn bản Hạnh Tiến",
        "Bản Hạnh Tiến",
        "phochutich",
        ("diachinh", "taichinh"),
        "Trưởng bản Hạnh Tiến",
        "Công chức Địa chính – Xây dựng",
    ),
    DemoEvent(
        3,
        datetime.time(8, 0),
        None,
        "Họp Ban Chỉ đạo chuyển đổi số xã",
        "Hội trường UBND xã",
        "chutich",
        ("vanphong", "motcua", "vanhoa"),
        "Đoàn Thanh niên, Hội Phụ nữ xã",
        "Văn phòng – Thống kê chuẩn bị báo cáo",
    ),
    DemoEvent(
        4,
        datetime.time(14, 0),
        datetime.time(17, 0),
        "Làm việc với Sở Nông nghiệp và Môi trường về phòng chống thiên tai",
        "Phòng họp UBND xã",
        "phochutich",
        ("diachinh",),
        "Đoàn công tác Sở Nông nghiệp và Môi trường",
        "Công chức Địa chính – Nông nghiệp",
    ),
)


@transaction.atomic
def load_demo_work_calendar(
    *, unit: AdministrativeUnit, today: datetime.date
) -> tuple[PublishedRevision, DisplayScreen, bool]:
    """Publish this week's demo calendar once; later runs leave it as it is."""
    start = week_start_of(today)
    screen = services.display_screen_for(unit_id=unit.pk)
    existing = PublishedRevision.objects.filter(unit=unit, week__start=start).first()
    if existing is not None:
        return existing, screen, False
    users = {u.username: u for u in User.objects.filter(unit=unit)}
    office, leader = users["vanphong"], users["chutich"]
    cal = calendar_for_unit(unit)
    for item in DEMO_EVENTS:
        day = start + datetime.timedelta(days=item.weekday)
        if not working_days.is_working_day(cal, day):
            day = working_days.next_working_day(cal, day)
            if day > start + datetime.timedelta(days=6):
                continue
        services.propose_event(
            actor=office,
            week_start=start,
            data={
                "date": day,
                "start_time": item.start,
                "end_time": item.end,
                "content": item.content,
                "place": item.place,
                "chair": users[item.chair],
                "participants": [users[name] for name in item.participants if name in users],
                "participants_text": item.participants_text,
                "preparation": item.preparation,
            },
        )
    week = services.get_or_create_week(unit_id=unit.pk, day=start)
    return services.publish_week(actor=leader, week=week), screen, True
