"""The hash-chained audit trail: writing, tamper detection, pages, command and API."""

import datetime
import io
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from xaso.core.audit import GENESIS_HASH
from xaso.core.audit import GLOBAL_CHAIN
from xaso.core.audit import chain_key_for
from xaso.core.audit import compute_event_hash
from xaso.core.audit import record_audit_event
from xaso.core.audit import verify_all_chains
from xaso.core.audit import verify_chain
from xaso.core.audit_labels import audit_action_label
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditChain
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MODIFIED = "Nội dung sự kiện đã bị sửa đổi."
PREVIOUS_MISMATCH = "Mã băm của sự kiện liền trước không khớp (sự kiện bị xóa hoặc đổi thứ tự)."


class _RollbackError(Exception):
    pass


def _problems(key: str) -> list[tuple[int, str]]:
    return [(problem.sequence, problem.message) for problem in verify_chain(key)]


@pytest.fixture
def chain(unit_admin: User, commune: AdministrativeUnit) -> list[AuditEvent]:
    """Three events of the commune's chain."""
    return [
        record_audit_event(actor=unit_admin, action="test.first", data={"n": 1}),
        record_audit_event(actor=unit_admin, action="test.second", data={"n": 2}),
        record_audit_event(actor=unit_admin, action="test.third", data={"n": 3}),
    ]


# --- Writing ------------------------------------------------------------------------------


def test_events_form_a_linked_chain(chain: list[AuditEvent], commune: AdministrativeUnit) -> None:
    key = chain_key_for(commune)
    stored = list(AuditEvent.objects.filter(chain_key=key).order_by("sequence"))

    assert key == f"unit:{commune.pk}"
    assert [event.sequence for event in stored] == [1, 2, 3]
    assert [event.action for event in stored] == ["test.first", "test.second", "test.third"]
    assert stored[0].previous_hash == GENESIS_HASH
    assert stored[1].previous_hash == stored[0].hash
    assert stored[2].previous_hash == stored[1].hash
    assert [compute_event_hash(event) for event in stored] == [event.hash for event in stored]
    head = AuditChain.objects.get(key=key)
    assert (head.last_sequence, head.last_hash) == (3, stored[2].hash)
    assert verify_chain(key) == []


def test_event_records_actor_unit_and_target(unit_admin: User, clerk: User) -> None:
    event = record_audit_event(
        actor=unit_admin, action="account.updated", target=clerk, data={"field": "phone"}
    )
    event.refresh_from_db()

    assert event.unit_id == unit_admin.unit_id
    assert event.actor_id == unit_admin.pk
    assert event.actor_name == "Lê Thị Quản Trị"
    assert (event.target_type, event.target_id, event.target_repr) == (
        "core.user",
        str(clerk.pk),
        "Phạm Thị Văn Thư",
    )
    assert event.data == {"field": "phone"}


def test_event_without_unit_goes_to_the_global_chain(db: None) -> None:
    event = record_audit_event(action="auth.login_failed", actor_name="nguoi_la")

    assert (event.chain_key, event.sequence, event.unit_id) == (GLOBAL_CHAIN, 1, None)
    assert verify_chain(GLOBAL_CHAIN) == []


def test_units_have_separate_chains(unit_admin: User, other_unit_admin: User) -> None:
    first = record_audit_event(actor=unit_admin, action="test.a")
    other = record_audit_event(actor=other_unit_admin, action="test.b")
    second = record_audit_event(actor=unit_admin, action="test.c")

    assert (first.sequence, other.sequence, second.sequence) == (1, 1, 2)
    assert first.chain_key != other.chain_key


def test_a_rolled_back_event_leaves_no_event_and_no_gap(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    key = chain_key_for(commune)
    record_audit_event(actor=unit_admin, action="test.kept")

    def change_that_fails() -> None:
        with transaction.atomic():
            record_audit_event(actor=unit_admin, action="test.rolled_back")
            raise _RollbackError

    with pytest.raises(_RollbackError):
        change_that_fails()

    assert list(AuditEvent.objects.filter(chain_key=key).values_list("sequence", "action")) == [
        (1, "test.kept")
    ]
    assert AuditChain.objects.get(key=key).last_sequence == 1
    after = record_audit_event(actor=unit_admin, action="test.after")
    assert after.sequence == 2
    assert verify_chain(key) == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("192.168.001.1", None),  # leading zeros: ambiguous, refused by Python and PostgreSQL
        (" 10.0.0.5 ", "10.0.0.5"),
        ("", None),
        ("not an address", None),
    ],
)
def test_ip_address_is_stored_in_canonical_form(
    unit_admin: User, commune: AdministrativeUnit, given: str, stored: str | None
) -> None:
    event = record_audit_event(actor=unit_admin, action="test.ip", ip_address=given)
    event.refresh_from_db()

    assert event.ip_address == stored
    assert verify_chain(chain_key_for(commune)) == []


