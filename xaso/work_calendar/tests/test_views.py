"""Staff pages: tenancy of every route, bad input in Vietnamese, HTMX and the printable week."""

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import PublishedRevision
from xaso.work_calendar.tests.conftest import NATIONAL_DAY_WEEK
from xaso.work_calendar.tests.conftest import WEEK

pytestmark = pytest.mark.django_db

WEEK_URL = f"/lich-cong-tac/?tuan={WEEK.isoformat()}"


def _form(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "tuan": WEEK.isoformat(),
        "date": "2026-12-09",
        "start_time": "14:00",
        "end_time": "16:30",
        "content": "Tiếp công dân định kỳ",
        "place": "Phòng tiếp công dân",
        "chair": "",
        "chair_text": "Chủ tịch UBND xã",
        "participants_text": "",
        "preparation": "",
    }
    data.update(overrides)
    return data


def test_week_page_isolation(published_week, official, no_role, other_official):
    assert_isolation(
        IsolationCase(
            url=WEEK_URL,
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
            hidden_text="Họp giao ban tuần",
        )
    )


def test_week_page_shows_events_holidays_and_history(client_as, published_week, official):
    response = client_as(official).get(WEEK_URL)
    html = response.content.decode()
    assert "Từ ngày 07/12/2026 đến ngày 13/12/2026" in html
    assert "Họp giao ban tuần" in html
    assert "Kiểm tra tiến độ xây dựng nông thôn mới" in html
    assert "08:00–10:30" in html
    assert "Trần Văn Chủ Tịch" in html
    assert "Bùi Thị Hạnh; Trưởng các bản" in html
    published_at = timezone.localtime(published_week.published_at)
    assert f"Lần 1: {published_at:%H:%M %d/%m/%Y} — Trần Văn Chủ Tịch" in html

    holidays = client_as(official).get(f"/lich-cong-tac/?tuan={NATIONAL_DAY_WEEK.isoformat()}")
    html = holidays.content.decode()
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in html
    assert html.count("Quốc khánh") == 2


def test_official_sees_own_proposal_but_not_others(
    client_as, official, office, propose, make_staff
):
    colleague = make_staff(official.unit, "finance_accounting", username="taichinh")
    propose(official, content="Đề xuất của tôi", chair_text="Chủ tịch")
    propose(colleague, content="Đề xuất của đồng nghiệp", chair_text="Chủ tịch")
    html = client_as(official).get(WEEK_URL).content.decode()
    assert "Đề xuất của tôi" in html
    assert "Đề xuất của đồng nghiệp" not in html
    office_html = client_as(office).get(WEEK_URL).content.decode()
    assert "Đề xuất của tôi" in office_html
    assert "Đề xuất của đồng nghiệp" in office_html


