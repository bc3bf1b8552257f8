"""Presenting, assigning and handling incoming documents (ND 30/2020 Đ23)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from xaso.core.exceptions import DomainError
from xaso.documents import selectors
from xaso.documents.models import Handler
from xaso.documents.models import IncomingDocument
from xaso.documents.services import handling
from xaso.documents.tests.conftest import VN
from xaso.documents.tests.conftest import upload

# Monday 23 November 2026, 09:00.
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=VN)


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    move(MONDAY)
    return move


@pytest.fixture
def document(register, clock):
    return register()


def _assign(actor, document, lead, coordinators=(), days=3, instruction="Tham mưu trả lời."):
    return handling.assign(
        actor=actor,
        document=document,
        data=handling.AssignmentData(
            lead=lead, coordinators=list(coordinators), deadline_days=days, instruction=instruction
        ),
    )


def test_present_assign_progress_and_complete(
    document, clerk, chairman, official, land_official, clock
):
    handling.present(actor=clerk, document=document, leader=chairman)
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.PRESENTED
    assert document.presented_to == chairman
    assert list(selectors.presented_to(user=chairman)) == [document]

    _assign(chairman, document, official, [land_official], days=3)
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.ASSIGNED
    # 3 working days after Monday: Tuesday 24/11 is Ngày Văn hóa Việt Nam (a day off),
    # so day 1 = Wednesday, day 3 = Friday 27/11 at 17:00.
    assert document.due_at == datetime.datetime(2026, 11, 27, 17, 0, tzinfo=VN)
    assert document.recipient_text == "Ngô Thị Văn Phòng; Đỗ Văn Đất"
    roles = {h.user.username: h.role for h in document.handlers.select_related("user")}
    assert roles == {"vanphong": Handler.Role.LEAD, "diachinh": Handler.Role.COORDINATE}
    assert list(selectors.inbox_for(user=official)) == [document]
    assert list(selectors.inbox_for(user=land_official)) == [document]

    with pytest.raises(ValidationError):
        handling.record_progress(
            actor=land_official, document=document, note="Đã góp ý", completes=True
        )
    handling.record_progress(actor=land_official, document=document, note="Đã gửi ý kiến.")
    handling.record_progress(
        actor=official, document=document, note="Đã trình văn bản trả lời.", completes=True
    )
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.DONE
    assert list(selectors.inbox_for(user=official)) == []
    assert [p.note for p in document.progress.all()] == [
        "Đã gửi ý kiến.",
        "Đã trình văn bản trả lời.",
    ]


def test_deadline_skips_the_weekend(document, chairman, official, clock):
    clock(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=VN))  # Friday
    _assign(chairman, document, official, days=1)
    document.refresh_from_db()
    assert document.due_at == datetime.datetime(2026, 11, 30, 17, 0, tzinfo=VN)


def test_overdue_and_pending_per_official(register, chairman, official, land_official, clock):
    late = register(code_number="1")
    on_time = register(code_number="2")
    _assign(chairman, late, official, days=1)
    _assign(chairman, on_time, official, [land_official], days=10)
    clock(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=VN))  # the 1-day limit ended 25/11

    assert list(selectors.overdue(user=chairman)) == [late]
    loads = {
        load.name: (load.open, load.overdue)
        for load in selectors.pending_per_official(user=chairman)
    }
    assert loads == {"Ngô Thị Văn Phòng": (2, 1), "Đỗ Văn Đất": (1, 0)}


def test_wrong_people_and_bad_deadline_are_refused(
    document, clerk, chairman, official, other_official
):
    with pytest.raises(PermissionDenied):
        _assign(clerk, document, official)
    with pytest.raises(ValidationError) as error:
        _assign(chairman, document, other_official)
    assert "lead" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _assign(chairman, document, official, days=200)
    assert "deadline_days" in error.value.message_dict
    with pytest.raises(ValidationError):
        handling.present(actor=clerk, document=document, leader=official)
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.REGISTERED
    assert not document.handlers.exists()


def test_someone_not_assigned_cannot_record_progress(document, chairman, official, land_official):
    _assign(chairman, document, official)
    with pytest.raises(PermissionDenied):
        handling.record_progress(actor=land_official, document=document, note="x")


def test_closed_document_cannot_be_reassigned(document, chairman, official):
    handling.file_for_information(actor=chairman, document=document, note="Lưu để biết")
    with pytest.raises(DomainError):
        _assign(chairman, document, official)


def test_pages_present_assign_progress_and_slip(
    client_as, document, clerk, chairman, official, clock
):
    detail = reverse("documents:incoming_detail", args=[document.pk])
    response = client_as(clerk).post(
        reverse("documents:incoming_present", args=[document.pk]), {"leader": chairman.pk}
    )
    assert response.status_code == 302
    assert "Trình lãnh đạo" in client_as(chairman).get(detail).content.decode()

    assign_url = reverse("documents:incoming_assign", args=[document.pk])
    bad = client_as(chairman).post(assign_url, {"lead": "", "deadline_days": "-1"})
    assert bad.status_code == 200
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.PRESENTED
    ok = client_as(chairman).post(
        assign_url, {"lead": official.pk, "deadline_days": "3", "instruction": "Khẩn trương"}
    )
    assert ok.status_code == 302

    inbox = client_as(official).get(reverse("documents:inbox"))
    assert document.subject in inbox.content.decode()

    progress = client_as(official).post(
        reverse("documents:incoming_progress", args=[document.pk]),
        {"note": "Đã xong", "completes": "on", "file": upload(b"%PDF-1.4 ket qua", "kq.pdf")},
    )
    assert progress.status_code == 302
    document.refresh_from_db()
    assert document.status == IncomingDocument.Status.DONE
    entry = document.progress.get()
    assert entry.content_type == "application/pdf"
    assert (
        client_as(official)
        .get(reverse("documents:progress_file", args=[document.pk, entry.pk]))
        .status_code
        == 200
    )

    slip = client_as(chairman).get(reverse("documents:handling_slip_pdf", args=[document.pk]))
    assert slip["Content-Type"] == "application/pdf"
    import io

    text = " ".join(PdfReader(io.BytesIO(slip.content)).pages[0].extract_text().split())
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text.upper()
    assert "Ngô Thị Văn Phòng" in text
    assert "27/11/2026" in text
    assert "Khẩn trương" in text

    pending = client_as(chairman).get(reverse("documents:pending"))
    assert pending.status_code == 200


def test_secret_documents_are_read_only_by_clerk_leaders_and_their_handlers(
    register, clerk, chairman, official, land_official, make_staff, commune
):
    from xaso.documents import selectors

    office = make_staff(commune, "office_statistics", username="vanphong2")
    secret = register(code_number="9", secrecy="confidential")
    ordinary = register(code_number="10")
    handling.assign(
        actor=chairman,
        document=secret,
        data=handling.AssignmentData(lead=official, deadline_days=2),
    )

    assert set(selectors.incoming_for(clerk)) == {secret, ordinary}
    assert set(selectors.incoming_for(chairman)) == {secret, ordinary}
    assert set(selectors.incoming_for(official)) == {secret, ordinary}  # assigned to it
    assert set(selectors.incoming_for(office)) == {ordinary}  # registers, but not secret
    assert set(selectors.incoming_for(land_official)) == set()


def test_assignees_are_told_by_email_after_the_commit(
    document, chairman, official, land_official, django_capture_on_commit_callbacks
):
    from django.core import mail

    official.email = "vanphong@example.vn"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        _assign(chairman, document, official, [land_official], days=3)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vanphong@example.vn", land_official.email]
    assert mail.outbox[0].subject == "[XãSố] Được giao giải quyết văn bản đến số 1/2026"
    assert "17:00 27/11/2026" in mail.outbox[0].body