def test_data_round_trips_through_the_database_unchanged(
    unit_admin: User, commune: AdministrativeUnit
) -> None:
    # Dates, decimals and big floats come back from the database in another form than
    # Python wrote them; the hash must still match after the round trip.
    event = record_audit_event(
        actor=unit_admin,
        action="test.data",
        data={
            "day": datetime.date(2025, 7, 1),
            "time": datetime.time(15, 0),
            "big": 1e16,
            "ratio": 0.1,
            "whole": 2.0,
            "text": "Xã Quỳ Châu",
            "nested": {"b": [1, 2], "a": None},
        },
    )
    event.refresh_from_db()

    assert event.data == {
        "day": "2025-07-01",
        "time": "15:00:00",
        "big": 10**16,
        "ratio": 0.1,
        "whole": 2.0,
        "text": "Xã Quỳ Châu",
        "nested": {"a": None, "b": [1, 2]},
    }
    assert verify_chain(chain_key_for(commune)) == []


# --- Tamper detection ---------------------------------------------------------------------


def test_editing_a_past_event_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).update(data={"n": 20})

    assert _problems(chain_key_for(commune)) == [(2, MODIFIED)]
    with pytest.raises(CommandError, match="1 chuỗi có lỗi"):
        call_command("verify_audit", stdout=io.StringIO())


def test_editing_the_actor_name_of_an_event_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditEvent.objects.filter(pk=chain[0].pk).update(actor_name="Người khác")

    assert _problems(chain_key_for(commune)) == [(1, MODIFIED)]


def test_deleting_an_event_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).delete()

    assert _problems(chain_key_for(commune)) == [
        (2, "Thiếu sự kiện số 2 đến 2."),
        (3, PREVIOUS_MISMATCH),
    ]
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())


def test_deleting_the_last_event_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditEvent.objects.filter(pk=chain[2].pk).delete()

    assert _problems(chain_key_for(commune)) == [
        (3, "Đầu chuỗi ghi 3 sự kiện nhưng chỉ tìm thấy 2.")
    ]
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())


def test_reordering_events_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    # Swap the positions of events 2 and 3 (through a free number: sequences are unique).
    AuditEvent.objects.filter(pk=chain[1].pk).update(sequence=99)
    AuditEvent.objects.filter(pk=chain[2].pk).update(sequence=2)
    AuditEvent.objects.filter(pk=chain[1].pk).update(sequence=3)

    assert _problems(chain_key_for(commune)) == [
        (2, PREVIOUS_MISMATCH),
        (2, MODIFIED),
        (3, PREVIOUS_MISMATCH),
        (3, MODIFIED),
        (3, "Mã băm ở đầu chuỗi không khớp với sự kiện cuối cùng."),
    ]
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())


def test_rewriting_the_last_event_with_a_new_hash_is_detected_by_the_head(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    last = AuditEvent.objects.get(pk=chain[2].pk)
    last.data = {"n": 30}
    last.hash = compute_event_hash(last)
    last.save()

    assert _problems(chain_key_for(commune)) == [
        (3, "Mã băm ở đầu chuỗi không khớp với sự kiện cuối cùng.")
    ]


def test_a_deleted_chain_head_is_detected(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditChain.objects.filter(key=chain_key_for(commune)).delete()

    assert _problems(chain_key_for(commune)) == [(3, "Không tìm thấy đầu chuỗi nhật ký.")]


def test_verify_all_chains_counts_events_and_lists_problems(
    chain: list[AuditEvent], other_unit_admin: User, commune: AdministrativeUnit
) -> None:
    record_audit_event(actor=other_unit_admin, action="test.other")
    record_audit_event(action="test.global")

    assert verify_all_chains() == (5, [])

    AuditEvent.objects.filter(pk=chain[0].pk).update(action="test.changed")
    checked, problems = verify_all_chains()
    assert checked == 5
    assert [(p.chain_key, p.sequence, p.message) for p in problems] == [
        (chain_key_for(commune), 1, MODIFIED)
    ]


# --- Management command -------------------------------------------------------------------


def test_verify_audit_command_reports_an_intact_trail(
    chain: list[AuditEvent], other_unit_admin: User
) -> None:
    record_audit_event(actor=other_unit_admin, action="test.other")
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue().splitlines() == [
        "Đã kiểm tra 2 chuỗi, 4 sự kiện; 0 chuỗi có lỗi, 0 bất thường.",
        "Nhật ký toàn vẹn.",
    ]


def test_verify_audit_command_prints_each_problem(
    chain: list[AuditEvent], commune: AdministrativeUnit
) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).delete()
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"Nhật ký không toàn vẹn: 1 chuỗi có lỗi\."):
        call_command("verify_audit", stdout=out)

    key = chain_key_for(commune)
    assert out.getvalue().splitlines() == [
        f"[{key}] #2: Thiếu sự kiện số 2 đến 2.",
        f"[{key}] #3: {PREVIOUS_MISMATCH}",
        "Đã kiểm tra 1 chuỗi, 2 sự kiện; 1 chuỗi có lỗi, 2 bất thường.",
    ]


