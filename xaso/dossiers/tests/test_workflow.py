"""The processing workflow: every action through its service, with exact times.

Calendar used below (November 2026, office hours 07:30–11:30 and 13:30–17:00): Monday
2/11 … Friday 6/11, Monday 9/11 …; Tuesday 24/11/2026 is a day off (Ngày Văn hóa Việt
Nam). The procedure is 5 working days, day 1 = the working day after receipt; its steps
are reception → "Thẩm định, trình ký" (28 h) → "Lãnh đạo phê duyệt" (8 h) → "Trả kết
quả" (4 h). Expected values are worked out by hand in the comments.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from xaso.core.models import AuditEvent
from xaso.dossiers import workflow
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Extension
from xaso.dossiers.models import StopNotice
from xaso.dossiers.models import SupplementRequest
from xaso.dossiers.services import processing

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def clock(time_machine):
    """clock(moment) → the service's "now" is `moment` until the next call."""

    def move(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


@pytest.fixture
def received(receive, procedure, applicant, clock):
    """received(moment) → a dossier received at `moment` (Monday 2/11 09:00 by default)."""

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
    return make_staff(
        commune, "justice_civil_status", username="tuphap2", full_name="Vi Thị Hộ Tịch"
    )


@pytest.fixture
def notified(monkeypatch):
    """The (dossier code, kind) pairs the services asked to notify the applicant of."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        processing.notifications,
        "notify_applicant",
        lambda *, dossier, kind: calls.append((dossier.code, kind)),
    )
    return calls


def events(dossier: Dossier) -> list[str]:
    return list(dossier.events.order_by("created_at", "id").values_list("action", flat=True))


def steps(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.order_by("id"))


def claimed(dossier, official, clock, moment=None) -> Dossier:
    clock(moment or at(2, 10))
    return processing.claim_step(actor=official, dossier=dossier)


def at_approval(dossier, justice_official, chairman, clock) -> Dossier:
    """Claimed Monday 10:00, forwarded Tuesday 3/11 10:00, claimed by the chairman Wed 09:00."""
    claimed(dossier, justice_official, clock)
    clock(at(3, 10))
    processing.forward_dossier(actor=justice_official, dossier=dossier)
    clock(at(4, 9))
    return processing.claim_step(actor=chairman, dossier=dossier)


# --- the happy path ------------------------------------------------------------------


def test_happy_path_reception_claim_forward_approve_result_ready(
    received, justice_official, chairman, counter_officer, clock, notified
):
    dossier = received()
    # Received Monday 2/11 09:00: due the 5th working day after, Monday 9/11 17:00; the
    # appraisal step (28 h) runs Mon 09:00–11:30, 13:30–17:00 (6 h), Tue and Wed (15 h),
    # Thu 07:30–11:30 (4 h) and 13:30–16:30 (3 h).
    appraisal = dossier.current_step
    assert dossier.due_at == at(9, 17)
    assert appraisal.due_at == at(5, 16, 30)
    assert appraisal.assignee is None

    dossier = claimed(dossier, justice_official, clock)
    appraisal.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert appraisal.assignee == justice_official

    clock(at(3, 10))
    dossier = processing.forward_dossier(
        actor=justice_official, dossier=dossier, note="Hồ sơ hợp lệ"
    )
    appraisal.refresh_from_db()
    approval = dossier.current_step
    assert dossier.status == S.WAITING_APPROVAL
    assert (appraisal.status, appraisal.finished_at, appraisal.finished_by) == (
        "done",
        at(3, 10),
        justice_official,
    )
    assert appraisal.timing_outcome == "early"  # finished Tuesday, due Thursday
    # Approval (8 h) from Tue 10:00: 1.5 h + 3.5 h on Tuesday, 3 h from Wed 07:30.
    assert (approval.name, approval.status, approval.started_at, approval.due_at) == (
        "Lãnh đạo phê duyệt",
        "active",
        at(3, 10),
        at(4, 10, 30),
    )

    clock(at(4, 9))
    processing.claim_step(actor=chairman, dossier=dossier)
    clock(at(4, 10))
    dossier = processing.approve_dossier(actor=chairman, dossier=dossier, note="Đồng ý")

    approval.refresh_from_db()
    giving_back = dossier.current_step
    assert dossier.status == S.RESULT_READY
    assert dossier.result_ready_at == at(4, 10)
    assert (approval.finished_by, approval.timing_outcome) == (chairman, "on_time")
    # Return step (4 h) from Wed 10:00: 1.5 h, then 13:30 + 2.5 h.
    assert (giving_back.name, giving_back.status, giving_back.due_at) == (
        "Trả kết quả",
        "active",
        at(4, 16),
    )
    assert events(dossier) == ["received", "claimed", "forwarded", "claimed", "approved"]
    forwarded = dossier.events.get(action="forwarded")
    assert (forwarded.from_status, forwarded.to_status, forwarded.actor) == (
        "in_progress",
        "waiting_approval",
        justice_official,
    )
    assert (forwarded.step, forwarded.note, forwarded.created_at) == (
        appraisal,
        "Hồ sơ hợp lệ",
        at(3, 10),
    )
    assert list(
        AuditEvent.objects.filter(target_id=str(dossier.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "dossier.received",
        "dossier.claimed",
        "dossier.forwarded",
        "dossier.claimed",
        "dossier.approved",
    ]
    assert notified == [(dossier.code, "result_ready")]


def test_send_back_returns_to_the_official_who_did_the_step(
    received, justice_official, chairman, clock
):
    dossier = at_approval(received(), justice_official, chairman, clock)
    approval = dossier.current_step
    appraisal = dossier.steps.get(order=2)

    clock(at(4, 9, 30))
    dossier = processing.send_back(
        actor=chairman, dossier=dossier, to_step=appraisal, reason="Thiếu biên bản xác minh"
    )

    approval.refresh_from_db()
    again = dossier.current_step
    assert dossier.status == S.IN_PROGRESS
    assert (approval.status, approval.finished_at, approval.timing_outcome) == (
        "sent_back",
        at(4, 9, 30),
        "on_time",
    )
    # A new pass of the appraisal, back to its official; 28 h from Wed 09:30 = 5.5 h on
    # Wednesday, 7.5 h each on Thursday, Friday and Monday: Monday 9/11 17:00.
    assert again.pk != appraisal.pk
    assert (again.name, again.assignee, again.started_at, again.due_at, again.note) == (
        "Thẩm định, trình ký",
        justice_official,
        at(4, 9, 30),
        at(9, 17),
        "Thiếu biên bản xác minh",
    )
    sent_back = dossier.events.get(action="sent_back")
    assert (sent_back.note, sent_back.is_public) == ("Thiếu biên bản xác minh", False)

    clock(at(5, 9))
    dossier = processing.forward_dossier(actor=justice_official, dossier=dossier)
    assert dossier.status == S.WAITING_APPROVAL
    # The approval gets a new row too, and goes back to the chairman who sent it back.
    assert [(s.order, s.status) for s in steps(dossier)] == [
        (1, "done"),
        (2, "done"),
        (3, "sent_back"),
        (4, "pending"),
        (2, "done"),
        (3, "active"),
    ]
    assert dossier.current_step.assignee == chairman


def test_send_back_needs_a_reason_and_an_earlier_step(received, justice_official, chairman, clock):
    dossier = at_approval(received(), justice_official, chairman, clock)
    giving_back = dossier.steps.get(order=4)
    before = events(dossier)

    with pytest.raises(ValidationError) as no_reason:
        processing.send_back(
            actor=chairman, dossier=dossier, to_step=dossier.steps.get(order=2), reason=" "
        )
    with pytest.raises(ValidationError) as later_step:
        processing.send_back(actor=chairman, dossier=dossier, to_step=giving_back, reason="x")

    assert no_reason.value.message_dict == {"reason": ["Hãy ghi lý do trả lại."]}
    assert "to_step" in later_step.value.message_dict
    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL
    assert events(dossier) == before


# --- supplement ----------------------------------------------------------------------


def test_supplement_stops_the_clock_and_restarts_it_from_zero(
    received, justice_official, counter_officer, clock, notified
):
    """Edge case #8: asked on day 2 of 5, complete two weeks later: a new limit from zero."""
    dossier = claimed(received(), justice_official, clock)

    clock(at(4, 10))  # Wednesday 4/11 = day 2 of 5
    supplement = processing.request_supplement(
        actor=justice_official,
        dossier=dossier,
        items=["Bản sao giấy khai sinh", "  ", "Giấy xác nhận tình trạng hôn nhân"],
        reason="Thiếu giấy tờ chứng minh",
        guidance="Nộp tại Bộ phận Một cửa",
    )

    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_SUPPLEMENT
    assert dossier.clock_stopped_at == at(4, 10)
    assert supplement.items == ["Bản sao giấy khai sinh", "Giấy xác nhận tình trạng hôn nhân"]
    assert (supplement.due_before, supplement.is_late_notice) == (at(9, 17), False)
    assert notified == [(dossier.code, "supplement_requested")]

    # Complete on Wednesday 18/11 at 16:00, after the 15:00 cut-off: counting starts
    # Thursday 19/11 07:30; day 1 Fri 20, day 2 Mon 23, (Tue 24 is a day off), day 3 Wed
    # 25, day 4 Thu 26, day 5 Fri 27/11 17:00.
    clock(at(18, 16))
    supplement = processing.record_supplement_received(actor=counter_officer, dossier=dossier)

    dossier.refresh_from_db()
    appraisal = dossier.current_step
    assert dossier.status == S.IN_PROGRESS
    assert dossier.clock_stopped_at is None
    assert dossier.counting_start == at(19, 7, 30)
    assert dossier.due_at == at(27, 17)
    assert dossier.original_due_at == at(27, 17)
    assert (supplement.fulfilled_at, supplement.fulfilled_by) == (at(18, 16), counter_officer)
    assert (supplement.due_before, supplement.due_after) == (at(9, 17), at(27, 17))
    # The step restarts too: 28 h from Wed 18/11 16:00 = 1 h, 7.5 h on Thu, Fri and Mon,
    # Tuesday off, then 4 h + 0.5 h on Wednesday 25/11: 14:00.
    assert appraisal.due_at == at(25, 14)
    assert events(dossier)[-2:] == ["supplement_requested", "supplement_received"]

    # Not late: finishing the step on Monday 23/11 is early against its new due time.
    clock(at(23, 10))
    processing.forward_dossier(actor=justice_official, dossier=dossier)
    appraisal.refresh_from_db()
    assert appraisal.timing_outcome == "early"


@pytest.mark.parametrize(
    ("moment", "is_late"),
    [
        (at(5, 16, 59), False),  # Thursday 5/11, inside the 3 working days after Monday
        (at(6, 9), True),  # Friday 6/11: after the window of ND 61/2018 Đ19.4
    ],
)
def test_supplement_notice_after_three_working_days_is_flagged(
    received, justice_official, clock, moment, is_late
):
    dossier = claimed(received(), justice_official, clock)
    clock(moment)

    supplement = processing.request_supplement(
        actor=justice_official, dossier=dossier, items=["Tờ khai"], reason="Thiếu chữ ký"
    )

    assert supplement.is_late_notice is is_late
    assert dossier.events.get(action="supplement_requested").data["is_late_notice"] is is_late


def test_supplement_is_asked_only_once(received, justice_official, counter_officer, clock):
    dossier = claimed(received(), justice_official, clock)
    clock(at(3, 10))
    processing.request_supplement(
        actor=justice_official, dossier=dossier, items=["Tờ khai"], reason="Thiếu chữ ký"
    )
    clock(at(4, 10))
    processing.record_supplement_received(actor=counter_officer, dossier=dossier)
    before = events(dossier)

    with pytest.raises(workflow.SupplementRefusedError, match="một lần"):
        processing.request_supplement(
            actor=justice_official, dossier=dossier, items=["Ảnh"], reason="Thiếu ảnh"
        )

    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1
    assert events(dossier) == before


def test_supplement_without_items_is_refused(received, justice_official, clock):
    dossier = claimed(received(), justice_official, clock)

    with pytest.raises(ValidationError) as error:
        processing.request_supplement(
            actor=justice_official, dossier=dossier, items=["", " "], reason=""
        )

    assert set(error.value.message_dict) == {"items", "reason"}
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert not SupplementRequest.objects.exists()


# --- consultation and transfer ----------------------------------------------------------


def test_consult_two_officials_and_return_when_both_answered(
    received, justice_official, chairman, land_official, clock
):
    dossier = claimed(received(), justice_official, clock)

    clock(at(3, 10))
    first = processing.consult(
        actor=justice_official,
        dossier=dossier,
        consulted=land_official,
        question="Thửa đất có tranh chấp không?",
        due_in_days=2,
    )
    second = processing.consult(
        actor=justice_official,
        dossier=dossier,
        consulted=chairman,
        question="Có cần xác minh thêm?",
        due_in_days=1,
    )
    dossier.refresh_from_db()
    assert dossier.status == S.CONSULTING
    # Asked Tuesday 10:00: 2 working days → Thursday 5/11 17:00; 1 → Wednesday 17:00.
    assert (first.due_at, second.due_at) == (at(5, 17), at(4, 17))
    with pytest.raises(workflow.TransitionNotAllowedError, match="Đang xin ý kiến"):
        processing.forward_dossier(actor=justice_official, dossier=dossier)

    clock(at(4, 15))
    processing.answer_consultation(
        actor=land_official, consultation=first, answer="Không có tranh chấp."
    )
    dossier.refresh_from_db()
    assert dossier.status == S.CONSULTING  # the chairman has not answered yet

    clock(at(5, 8))
    answered = processing.answer_consultation(
        actor=chairman, consultation=second, answer="Không cần."
    )
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert (answered.answer, answered.answered_at) == ("Không cần.", at(5, 8))
    answers = dossier.events.filter(action="consultation_answered").order_by("id")
    assert [e.data["late"] for e in answers] == [False, True]  # the chairman was late
    assert [e.to_status for e in answers] == ["consulting", "in_progress"]


def test_only_the_consulted_official_answers(
    received, justice_official, land_official, chairman, clock
):
    dossier = claimed(received(), justice_official, clock)
    consultation = processing.consult(
        actor=justice_official,
        dossier=dossier,
        consulted=land_official,
        question="Ý kiến?",
        due_in_days=2,
    )

    with pytest.raises(workflow.ActionNotPermittedError):
        processing.answer_consultation(actor=chairman, consultation=consultation, answer="Có")

    consultation.refresh_from_db()
    assert consultation.answered_at is None


def test_transfer_and_result_back_keep_the_due_time(
    received, justice_official, counter_officer, clock
):
    dossier = claimed(received(), justice_official, clock)

    clock(at(3, 10))
    transfer = processing.transfer_dossier(
        actor=justice_official,
        dossier=dossier,
        agency_name="Sở Tư pháp tỉnh Nghệ An",
        agency_identifier="H41.30",
        due_in_days=10,
        note="Đề nghị thẩm định",
    )
    dossier.refresh_from_db()
    assert dossier.status == S.TRANSFERRED
    # 10 working days after Tuesday 3/11: Wed 4 … Tue 17/11 (no day off in between).
    assert transfer.due_at == at(17, 17)

    clock(at(16, 10))
    back = processing.record_transfer_return(
        actor=counter_officer, dossier=dossier, return_note="Sở đồng ý"
    )
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert (back.returned_at, back.return_note) == (at(16, 10), "Sở đồng ý")
    assert dossier.due_at == at(9, 17)  # routing never restarts the limit
    assert events(dossier)[-2:] == ["transferred", "transfer_returned"]


# --- lateness ----------------------------------------------------------------------------


def test_extension_is_allowed_once(received, justice_official, clock, notified):
    """Edge case #10: the second re-appointment is refused with a clear message."""
    dossier = claimed(received(), justice_official, clock)  # due Monday 9/11 17:00

    clock(at(6, 10))  # Friday: the last working day before the due day
    extension = processing.extend_due(
        actor=justice_official,
        dossier=dossier,
        reason="Chờ kết quả xác minh",
        new_due_on=datetime.date(2026, 11, 13),
    )
    dossier.refresh_from_db()
    assert (extension.old_due_at, extension.new_due_at) == (at(9, 17), at(13, 17))
    assert (dossier.due_at, dossier.original_due_at, dossier.extension_count) == (
        at(13, 17),
        at(9, 17),
        1,
    )
    assert dossier.status == S.IN_PROGRESS
    assert notified == [(dossier.code, "due_extended")]

    clock(at(10, 10))
    with pytest.raises(workflow.ExtensionRefusedError) as error:
        processing.extend_due(
            actor=justice_official,
            dossier=dossier,
            reason="Vẫn chờ",
            new_due_on=datetime.date(2026, 11, 20),
        )

    assert error.value.message == (
        "Hồ sơ đã được hẹn lại ngày trả kết quả 1 lần; pháp luật chỉ cho phép hẹn lại "
        "không quá 1 lần (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9)."
    )
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extension_count) == (at(13, 17), 1)
    assert Extension.objects.filter(dossier=dossier).count() == 1
    assert events(dossier).count("extended") == 1


