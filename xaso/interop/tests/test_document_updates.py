"""Update (BussinessDocType 2), replacement (3) and zipped attachments of document packages
(ND 30/2020 Đ18, Đ21; QCVN 102): A (commune) sends through its outbox to B (other_commune)
over loopback; B's inbound endpoint verifies the PDFs and applies them to its register."""

import datetime
import io
import itertools
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from xaso.core.models import AuditEvent
from xaso.documents.models import IncomingDocument
from xaso.documents.models import IncomingFile
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import handling
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.services import signing
from xaso.interop import services
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.factories import VIETNAM
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.test_documents_exchange import _offline  # noqa: F401  (fixture)
from xaso.interop.tests.test_documents_exchange import drafter as _drafter  # noqa: F401  (fixture)
from xaso.interop.tests.test_documents_exchange import keys as _keys  # noqa: F401  (fixture)
from xaso.interop.tests.test_documents_exchange import org_key
from xaso.interop.tests.test_documents_exchange import signed_document
from xaso.interop.tests.test_exchange import A_ID
from xaso.interop.tests.test_exchange import B_ID
from xaso.interop.tests.test_exchange import agencies  # noqa: F401  (fixture)
from xaso.interop.tests.test_exchange import peers  # noqa: F401  (fixture)
from xaso.signatures.models import VerificationRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("peers")]
# Packages sent within one second get distinct send times (B tells updates apart by them).
_EARLIER = itertools.count(1)
NEW_SUBJECT = "Về việc phối hợp kiểm tra hộ tịch (bổ sung danh sách)"


@pytest.fixture
def b_people(other_commune, make_staff):
    return {
        "clerk": make_staff(other_commune, "clerk", username="vanthu-b"),
        "chairman": make_staff(other_commune, "chairman", username="chutich-b"),
        "official": make_staff(
            other_commune, "office_statistics", username="vanphong-b", email="vp-b@example.vn"
        ),
    }


@pytest.fixture
def released(request, chairman, clerk, demo_pki):
    """A's công văn released to B (B registered it as arrival number 1)."""
    drafter, keys = request.getfixturevalue("_drafter"), request.getfixturevalue("_keys")
    document = signed_document(drafter, chairman, keys, [(B_ID, "UBND xã B")])
    return signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))


@pytest.fixture
def other_pdf(request, released, chairman, clerk, demo_pki) -> bytes:
    """Another PDF signed by A's chairman and organisation (the corrected version)."""
    drafter, keys = request.getfixturevalue("_drafter"), request.getfixturevalue("_keys")
    document = signed_document(drafter, chairman, keys, [])
    document = signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))
    with signing.signed_file(document).file.open("rb") as handle:
        return handle.read()


def _pdf_of(document: OutgoingDocument) -> bytes:
    with signing.signed_file(document).file.open("rb") as handle:
        return handle.read()


def _pdf(name: str, data: bytes, content_id: str = "c1") -> t.Attachment:
    return t.Attachment(content_id=content_id, name=name, content_type="application/pdf", data=data)


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _send(unit, *, business=None, attachments=(), number="01", subject=None, when=None):
    """A package from A (about A's 01/UBND-VP unless told) through A's outbox to B; the
    outbound row with B's answer."""
    overrides = {}
    if subject:
        overrides["subject"] = subject
    package = make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        code=t.Code(number=number, notation="UBND-VP"),
        promulgation_info=t.PromulgationInfo(date=when or datetime.datetime.now(VIETNAM).date()),
        # As A's released document says: signed by its chairman, khẩn.
        signer_info=t.SignerInfo(position="Chủ tịch", full_name="Trần Văn Chủ Tịch"),
        other_info=t.OtherInfo(priority=t.Priority(1)),
        business=business,
        attachments=list(attachments),
        **overrides,
    )
    # Several packages about one document are told apart by their send time.
    package.trace_headers[0].organ_id = A_ID
    package.trace_headers[0].timestamp = datetime.datetime.now(VIETNAM).replace(
        microsecond=0
    ) - datetime.timedelta(seconds=next(_EARLIER))
    [outbound] = services.send_document(unit=unit, package=package)
    outbound.refresh_from_db()
    return outbound


def _update(document_id: str, reason: str = "Bổ sung danh sách hộ") -> t.Business:
    return t.Business(
        doc_type=t.BusinessDocType.UPDATE,
        reason=reason,
        document_id=document_id,
        document_info=t.BusinessDocumentInfo(document_info=True),
    )


def _answer(unit) -> str:
    """The description of B's last answer (status package) to A."""
    return InboundPackage.objects.filter(unit=unit).latest("pk").answer.decode()