def test_verify_audit_command_for_one_unit(
    chain: list[AuditEvent], other_unit_admin: User, other_commune: AdministrativeUnit
) -> None:
    broken = record_audit_event(actor=other_unit_admin, action="test.other")
    AuditEvent.objects.filter(pk=broken.pk).update(action="test.changed")
    out = io.StringIO()

    # The commune's own chain is intact: the other commune's broken chain is not checked.
    call_command("verify_audit", "--unit", "16777", stdout=out)

    assert out.getvalue().splitlines() == [
        "Đơn vị: Xã Quỳ Châu (16777)",
        "Đã kiểm tra 1 chuỗi, 3 sự kiện; 0 chuỗi có lỗi, 0 bất thường.",
        "Nhật ký toàn vẹn.",
    ]
    with pytest.raises(CommandError):
        call_command("verify_audit", "--unit", "16750", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("code", "message"),
    [("abc", "Mã đơn vị không hợp lệ"), ("99999", "Không tìm thấy đơn vị có mã 99999")],
)
def test_verify_audit_command_refuses_an_unknown_unit(db: None, code: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("verify_audit", "--unit", code, stdout=io.StringIO())


def test_verify_audit_command_reads_a_two_digit_code_as_a_province(
    province: AdministrativeUnit,
) -> None:
    out = io.StringIO()
    call_command("verify_audit", "--unit", "40", stdout=out)
    assert out.getvalue().splitlines()[0] == "Đơn vị: Nghệ An (40)"


# --- Labels -------------------------------------------------------------------------------


def test_action_labels_are_vietnamese_and_unknown_codes_raw() -> None:
    assert audit_action_label("auth.login") == "Đăng nhập"
    assert audit_action_label("unit.agency_identifier_added") == "Thêm mã định danh cơ quan"
    assert audit_action_label("custom.unknown") == "custom.unknown"


# --- Pages --------------------------------------------------------------------------------


def _at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HCM)


@pytest.fixture
def viewer(commune: AdministrativeUnit, make_staff: Callable[..., User]) -> User:
    return make_staff(commune, "chairman", username="nguoixem", full_name="Võ Văn Xem")


@pytest.fixture
def history(
    unit_admin: User,
    chairman: User,
    clerk: User,
    commune: AdministrativeUnit,
    other_unit_admin: User,
) -> dict[str, AuditEvent]:
    """Events of three local days; "late" is 00:30 on 3 August, still 2 August in UTC."""
    events = {}
    with time_machine.travel(_at(2025, 8, 1, 8, 0), tick=False):
        events["settings"] = record_audit_event(
            actor=unit_admin,
            action="unit.updated",
            target=commune,
            data={"changes": {"cutoff_time": ["15:00", "16:00"]}},
            ip_address="10.0.0.5",
        )
    with time_machine.travel(_at(2025, 8, 2, 23, 30), tick=False):
        events["account"] = record_audit_event(
            actor=chairman,
            action="account.created",
            target=clerk,
            data={"username": "vanthu"},
            ip_address="10.0.1.7",
        )
    with time_machine.travel(_at(2025, 8, 3, 0, 30), tick=False):
        events["failed"] = record_audit_event(
            action="auth.login_failed",
            unit=commune,
            actor_name="khach_la",
            data={"username": "khach_la"},
            ip_address="203.0.113.9",
        )
    with time_machine.travel(_at(2025, 8, 2, 9, 0), tick=False):
        events["elsewhere"] = record_audit_event(
            actor=other_unit_admin,
            action="calendar.year_approved",
            data={"year": 2026},
            ip_address="10.0.0.5",
        )
    return events


