"""Processing pages through the test client: inbox, list, detail, every action route, the
PDFs (text read back with pypdf) and the four tenancy checks on every route.

Times: see test_workflow.py (November 2026; Tuesday 24/11 is a day off).
"""

import datetime
import io
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Consultation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Extension
from xaso.dossiers.models import StopNotice
from xaso.dossiers.services import processing

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


@pytest.fixture
def received(receive, procedure, applicant, clock):
    def make(moment: datetime.datetime | None = None, **kwargs) -> Dossier:
        moment = moment or at(2, 9)
        clock(moment)
        return receive(procedure, applicant, received_at=moment, **kwargs)

    return make


@pytest.fixture
def land_official(commune, make_staff):
    return make_staff(commune, "land_construction", username="diachinh", full_name="Lò Văn Đất")


@pytest.fixture
def second_justice_official(commune, make_staff):
    return make_staff(commune, "justice_civil_status", username="tuphap2", full_name="Vi Thị Hai")


@pytest.fixture(autouse=True)
def long_sessions(settings):
    """The clock jumps days ahead; the 30-minute idle timeout would sign everyone out."""
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600


def pdf_text(response) -> str:
    """The PDF's text with runs of white space (cell wrapping) made single spaces."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def detail_url(dossier: Dossier) -> str:
    return reverse("dossiers:dossier_detail", args=[dossier.pk])


def url(name: str, dossier: Dossier, *args: int) -> str:
    return reverse(f"dossiers:{name}", args=[dossier.pk, *args])


def shown_actions(response) -> list[str]:
    return [item["action"] for item in response.context["action_forms"]]


# --- inbox -----------------------------------------------------------------------------


def test_inbox_groups_and_orders_by_due_time(
    received,
    justice_official,
    second_justice_official,
    land_official,
    client_as,
    clock,
):
    """Now: Wednesday 4/11/2026 10:00. The appraisal step has a budget of 28 working hours."""
    overdue = received(at(26, 9, month=10))  # due Thu 29/10 16:30
    today = received(at(29, 16, 30, month=10))  # 0.5 + 7.5 × 3 + 4 h → Wed 4/11 14:30
    soon_first = received(at(30, 13, 30, month=10))  # → Thursday 5/11 09:30
    soon_second = received(at(2, 9))  # → Thursday 5/11 16:30
    later = received(at(4, 9))  # → Monday 9/11 16:30
    someone_elses = received(at(2, 10))
    waiting = received(at(3, 9))
    clock(at(3, 10))
    processing.claim_step(actor=second_justice_official, dossier=someone_elses)
    processing.claim_step(actor=justice_official, dossier=waiting)
    processing.request_supplement(
        actor=justice_official, dossier=waiting, items=["Tờ khai"], reason="Thiếu"
    )
    processing.claim_step(actor=justice_official, dossier=today)
    processing.consult(
        actor=second_justice_official,
        dossier=someone_elses,
        consulted=justice_official,
        question="Chị xem giúp?",
        due_in_days=1,
    )
    clock(at(4, 10))

    response = client_as(justice_official).get(reverse("dossiers:inbox"))

    assert response.status_code == 200
    groups = {g["state"]: [i.dossier.code for i in g["items"]] for g in response.context["groups"]}
    assert groups == {
        "overdue": [overdue.code],
        "due_today": [today.code],
        "due_soon": [soon_first.code, soon_second.code],
        "later": [later.code],
    }
    inbox = response.context["inbox"]
    assert [item.dossier.code for item in inbox.waiting] == [waiting.code]
    assert [c.dossier.code for c in inbox.consultations] == [someone_elses.code]
    claimable = {i.dossier.code: i.is_claimable for g in inbox.groups.values() for i in g}
    assert claimable[today.code] is False
    assert claimable[overdue.code] is True
    content = response.content.decode()
    assert content.index(soon_first.code) < content.index(soon_second.code)
    assert "Chị xem giúp?" in content

    # The other official of the same position sees the unclaimed ones, not this one's.
    other = client_as(second_justice_official).get(reverse("dossiers:inbox"))
    other_codes = [i.dossier.code for g in other.context["groups"] for i in g["items"]]
    assert today.code not in other_codes
    # Theirs waits on the consultation asked to this official.
    assert [i.dossier.code for i in other.context["inbox"].waiting] == [someone_elses.code]
    assert overdue.code in other_codes


def test_dashboard_widget_counts_the_inbox(received, justice_official, clerk, client_as, clock):
    received(at(26, 9, month=10))
    received(at(2, 9))
    clock(at(4, 10))

    home = client_as(justice_official).get(reverse("core:home"))
    widget = next(w for w in home.context["widgets"] if w["key"] == "dossier_inbox")

    assert widget["counts"] == {"overdue": 1, "due_today": 0, "due_soon": 1, "later": 0}
    assert widget["consultations"] == 0
    assert reverse("dossiers:inbox") in home.content.decode()
    clerk_home = client_as(clerk).get(reverse("core:home"))
    assert "dossier_inbox" not in [w["key"] for w in clerk_home.context["widgets"]]


# --- list ------------------------------------------------------------------------------


def test_list_filters_and_searches_without_diacritics(
    receive, procedure, applicant, chairman, client_as, clock
):
    from xaso.applicants.tests.factories import ApplicantFactory

    clock(at(2, 9))
    first = receive(procedure, applicant, received_at=at(2, 9))
    other_person = ApplicantFactory(unit=procedure.unit, full_name="Lương Văn Đức")
    second = receive(procedure, other_person, received_at=at(3, 9))
    client = client_as(chairman)

    by_name = client.get(reverse("dossiers:dossier_list"), {"q": "luong duc"})
    by_code = client.get(reverse("dossiers:dossier_list"), {"q": first.code[-11:]})
    by_date = client.get(
        reverse("dossiers:dossier_list"),
        {"received_from": "2026-11-03", "received_to": "2026-11-03"},
    )
    by_status = client.get(reverse("dossiers:dossier_list"), {"status": "refused"})
    partial = client.get(reverse("dossiers:dossier_list"), {"q": "an"}, HTTP_HX_REQUEST="true")

    assert [d.code for d in by_name.context["page"]] == [second.code]
    assert [d.code for d in by_code.context["page"]] == [first.code]
    assert [d.code for d in by_date.context["page"]] == [second.code]
    assert list(by_status.context["page"]) == []
    assert partial.templates[0].name == "dossiers/_processing_dossier_table.html"
    assert first.code in partial.content.decode()


def test_officials_list_only_dossiers_they_work_on_or_may_claim(
    received, justice_official, land_official, client_as, clock
):
    dossier = received()

    justice = client_as(justice_official).get(reverse("dossiers:dossier_list"))
    land = client_as(land_official).get(reverse("dossiers:dossier_list"))

    assert [d.code for d in justice.context["page"]] == [dossier.code]
    assert list(land.context["page"]) == []
    assert client_as(land_official).get(detail_url(dossier)).status_code == 404


def test_province_supervisor_reads_communes_dossiers_without_actions(
    received, province_supervisor, client_as
):
    dossier = received()

    listing = client_as(province_supervisor).get(reverse("dossiers:dossier_list"))
    detail = client_as(province_supervisor).get(detail_url(dossier))
    forward = client_as(province_supervisor).post(url("dossier_forward", dossier), {})

    assert [d.code for d in listing.context["page"]] == [dossier.code]
    assert detail.status_code == 200
    assert shown_actions(detail) == []
    assert forward.status_code == 403  # read-only: no working permission at all


def test_list_and_inbox_queries_do_not_grow_with_the_dossiers(
    received, chairman, justice_official, client_as
):
    def queries(user, name: str) -> int:
        client = client_as(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    received(at(2, 9))
    one = (queries(chairman, "dossiers:dossier_list"), queries(justice_official, "dossiers:inbox"))
    received(at(2, 10))
    received(at(3, 9))
    three = (
        queries(chairman, "dossiers:dossier_list"),
        queries(justice_official, "dossiers:inbox"),
    )

    assert three == one


# --- detail ----------------------------------------------------------------------------


def test_detail_shows_only_the_allowed_actions(
    received, justice_official, chairman, counter_officer, client_as, clock
):
    dossier = received()

    before_claim = client_as(justice_official).get(detail_url(dossier))
    assert shown_actions(before_claim) == ["claim"]
    content = before_claim.content.decode()
    assert 'data-action="claim"' in content
    assert 'data-action="forward"' not in content
    assert "Nguyễn Thị An" in content
    assert "Thẩm định, trình ký" in content

    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)

    official = client_as(justice_official).get(detail_url(dossier))
    leader = client_as(chairman).get(detail_url(dossier))
    counter = client_as(counter_officer).get(detail_url(dossier))

    assert shown_actions(official) == [
        "forward",
        "request_supplement",
        "consult",
        "transfer",
        "extend",
        "refuse",
        "stop",
        "withdraw",
    ]
    assert 'data-action="approve"' not in official.content.decode()
    assert shown_actions(leader) == ["extend", "stop"]
    assert shown_actions(counter) == ["withdraw"]


def test_detail_banner_prompts_the_apology_letter(received, justice_official, client_as, clock):
    dossier = received()  # due Monday 9/11 17:00
    client = client_as(justice_official)

    clock(at(5, 10))
    assert "due-banner" not in client.get(detail_url(dossier)).content.decode()
    clock(at(6, 10))
    friday = client.get(detail_url(dossier)).content.decode()
    clock(at(9, 10))
    due_day = client.get(detail_url(dossier)).content.decode()

    assert "Hồ sơ sắp đến hạn trả kết quả (17:00 09/11/2026)" in friday
    assert "mẫu 04) chậm nhất trong ngày 06/11/2026" in friday
    assert "Hôm nay là hạn trả kết quả (17:00 09/11/2026)" in due_day
    assert "Đã quá thời điểm được gửi văn bản xin lỗi" in due_day


def test_detail_includes_the_results_partial_only_when_it_exists(
    received, justice_official, client_as, monkeypatch
):
    from xaso.dossiers.views import processing as views

    dossier = received()
    monkeypatch.setattr(views, "RESULTS_PARTIAL", "dossiers/_processing_steps.html")

    response = client_as(justice_official).get(detail_url(dossier))

    assert response.context["has_results_partial"] is True
    monkeypatch.setattr(views, "RESULTS_PARTIAL", "dossiers/khong-co.html")
    assert (
        client_as(justice_official).get(detail_url(dossier)).context["has_results_partial"] is False
    )


# --- actions through POST -----------------------------------------------------------------


def test_full_path_through_the_pages(
    received, justice_official, chairman, counter_officer, client_as, clock
):
    dossier = received()
    official = client_as(justice_official)
    leader = client_as(chairman)

    clock(at(2, 10))
    response = official.post(url("step_claim", dossier), {"claim-step": dossier.current_step_id})
    assert response.status_code == 302
    assert response["Location"] == detail_url(dossier)

    clock(at(3, 10))
    official.post(url("dossier_forward", dossier), {"forward-note": "Hợp lệ"})
    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL

    clock(at(4, 9))
    leader.post(url("step_claim", dossier), {})
    appraisal = dossier.steps.get(order=2)
    response = leader.post(
        url("dossier_send_back", dossier),
        {"send_back-to_step": appraisal.pk, "send_back-reason": "Bổ sung xác minh"},
    )
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert dossier.current_step.assignee == justice_official

    clock(at(4, 10))
    official.post(url("dossier_forward", dossier), {"forward-note": "Đã bổ sung"})
    clock(at(4, 11))
    response = leader.post(url("dossier_approve", dossier), {"approve-note": "Đồng ý"}, follow=True)

    dossier.refresh_from_db()
    assert dossier.status == S.RESULT_READY
    assert "Đã phê duyệt kết quả giải quyết hồ sơ." in response.content.decode()
    assert [e.action for e in dossier.events.order_by("id")] == [
        "received",
        "claimed",
        "forwarded",
        "claimed",
        "sent_back",
        "forwarded",
        "approved",
    ]


def test_supplement_and_its_receipt_through_the_pages(
    received, justice_official, counter_officer, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)

    clock(at(3, 10))
    client_as(justice_official).post(
        url("dossier_supplement", dossier),
        {
            "supplement-items": "Bản sao CCCD\r\n\r\nGiấy xác nhận cư trú",
            "supplement-reason": "Thiếu giấy tờ",
            "supplement-guidance": "",
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_SUPPLEMENT
    assert dossier.supplements.get().items == ["Bản sao CCCD", "Giấy xác nhận cư trú"]

    clock(at(5, 9))  # Thursday 09:00: 5 working days → Thursday 12/11 17:00
    client_as(counter_officer).post(url("dossier_supplement_received", dossier), {})
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert dossier.due_at == at(12, 17)


def test_consult_and_answer_through_the_pages(
    received, justice_official, land_official, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)

    client_as(justice_official).post(
        url("dossier_consult", dossier),
        {
            "consult-consulted": land_official.pk,
            "consult-question": "Có tranh chấp?",
            "consult-due_in_days": "2",
        },
    )
    consultation = Consultation.objects.get(dossier=dossier)
    page = client_as(land_official).get(detail_url(dossier))
    assert "Có tranh chấp?" in page.content.decode()
    assert len(page.context["answers"]) == 1

    client_as(land_official).post(
        url("consultation_answer", dossier, consultation.pk),
        {f"answer-{consultation.pk}-answer": "Không."},
    )
    consultation.refresh_from_db()
    dossier.refresh_from_db()
    assert consultation.answer == "Không."
    assert dossier.status == S.IN_PROGRESS


def test_transfer_refuse_and_errors_through_the_pages(
    received, justice_official, chairman, counter_officer, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    official = client_as(justice_official)

    # Someone else's step: the service refuses, the page says why, nothing changes.
    refused = client_as(chairman).post(
        url("dossier_forward", dossier), {"forward-note": ""}, follow=True
    )
    assert "đang do Đặng Văn An xử lý" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS

    official.post(
        url("dossier_transfer", dossier),
        {
            "transfer-agency_name": "Sở Tư pháp",
            "transfer-due_in_days": "10",
            "transfer-agency_identifier": "",
            "transfer-note": "",
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == S.TRANSFERRED
    client_as(counter_officer).post(
        url("transfer_return", dossier), {"transfer_return-return_note": "Đồng ý"}
    )
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS

    # An empty reason: the form shows the error on the page, nothing is saved.
    empty = official.post(url("dossier_refuse", dossier), {"refuse-reason": ""})
    assert empty.status_code == 200
    assert "This field is required" in empty.content.decode() or "bắt buộc" in (
        empty.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS

    official.post(url("dossier_refuse", dossier), {"refuse-reason": "Không đủ điều kiện"})
    dossier.refresh_from_db()
    assert dossier.status == S.REFUSED


def test_extend_stop_and_their_pdfs(received, justice_official, chairman, client_as, clock):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    official = client_as(justice_official)

    clock(at(6, 10))
    official.post(
        url("dossier_extend", dossier),
        {"extend-reason": "Chờ xác minh của Công an xã", "extend-new_due_on": "2026-11-13"},
    )
    extension = Extension.objects.get(dossier=dossier)
    apology = pdf_text(official.get(url("apology_pdf", dossier, extension.pk)))

    assert "Mẫu số 04 (TT 03/2025/TT-VPCP)" in apology
    assert "Chờ xác minh của Công an xã" in apology
    assert "17:00 ngày 13/11/2026" in apology
    assert "17:00 ngày 09/11/2026" in apology
    assert "Nguyễn Thị An" in apology

    clock(at(6, 11))
    second = official.post(
        url("dossier_extend", dossier),
        {"extend-reason": "Lần nữa", "extend-new_due_on": "2026-11-20"},
        follow=True,
    )
    assert "không quá 1 lần" in second.content.decode()
    assert Extension.objects.filter(dossier=dossier).count() == 1
    assert "extend" not in shown_actions(official.get(detail_url(dossier)))

    assert official.get(url("stop_pdf", dossier)).status_code == 404
    client_as(chairman).post(
        url("dossier_stop", dossier),
        {
            "stop-reason": "Người nộp đề nghị dừng",
            "stop-requested_by_applicant": "on",
            "stop-financial_settlement": "Hoàn lệ phí",
        },
    )
    notice = StopNotice.objects.get(dossier=dossier)
    stop = pdf_text(official.get(url("stop_pdf", dossier)))

    assert notice.requested_by_applicant is True
    assert "Mẫu số 05 (TT 03/2025/TT-VPCP)" in stop
    assert "Người nộp đề nghị dừng" in stop
    assert "Hoàn lệ phí" in stop


def test_withdraw_through_the_page(received, counter_officer, client_as):
    dossier = received()

    client_as(counter_officer).post(
        url("dossier_withdraw", dossier), {"withdraw-reason": "Người nộp xin rút"}
    )

    dossier.refresh_from_db()
    assert dossier.status == S.WITHDRAWN


# --- the control slip ---------------------------------------------------------------------


def test_control_slip_lists_every_hand_over_with_its_outcome(
    received, justice_official, chairman, client_as, clock
):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    clock(at(3, 10))
    processing.forward_dossier(actor=justice_official, dossier=dossier)

    text = pdf_text(client_as(chairman).get(url("control_slip_pdf", dossier)))

    assert "Mẫu số 06 (TT 03/2025/TT-VPCP)" in text
    assert dossier.code in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "1. Tiếp nhận hồ sơ" in text
    assert "2. Thẩm định, trình ký" in text
    assert "3. Lãnh đạo phê duyệt" in text
    assert "Trước hạn" in text  # the appraisal, finished Tuesday, due Thursday
    assert "Đang xử lý" in text  # the approval, printable at any moment


def test_control_slip_of_a_2018_dossier_uses_form_05(received, justice_official, client_as):
    dossier = received()
    Dossier.objects.filter(pk=dossier.pk).update(form_set="2018")

    text = pdf_text(client_as(justice_official).get(url("control_slip_pdf", dossier)))

    assert "Mẫu số 05 (TT 01/2018/TT-VPCP)" in text
    assert dossier.code in text


def test_apology_letter_of_a_2018_dossier(received, justice_official, client_as, clock):
    dossier = received()
    clock(at(2, 10))
    processing.claim_step(actor=justice_official, dossier=dossier)
    Dossier.objects.filter(pk=dossier.pk).update(form_set="2018")
    extension = processing.extend_due(
        actor=justice_official,
        dossier=dossier,
        reason="Chờ xác minh",
        new_due_on=datetime.date(2026, 11, 13),
    )

    text = pdf_text(client_as(justice_official).get(url("apology_pdf", dossier, extension.pk)))

    assert "Mẫu số 04 (TT 01/2018/TT-VPCP)" in text
    assert "Chờ xác minh" in text


# --- isolation: every route ------------------------------------------------------------------


@dataclass
class World:
    """Everything a route's setup needs."""

    dossier: Dossier
    justice: Any
    chairman: Any
    counter: Any
    land: Any
    other: dict[str, Any]
    clock: Any


