"""The end of a dossier: result, fees and receipt, return, closing; pages, PDF, API."""

import datetime
import io
import threading
import unicodedata
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.context_processors import PermWrapper
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from xaso.core.exceptions import DomainError
from xaso.core.models import AuditEvent
from xaso.core.models import NumberCounter
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import FeePayment
from xaso.dossiers.models import Result
from xaso.dossiers.services import results
from xaso.dossiers.services.results import DossierClosedError
from xaso.dossiers.services.results import FeeNotPaidError
from xaso.dossiers.services.results import ResultMissingError
from xaso.dossiers.services.results import WrongStatusError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=VN)  # Friday
RECEIVED = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=VN)  # Monday
# 5 working days, day 1 = the day after receipt: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9/11.
DUE = datetime.datetime(2026, 11, 9, 17, 0, tzinfo=VN)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


def bring_to_result_ready(
    dossier: Dossier,
    *,
    processed_by,
    approved_by,
    at: datetime.datetime | None = None,
    fee_due: int | None = None,
) -> Dossier:
    """Walk the dossier to RESULT_READY through the ORM (not through the workflow service):
    processing and approval steps done, the return step active."""
    at = at or dossier.received_at + datetime.timedelta(days=2)
    finishers = {"processing": processed_by, "approval": approved_by}
    return_step = None
    for step in dossier.steps.order_by("order"):
        if step.kind == "return":
            step.status = DossierStep.Status.ACTIVE
            step.started_at = at
            step.due_at = at + datetime.timedelta(hours=4)
            return_step = step
        elif step.status != DossierStep.Status.DONE:
            step.status = DossierStep.Status.DONE
            step.assignee = finishers[step.kind]
            step.started_at = step.started_at or dossier.received_at
            step.finished_at = at
            step.finished_by = finishers[step.kind]
        step.save()
    changes = {
        "status": Dossier.Status.RESULT_READY,
        "result_ready_at": at,
        "current_step": return_step,
    }
    if fee_due is not None:
        changes["fee_due"] = fee_due
    Dossier.objects.filter(pk=dossier.pk).update(**changes)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def ready(justice_official, chairman):
    """ready(dossier, **kw) → the dossier at RESULT_READY, processed by the justice official
    and approved by the chairman."""

    def make(dossier: Dossier, **kwargs) -> Dossier:
        return bring_to_result_ready(
            dossier, processed_by=justice_official, approved_by=chairman, **kwargs
        )

    return make


@pytest.fixture
def fixed_dossier(receive, procedure, applicant):
    return receive(procedure, applicant, received_at=RECEIVED)


def record(dossier, actor, **overrides):
    values = {
        "number": "12/2026/TP-KH",
        "issued_on": datetime.date(2026, 11, 5),
        "signer_name": "Trần Văn Chủ Tịch",
        "summary": "Giấy chứng nhận kết hôn",
    }
    values.update(overrides)
    return results.record_result(actor=actor, dossier=dossier, **values)


def snapshot(dossier: Dossier) -> dict:
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "returned_at": dossier.returned_at,
        "closed_at": dossier.closed_at,
        "timing_outcome": dossier.timing_outcome,
        "returned_to": dossier.returned_to,
        "events": dossier.events.count(),
        "payments": dossier.payments.count(),
        "audit": AuditEvent.objects.filter(target_id=str(dossier.pk)).count(),
        "counters": list(NumberCounter.objects.values_list("register", "period", "last_number")),
    }


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- record_result -------------------------------------------------------------------------


def test_records_result_when_ready_with_event_and_audit(fixed_dossier, ready, chairman):
    dossier = ready(fixed_dossier)

    result = record(dossier, chairman, file=SimpleUploadedFile("kq.pdf", PDF_BYTES))

    result.refresh_from_db()
    assert (result.number, result.issued_on, result.signer_name) == (
        "12/2026/TP-KH",
        datetime.date(2026, 11, 5),
        "Trần Văn Chủ Tịch",
    )
    assert result.recorded_by == chairman
    assert result.file.read() == PDF_BYTES
    event = dossier.events.get(action="result_recorded")
    assert event.actor == chairman
    assert event.is_public is True
    assert event.data["number"] == "12/2026/TP-KH"
    assert len(event.data["file_sha256"]) == 64
    assert (
        AuditEvent.objects.filter(
            action="dossier.result_recorded", target_id=str(dossier.pk)
        ).count()
        == 1
    )


