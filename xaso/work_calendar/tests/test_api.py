"""API /api/v1/lich-cong-tac/: published weeks of the caller's unit, proposing an event."""

import json

import pytest

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.tests.conftest import WEEK

pytestmark = pytest.mark.django_db

WEEK_API = "/api/v1/lich-cong-tac/tuan"
EVENT_API = "/api/v1/lich-cong-tac/su-kien"


def _payload(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "week_start": WEEK.isoformat(),
        "date": "2026-12-11",
        "start_time": "07:30",
        "end_time": "11:00",
        "place": "Bản Na Lạt",
        "content": "Kiểm tra công tác phòng chống dịch gia súc",
        "chair_text": "Phó Chủ tịch UBND xã",
        "participant_ids": [],
    }
    data.update(overrides)
    return data


def test_published_week_isolation(published_week, official, no_role, other_official):
    assert_isolation(
        IsolationCase(
            url=WEEK_API,
            data={"ngay": "2026-12-09"},
            api=True,
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=200,
            hidden_text="Họp giao ban tuần",
        )
    )


def test_published_week_values(client_as, published_week, official):
    body = client_as(official).get(WEEK_API, {"ngay": "2026-12-13"}).json()
    meeting = published_week.week.events.order_by("date").first()
    assert body["start"] == "2026-12-07"
    assert body["end"] == "2026-12-13"
    assert body["published"] is True
    assert body["revision"] == 1
    assert body["is_adjustment"] is False
    assert body["events"][0] == {
        "id": meeting.pk,
        "date": "2026-12-08",
        "start": "08:00",
        "end": "10:30",
        "place": "Hội trường UBND xã",
        "content": "Họp giao ban tuần",
        "chair": "Trần Văn Chủ Tịch",
        "participants": ["Bùi Thị Hạnh"],
        "participants_text": "Trưởng các bản",
        "preparation": "Văn phòng chuẩn bị tài liệu",
        "changed": False,
        "cancelled": False,
    }
    empty = client_as(official).get(WEEK_API, {"ngay": "2026-12-14"}).json()
    assert empty["published"] is False
    assert empty["events"] == []


def test_propose_isolation(official, no_role, other_official):
    # Another unit's user cannot name this unit's official: an unknown participant (400).
    assert_isolation(
        IsolationCase(
            url=EVENT_API,
            method="post",
            api=True,
            content_type="application/json",
            data=_payload(participant_ids=[official.pk]),
            allowed=official,
            wrong_role=no_role,
            other_unit=other_official,
            other_unit_status=400,
            allowed_status=201,
        )
    )
    event = CalendarEvent.objects.get()
    assert event.unit == official.unit
    assert event.status == CalendarEvent.Status.PROPOSED
    assert list(event.participants.all()) == [official]


def _post(client, payload):
    return client.post(EVENT_API, json.dumps(payload), content_type="application/json")


def test_propose_returns_the_event(client_as, official, chairman):
    response = _post(client_as(official), _payload(chair_id=chairman.pk, chair_text=""))
    assert response.status_code == 201
    event = CalendarEvent.objects.get()
    assert response.json() == {
        "id": event.pk,
        "week_start": "2026-12-07",
        "date": "2026-12-11",
        "start_time": "07:30:00",
        "end_time": "11:00:00",
        "place": "Bản Na Lạt",
        "content": "Kiểm tra công tác phòng chống dịch gia súc",
        "chair_id": chairman.pk,
        "chair_text": "",
        "participant_ids": [],
        "participants_text": "",
        "preparation": "",
        "status": "proposed",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "07:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        (
            {"date": "2026-12-06"},
            (
                "Ngày 06/12/2026 không thuộc tuần từ 07/12/2026 đến 13/12/2026; "
                "hãy chọn ngày trong tuần hoặc đề xuất vào tuần khác."
            ),
        ),
        (
            {"participant_ids": [424242]},
            "Người tham dự không có trong danh sách cán bộ của đơn vị (mã: 424242).",
        ),
    ],
)
def test_propose_bad_input(client_as, official, overrides, message):
    response = _post(client_as(official), _payload(**overrides))
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": [message]}
    assert CalendarEvent.objects.count() == 0