def _claimed(world: World) -> None:
    world.clock(at(2, 10))
    processing.claim_step(actor=world.justice, dossier=world.dossier)


def _at_approval(world: World) -> None:
    _claimed(world)
    world.clock(at(3, 10))
    processing.forward_dossier(actor=world.justice, dossier=world.dossier)
    world.clock(at(4, 9))
    processing.claim_step(actor=world.chairman, dossier=world.dossier)


def _waiting_supplement(world: World) -> None:
    _claimed(world)
    processing.request_supplement(
        actor=world.justice, dossier=world.dossier, items=["Tờ khai"], reason="Thiếu"
    )


def _consulting(world: World) -> None:
    _claimed(world)
    processing.consult(
        actor=world.justice,
        dossier=world.dossier,
        consulted=world.land,
        question="Ý kiến?",
        due_in_days=2,
    )


def _transferred(world: World) -> None:
    _claimed(world)
    processing.transfer_dossier(
        actor=world.justice, dossier=world.dossier, agency_name="Sở Tư pháp", due_in_days=5
    )


def _extended(world: World) -> None:
    _claimed(world)
    world.clock(at(5, 10))
    processing.extend_due(
        actor=world.justice,
        dossier=world.dossier,
        reason="Chậm",
        new_due_on=datetime.date(2026, 11, 12),
    )