def test_correcting_a_result_updates_it_and_logs_a_private_event(fixed_dossier, ready, chairman):
    dossier = ready(fixed_dossier)
    record(dossier, chairman)

    record(dossier, chairman, number="13/2026/TP-KH")

    assert Result.objects.get(dossier=dossier).number == "13/2026/TP-KH"
    assert list(
        dossier.events.filter(action__startswith="result_").values_list("action", "is_public")
    ) == [
        ("result_recorded", True),
        ("result_corrected", False),
    ]


def test_processing_official_holding_the_step_may_record_before_ready(
    fixed_dossier, justice_official, make_staff, commune, counter_officer
):
    step = fixed_dossier.current_step
    assert step.kind == "processing"
    # Unclaimed: nobody may record yet, not even the position's holder.
    with pytest.raises(PermissionDenied):
        record(fixed_dossier, justice_official)
    DossierStep.objects.filter(pk=step.pk).update(assignee=justice_official)
    fixed_dossier.refresh_from_db()

    record(fixed_dossier, justice_official)

    assert Result.objects.filter(dossier=fixed_dossier).count() == 1
    other_official = make_staff(commune, "culture_social", username="vanhoa")
    for actor in (other_official, counter_officer):
        with pytest.raises(PermissionDenied):
            record(fixed_dossier, actor, number="99")
    assert Result.objects.get(dossier=fixed_dossier).number == "12/2026/TP-KH"


def test_record_result_refuses_bad_dates_and_closed_dossiers(fixed_dossier, ready, chairman):
    dossier = ready(fixed_dossier)
    with pytest.raises(ValidationError) as error:
        record(dossier, chairman, issued_on=datetime.date(2026, 11, 1), signer_name=" ")
    assert set(error.value.message_dict) == {"issued_on", "signer_name"}
    with pytest.raises(ValidationError):
        record(dossier, chairman, file=SimpleUploadedFile("kq.pdf", b"<html>not a pdf</html>"))
    assert not Result.objects.filter(dossier=dossier).exists()

    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.RETURNED)
    dossier.refresh_from_db()
    with pytest.raises(DossierClosedError):
        record(dossier, chairman)
    assert not Result.objects.filter(dossier=dossier).exists()
    assert not dossier.events.filter(action__startswith="result_").exists()


# --- collect_fee ---------------------------------------------------------------------------


def test_receipt_numbers_are_gap_free_per_unit_per_year(
    receive,
    procedure,
    applicant,
    other_procedure,
    other_applicant,
    counter_officer,
    other_counter_officer,
):
    first_dossier = receive(procedure, applicant, fee_due=30_000)
    second_dossier = receive(procedure, applicant, fee_due=10_000)
    elsewhere = receive(
        other_procedure, other_applicant, actor=other_counter_officer, fee_due=5_000
    )

    first = results.collect_fee(
        actor=counter_officer,
        dossier=first_dossier,
        amount=20_000,
        method="cash",
        payer_name="Nguyễn Thị An",
    )
    # A refused payment (more than is due) must not use up a number.
    with pytest.raises(ValidationError):
        results.collect_fee(
            actor=counter_officer,
            dossier=first_dossier,
            amount=20_000,
            method="cash",
            payer_name="An",
        )
    second = results.collect_fee(
        actor=counter_officer,
        dossier=second_dossier,
        amount=10_000,
        method="transfer",
        payer_name="Nguyễn Thị An",
        reference="FT2611200001",
    )
    third = results.collect_fee(
        actor=counter_officer, dossier=first_dossier, amount=10_000, method="cash", payer_name="An"
    )
    other = results.collect_fee(
        actor=other_counter_officer,
        dossier=elsewhere,
        amount=5_000,
        method="cash",
        payer_name="Bình",
    )

    assert [first.receipt_number, second.receipt_number, third.receipt_number] == [
        "0000001/2026",
        "0000002/2026",
        "0000003/2026",
    ]
    assert other.receipt_number == "0000001/2026"
    assert results.fee_summary(first_dossier) == results.FeeSummary(due=30_000, paid=30_000)
    assert second.reference == "FT2611200001"
    event = first_dossier.events.filter(action="fee_collected").first()
    assert event.is_public is False
    assert event.data == {"receipt_number": "0000001/2026", "amount": 20_000, "method": "cash"}
    assert AuditEvent.objects.filter(action="dossier.fee_collected").count() == 4