def _listed(client: Client, **params: str) -> list[int]:
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return [event.pk for event in response.context["page"].object_list]


def test_audit_list_shows_own_unit_events_newest_first(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    client = client_as(viewer)
    login = AuditEvent.objects.get(action="auth.login", actor=viewer)

    response = client.get(reverse("core:audit_list"))

    assert [event.pk for event in response.context["page"].object_list] == [
        login.pk,
        history["failed"].pk,
        history["account"].pk,
        history["settings"].pk,
    ]
    content = response.content.decode()
    assert "Tạo tài khoản" in content
    assert "Đăng nhập không thành công" in content
    assert "khach_la" in content
    assert "calendar.year_approved" not in content  # the other commune's only event


def test_audit_list_action_select_offers_only_actions_present(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    response = client_as(viewer).get(reverse("core:audit_list"))

    choices = response.context["form"].fields["action"].choices
    assert choices == [
        ("", "Tất cả"),
        ("auth.login", "Đăng nhập"),
        ("auth.login_failed", "Đăng nhập không thành công"),
        ("unit.updated", "Sửa thông tin đơn vị"),
        ("account.created", "Tạo tài khoản"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "account.created"}, ["account"]),
        ({"actor": "le thi quan tri"}, ["settings"]),
        ({"actor": "Lê Thị"}, ["settings"]),
        ({"actor": "TRAN chu"}, ["account"]),
        ({"actor": "khach_la"}, ["failed"]),
        ({"date_from": "2025-08-02", "date_to": "2025-08-02"}, ["account"]),
        ({"date_from": "2025-08-03", "date_to": "2025-08-03"}, ["failed"]),
        ({"date_from": "2025-08-01", "date_to": "2025-08-03"}, ["failed", "account", "settings"]),
        ({"date_to": "2025-08-01"}, ["settings"]),
        ({"target": "Văn Thư"}, ["account"]),
        ({"target": "administrativeunit"}, ["settings"]),
        ({"ip_address": "10.0."}, ["account", "settings"]),
        ({"ip_address": "203.0.113.9"}, ["failed"]),
        ({"action": "unit.updated", "ip_address": "10.0.1"}, []),
        ({"date_from": "2025-08-03", "date_to": "2025-08-01"}, []),
        ({"date_from": "not-a-date"}, []),
    ],
)
def test_audit_list_filters(
    client_as: Callable[[User], Client],
    viewer: User,
    history: dict[str, AuditEvent],
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert _listed(client_as(viewer), **params) == [history[name].pk for name in expected]


def test_audit_list_is_paginated_by_50(
    client_as: Callable[[User], Client], viewer: User, unit_admin: User
) -> None:
    for number in range(51):
        record_audit_event(actor=unit_admin, action="test.bulk", data={"n": number})
    client = client_as(viewer)  # also writes the viewer's login event (the newest): 52 in all

    first = client.get(reverse("core:audit_list"))
    second = client.get(reverse("core:audit_list"), {"page": "2"})

    assert first.context["page"].paginator.count == 52
    assert len(first.context["page"].object_list) == 50
    assert [e.data for e in second.context["page"].object_list] == [{"n": 1}, {"n": 0}]
    assert "page=2" in first.content.decode()


def test_audit_detail_shows_data_and_hashes(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    event = history["account"]

    response = client_as(viewer).get(reverse("core:audit_detail", args=[event.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert event.hash in content
    assert event.previous_hash == history["settings"].hash
    assert event.previous_hash in content
    assert response.context["data_json"] == json.dumps(
        {"username": "vanthu"}, ensure_ascii=False, indent=2
    )
    assert response.context["hash_ok"] is True
    assert "Tạo tài khoản" in content
    assert "account.created" in content


def test_audit_detail_flags_an_edited_event(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    AuditEvent.objects.filter(pk=history["account"].pk).update(data={"username": "khac"})

    response = client_as(viewer).get(reverse("core:audit_detail", args=[history["account"].pk]))

    assert response.context["hash_ok"] is False
    assert "không khớp nội dung" in response.content.decode()


def test_audit_detail_of_another_units_event_is_not_found(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    response = client_as(viewer).get(reverse("core:audit_detail", args=[history["elsewhere"].pk]))
    assert response.status_code == 404


def test_verify_button_reports_an_intact_chain(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    response = client_as(viewer).post(reverse("core:audit_verify"))

    assert response.status_code == 200
    assert response.context["report"].events == 4  # three events and the viewer's login
    content = response.content.decode()
    assert "Nhật ký nguyên vẹn: đã kiểm tra 4 sự kiện" in content
    assert "<html" in content


def test_verify_button_lists_the_problems(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    AuditEvent.objects.filter(pk=history["account"].pk).update(ip_address="10.9.9.9")

    response = client_as(viewer).post(reverse("core:audit_verify"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content  # HTMX gets only the banner
    assert "Phát hiện 1 bất thường trong 4 sự kiện" in content
    assert f"Sự kiện số 2: {MODIFIED}" in content


def test_verify_is_post_only(client_as: Callable[[User], Client], viewer: User) -> None:
    assert client_as(viewer).get(reverse("core:audit_verify")).status_code == 405


def test_audit_pages_refuse_staff_without_the_permission(
    client_as: Callable[[User], Client], clerk: User, history: dict[str, AuditEvent]
) -> None:
    client = client_as(clerk)

    assert client.get(reverse("core:audit_list")).status_code == 403
    assert client.get(reverse("core:audit_detail", args=[history["account"].pk])).status_code == 403
    assert client.post(reverse("core:audit_verify")).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 403


def test_audit_isolation_list(
    unit_admin: User, clerk: User, other_unit_admin: User, history: dict[str, AuditEvent]
) -> None:
    assert_isolation(
        IsolationCase(
            url=reverse("core:audit_list"),
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="khach_la",
        )
    )


def test_audit_isolation_detail(
    unit_admin: User, clerk: User, other_unit_admin: User, history: dict[str, AuditEvent]
) -> None:
    assert_isolation(
        IsolationCase(
            url=reverse("core:audit_detail", args=[history["account"].pk]),
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )


def test_audit_isolation_verify(
    unit_admin: User, clerk: User, other_unit_admin: User, history: dict[str, AuditEvent]
) -> None:
    AuditEvent.objects.filter(pk=history["account"].pk).update(action="account.deleted")
    assert_isolation(
        IsolationCase(
            url=reverse("core:audit_verify"),
            method="post",
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
            other_unit_status=200,
            hidden_text=MODIFIED,
        )
    )


# --- API ----------------------------------------------------------------------------------


def test_api_audit_events_lists_own_unit_newest_first(
    client_as: Callable[[User], Client], viewer: User, history: dict[str, AuditEvent]
) -> None:
    response = client_as(viewer).get("/api/v1/audit/events", {"date_to": "2025-08-03"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["id"] for item in body["items"]] == [
        history["failed"].pk,
        history["account"].pk,
        history["settings"].pk,
    ]
    account = body["items"][1]
    assert account == {
        "id": history["account"].pk,
        "sequence": 2,
        "created_at": "2025-08-02T16:30:00Z",  # 23:30 in Hà Nội; the API speaks UTC
        "action": "account.created",
        "action_label": "Tạo tài khoản",
        "actor_id": history["account"].actor_id,
        "actor_name": "Trần Văn Chủ Tịch",
        "target_type": "core.user",
        "target_id": history["account"].target_id,
        "target_repr": "Phạm Thị Văn Thư",
        "ip_address": "10.0.1.7",
        "data": {"username": "vanthu"},
        "hash": history["account"].hash,
        "previous_hash": history["settings"].hash,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "unit.updated"}, ["settings"]),
        ({"date_from": "2025-08-03", "date_to": "2025-08-03"}, ["failed"]),
        ({"action": "calendar.year_approved"}, []),
    ],
)
def test_api_audit_events_filters(
    client_as: Callable[[User], Client],
    viewer: User,
    history: dict[str, AuditEvent],
    params: dict[str, str],
    expected: list[str],
) -> None:
    body = client_as(viewer).get("/api/v1/audit/events", params).json()
    assert [item["id"] for item in body["items"]] == [history[name].pk for name in expected]


def test_api_audit_events_are_paginated(
    client_as: Callable[[User], Client], viewer: User, unit_admin: User
) -> None:
    client = client_as(viewer)
    for number in range(51):
        record_audit_event(actor=unit_admin, action="test.bulk", data={"n": number})

    body = client.get("/api/v1/audit/events", {"action": "test.bulk", "page": 2}).json()

    assert body["count"] == 51
    assert [item["data"] for item in body["items"]] == [{"n": 0}]


def test_api_audit_isolation(
    unit_admin: User, clerk: User, other_unit_admin: User, history: dict[str, AuditEvent]
) -> None:
    assert_isolation(
        IsolationCase(
            url="/api/v1/audit/events",
            api=True,
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
            other_unit_status=200,
            hidden_text="khach_la",
        )
    )
