"""The demo command publishes the current week once and is safe to run again."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import PublishedRevision

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 8, 31, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_demo_week_is_published_once_and_skips_holidays():
    call_command("load_demo_commune", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo_work_calendar", stdout=out)
    assert "Đã công bố lịch công tác tuần từ 31/08/2026 (5 sự kiện)." in out.getvalue()
    revision = PublishedRevision.objects.get()
    # 31/8 (substitute day off), 1/9 and 2/9 (Quốc khánh) are off: Monday's to Wednesday's
    # events move to Thursday 3/9, the rest keep their day.
    assert [(e["date"], e["start"]) for e in revision.events] == [
        ("2026-09-03", "07:30"),
        ("2026-09-03", "08:00"),
        ("2026-09-03", "08:00"),
        ("2026-09-03", "14:00"),
        ("2026-09-04", "14:00"),
    ]
    again = io.StringIO()
    call_command("load_demo_work_calendar", stdout=again)
    assert "Đã có lịch công tác tuần từ 31/08/2026 (5 sự kiện)." in again.getvalue()
    assert PublishedRevision.objects.count() == 1
    assert CalendarEvent.objects.count() == 5
    html = Client().get("/cong-khai/lich-cong-tac/16777/").content.decode()
    assert "Giao ban lãnh đạo UBND xã đầu tuần" in html
    assert "Quốc khánh" in html


def test_demo_needs_the_demo_commune():
    with pytest.raises(CommandError, match="load_demo_commune"):
        call_command("load_demo_work_calendar", stdout=io.StringIO())
