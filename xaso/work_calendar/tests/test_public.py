"""Pages without login: the public week, the TV screen and the personal iCalendar feed.

They show published revisions only; a token opens one unit's (or one person's) calendar
and nothing of another's.
"""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.test import Client

from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.tests.conftest import WEEK

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Thursday of WEEK, 9:00 in Vietnam.
THURSDAY = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=VN)


def _public(unit_code: int, week: datetime.date = WEEK) -> str:
    return Client().get(f"/cong-khai/lich-cong-tac/{unit_code}/?tuan={week.isoformat()}")


def test_public_week_shows_published_events_only(published_week, office, official, propose):
    propose(official, content="Đề xuất chưa tổng hợp", chair_text="Chủ tịch")
    accepted_later = propose(office, content="Sự kiện thêm sau khi công bố", chair_text="A")
    assert accepted_later.status == CalendarEvent.Status.ACCEPTED
    response = _public(office.unit.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lịch công tác tuần — Xã Quỳ Châu" in html
    assert "Họp giao ban tuần" in html
    assert "Đề xuất chưa tổng hợp" not in html
    assert "Sự kiện thêm sau khi công bố" not in html
    assert f'href="?tuan={(WEEK - datetime.timedelta(weeks=1)).isoformat()}"' in html
    assert f'href="?tuan={(WEEK + datetime.timedelta(weeks=1)).isoformat()}"' in html


def test_public_week_unpublished_and_other_unit(published_week, other_commune, other_office):
    other_commune.is_hosted = True
    other_commune.save(update_fields=["is_hosted"])
    services.propose_event(
        actor=other_office,
        week_start=WEEK,
        data={
            "date": WEEK,
            "start_time": datetime.time(8, 0),
            "place": "Xã bên",
            "content": "Việc chưa công bố của xã khác",
            "chair_text": "Chủ tịch xã khác",
        },
    )
    html = _public(other_commune.code).content.decode()
    assert "Lịch công tác tuần này chưa được công bố." in html
    assert "Họp giao ban tuần" not in html
    assert "Việc chưa công bố của xã khác" not in html
    next_week = _public(published_week.unit.code, WEEK + datetime.timedelta(weeks=1))
    assert "Lịch công tác tuần này chưa được công bố." in next_week.content.decode()


def test_public_week_unknown_unit_is_404(db):
    assert Client().get("/cong-khai/lich-cong-tac/99999/").status_code == 404


def test_public_week_shows_adjustment_time(published_week, office, chairman):
    event = published_week.week.events.order_by("date").last()
    services.update_event(actor=office, event=event, data={"start_time": datetime.time(15, 0)})
    adjusted = services.publish_week(actor=chairman, week=published_week.week)
    html = _public(office.unit.code).content.decode()
    at = adjusted.published_at.astimezone(VN)
    assert f"Lịch điều chỉnh (lần 1) lúc {at:%H:%M %d/%m/%Y}." in html
    assert html.count(">điều chỉnh</span>") == 1


@time_machine.travel(THURSDAY, tick=False)
def test_tv_page_highlights_today_and_refreshes(published_week, office, settings):
    settings.XASO_TV_REFRESH_SECONDS = 45
    settings.XASO_TV_FULL_RELOAD_SECONDS = 600
    token = services.display_screen_for(unit_id=office.unit_id).token
    response = Client().get(f"/lich-cong-tac/man-hinh/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="600">' in html
    assert 'data-refresh="45"' in html
    assert f'data-url="/lich-cong-tac/man-hinh/{token}/du-lieu/"' in html
    assert '/static/work_calendar/tv.js"' in html
    assert "//cdn" not in html
    assert "https://" not in html
    assert 'class="wc-day is-today" data-date="2026-12-10" aria-current="date"' in html
    assert html.count("is-today") == 1
    assert 'class="wc-day is-past" data-date="2026-12-09"' in html
    assert 'class="wc-day" data-date="2026-12-11"' in html
    assert "Kiểm tra tiến độ xây dựng nông thôn mới" in html
    assert "no-cache" in response["Cache-Control"]
    fragment = Client().get(f"/lich-cong-tac/man-hinh/{token}/du-lieu/").content.decode()
    assert "<html" not in fragment
    assert 'data-date="2026-12-10" aria-current="date"' in fragment
    assert "Họp giao ban tuần" in fragment


@time_machine.travel(THURSDAY, tick=False)
def test_tv_token_shows_only_its_unit(published_week, other_commune, other_unit_admin):
    other_token = services.display_screen_for(unit_id=other_commune.pk).token
    html = Client().get(f"/lich-cong-tac/man-hinh/{other_token}/").content.decode()
    assert "Xã Tiền Phong" in html
    assert "Họp giao ban tuần" not in html
    assert "Lịch công tác tuần này chưa được công bố." in html
    assert Client().get("/lich-cong-tac/man-hinh/khong-dung/").status_code == 404
    assert Client().get("/lich-cong-tac/man-hinh/khong-dung/du-lieu/").status_code == 404


@time_machine.travel(THURSDAY, tick=False)
def test_regenerated_tv_token_stops_the_old_address(published_week, unit_admin):
    old = services.display_screen_for(unit_id=unit_admin.unit_id).token
    services.regenerate_display_token(actor=unit_admin)
    assert Client().get(f"/lich-cong-tac/man-hinh/{old}/").status_code == 404


@time_machine.travel(THURSDAY, tick=False)
def test_tv_never_shows_unpublished_changes(published_week, office):
    event = published_week.week.events.order_by("date").first()
    services.update_event(actor=office, event=event, data={"content": "Nội dung chưa duyệt"})
    token = services.display_screen_for(unit_id=office.unit_id).token
    html = Client().get(f"/lich-cong-tac/man-hinh/{token}/").content.decode()
    assert "Nội dung chưa duyệt" not in html
    assert "Họp giao ban tuần" in html


def _feed(token: str) -> icalendar.Calendar:
    response = Client().get(f"/lich-cong-tac/ical/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@time_machine.travel(THURSDAY, tick=False)
def test_ical_feed_parses_back_with_exact_values(
    published_week, official, chairman, office, settings
):
    settings.XASO_PUBLIC_BASE_URL = "https://quychau.xaso.example.vn"
    meeting = published_week.week.events.order_by("date").first()
    cal = _feed(services.feed_token_for(user=official).token)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == "-//XaSo//Lich cong tac tuan//VI"
    assert str(cal["x-wr-calname"]) == "Lịch công tác — Bùi Thị Hạnh"
    events = cal.walk("VEVENT")
    assert len(events) == 1  # the official attends the meeting only
    event = events[0]
    assert str(event["uid"]) == f"lich-cong-tac-{meeting.pk}@quychau.xaso.example.vn"
    assert str(event["summary"]) == "Họp giao ban tuần"
    assert str(event["location"]) == "Hội trường UBND xã"
    assert str(event["description"]) == (
        "Chủ trì: Trần Văn Chủ Tịch\n"
        "Thành phần: Bùi Thị Hạnh, Trưởng các bản\n"
        "Chuẩn bị: Văn phòng chuẩn bị tài liệu"
    )
    assert event.decoded("dtstart") == datetime.datetime(2026, 12, 8, 8, 0, tzinfo=VN)
    assert event.decoded("dtend") == datetime.datetime(2026, 12, 8, 10, 30, tzinfo=VN)
    assert event["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert int(event["sequence"]) == 0
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]

    chair_events = _feed(services.feed_token_for(user=chairman).token).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in chair_events) == [
        "Họp giao ban tuần",
        "Kiểm tra tiến độ xây dựng nông thôn mới",
    ]
    no_end = next(e for e in chair_events if str(e["summary"]).startswith("Kiểm tra"))
    assert no_end.decoded("dtend") - no_end.decoded("dtstart") == datetime.timedelta(hours=1)
    # The office compiled the week but neither chairs nor attends: an empty calendar.
    assert _feed(services.feed_token_for(user=office).token).walk("VEVENT") == []


@time_machine.travel(THURSDAY, tick=False)
def test_ical_feed_follows_adjustments_and_ignores_unpublished(
    published_week, official, office, chairman
):
    meeting = published_week.week.events.order_by("date").first()
    token = services.feed_token_for(user=official).token
    services.update_event(actor=office, event=meeting, data={"place": "Phòng họp tầng 2"})
    assert str(_feed(token).walk("VEVENT")[0]["location"]) == "Hội trường UBND xã"
    services.publish_week(actor=chairman, week=published_week.week)
    event = _feed(token).walk("VEVENT")[0]
    assert str(event["location"]) == "Phòng họp tầng 2"
    assert int(event["sequence"]) == 1


def test_ical_feed_reset_and_unknown_token(published_week, official, other_official):
    old = services.feed_token_for(user=official).token
    services.reset_feed_token(actor=official)
    assert Client().get(f"/lich-cong-tac/ical/{old}.ics").status_code == 404
    # Another unit's person gets nothing of this unit's week.
    other_token = services.feed_token_for(user=other_official).token
    assert _feed(other_token).walk("VEVENT") == []
    official.is_active = False
    official.save(update_fields=["is_active"])
    new = official.calendar_feed.token
    assert Client().get(f"/lich-cong-tac/ical/{new}.ics").status_code == 404


@time_machine.travel(THURSDAY, tick=False)
def test_unit_day_off_override_shows_on_public_and_staff_week(published_week, office, client_as):
    from xaso.core.models import CalendarOverride

    CalendarOverride.objects.create(
        unit=office.unit,
        date=datetime.date(2026, 12, 11),
        kind=CalendarOverride.Kind.DAY_OFF,
        reason="Nghỉ bù ngày hội Văn hóa các dân tộc của xã",
    )
    public = _public(office.unit.code).content.decode()
    assert 'class="wc-day is-rest" data-date="2026-12-11"' in public
    assert "Nghỉ bù ngày hội Văn hóa các dân tộc của xã" in public
    staff = client_as(office).get(f"/lich-cong-tac/?tuan={WEEK.isoformat()}").content.decode()
    assert "Nghỉ bù ngày hội Văn hóa các dân tộc của xã" in staff


@time_machine.travel(THURSDAY, tick=False)
def test_cancelled_event_is_struck_out_and_cancelled_in_feeds(
    published_week, office, chairman, official
):
    meeting = published_week.week.events.order_by("date").first()
    services.reject_event(actor=office, event=meeting, reason="Lãnh đạo đi họp tỉnh")
    revision = services.publish_week(actor=chairman, week=published_week.week)
    assert [item["id"] for item in revision.cancelled] == [meeting.pk]
    assert meeting.pk not in [item["id"] for item in revision.events]

    html = _public(office.unit.code).content.decode()
    assert "<s>Họp giao ban tuần</s>" in html
    assert ">đã hủy</span>" in html
    cal = _feed(services.feed_token_for(user=official).token)
    [event] = cal.walk("VEVENT")
    assert str(event["summary"]) == "Họp giao ban tuần"
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1

    # A later adjustment keeps the cancellation visible.
    other = published_week.week.events.exclude(pk=meeting.pk).get()
    services.update_event(actor=office, event=other, data={"place": "Bản Na Lạt"})
    third = services.publish_week(actor=chairman, week=published_week.week)
    assert [item["id"] for item in third.cancelled] == [meeting.pk]
    assert "<s>Họp giao ban tuần</s>" in _public(office.unit.code).content.decode()
    # Put back into the week: no longer cancelled.
    services.accept_event(actor=office, event=meeting)
    fourth = services.publish_week(actor=chairman, week=published_week.week)
    assert fourth.cancelled == []
    assert str(_feed(services.feed_token_for(user=official).token).walk("VEVENT")[0]["status"]) == (
        "CONFIRMED"
    )
