"""Outgoing documents sent as edXML and incoming ones registered from packages (ND 30/2020
Đ14, Đ18.4, Đ21; QCVN 102): A (commune) and B (other_commune) exchange over loopback through
the live server, each with its own register."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from xaso.conftest import PASSPHRASE
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.services import signing
from xaso.interop import services
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.test_exchange import A_ID
from xaso.interop.tests.test_exchange import B_ID
from xaso.interop.tests.test_exchange import TOKEN_TO_B
from xaso.interop.tests.test_exchange import agencies  # noqa: F401  (fixture)
from xaso.interop.tests.test_exchange import peers  # noqa: F401  (fixture)
from xaso.signatures import pki
from xaso.signatures import services as signatures

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("peers")]
S = OutgoingDocument.Status


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def keys(demo_pki, softhsm_token, chairman, clerk):
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    return softhsm_token


@pytest.fixture
def drafter(commune, make_staff):
    return make_staff(commune, "office_statistics", username="vanphong")


def signed_document(drafter, chairman, keys, recipients) -> OutgoingDocument:
    data = outgoing_service.DraftData(
        doc_type="cong_van",
        subject="Về việc phối hợp kiểm tra hộ tịch",
        body="Ủy ban nhân dân xã A đề nghị phối hợp.",
        recipients_text="UBND xã B",
        signer=chairman,
        signer_title="Chủ tịch",
        urgency="urgent",
        external_recipients=recipients,
    )
    document = outgoing_service.create_draft(actor=drafter, data=data, generate=True)
    outgoing_service.submit(actor=drafter, document=document)
    document = outgoing_service.approve(actor=chairman, document=document)
    return signing.sign_digitally(
        actor=chairman,
        document=document,
        key=signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin),
    )


def org_key(demo_pki):
    return signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE)


def test_released_document_reaches_b_registered_and_03_comes_back(
    client_as, drafter, chairman, clerk, keys, demo_pki, other_commune, make_staff
):
    document = signed_document(drafter, chairman, keys, [(B_ID, "UBND xã B")])
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        {
            "method": "pkcs12",
            "passphrase": PASSPHRASE,
            "key_file": _upload(demo_pki.organisation_p12),
        },
        follow=True,
    )
    assert "Đã cấp số 01/UBND-VP" in response.content.decode()

    outbound = OutboundPackage.objects.get(unit__code=document.unit.code)
    assert (outbound.status, outbound.answer_code) == ("delivered", "03")
    document.refresh_from_db()
    recipient = ExternalRecipient.objects.get(document=document)
    assert (recipient.exchange_status, recipient.exchange_note) == (
        "03",
        f"Đã vào sổ văn bản đến số 1/{document.year}.",
    )
    page = client_as(clerk).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "03 — Đã tiếp nhận" in page.content.decode()

    received = IncomingDocument.objects.get(unit=other_commune)
    assert (
        received.arrival_number,
        received.issuing_body_identifier,
        received.code_number,
        received.code_notation,
        received.document_date,
        received.subject,
        received.urgency,
        received.medium,
        received.registered_by,
        received.exchange_document_id,
    ) == (
        1,
        A_ID,
        "01",
        "UBND-VP",
        document.issued_on,
        "Về việc phối hợp kiểm tra hộ tịch",
        "urgent",
        "electronic",
        None,
        f"{A_ID},{document.issued_on:%Y/%m/%d},01/UBND-VP",
    )
    assert received.verification.is_valid
    assert [s["signer_name"] for s in received.verification.report["signatures"]] == [
        "Trần Văn Chủ Tịch (token)",
        "UBND xã Quỳ Châu",
    ]

    # A redelivery of the same bytes is not registered twice.
    again = services.receive_package(token=TOKEN_TO_B, data=bytes(outbound.package))
    assert again.replayed
    assert IncomingDocument.objects.filter(unit=other_commune).count() == 1

    # A recalls it (Đ18.4): B freezes it and agrees (15).
    recall = make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        code=t.Code(number="01", notation="UBND-VP"),
        promulgation_info=t.PromulgationInfo(date=document.issued_on),
        business=t.Business(
            doc_type=t.BusinessDocType.RECALL,
            reason="Sai tên cơ quan nhận",
            document_id=received.exchange_document_id,
        ),
    )
    [recall_out] = services.send_document(unit=document.unit, package=recall)
    recall_out.refresh_from_db()
    assert recall_out.answer_code == "15"
    received.refresh_from_db()
    assert (received.status, received.recall_reason) == ("filed", "Sai tên cơ quan nhận")
    assert received.recalled_at is not None
    b_clerk = make_staff(other_commune, "clerk", username="vanthu-b")
    page = client_as(b_clerk).get(reverse("documents:incoming_detail", args=[received.pk]))
    assert "Cơ quan gửi đã thu hồi văn bản này" in page.content.decode()
    assert "Sai tên cơ quan nhận" in page.content.decode()


def test_unknown_recipient_refuses_the_release_and_changes_nothing(
    client_as, drafter, chairman, clerk, keys, demo_pki
):
    document = signed_document(drafter, chairman, keys, [("000.00.00.H41", "UBND tỉnh")])
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        {
            "method": "pkcs12",
            "passphrase": PASSPHRASE,
            "key_file": _upload(demo_pki.organisation_p12),
        },
        follow=True,
    )
    assert "Chưa thiết lập liên thông văn bản điện tử với: 000.00.00.H41." in (
        response.content.decode()
    )
    document.refresh_from_db()
    assert (document.status, document.number) == (S.SIGNED, None)
    assert not OutboundPackage.objects.exists()


def test_package_whose_pdf_fails_verification_is_refused_02(
    drafter, chairman, clerk, keys, demo_pki, other_commune
):
    document = signed_document(drafter, chairman, keys, [(B_ID, "UBND xã B")])
    # B's administrator trusts nothing from A's CA for this test: remove the anchors.
    from xaso.signatures.models import TrustAnchor

    TrustAnchor.objects.all().delete()
    signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))

    outbound = OutboundPackage.objects.get(unit=document.unit)
    assert (outbound.status, outbound.answer_code) == ("delivered", "02")
    recipient = ExternalRecipient.objects.get(document=document)
    assert recipient.exchange_status == "02"
    assert recipient.exchange_note.startswith("Chữ ký số của tệp 01-UBND-VP.pdf không hợp lệ:")
    assert recipient.exchange_note.endswith(
        "Chưa có chứng thư gốc tin cậy nào được nhập, nên không xác thực được người ký."
    )
    assert not IncomingDocument.objects.filter(unit=other_commune).exists()
    inbound = InboundPackage.objects.get(unit=other_commune)
    assert inbound.answer_code == "02"


def test_tampered_pdf_in_a_package_is_refused_with_the_reason(
    drafter, chairman, clerk, keys, demo_pki, other_commune
):
    from xaso.documents.tests.test_digital_signing import MODIFIED
    from xaso.documents.tests.test_digital_signing import _append_page_content

    document = signed_document(drafter, chairman, keys, [])
    document = signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))
    pdf = signing.signed_file(document).file.open("rb").read()
    package = make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        code=t.Code(number="01", notation="UBND-VP"),
        promulgation_info=t.PromulgationInfo(date=datetime.date(2026, 11, 20)),
        attachments=[
            t.Attachment(
                content_id="c1",
                name="01-UBND-VP.pdf",
                content_type="application/pdf",
                data=_append_page_content(pdf),
            )
        ],
    )
    [sent] = services.send_document(unit=document.unit, package=package)
    sent.refresh_from_db()
    assert sent.answer_code == "02"
    inbound = InboundPackage.objects.get(unit=other_commune)
    assert MODIFIED in inbound.answer.decode()
    assert not IncomingDocument.objects.filter(unit=other_commune).exists()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("khoa.p12", data, content_type="application/x-pkcs12")