def test_propose_pages_isolation(official, no_role, other_official):
    assert_isolation(
        IsolationCase(
            url=f"/lich-cong-tac/de-xuat/?tuan={WEEK.isoformat()}",
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
            hidden_text="Bùi Thị Hạnh",
        )
    )
    # Another unit cannot name this unit's staff as participants.
    assert_isolation(
        IsolationCase(
            url="/lich-cong-tac/de-xuat/",
            method="post",
            data=_form(participants=str(official.pk)),
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
            allowed_status=302,
        )
    )
    assert list(CalendarEvent.objects.values_list("unit_id", "content")) == [
        (official.unit_id, "Tiếp công dân định kỳ")
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_time": "16:00", "end_time": "15:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        (
            {"date": "2026-12-15"},
            "Ngày 15/12/2026 không thuộc tuần từ 07/12/2026 đến 13/12/2026",
        ),
        ({"participants": "999999"}, "Người này không có trong danh sách cán bộ của đơn vị."),
        ({"chair_text": ""}, "Hãy chọn hoặc ghi tên người chủ trì."),
    ],
)
def test_bad_proposal_form_shows_vietnamese_message(client_as, official, overrides, message):
    response = client_as(official).post("/lich-cong-tac/de-xuat/", _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CalendarEvent.objects.count() == 0


def test_proposal_is_saved_from_the_form(client_as, official, chairman):
    response = client_as(official).post(
        "/lich-cong-tac/de-xuat/",
        _form(chair=str(chairman.pk), chair_text="", participants=[str(official.pk)]),
    )
    assert response.status_code == 302
    assert response["Location"] == WEEK_URL
    event = CalendarEvent.objects.get()
    assert (event.date, event.start_time, event.end_time) == (
        datetime.date(2026, 12, 9),
        datetime.time(14, 0),
        datetime.time(16, 30),
    )
    assert event.chair == chairman
    assert list(event.participants.all()) == [official]
    assert event.status == CalendarEvent.Status.PROPOSED


def test_edit_isolation(official, no_role, other_official, propose):
    event = propose(official, chair_text="Chủ tịch")
    assert_isolation(
        IsolationCase(
            url=f"/lich-cong-tac/su-kien/{event.pk}/sua/",
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
        )
    )


def test_edit_form_refuses_end_before_start(client_as, office, propose):
    event = propose(office, chair_text="Chủ tịch")
    response = client_as(office).post(
        f"/lich-cong-tac/su-kien/{event.pk}/sua/",
        _form(date="2026-12-08", start_time="10:00", end_time="09:00"),
    )
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.content.decode()
    event.refresh_from_db()
    assert (event.start_time, event.end_time) == (datetime.time(8, 0), datetime.time(10, 30))


@pytest.mark.parametrize("action", ["dua-vao-lich", "tu-choi", "gop", "len", "xuong"])
def test_compile_actions_isolation(action, office, official, other_office, propose):
    event = propose(official, chair_text="Chủ tịch")
    target = propose(office, chair_text="Chủ tịch", content="Sự kiện đích")
    data = {"reason": "Trùng lịch", "target": target.pk}
    assert_isolation(
        IsolationCase(
            url=f"/lich-cong-tac/su-kien/{event.pk}/{action}/",
            method="post",
            data=data,
            allowed=office,
            wrong_role=official,
            other_unit=other_office,
        )
    )


def test_reject_without_reason_changes_nothing(client_as, office, official, propose):
    event = propose(official, chair_text="Chủ tịch")
    response = client_as(office).post(
        f"/lich-cong-tac/su-kien/{event.pk}/tu-choi/", {"reason": ""}, follow=True
    )
    assert "Hãy ghi lý do không đưa sự kiện vào lịch." in response.content.decode()
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.PROPOSED


def test_htmx_compile_returns_the_week_table(client_as, office, official, propose):
    event = propose(official, chair_text="Chủ tịch")
    response = client_as(office).post(
        f"/lich-cong-tac/su-kien/{event.pk}/dua-vao-lich/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="week-table">')
    assert "<html" not in html
    assert "Đã đưa vào lịch" in html
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.ACCEPTED


def test_merge_with_another_units_event_is_404(client_as, office, other_office, propose):
    event = propose(office, chair_text="Chủ tịch")
    foreign = propose(other_office, chair_text="Chủ tịch")
    response = client_as(office).post(
        f"/lich-cong-tac/su-kien/{event.pk}/gop/", {"target": foreign.pk}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.ACCEPTED


def test_publish_isolation_and_adjustment(client_as, office, chairman, other_chairman, propose):
    propose(office, chair=chairman)
    url = f"/lich-cong-tac/tuan/{WEEK.isoformat()}/cong-bo/"
    # Another unit's chairman publishes their own (empty) week, never this one.
    client_as(other_chairman).post(url)
    assert PublishedRevision.objects.count() == 0
    assert_isolation(
        IsolationCase(
            url=url,
            method="post",
            allowed=chairman,
            wrong_role=office,
            other_unit=other_chairman,
            other_unit_status=302,
        )
    )
    revision = PublishedRevision.objects.get()
    assert revision.unit == chairman.unit
    assert revision.number == 1

    event = CalendarEvent.objects.get()
    client_as(office).post(
        f"/lich-cong-tac/su-kien/{event.pk}/sua/",
        _form(date="2026-12-08", start_time="07:30", end_time="", chair=str(chairman.pk)),
    )
    response = client_as(chairman).post(url, {"note": "Đổi giờ họp"}, follow=True)
    assert "Đã công bố lịch điều chỉnh (lần 2)." in response.content.decode()
    adjusted = PublishedRevision.objects.get(number=2)
    assert adjusted.note == "Đổi giờ họp"
    assert adjusted.events[0]["start"] == "07:30"
    assert adjusted.events[0]["changed"] is True


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_week_pdf(client_as, published_week, official, no_role, other_official):
    url = f"/lich-cong-tac/tuan/{WEEK.isoformat()}/lich-tuan.pdf"
    assert_isolation(
        IsolationCase(
            url=url,
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
        )
    )
    response = client_as(official).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "LỊCH CÔNG TÁC TUẦN 50" in text
    assert "Họp giao ban tuần" in text
    assert "Hội trường UBND xã" in text
    assert "DỰ THẢO" not in text
    other_text = _pdf_text(client_as(other_official).get(url).content)
    assert "Họp giao ban tuần" not in other_text
    assert "DỰ THẢO" in other_text


def test_my_feed_isolation_and_reset(client_as, official, no_role, other_official):
    token = services.feed_token_for(user=official).token
    assert_isolation(
        IsolationCase(
            url="/lich-cong-tac/lich-cua-toi/",
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
            hidden_text=token,
        )
    )
    assert token in client_as(official).get("/lich-cong-tac/lich-cua-toi/").content.decode()
    client_as(official).post("/lich-cong-tac/lich-cua-toi/")
    official.calendar_feed.refresh_from_db()
    assert official.calendar_feed.token != token


def test_display_settings_isolation_and_regenerate(
    client_as, unit_admin, official, other_unit_admin
):
    token = services.display_screen_for(unit_id=unit_admin.unit_id).token
    assert_isolation(
        IsolationCase(
            url="/lich-cong-tac/man-hinh/",
            allowed=unit_admin,
            wrong_role=official,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text=token,
        )
    )
    html = client_as(unit_admin).get("/lich-cong-tac/man-hinh/").content.decode()
    assert f"http://testserver/lich-cong-tac/man-hinh/{token}/" in html
    assert "http://testserver/cong-khai/lich-cong-tac/16777/" in html
    client_as(unit_admin).post("/lich-cong-tac/man-hinh/")
    unit_admin.unit.calendar_display.refresh_from_db()
    assert unit_admin.unit.calendar_display.token != token


@time_machine.travel(datetime.datetime(2026, 12, 8, 7, 0, tzinfo=datetime.UTC), tick=False)
def test_home_widget(client_as, published_week, official, office, chairman, propose):
    propose(official, content="Đề xuất tuần này", chair_text="Chủ tịch")
    event = published_week.week.events.order_by("date").last()
    services.update_event(actor=office, event=event, data={"place": "Nơi khác"})
    html = client_as(official).get("/").content.decode()
    assert "Lịch công tác hôm nay" in html
    assert "08:00–10:30 · Họp giao ban tuần · Hội trường UBND xã</strong>" in html
    assert "bạn dự" in html
    assert "đề xuất chờ tổng hợp" not in html
    office_html = client_as(office).get("/").content.decode()
    assert "1 đề xuất chờ tổng hợp" in office_html
    assert "bạn dự" not in office_html
    chairman_html = client_as(chairman).get("/").content.decode()
    assert "Tuần từ 07/12/2026 có thay đổi chờ công bố" in chairman_html
