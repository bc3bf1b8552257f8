"""Processing API: inbox, one dossier, actions, idempotency and tenancy on every route.

Times: see test_workflow.py (November 2026).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from xaso.core.models import IdempotencyRecord
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.services import processing

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status
BASE = "/api/v1/mot-cua/processing"
JSON = "application/json"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def long_sessions(settings):
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


@pytest.fixture
def received(receive, procedure, applicant, clock):
    def make(moment: datetime.datetime | None = None) -> Dossier:
        moment = moment or at(2, 9)
        clock(moment)
        return receive(procedure, applicant, received_at=moment)

    return make


def act(client, dossier, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{BASE}/dossiers/{dossier.pk}/actions", body, content_type=JSON, **headers)


def test_inbox_lists_steps_by_due_group(received, justice_official, client_as, clock):
    overdue = received(at(26, 9, month=10))
    soon = received(at(2, 9))
    clock(at(4, 10))

    body = client_as(justice_official).get(f"{BASE}/inbox").json()

    assert [item["code"] for item in body["overdue"]] == [overdue.code]
    assert [item["code"] for item in body["due_soon"]] == [soon.code]
    assert body["due_today"] == body["later"] == body["waiting"] == body["consultations"] == []
    item = body["due_soon"][0]
    assert item["step_name"] == "Thẩm định, trình ký"
    assert item["step_due_at"] == "2026-11-05T16:30:00+07:00"
    assert item["dossier_due_at"] == "2026-11-09T17:00:00+07:00"
    assert (item["due_state"], item["is_claimable"], item["status"]) == (
        "due_soon",
        True,
        "received",
    )


def test_dossier_shows_steps_and_allowed_actions(received, justice_official, client_as):
    dossier = received()

    body = client_as(justice_official).get(f"{BASE}/dossiers/{dossier.pk}").json()

    assert body["code"] == dossier.code
    assert (body["status"], body["status_label"]) == ("received", "Đã tiếp nhận")
    assert body["due_at"] == "2026-11-09T17:00:00+07:00"
    assert body["allowed_actions"] == ["claim"]
    assert [(s["order"], s["status"]) for s in body["steps"]] == [
        (1, "done"),
        (2, "active"),
        (3, "pending"),
        (4, "pending"),
    ]


def test_actions_walk_the_dossier_to_result_ready(
    received, justice_official, chairman, client_as, clock
):
    dossier = received()
    official = client_as(justice_official)
    leader = client_as(chairman)

    clock(at(2, 10))
    claim = act(official, dossier, {"action": "claim", "step_id": dossier.current_step_id})
    clock(at(3, 10))
    forward = act(official, dossier, {"action": "forward", "note": "Hợp lệ"})
    clock(at(4, 9))
    act(leader, dossier, {"action": "claim"})
    approve = act(leader, dossier, {"action": "approve", "note": "Đồng ý"})

    assert claim.status_code == 200
    assert claim.json()["status"] == "in_progress"
    assert forward.json()["status"] == "waiting_approval"
    assert forward.json()["current_step_name"] == "Lãnh đạo phê duyệt"
    assert approve.status_code == 200
    assert approve.json() == {
        "id": dossier.pk,
        "code": dossier.code,
        "status": "result_ready",
        "due_at": "2026-11-09T17:00:00+07:00",
        "current_step_id": dossier.steps.get(order=4).pk,
        "current_step_name": "Trả kết quả",
        "record_id": None,
    }


def test_supplement_and_extend_return_the_created_record(
    received, justice_official, counter_officer, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    official = client_as(justice_official)

    clock(at(3, 10))
    supplement = act(
        official,
        dossier,
        {"action": "request_supplement", "items": ["Bản sao CCCD"], "reason": "Thiếu"},
    )
    clock(at(5, 9))
    received_back = act(client_as(counter_officer), dossier, {"action": "record_supplement"})
    clock(at(9, 10))  # due Thursday 12/11 17:00 after the restart; last day: Wed 11/11
    extend = act(
        official,
        dossier,
        {"action": "extend", "reason": "Chờ xác minh", "new_due_on": "2026-11-18"},
    )

    assert supplement.json()["status"] == "waiting_supplement"
    assert supplement.json()["record_id"] == dossier.supplements.get().pk
    assert received_back.json()["due_at"] == "2026-11-12T17:00:00+07:00"
    assert extend.status_code == 200
    assert extend.json()["due_at"] == "2026-11-18T17:00:00+07:00"
    assert extend.json()["record_id"] == dossier.extensions.get().pk


def test_refused_action_answers_422_with_its_code_and_changes_nothing(
    received, justice_official, chairman, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    processing.refuse_dossier(actor=justice_official, dossier=dossier, reason="Không đủ")
    before = DossierEvent.objects.filter(dossier=dossier).count()

    response = act(client_as(justice_official), dossier, {"action": "forward"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "transition_not_allowed",
        "detail": (
            "Không thể “Chuyển bước tiếp theo”: hồ sơ đang ở trạng thái “Từ chối giải quyết”."
        ),
    }
    assert DossierEvent.objects.filter(dossier=dossier).count() == before


def test_official_approving_gets_422_and_bad_input_400(
    received, justice_official, chairman, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    processing.forward_dossier(actor=justice_official, dossier=dossier)

    approve = act(client_as(justice_official), dossier, {"action": "approve"})
    empty_reason = act(client_as(chairman), dossier, {"action": "refuse", "reason": " "})
    unknown = act(client_as(chairman), dossier, {"action": "fly"})

    assert (approve.status_code, approve.json()["code"]) == (422, "action_not_permitted")
    assert empty_reason.json() == {
        "code": "invalid",
        "detail": ["Hãy ghi rõ lý do từ chối giải quyết."],
    }
    assert empty_reason.status_code == 400
    assert unknown.status_code == 422  # the schema knows no such action
    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL


def test_same_idempotency_key_forwards_once_and_replays(
    received, justice_official, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    client = client_as(justice_official)
    body = {"action": "forward", "note": "Hợp lệ"}

    first = act(client, dossier, body, key="forward-1")
    second = act(client, dossier, body, key="forward-1")
    reused = act(client, dossier, {"action": "forward", "note": "Khác"}, key="forward-1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert DossierEvent.objects.filter(dossier=dossier, action="forwarded").count() == 1
    assert IdempotencyRecord.objects.filter(user=justice_official).count() == 1


def test_failed_action_keeps_no_idempotency_record(received, justice_official, client_as):
    dossier = received()

    response = act(client_as(justice_official), dossier, {"action": "forward"}, key="k-1")

    assert response.status_code == 422
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("route", ["inbox", "dossier", "action"])
def test_isolation_of_every_api_route(
    route,
    received,
    justice_official,
    clerk,
    other_commune,
    make_staff,
    clock,
):
    dossier = received()
    other_official = make_staff(other_commune, "justice_civil_status", username="tuphap_khac")
    if route == "inbox":
        case = IsolationCase(
            url=f"{BASE}/inbox",
            allowed=justice_official,
            wrong_role=clerk,
            other_unit=other_official,
            api=True,
            allowed_status=200,
            other_unit_status=200,
            hidden_text=dossier.code,
        )
    elif route == "dossier":
        case = IsolationCase(
            url=f"{BASE}/dossiers/{dossier.pk}",
            allowed=justice_official,
            wrong_role=clerk,
            other_unit=other_official,
            api=True,
            allowed_status=200,
        )
    else:
        case = IsolationCase(
            url=f"{BASE}/dossiers/{dossier.pk}/actions",
            allowed=justice_official,
            wrong_role=clerk,
            other_unit=other_official,
            api=True,
            method="post",
            data={"action": "claim"},
            content_type=JSON,
            allowed_status=200,
        )

    assert_isolation(case)

    dossier.refresh_from_db()
    expected = S.IN_PROGRESS if route == "action" else S.RECEIVED
    assert dossier.status == expected