def _stopped(world: World) -> None:
    _claimed(world)
    processing.stop_dossier(actor=world.chairman, dossier=world.dossier, reason="Dừng")


def _nothing(world: World) -> None:
    return None


# route name, extra URL args, setup, who is allowed, method, data, expected status after
ROUTES: list[tuple[str, Any, Any, str, str, Any, str | None]] = [
    ("inbox", None, _nothing, "justice", "get", {}, None),
    ("dossier_list", None, _nothing, "justice", "get", {}, None),
    ("dossier_detail", (), _nothing, "justice", "get", {}, None),
    ("step_claim", (), _nothing, "justice", "post", {}, S.IN_PROGRESS),
    ("dossier_forward", (), _claimed, "justice", "post", {}, S.WAITING_APPROVAL),
    (
        "dossier_send_back",
        (),
        _at_approval,
        "chairman",
        "post",
        lambda w: {
            "send_back-to_step": w.dossier.steps.get(order=2).pk,
            "send_back-reason": "Làm lại",
        },
        S.IN_PROGRESS,
    ),
    (
        "dossier_supplement",
        (),
        _claimed,
        "justice",
        "post",
        {"supplement-items": "Tờ khai", "supplement-reason": "Thiếu"},
        S.WAITING_SUPPLEMENT,
    ),
    ("dossier_supplement_received", (), _waiting_supplement, "counter", "post", {}, S.IN_PROGRESS),
    ("dossier_refuse", (), _claimed, "justice", "post", {"refuse-reason": "Không"}, S.REFUSED),
    (
        "dossier_consult",
        (),
        _claimed,
        "justice",
        "post",
        lambda w: {
            "consult-consulted": w.land.pk,
            "consult-question": "Ý kiến?",
            "consult-due_in_days": "2",
        },
        S.CONSULTING,
    ),
    (
        "consultation_answer",
        lambda w: (w.dossier.consultations.get().pk,),
        _consulting,
        "land",
        "post",
        lambda w: {f"answer-{w.dossier.consultations.get().pk}-answer": "Đồng ý"},
        S.IN_PROGRESS,
    ),
    (
        "dossier_transfer",
        (),
        _claimed,
        "justice",
        "post",
        {"transfer-agency_name": "Sở Tư pháp", "transfer-due_in_days": "5"},
        S.TRANSFERRED,
    ),
    (
        "transfer_return",
        (),
        _transferred,
        "counter",
        "post",
        {"transfer_return-return_note": "Đồng ý"},
        S.IN_PROGRESS,
    ),
    ("dossier_approve", (), _at_approval, "chairman", "post", {}, S.RESULT_READY),
    (
        "dossier_extend",
        (),
        _claimed,
        "justice",
        "post",
        {"extend-reason": "Chậm", "extend-new_due_on": "2026-11-13"},
        S.IN_PROGRESS,
    ),
    ("dossier_stop", (), _claimed, "chairman", "post", {"stop-reason": "Dừng"}, S.STOPPED),
    (
        "dossier_withdraw",
        (),
        _nothing,
        "counter",
        "post",
        {"withdraw-reason": "Rút"},
        S.WITHDRAWN,
    ),
    ("control_slip_pdf", (), _nothing, "justice", "get", {}, None),
    (
        "apology_pdf",
        lambda w: (w.dossier.extensions.get().pk,),
        _extended,
        "justice",
        "get",
        {},
        None,
    ),
    ("stop_pdf", (), _stopped, "justice", "get", {}, None),
]