def test_update_with_a_new_file_is_the_next_version_and_15_comes_back(
    released, other_pdf, other_commune, b_people, client_as
):
    received = IncomingDocument.objects.get(unit=other_commune)
    first_sha = received.sha256
    assert [(f.version, f.is_current, f.is_main) for f in received.received_files.all()] == [
        (1, True, True)
    ]
    handling.assign(
        actor=b_people["chairman"],
        document=received,
        data=handling.AssignmentData(lead=b_people["official"], deadline_days=0),
    )
    mail.outbox.clear()

    outbound = _send(
        released.unit,
        business=_update(received.exchange_document_id),
        attachments=[_pdf("01-UBND-VP-sua.pdf", other_pdf)],
        subject=NEW_SUBJECT,
        when=released.issued_on,
    )
    assert outbound.answer_code == "15"
    received.refresh_from_db()
    assert received.subject == NEW_SUBJECT
    assert received.status == "assigned"
    files = list(received.received_files.all())
    assert [(f.version, f.name, f.is_current, f.reason) for f in files] == [
        (2, "01-UBND-VP-sua.pdf", True, "Bổ sung danh sách hộ"),
        (1, "01-UBND-VP.pdf", False, ""),
    ]
    assert received.sha256 == files[0].sha256 != first_sha
    assert received.file.name == files[0].file.name
    assert files[0].verification.source == VerificationRecord.Source.RECEIVED
    assert files[0].verification.is_valid
    # The old subject stays readable in the audit trail.
    event = AuditEvent.objects.get(action="documents.incoming_updated_by_sender")
    assert event.data["changes"] == {"subject": ["Về việc phối hợp kiểm tra hộ tịch", NEW_SUBJECT]}
    assert event.data["version"] == 2
    # The lead handler is told.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["vp-b@example.vn"],
            f"[XãSố] Văn bản đến số 1/{received.arrival_year} được cơ quan gửi cập nhật",
        )
    ]
    # A's recipient line shows the answer.
    recipient = released.external_recipients.get()
    assert recipient.exchange_status == "15"
    assert "nhận tệp lần 2" in recipient.exchange_note

    page = (
        client_as(b_people["clerk"])
        .get(reverse("documents:incoming_detail", args=[received.pk]))
        .content.decode()
    )
    assert "Tệp văn bản nhận qua liên thông" in page
    assert "01-UBND-VP-sua.pdf" in page
    assert "đang dùng" in page
    assert "bản cũ" in page
    assert NEW_SUBJECT in page
    old = client_as(b_people["clerk"]).get(
        reverse("documents:incoming_received_file", args=[received.pk, files[1].pk])
    )
    assert old.status_code == 200
    assert b"".join(old.streaming_content if old.streaming else [old.content]).startswith(b"%PDF")


def test_update_refused_16_when_unknown_recalled_or_not_verified_and_nothing_changes(
    released, other_pdf, other_commune
):
    from xaso.documents.tests.test_digital_signing import MODIFIED
    from xaso.documents.tests.test_digital_signing import _append_page_content

    received = IncomingDocument.objects.get(unit=other_commune)
    document_id = received.exchange_document_id

    unknown = _send(
        released.unit,
        business=_update(f"{A_ID},2026/01/02,99/UBND-VP"),
        attachments=[_pdf("a.pdf", other_pdf)],
        when=released.issued_on,
    )
    assert unknown.answer_code == "16"
    assert "Không có văn bản 000.00.00.H55,2026/01/02,99/UBND-VP" in _answer(other_commune)

    tampered = _send(
        released.unit,
        business=_update(document_id),
        attachments=[_pdf("01-UBND-VP-sua.pdf", _append_page_content(other_pdf))],
        subject=NEW_SUBJECT,
        when=released.issued_on,
    )
    assert tampered.answer_code == "16"
    note = released.external_recipients.get().exchange_note
    assert note.startswith("Chữ ký số của tệp 01-UBND-VP-sua.pdf không hợp lệ:")
    assert MODIFIED in note
    received.refresh_from_db()
    assert received.subject == "Về việc phối hợp kiểm tra hộ tịch"
    assert list(received.received_files.values_list("version", "is_current")) == [(1, True)]
    assert not AuditEvent.objects.filter(action="documents.incoming_updated_by_sender").exists()

    recall = _send(
        released.unit,
        business=t.Business(
            doc_type=t.BusinessDocType.RECALL, reason="Gửi nhầm", document_id=document_id
        ),
        when=released.issued_on,
    )
    assert recall.answer_code == "15"
    after_recall = _send(
        released.unit,
        business=_update(document_id),
        attachments=[_pdf("01-UBND-VP-sua.pdf", other_pdf)],
        when=released.issued_on,
    )
    assert after_recall.answer_code == "16"
    assert "đã bị thu hồi, không cập nhật được" in (
        released.external_recipients.get().exchange_note
    )
    assert received.received_files.count() == 1