@pytest.mark.parametrize("moment", [at(9, 9), at(7, 10)], ids=["due-day", "saturday-after"])
def test_extension_on_the_deadline_day_is_refused(received, justice_official, clock, moment):
    """Edge case #11: at least one working day before the due day (ND 61/2018 Đ19.9)."""
    dossier = claimed(received(), justice_official, clock)
    clock(moment)

    with pytest.raises(workflow.ExtensionRefusedError) as error:
        processing.extend_due(
            actor=justice_official,
            dossier=dossier,
            reason="Chậm",
            new_due_on=datetime.date(2026, 11, 13),
        )

    assert "chậm nhất 01 ngày làm việc trước hạn trả" in error.value.message
    assert "ngày cuối được gửi: 06/11/2026" in error.value.message
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extension_count) == (at(9, 17), 0)
    assert not Extension.objects.exists()


def test_extension_needs_a_later_working_day(received, justice_official, clock):
    dossier = claimed(received(), justice_official, clock)
    clock(at(5, 10))

    with pytest.raises(ValidationError) as weekend:
        processing.extend_due(
            actor=justice_official,
            dossier=dossier,
            reason="Chậm",
            new_due_on=datetime.date(2026, 11, 14),
        )
    with pytest.raises(workflow.ExtensionRefusedError, match="phải sau hạn hiện tại"):
        processing.extend_due(
            actor=justice_official,
            dossier=dossier,
            reason="Chậm",
            new_due_on=datetime.date(2026, 11, 6),
        )

    assert weekend.value.message_dict == {
        "new_due_on": ["Ngày 14/11/2026 không phải ngày làm việc; hãy chọn ngày khác."]
    }
    assert not Extension.objects.exists()