@pytest.mark.parametrize(
    ("fee_due", "amount", "method", "reference", "error"),
    [
        (0, 10_000, "cash", "", DomainError),  # nothing to pay
        (10_000, 0, "cash", "", ValidationError),
        (10_000, 10_001, "cash", "", ValidationError),  # more than is due
        (10_000, 10_000, "transfer", "", ValidationError),  # transfer without reference
        (10_000, 10_000, "cheque", "", ValidationError),
    ],
)
def test_collect_fee_refusals_change_nothing(
    receive, procedure, applicant, counter_officer, fee_due, amount, method, reference, error
):
    dossier = receive(procedure, applicant, fee_due=fee_due)
    before = snapshot(dossier)

    with pytest.raises(error):
        results.collect_fee(
            actor=counter_officer,
            dossier=dossier,
            amount=amount,
            method=method,
            payer_name="An",
            reference=reference,
        )

    assert snapshot(dossier) == before


def test_fee_on_a_closed_dossier_is_refused(fixed_dossier, ready, chairman, counter_officer):
    dossier = ready(fixed_dossier)
    record(dossier, chairman)
    results.return_result(actor=counter_officer, dossier=dossier, returned_to="An", method="desk")
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=50_000)
    before = snapshot(dossier)

    with pytest.raises(DossierClosedError):
        results.collect_fee(
            actor=counter_officer, dossier=dossier, amount=50_000, method="cash", payer_name="An"
        )

    assert snapshot(dossier) == before


def test_collect_fee_needs_return_permission_and_same_unit(
    dossier, justice_official, other_counter_officer
):
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=10_000)
    for actor in (justice_official, other_counter_officer):
        with pytest.raises(PermissionDenied):
            results.collect_fee(
                actor=actor, dossier=dossier, amount=10_000, method="cash", payer_name="An"
            )
    assert not FeePayment.objects.exists()


# --- return_result -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returned_at", "outcome"),
    [
        (datetime.datetime(2026, 11, 6, 10, 0, tzinfo=VN), "early"),  # before the due day
        (datetime.datetime(2026, 11, 9, 8, 0, tzinfo=VN), "on_time"),  # on the due day itself
        (datetime.datetime(2026, 11, 9, 16, 59, tzinfo=VN), "on_time"),
        (datetime.datetime(2026, 11, 9, 17, 0, tzinfo=VN), "on_time"),
        (datetime.datetime(2026, 11, 10, 8, 0, tzinfo=VN), "late"),
    ],
)
def test_return_closes_the_dossier_early_on_time_or_late(
    fixed_dossier, ready, chairman, counter_officer, returned_at, outcome
):
    assert fixed_dossier.due_at == DUE
    dossier = ready(fixed_dossier, at=datetime.datetime(2026, 11, 5, 15, 0, tzinfo=VN))
    record(dossier, chairman)

    returned = results.return_result(
        actor=counter_officer,
        dossier=dossier,
        returned_to="Nguyễn Thị An",
        method="desk",
        postal_tracking_number="ignored at the desk",
        returned_at=returned_at,
    )

    returned.refresh_from_db()
    assert returned.status == Dossier.Status.RETURNED
    assert returned.returned_at == returned_at
    assert returned.closed_at == returned_at
    assert returned.returned_to == "Nguyễn Thị An"
    assert returned.postal_tracking_number == ""
    assert returned.timing_outcome == outcome
    assert returned.current_step is None
    return_step = returned.steps.get(kind="return")
    assert (return_step.status, return_step.finished_by, return_step.finished_at) == (
        "done",
        counter_officer,
        returned_at,
    )
    event = returned.events.get(action="result_returned")
    assert (event.from_status, event.to_status, event.is_public) == (
        "result_ready",
        "returned",
        True,
    )
    assert event.data == {"method": "desk", "timing_outcome": outcome}
    assert (
        AuditEvent.objects.filter(
            action="dossier.result_returned", target_id=str(dossier.pk)
        ).count()
        == 1
    )