def test_replacement_is_sent_as_type_3_and_b_marks_the_old_one_replaced(
    request, released, chairman, clerk, demo_pki, other_commune, b_people, client_as
):
    keys = request.getfixturevalue("_keys")
    old = IncomingDocument.objects.get(unit=other_commune)
    drafter = request.getfixturevalue("_drafter")
    draft = outgoing_service.start_replacement(actor=drafter, document=released)
    outgoing_service.submit(actor=drafter, document=draft)
    draft = outgoing_service.approve(actor=chairman, document=draft)
    from xaso.signatures import services as signatures

    draft = signing.sign_digitally(
        actor=chairman,
        document=draft,
        key=signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin),
    )
    replacement = signing.release_signed(actor=clerk, document=draft, key=org_key(demo_pki))

    # A's package is a replacement naming the replaced document (QCVN 102 ReplacementInfo).
    outbound = OutboundPackage.objects.filter(unit=released.unit).latest("pk")
    assert outbound.answer_code == "03"
    package = parse_package(bytes(outbound.package))
    old_id = f"{A_ID},{released.issued_on:%Y/%m/%d},01/UBND-VP"
    new_id = f"{A_ID},{replacement.issued_on:%Y/%m/%d},02/UBND-VP"
    assert package.header.document_id == new_id
    assert package.business.doc_type == t.BusinessDocType.REPLACE
    assert package.business.document_id == old_id
    assert [(r.document_id, r.organ_ids) for r in package.business.replacements] == [
        (old_id, [B_ID])
    ]
    assert outbound.signer_name == "UBND xã Quỳ Châu"

    # B registered the new one (number 2) and froze the old one, linked both ways.
    new = IncomingDocument.objects.get(unit=other_commune, exchange_document_id=new_id)
    old.refresh_from_db()
    assert new.arrival_number == 2
    assert (old.replaced_by_id, old.status) == (new.pk, "filed")
    assert old.replaced_at is not None
    recipient = replacement.external_recipients.get()
    assert recipient.exchange_status == "03"
    assert "được thay thế bởi văn bản số đến 2" in recipient.exchange_note

    browser = client_as(b_people["clerk"])
    old_page = browser.get(reverse("documents:incoming_detail", args=[old.pk])).content.decode()
    assert "Văn bản này đã bị thay thế ngày" in old_page
    assert reverse("documents:incoming_detail", args=[new.pk]) in old_page
    assert "Phân công giải quyết" not in old_page
    new_page = browser.get(reverse("documents:incoming_detail", args=[new.pk])).content.decode()
    assert "Văn bản này thay thế:" in new_page
    assert reverse("documents:incoming_detail", args=[old.pk]) in new_page

    # An update of the replaced document is refused.
    refused = _send(
        released.unit,
        business=_update(old_id),
        subject=NEW_SUBJECT,
        when=released.issued_on,
    )
    assert refused.answer_code == "16"


def test_zipped_pdfs_become_the_files_of_the_registered_document(
    released, other_pdf, other_commune
):
    IncomingDocument.objects.filter(unit=other_commune).delete()
    archive = _zip(("van-ban/05-UBND-VP.pdf", other_pdf), ("van-ban/phu-luc.pdf", other_pdf))
    outbound = _send(
        released.unit,
        number="05",
        attachments=[
            t.Attachment(
                content_id="z1", name="van-ban.zip", content_type="application/zip", data=archive
            )
        ],
    )
    assert outbound.answer_code == "03"
    document = IncomingDocument.objects.get(unit=other_commune, code_number="05")
    assert [(f.name, f.is_main, f.version) for f in document.received_files.order_by("pk")] == [
        ("05-UBND-VP.pdf", True, 1),
        ("phu-luc.pdf", False, 1),
    ]
    assert all(f.verification.is_valid for f in document.received_files.all())


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ((("../../etc/05.pdf", b"%PDF-1.4"),), "chứa đường dẫn không an toàn"),
        ((("05.pdf", b"0" * (3 * 1024 * 1024)),), "quá lớn sau khi giải nén"),
    ],
)
def test_hostile_zip_is_refused_02_and_nothing_registered(
    released, other_commune, settings, members, reason
):
    settings.XASO_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    before = VerificationRecord.objects.count()
    outbound = _send(
        released.unit,
        number="06",
        attachments=[
            t.Attachment(
                content_id="z1",
                name="van-ban.zip",
                content_type="application/zip",
                data=_zip(*members),
            )
        ],
    )
    assert outbound.answer_code == "02"
    assert reason in _answer(other_commune)
    assert not IncomingDocument.objects.filter(unit=other_commune, code_number="06").exists()
    assert VerificationRecord.objects.count() == before
    assert IncomingFile.objects.filter(document__code_number="06").count() == 0