def test_due_notice_from_one_working_day_before(received, justice_official, clock):
    dossier = claimed(received(), justice_official, clock)

    assert processing.due_notice_for(dossier=dossier, now=at(5, 16)) is None
    friday = processing.due_notice_for(dossier=dossier, now=at(6, 8))
    due_day = processing.due_notice_for(dossier=dossier, now=at(9, 8))
    late = processing.due_notice_for(dossier=dossier, now=at(10, 8))

    assert (friday.state, friday.can_extend) == ("due_soon", True)
    assert friday.last_day_for_extension == datetime.date(2026, 11, 6)
    assert (due_day.state, due_day.can_extend) == ("due_today", False)
    assert (late.state, late.can_extend) == ("overdue", False)


# --- closing -----------------------------------------------------------------------------


def test_refusal_closes_the_dossier_with_its_outcome(received, justice_official, clock):
    dossier = claimed(received(), justice_official, clock)
    clock(at(3, 10))

    dossier = processing.refuse_dossier(
        actor=justice_official, dossier=dossier, reason="Không đủ điều kiện kết hôn"
    )

    appraisal = dossier.steps.get(order=2)
    assert dossier.status == S.REFUSED
    assert (dossier.closed_at, dossier.timing_outcome, dossier.current_step) == (
        at(3, 10),
        "early",
        None,
    )
    assert (appraisal.status, appraisal.finished_by) == ("done", justice_official)
    refused = dossier.events.get(action="refused")
    assert (refused.note, refused.to_status) == ("Không đủ điều kiện kết hôn", "refused")


