"""Digital signing of outgoing documents: the signer with a SoftHSM token (PKCS#11), then the
văn thư numbers, fills number and date and adds the organisation's signature (ND 30 Đ5,
Đ13.7, Đ14.3, Đ17.2); uploads and received PDFs are verified (Đ21.2)."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from xaso.conftest import PASSPHRASE
from xaso.core.audit import AuditEvent
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import OutgoingFile
from xaso.documents.services import outgoing as service
from xaso.documents.services import signing
from xaso.documents.tests.conftest import upload
from xaso.documents.uploads import DRAFT_TYPES
from xaso.documents.uploads import check_file
from xaso.signatures import pki
from xaso.signatures import services as signatures

S = OutgoingDocument.Status
K = OutgoingFile.Kind


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def keys(demo_pki, softhsm_token, chairman, clerk):
    """The commune trusts the test CA; the chairman registered his token's certificate and
    the văn thư the organisation's certificate (.p12)."""
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    return softhsm_token


MODIFIED = (
    "Văn bản đã bị sửa đổi sau khi ký (thêm hoặc thay nội dung ngoài chữ ký số và điền biểu mẫu)."
)


def _append_page_content(signed: bytes) -> bytes:
    """What a forger does: draw on the page in a new revision after the signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 200 re f")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def approved(official, chairman, attachment: bytes | None = None, **overrides):
    data = service.DraftData(
        doc_type="cong_van",
        subject="Về việc báo cáo công tác hộ tịch",
        body="Ủy ban nhân dân xã báo cáo như sau.\n\nĐề nghị Sở xem xét.",
        recipients_text="Sở Tư pháp tỉnh Nghệ An",
        signer=chairman,
        signer_title="Chủ tịch",
        **overrides,
    )
    document = service.create_draft(actor=official, data=data, generate=True)
    if attachment is not None:
        checked = check_file(upload(attachment, "phu-luc.pdf"), accepted=DRAFT_TYPES)
        service.add_attachment(actor=official, document=document, file=checked)
    service.submit(actor=official, document=document)
    return service.approve(actor=chairman, document=document)


def token_post(keys, pin=None) -> dict:
    return {"method": "token", "token_label": keys.token.token_label, "pin": pin or keys.pin}


def p12_post(data: bytes, passphrase: str = PASSPHRASE) -> dict:
    return {
        "method": "pkcs12",
        "key_file": upload(data, "khoa.p12", "application/x-pkcs12"),
        "passphrase": passphrase,
    }


def read(item: OutgoingFile) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


def test_signer_signs_with_token_then_clerk_numbers_and_seals(
    client_as, official, chairman, clerk, keys, demo_pki, commune
):
    document = approved(official, chairman)
    page = client_as(chairman).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "Ký số văn bản (người có thẩm quyền)" in page.content.decode()

    response = client_as(chairman).post(
        reverse("documents:outgoing_sign", args=[document.pk]), token_post(keys), follow=True
    )
    assert "Đã ký số văn bản." in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.signed_by, document.number) == (S.SIGNED, chairman, None)
    first = document.files.get(kind=K.SIGNED)
    assert document.signature_reference == first.sha256
    report = signatures.verify_pdf(read(first), unit=commune)
    assert [(s.field_name, s.signer_name, s.ok) for s in report.signatures] == [
        ("signer-1", "Trần Văn Chủ Tịch (token)", True)
    ]

    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        p12_post(demo_pki.organisation_p12),
        follow=True,
    )
    assert "Đã cấp số 01/UBND-VP" in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number_notation) == (S.RELEASED, "01/UBND-VP")
    final = signing.signed_file(document)
    assert final.name == "01-UBND-VP.pdf"
    pdf = read(final)
    # Number and date are on the page, as filled form fields the signer allowed.
    fields = PdfReader(io.BytesIO(pdf)).get_fields()
    assert fields["so-ky-hieu"]["/V"] == "01/UBND-VP"
    today = timezone.localdate()
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert fields["ngay-thang"]["/V"] == f"Quỳ Châu, ngày {today:%d} tháng {month} năm {today.year}"
    report = signatures.verify_pdf(pdf, unit=commune)
    assert [
        (s.field_name, s.signer_name, s.ok, s.modification_level, s.problems)
        for s in report.signatures
    ] == [
        ("signer-1", "Trần Văn Chủ Tịch (token)", True, "FORM_FILLING", []),
        ("organisation-1", "UBND xã Quỳ Châu", True, "NONE", []),
    ]
    # The PIN and passphrase are in no audit row.
    logged = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert keys.pin not in logged
    assert PASSPHRASE not in logged
    page = client_as(clerk).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "01-UBND-VP.pdf" in page.content.decode()


def test_separate_attachment_gets_the_clerks_attachment_signature(
    official, chairman, clerk, keys, demo_pki, commune
):
    from xaso.documents.tests.conftest import sample_pdf

    document = approved(official, chairman, attachment=sample_pdf())
    signing.sign_digitally(
        actor=chairman,
        document=document,
        key=signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin),
    )
    signing.release_signed(
        actor=clerk,
        document=document,
        key=signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
    )
    item = document.files.get(kind=K.SIGNED_ATTACHMENT)
    assert item.name == "01-UBND-VP-phu-luc.pdf"
    report = signatures.verify_pdf(read(item), unit=commune)
    assert [(s.field_name, s.signer_name, s.ok) for s in report.signatures] == [
        ("attachment-1", "UBND xã Quỳ Châu", True)
    ]
    assert [f.name for f in signing.released_files(document)] == [
        "01-UBND-VP.pdf",
        "01-UBND-VP-phu-luc.pdf",
    ]


def test_wrong_pin_gives_a_message_and_changes_nothing(client_as, official, chairman, keys):
    document = approved(official, chairman)
    response = client_as(chairman).post(
        reverse("documents:outgoing_sign", args=[document.pk]),
        token_post(keys, pin="000000"),
        follow=True,
    )
    assert "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại." in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.signed_at) == (S.APPROVED, None)
    assert not document.files.filter(kind=K.SIGNED).exists()


def test_signer_without_registered_certificate_is_refused(client_as, official, chairman, demo_pki):
    document = approved(official, chairman)
    response = client_as(chairman).post(
        reverse("documents:outgoing_sign", args=[document.pk]),
        p12_post(demo_pki.chairman_p12),
        follow=True,
    )
    assert "Bạn chưa đăng ký chứng thư số." in response.content.decode()
    document.refresh_from_db()
    assert document.status == S.APPROVED
    assert not document.files.filter(kind=K.SIGNED).exists()


def test_missing_pin_is_a_form_error(client_as, official, chairman, keys):
    document = approved(official, chairman)
    response = client_as(chairman).post(
        reverse("documents:outgoing_sign", args=[document.pk]),
        {"method": "token", "token_label": keys.token.token_label},
        follow=True,
    )
    assert "Hãy nhập mã PIN." in response.content.decode()
    document.refresh_from_db()
    assert document.status == S.APPROVED


def test_wrong_organisation_key_leaves_the_document_unnumbered(
    client_as, official, chairman, clerk, keys, demo_pki
):
    document = approved(official, chairman)
    signing.sign_digitally(
        actor=chairman,
        document=document,
        key=signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin),
    )
    # The chairman's .p12 is not the certificate the văn thư registered.
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        p12_post(demo_pki.chairman_p12),
        follow=True,
    )
    assert "không khớp với chứng thư đã đăng ký" in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number) == (S.SIGNED, None)
    assert document.files.filter(kind=K.SIGNED).count() == 1
    # A release without a key is refused too: the original is digital.
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]), follow=True
    )
    assert "hãy dùng khóa ký của cơ quan" in response.content.decode()
    # The number was not consumed.
    document = signing.release_signed(
        actor=clerk,
        document=document,
        key=signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
    )
    assert document.number_notation == "01/UBND-VP"


def test_pdf_modified_after_signing_is_reported_on_the_incoming_page(
    client_as, official, chairman, clerk, keys, demo_pki, commune
):
    document = approved(official, chairman)
    signing.sign_digitally(
        actor=chairman,
        document=document,
        key=signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin),
    )
    tampered = _append_page_content(read(document.files.get(kind=K.SIGNED)))
    response = client_as(clerk).post(
        reverse("documents:incoming_create"),
        {
            "medium": "electronic",
            "issuing_body": "UBND xã Quỳ Châu",
            "code_number": "01",
            "code_notation": "UBND-VP",
            "document_date": "2026-11-20",
            "doc_type": "cong_van",
            "subject": "Về việc báo cáo công tác hộ tịch",
            "urgency": "normal",
            "secrecy": "normal",
            "file": upload(bytes(tampered)),
        },
        follow=True,
    )
    received = IncomingDocument.objects.get(unit=commune)
    assert received.verification is not None
    assert received.verification.is_valid is False
    assert received.verification.report["signatures"][0]["problems"] == [MODIFIED]
    assert response.status_code == 200
    page = client_as(clerk).get(reverse("documents:incoming_detail", args=[received.pk]))
    assert "Kiểm tra chữ ký số" in page.content.decode()
    assert MODIFIED in page.content.decode()