@pytest.mark.parametrize(
    ("name", "args", "setup", "role", "method", "data", "status_after"),
    ROUTES,
    ids=[route[0] for route in ROUTES],
)
def test_isolation_of_every_route(
    name,
    args,
    setup,
    role,
    method,
    data,
    status_after,
    received,
    justice_official,
    chairman,
    counter_officer,
    land_official,
    clerk,
    other_commune,
    other_counter_officer,
    make_staff,
    clock,
):
    dossier = received()
    other = {
        "justice": make_staff(other_commune, "justice_civil_status", username="tuphap_khac"),
        "chairman": make_staff(other_commune, "chairman", username="chutich_khac"),
        "counter": other_counter_officer,
        "land": make_staff(other_commune, "land_construction", username="diachinh_khac"),
    }
    world = World(dossier, justice_official, chairman, counter_officer, land_official, other, clock)
    setup(world)
    users = {
        "justice": justice_official,
        "chairman": chairman,
        "counter": counter_officer,
        "land": land_official,
    }
    if args is None:
        target = reverse(f"dossiers:{name}")
    else:
        extra = args(world) if callable(args) else args
        target = reverse(f"dossiers:{name}", args=[dossier.pk, *extra])
    body = data(world) if callable(data) else dict(data)
    page_of_my_unit = args is None

    assert_isolation(
        IsolationCase(
            url=target,
            allowed=users[role],
            wrong_role=clerk,
            other_unit=other[role],
            method=method,
            data=body,
            other_unit_status=200 if page_of_my_unit else 404,
            hidden_text=dossier.code if page_of_my_unit else None,
            allowed_status=(200, 302),
        )
    )

    dossier.refresh_from_db()
    if status_after is not None:
        assert dossier.status == status_after, name