def test_stop_issues_the_stop_notice(received, justice_official, chairman, clock):
    dossier = claimed(received(), justice_official, clock)
    clock(at(3, 11))

    notice = processing.stop_dossier(
        actor=chairman,
        dossier=dossier,
        reason="Người nộp đề nghị dừng",
        financial_settlement="Hoàn trả lệ phí",
    )

    dossier.refresh_from_db()
    assert dossier.status == S.STOPPED
    assert dossier.closed_at == at(3, 11)
    assert (notice.stage, notice.requested_by_applicant, notice.created_by) == (
        "Thẩm định, trình ký",
        True,
        chairman,
    )


def test_withdrawal_at_the_counter_while_waiting_for_a_supplement(
    received, justice_official, counter_officer, clock
):
    dossier = claimed(received(), justice_official, clock)
    processing.request_supplement(
        actor=justice_official, dossier=dossier, items=["Tờ khai"], reason="Thiếu"
    )
    clock(at(5, 9))

    dossier = processing.withdraw_dossier(
        actor=counter_officer, dossier=dossier, reason="Người nộp xin rút hồ sơ"
    )

    assert dossier.status == S.WITHDRAWN
    assert (dossier.closed_at, dossier.clock_stopped_at) == (at(5, 9), None)


# --- refused actions change nothing --------------------------------------------------------