def test_return_by_post_needs_tracking_number_and_defaults_the_addressee(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier)
    record(dossier, chairman)
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as error:
        results.return_result(actor=counter_officer, dossier=dossier, returned_to="", method="post")
    assert list(error.value.message_dict) == ["postal_tracking_number"]
    assert snapshot(dossier) == before

    returned = results.return_result(
        actor=counter_officer,
        dossier=dossier,
        returned_to="",
        method="post",
        postal_tracking_number="EA123456789VN",
    )

    assert returned.postal_tracking_number == "EA123456789VN"
    assert returned.returned_to == "Nguyễn Thị An"
    assert (
        returned.events.get(action="result_returned").data["postal_tracking_number"]
        == "EA123456789VN"
    )


def test_return_without_payment_is_refused_with_the_amounts_and_changes_nothing(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier, fee_due=1_250_000)
    record(dossier, chairman)
    results.collect_fee(
        actor=counter_officer, dossier=dossier, amount=250_000, method="cash", payer_name="An"
    )
    before = snapshot(dossier)

    with pytest.raises(FeeNotPaidError) as error:
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to="An", method="desk"
        )

    assert error.value.message == (
        "Người nộp còn phải nộp 1.000.000 đồng phí, lệ phí (phải nộp 1.250.000, đã nộp 250.000). "
        "Hãy thu phí và cấp biên lai trước khi trả kết quả."
    )
    assert snapshot(dossier) == before


def test_double_return_is_refused_and_changes_nothing(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier)
    record(dossier, chairman)
    results.return_result(actor=counter_officer, dossier=dossier, returned_to="An", method="desk")
    before = snapshot(dossier)

    with pytest.raises(WrongStatusError, match="đã được trả kết quả"):
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to="Bình", method="desk"
        )

    assert snapshot(dossier) == before


def test_return_needs_ready_status_a_result_and_the_permission(
    fixed_dossier, ready, chairman, counter_officer, justice_official
):
    before = snapshot(fixed_dossier)
    with pytest.raises(WrongStatusError):
        results.return_result(
            actor=counter_officer, dossier=fixed_dossier, returned_to="An", method="desk"
        )
    dossier = ready(fixed_dossier)
    before = snapshot(dossier)
    with pytest.raises(ResultMissingError):
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to="An", method="desk"
        )
    record(dossier, chairman)
    with pytest.raises(PermissionDenied):
        results.return_result(
            actor=justice_official, dossier=dossier, returned_to="An", method="desk"
        )
    with pytest.raises(ValidationError):
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to=" ", method="desk"
        )
    before["events"] += 1  # the result_recorded event
    before["audit"] += 1
    assert snapshot(dossier) == before


def test_whole_path_through_the_processing_workflow(
    fixed_dossier, justice_official, chairman, counter_officer
):
    """Reception → claim, record, forward (justice official) → claim, approve (chairman)
    → fee → return, all through the services."""
    from xaso.dossiers.services import processing

    dossier = fixed_dossier
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=10_000)
    dossier = processing.claim_step(actor=justice_official, dossier=dossier)
    record(dossier, justice_official)
    dossier = processing.forward_dossier(actor=justice_official, dossier=dossier)
    assert dossier.status == Dossier.Status.WAITING_APPROVAL
    dossier = processing.claim_step(actor=chairman, dossier=dossier)
    dossier = processing.approve_dossier(actor=chairman, dossier=dossier)
    assert dossier.status == Dossier.Status.RESULT_READY
    assert Result.objects.get(dossier=dossier).approved_by == chairman

    with pytest.raises(FeeNotPaidError):
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to="An", method="desk"
        )
    results.collect_fee(
        actor=counter_officer, dossier=dossier, amount=10_000, method="cash", payer_name="An"
    )
    returned = results.return_result(
        actor=counter_officer, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
    )

    assert returned.status == Dossier.Status.RETURNED
    assert returned.timing_outcome == "late"  # due 9/11, returned "now" = 20/11
    assert list(returned.steps.order_by("order", "id").values_list("kind", "status")) == [
        ("reception", "done"),
        ("processing", "done"),
        ("approval", "done"),
        ("return", "done"),
    ]