def test_inbox_shows_the_most_urgent_steps_and_counts_the_rest(
    client_as, justice_official, procedure, applicant, receive, monkeypatch
):
    from xaso.dossiers.services import processing

    monkeypatch.setattr(processing, "INBOX_LIMIT", 2)
    dossiers = [receive(procedure, applicant) for _ in range(3)]

    response = client_as(justice_official).get("/mot-cua/viec-cua-toi/")

    html = response.content.decode()
    shown = [d.code for d in dossiers if d.code in html]
    assert shown == [dossiers[0].code, dossiers[1].code]
    assert 'id="inbox-not-shown"' in html
    assert "Còn 1 hồ sơ" in html
    # The group badge counts every step, not only those listed.
    inbox = processing.inbox_for(user=justice_official)
    assert sum(inbox.counts.values()) + inbox.waiting_count == 3
    assert sum(len(items) for items in inbox.groups.values()) == 2


def test_sql_inbox_counts_match_the_listed_groups(justice_official, procedure, applicant, receive):
    import datetime
    from zoneinfo import ZoneInfo

    from xaso.core.services.calendar import calendar_for_unit
    from xaso.dossiers.models import DossierStep
    from xaso.dossiers.services import processing

    now = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # Monday
    dossiers = [receive(procedure, applicant, received_at=now) for _ in range(4)]
    # Spread the active steps over the four groups.
    for dossier, delta in zip(dossiers, [-2, 1, 30, 24 * 10], strict=True):
        DossierStep.objects.filter(dossier=dossier, status="active").update(
            due_at=now + datetime.timedelta(hours=delta)
        )

    inbox = processing.inbox_for(user=justice_official, now=now)
    listed = {state: len(items) for state, items in inbox.groups.items()}
    steps = DossierStep.objects.filter(status="active", dossier__in=dossiers)
    counted, waiting = processing._inbox_counts(
        steps, cal=calendar_for_unit(justice_official.unit), now=now
    )

    # -2 h overdue; +1 h today; +30 h is Tuesday 24/11 (a holiday) before the end of the
    # next working day, Wednesday 25/11: due soon; +10 days later.
    assert listed == {"overdue": 1, "due_today": 1, "due_soon": 1, "later": 1}
    assert counted == listed
    assert waiting == 0