def test_processing_a_refused_dossier_is_refused(received, justice_official, clock):
    dossier = claimed(received(), justice_official, clock)
    processing.refuse_dossier(actor=justice_official, dossier=dossier, reason="Không đủ")
    before = events(dossier)

    with pytest.raises(workflow.TransitionNotAllowedError) as error:
        processing.forward_dossier(actor=justice_official, dossier=dossier)

    assert error.value.message == (
        "Không thể “Chuyển bước tiếp theo”: hồ sơ đang ở trạng thái “Từ chối giải quyết”."
    )
    assert error.value.code == "transition_not_allowed"
    dossier.refresh_from_db()
    assert dossier.status == S.REFUSED
    assert events(dossier) == before


def test_an_official_cannot_approve(received, justice_official, chairman, clock):
    dossier = at_approval(received(), justice_official, chairman, clock)
    before = events(dossier)
    approval = dossier.current_step

    with pytest.raises(workflow.ActionNotPermittedError) as error:
        processing.approve_dossier(actor=justice_official, dossier=dossier)

    assert error.value.message == (
        "Chỉ Chủ tịch, Phó Chủ tịch UBND (người có thẩm quyền phê duyệt) được phê duyệt "
        "kết quả giải quyết hồ sơ."
    )
    dossier.refresh_from_db()
    approval.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL
    assert (approval.status, approval.finished_at) == ("active", None)
    assert events(dossier) == before