# --- pages ---------------------------------------------------------------------------------


def test_record_result_page_saves_the_result_with_its_file(
    client_as, fixed_dossier, ready, chairman
):
    dossier = ready(fixed_dossier)
    url = reverse("dossiers:result_record", args=[dossier.pk])

    response = client_as(chairman).post(
        url,
        {
            "number": "12/2026/TP-KH",
            "issued_on": "2026-11-05",
            "signer_name": "Trần Văn Chủ Tịch",
            "summary": "",
            "file": SimpleUploadedFile("kq.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier_detail", args=[dossier.pk])
    result = Result.objects.get(dossier=dossier)
    assert result.file.read() == PDF_BYTES


def test_fee_page_collects_and_shows_refusals_on_the_form(client_as, dossier, counter_officer):
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=1_250_000)
    url = reverse("dossiers:fee_collect", args=[dossier.pk])
    client = client_as(counter_officer)

    page = client.get(url)
    assert page.status_code == 200
    assert "Một triệu hai trăm năm mươi nghìn đồng" in page.content.decode()

    refused = client.post(url, {"amount": 2_000_000, "method": "cash", "payer_name": "An"})
    assert refused.status_code == 200
    assert "Số tiền vượt quá số còn phải nộp (1.250.000 đồng)." in refused.content.decode()
    assert not FeePayment.objects.exists()

    done = client.post(url, {"amount": 1_250_000, "method": "cash", "payer_name": "Nguyễn Thị An"})
    assert done.status_code == 302
    assert FeePayment.objects.get().receipt_number == "0000001/2026"


def test_receipt_pdf_has_the_amount_in_figures_and_words(client_as, dossier, counter_officer):
    Dossier.objects.filter(pk=dossier.pk).update(fee_due=1_250_000)
    payment = results.collect_fee(
        actor=counter_officer,
        dossier=dossier,
        amount=1_250_000,
        method="cash",
        payer_name="Nguyễn Thị An",
    )

    response = client_as(counter_officer).get(
        reverse("dossiers:fee_receipt_pdf", args=[dossier.pk, payment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(419.53, abs=1)  # A5 portrait
    text = nfc(" ".join(reader.pages[0].extract_text().split()))
    assert "0000001/2026" in text
    assert "1.250.000 đồng" in text
    assert "Một triệu hai trăm năm mươi nghìn đồng" in text
    assert dossier.code in text
    assert "/cong-khai/tra-cuu/?" in text  # the lookup address under the QR code


def test_return_page_refuses_unpaid_then_returns(
    client_as, fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier, fee_due=10_000)
    record(dossier, chairman)
    url = reverse("dossiers:result_return", args=[dossier.pk])
    client = client_as(counter_officer)

    refused = client.post(url, {"method": "desk", "returned_to": "Nguyễn Thị An"})
    assert refused.status_code == 200
    assert "Người nộp còn phải nộp 10.000 đồng" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RESULT_READY

    results.collect_fee(
        actor=counter_officer, dossier=dossier, amount=10_000, method="cash", payer_name="An"
    )
    done = client.post(url, {"method": "desk", "returned_to": "Nguyễn Thị An"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.returned_to) == ("returned", "Nguyễn Thị An")


def _partial(dossier, user) -> str:
    dossier = Dossier.objects.get(pk=dossier.pk)
    return render_to_string(
        "dossiers/_dossier_results.html",
        {"dossier": dossier, "perms": PermWrapper(user), "user": user},
    )


def test_partial_shows_each_button_only_to_whom_it_is_allowed(
    fixed_dossier, ready, chairman, counter_officer, clerk
):
    dossier = ready(fixed_dossier, fee_due=10_000)
    record_url = reverse("dossiers:result_record", args=[dossier.pk])
    fee_url = reverse("dossiers:fee_collect", args=[dossier.pk])
    return_url = reverse("dossiers:result_return", args=[dossier.pk])

    as_counter = _partial(dossier, counter_officer)
    assert fee_url in as_counter
    assert return_url in as_counter
    assert record_url not in as_counter
    as_chairman = _partial(dossier, chairman)
    assert record_url in as_chairman
    assert fee_url not in as_chairman
    assert return_url not in as_chairman
    as_clerk = _partial(dossier, clerk)
    assert not any(url in as_clerk for url in (record_url, fee_url, return_url))

    record(dossier, chairman)
    results.collect_fee(
        actor=counter_officer, dossier=dossier, amount=10_000, method="cash", payer_name="An"
    )
    results.return_result(
        actor=counter_officer, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
    )
    closed = _partial(dossier, counter_officer)
    assert "12/2026/TP-KH" in closed
    assert "0000001/2026" in closed
    assert (
        reverse("dossiers:fee_receipt_pdf", args=[dossier.pk, FeePayment.objects.get().pk])
        in closed
    )
    assert "Nguyễn Thị An" in closed
    assert fee_url not in closed
    assert return_url not in closed


def test_dossier_page_includes_the_results_partial(
    client_as, fixed_dossier, ready, counter_officer
):
    dossier = ready(fixed_dossier)

    response = client_as(counter_officer).get(reverse("dossiers:dossier_detail", args=[dossier.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dossier-results"' in html
    assert reverse("dossiers:result_return", args=[dossier.pk]) in html


# --- isolation -----------------------------------------------------------------------------


@pytest.fixture
def other_chairman(other_commune, make_staff):
    return make_staff(other_commune, "chairman", username="chutich_khac")


def test_isolation_of_every_results_page(
    fixed_dossier, ready, chairman, counter_officer, clerk, other_chairman, other_counter_officer
):
    dossier = ready(fixed_dossier, fee_due=10_000)
    record(dossier, chairman)
    payment = results.collect_fee(
        actor=counter_officer, dossier=dossier, amount=5_000, method="cash", payer_name="An"
    )
    pk = dossier.pk
    cases = [
        IsolationCase(
            url=reverse("dossiers:result_record", args=[pk]),
            allowed=chairman,
            wrong_role=clerk,
            other_unit=other_chairman,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("dossiers:fee_collect", args=[pk]),
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("dossiers:fee_collect", args=[pk]),
            method="post",
            data={"amount": 5_000, "method": "cash", "payer_name": "An"},
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=302,
        ),
        IsolationCase(
            url=reverse("dossiers:fee_receipt_pdf", args=[pk, payment.pk]),
            allowed=counter_officer,
            wrong_role=clerk,
            other_unit=other_counter_officer,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("dossiers:result_return", args=[pk]),
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=200,
        ),
        IsolationCase(
            url=reverse("dossiers:result_return", args=[pk]),
            method="post",
            data={"method": "desk", "returned_to": "Nguyễn Thị An"},
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=302,
        ),
    ]
    for case in cases:
        assert_isolation(case)
    dossier.refresh_from_db()
    # Only the allowed requests acted: the second fee paid the rest, then the return.
    assert dossier.payments.count() == 2
    assert dossier.status == Dossier.Status.RETURNED


def test_receipt_of_another_dossier_is_not_found(
    client_as, receive, procedure, applicant, counter_officer
):
    first = receive(procedure, applicant, fee_due=10_000)
    second = receive(procedure, applicant, fee_due=10_000)
    payment = results.collect_fee(
        actor=counter_officer, dossier=first, amount=10_000, method="cash", payer_name="An"
    )

    response = client_as(counter_officer).get(
        reverse("dossiers:fee_receipt_pdf", args=[second.pk, payment.pk])
    )

    assert response.status_code == 404


# --- API -----------------------------------------------------------------------------------


def _api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_records_collects_idempotently_and_returns(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier, fee_due=1_250_000)
    base = f"/api/v1/mot-cua/results/dossiers/{dossier.pk}"

    recorded = _api(chairman).post(
        f"{base}/result",
        {"number": "12/2026/TP-KH", "issued_on": "2026-11-05", "signer_name": "Trần Văn Chủ Tịch"},
        content_type="application/json",
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["number"] == "12/2026/TP-KH"

    client = _api(counter_officer)
    body = {"amount": 1_250_000, "method": "cash", "payer_name": "Nguyễn Thị An"}
    first = client.post(
        f"{base}/fees", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        f"{base}/fees", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["receipt_number"] == "0000001/2026"
    assert first.json()["amount_in_words"] == "Một triệu hai trăm năm mươi nghìn đồng"
    assert first.json()["outstanding"] == 0
    assert FeePayment.objects.count() == 1

    returned = client.post(
        f"{base}/return",
        {"method": "post", "postal_tracking_number": "EA123456789VN"},
        content_type="application/json",
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert returned.json()["timing_outcome"] == "late"
    twice = client.post(
        f"{base}/return",
        {"method": "post", "postal_tracking_number": "EA123456789VN"},
        content_type="application/json",
    )
    assert twice.status_code == 422
    assert twice.json()["code"] == "wrong_status"


def test_api_refuses_return_without_payment_with_a_stable_code(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier, fee_due=10_000)
    record(dossier, chairman)

    response = _api(counter_officer).post(
        f"/api/v1/mot-cua/results/dossiers/{dossier.pk}/return",
        {"method": "desk", "returned_to": "An"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "fee_not_paid"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RESULT_READY


def test_isolation_of_every_results_api_route(
    fixed_dossier, ready, chairman, counter_officer, clerk, other_chairman, other_counter_officer
):
    dossier = ready(fixed_dossier, fee_due=10_000)
    base = f"/api/v1/mot-cua/results/dossiers/{dossier.pk}"
    cases = [
        IsolationCase(
            url=f"{base}/result",
            method="post",
            data={"number": "1", "issued_on": "2026-11-05", "signer_name": "Trần Văn Chủ Tịch"},
            content_type="application/json",
            api=True,
            allowed=chairman,
            wrong_role=clerk,
            other_unit=other_chairman,
            allowed_status=200,
        ),
        IsolationCase(
            url=f"{base}/fees",
            method="post",
            data={"amount": 10_000, "method": "cash", "payer_name": "An"},
            content_type="application/json",
            api=True,
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=201,
        ),
        IsolationCase(
            url=f"{base}/return",
            method="post",
            data={"method": "desk", "returned_to": "An"},
            content_type="application/json",
            api=True,
            allowed=counter_officer,
            wrong_role=chairman,
            other_unit=other_counter_officer,
            allowed_status=200,
        ),
    ]
    for case in cases:
        assert_isolation(case)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RETURNED
    assert DossierEvent.objects.filter(dossier=dossier, action="result_returned").count() == 1


# --- concurrency (PostgreSQL: real row locks) --------------------------------------------


def _in_parallel(count: int, action) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(count)
    done: list = []
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            done.append(action(index))
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_desks_returning_the_same_dossier_return_it_once(
    fixed_dossier, ready, chairman, counter_officer
):
    dossier = ready(fixed_dossier)
    record(dossier, chairman)

    done, errors = _in_parallel(
        4,
        lambda n: results.return_result(
            actor=counter_officer, dossier=dossier, returned_to=f"Người nhận {n}", method="desk"
        ),
    )

    assert len(done) == 1
    assert len(errors) == 3
    assert all(isinstance(error, WrongStatusError) for error in errors)
    assert DossierEvent.objects.filter(dossier=dossier, action="result_returned").count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_payments_never_exceed_the_fee_nor_skip_receipt_numbers(
    receive, procedure, applicant, counter_officer
):
    dossier = receive(procedure, applicant, fee_due=30_000)

    done, errors = _in_parallel(
        6,
        lambda n: results.collect_fee(
            actor=counter_officer, dossier=dossier, amount=10_000, method="cash", payer_name="An"
        ),
    )

    assert len(done) == 3
    assert len(errors) == 3
    assert all(isinstance(error, ValidationError) for error in errors)
    assert sorted(FeePayment.objects.values_list("receipt_number", flat=True)) == [
        "0000001/2026",
        "0000002/2026",
        "0000003/2026",
    ]