def test_claiming_another_units_step_is_refused(
    receive, other_procedure, other_applicant, other_counter_officer, justice_official
):
    elsewhere = receive(other_procedure, other_applicant, actor=other_counter_officer)
    step = elsewhere.current_step

    with pytest.raises(workflow.OtherUnitError) as error:
        processing.claim_step(actor=justice_official, dossier=elsewhere)

    assert error.value.message == (
        f"Hồ sơ {elsewhere.code} thuộc đơn vị khác; bạn chỉ xử lý được hồ sơ của đơn vị mình."
    )
    step.refresh_from_db()
    elsewhere.refresh_from_db()
    assert step.assignee is None
    assert elsewhere.status == S.RECEIVED
    assert events(elsewhere) == ["received"]


def test_acting_on_a_step_held_by_someone_else_is_refused(
    received, justice_official, second_justice_official, clock
):
    dossier = claimed(received(), justice_official, clock)
    before = events(dossier)

    with pytest.raises(workflow.StepNotYoursError) as forward:
        processing.forward_dossier(actor=second_justice_official, dossier=dossier)
    with pytest.raises(workflow.StepNotYoursError) as claim:
        processing.claim_step(actor=second_justice_official, dossier=dossier)

    assert forward.value.message == (
        "Bước “Thẩm định, trình ký” đang do Đặng Văn An xử lý; bạn không thể "
        "“Chuyển bước tiếp theo” thay."
    )
    assert claim.value.message == "Bước “Thẩm định, trình ký” đã được Đặng Văn An nhận xử lý."
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS
    assert events(dossier) == before


def test_unclaimed_step_must_be_claimed_first(received, justice_official, chairman):
    dossier = received()

    with pytest.raises(workflow.StepNotYoursError, match="Nhận xử lý"):
        processing.forward_dossier(actor=justice_official, dossier=dossier)
    with pytest.raises(workflow.ActionNotPermittedError, match="không giữ chức danh"):
        processing.claim_step(actor=chairman, dossier=dossier)

    assert events(dossier) == ["received"]


def test_action_on_a_step_that_moved_on_is_refused(received, justice_official, chairman, clock):
    dossier = claimed(received(), justice_official, clock)
    seen = dossier.current_step_id
    processing.forward_dossier(actor=justice_official, dossier=dossier, expected_step_id=seen)
    processing.claim_step(actor=chairman, dossier=dossier)

    with pytest.raises(workflow.StaleStepError):
        processing.approve_dossier(actor=chairman, dossier=dossier, expected_step_id=seen)

    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL


def test_transition_table_is_complete_and_targets_open_or_closed_statuses():
    assert set(workflow.ALLOWED_TRANSITIONS) == set(workflow.Action.values)
    for action, rule in workflow.ALLOWED_TRANSITIONS.items():
        assert rule.sources, action
        assert rule.targets, action
        assert not rule.sources & set(Dossier.CLOSED_STATUSES), action
    assert workflow.ALLOWED_TRANSITIONS["refuse"].targets == {"refused"}


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_officials_forwarding_the_same_step_at_once_forward_it_once(
    receive, procedure, applicant, justice_official
):
    dossier = receive(procedure, applicant)
    processing.claim_step(actor=justice_official, dossier=dossier)
    step_id = Dossier.objects.get(pk=dossier.pk).current_step_id
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            processing.forward_dossier(
                actor=justice_official,
                dossier=Dossier.objects.get(pk=dossier.pk),
                expected_step_id=step_id,
            )
            outcomes.append("forwarded")
        except workflow.WorkflowError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("forwarded") == 1
    errors = [outcome for outcome in outcomes if outcome != "forwarded"]
    assert len(errors) == 1
    assert isinstance(errors[0], workflow.TransitionNotAllowedError)
    dossier.refresh_from_db()
    assert dossier.status == S.WAITING_APPROVAL
    assert DossierEvent.objects.filter(dossier=dossier, action="forwarded").count() == 1
    assert dossier.steps.filter(order=3).count() == 1
    assert AuditEvent.objects.filter(action="dossier.forwarded").count() == 1


def test_stop_notice_is_one_per_dossier(received, justice_official, chairman, clock):
    dossier = claimed(received(), justice_official, clock)
    processing.stop_dossier(actor=chairman, dossier=dossier, reason="Dừng")

    with pytest.raises(workflow.TransitionNotAllowedError):
        processing.stop_dossier(actor=chairman, dossier=dossier, reason="Dừng lần nữa")

    assert StopNotice.objects.filter(dossier=dossier).count() == 1
