"""edXML packages signed at release with the organisation's key (XML signature, documents.md
§9.6) and checked on receipt against the unit's trust anchors. A (commune) sends to B
(other_commune) over loopback through the live server."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from lxml import etree
from signxml import XMLVerifier

from xaso.conftest import PASSPHRASE
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import signing
from xaso.interop import services
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.edxml import verify_package
from xaso.interop.edxml.signing import DS
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.models import Peer
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.test_documents_exchange import org_key
from xaso.interop.tests.test_documents_exchange import signed_document
from xaso.interop.tests.test_exchange import A_ID
from xaso.interop.tests.test_exchange import B_ID
from xaso.interop.tests.test_exchange import agencies  # noqa: F401  (fixture)
from xaso.interop.tests.test_exchange import peers  # noqa: F401  (fixture)
from xaso.signatures import pki
from xaso.signatures import services as signatures

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("peers")]
S = OutgoingDocument.Status
TOKEN_SIGNER = "Trần Văn Chủ Tịch (token)"


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def drafter(commune, make_staff):
    return make_staff(commune, "office_statistics", username="vanphong")


@pytest.fixture
def keys(demo_pki, softhsm_token, chairman, clerk):
    """Both units trust the test CA; the chairman's key is on the token, the văn thư holds
    the commune's .p12."""
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
def clerk_token(keys, clerk):
    """The commune's key on a token: the văn thư registered its certificate."""
    signatures.register_user_certificate(actor=clerk, data=pki.pem(keys.token.certificate))
    return keys


def release_with_token(client, document, token, pin):
    return client.post(
        reverse("documents:outgoing_release", args=[document.pk]),
        {"method": "token", "token_label": token.token.token_label, "pin": pin},
        follow=True,
    )


def test_release_with_a_token_sends_a_package_signed_on_the_token(
    client_as, drafter, chairman, clerk, clerk_token, demo_pki, other_commune, make_staff
):
    document = signed_document(drafter, chairman, clerk_token, [(B_ID, "UBND xã B")])
    response = release_with_token(client_as(clerk), document, clerk_token, clerk_token.pin)
    assert "Đã cấp số 01/UBND-VP" in response.content.decode()

    outbound = OutboundPackage.objects.get(unit__code=document.unit.code)
    assert (outbound.status, outbound.answer_code) == ("delivered", "03")
    assert outbound.signer_name == TOKEN_SIGNER
    data = bytes(outbound.package)
    # The stored bytes carry one XML signature, valid for signxml and for our checker,
    # made with the token's certificate that chains to the imported CA.
    root = etree.fromstring(data)
    assert len(root.findall(f".//{{{DS}}}Signature")) == 1
    certificate = pki.pem(clerk_token.token.certificate).decode()
    assert XMLVerifier().verify(data, x509_cert=certificate).signed_xml is not None
    verified = verify_package(
        data,
        trust_anchors=[demo_pki.root.certificate],
        intermediates=[demo_pki.sub.certificate],
    )
    assert (verified.certificate, verified.trusted) == (clerk_token.token.certificate, True)
    assert parse_package(verified.signed_data).header.document_id == (
        f"{A_ID},{OutgoingDocument.objects.get(pk=document.pk).issued_on:%Y/%m/%d},01/UBND-VP"
    )

    # B stored exactly the bytes signed at release, checked the chain, registered it (03).
    inbound = InboundPackage.objects.get(unit=other_commune)
    assert bytes(inbound.package) == data
    assert (inbound.signer_name, inbound.signer_trusted, inbound.answer_code) == (
        TOKEN_SIGNER,
        True,
        "03",
    )

    # A's page: per recipient, the package was signed and by whom.
    page = client_as(clerk).get(reverse("documents:outgoing_detail", args=[document.pk]))
    html = page.content.decode()
    assert "03 — Đã tiếp nhận" in html
    assert f'data-package-signer="{B_ID}">gói tin đã ký số: {TOKEN_SIGNER}<' in html
    html = (
        client_as(clerk)
        .get(reverse("interop:outbound_detail", args=[outbound.pk]))
        .content.decode()
    )
    assert outbound.signer in html
    assert outbound.signer.startswith(f"CN={TOKEN_SIGNER}")

    # B's page: who signed the package, chain trusted.
    received = IncomingDocument.objects.get(unit=other_commune)
    b_clerk = make_staff(other_commune, "clerk", username="vanthu-b")
    html = (
        client_as(b_clerk)
        .get(reverse("documents:incoming_detail", args=[received.pk]))
        .content.decode()
    )
    assert "Ký số gói tin liên thông" in html
    assert TOKEN_SIGNER in html
    assert "chứng thư tin cậy" in html
    assert "chưa xác thực được chuỗi chứng thư" not in html


def test_wrong_pin_numbers_nothing_and_queues_nothing(
    client_as, drafter, chairman, clerk, clerk_token
):
    document = signed_document(drafter, chairman, clerk_token, [(B_ID, "UBND xã B")])
    response = release_with_token(client_as(clerk), document, clerk_token, "000000")
    assert "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại." in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number) == (S.SIGNED, None)
    assert not OutboundPackage.objects.exists()
    assert ExternalRecipient.objects.get(document=document).exchange_status == ""


@override_settings(XASO_EDXML_SIGNATURE_ALGORITHM="rsa-sha1")
def test_package_signature_refused_undoes_the_release(
    client_as, drafter, chairman, clerk, keys, demo_pki
):
    """The PDF signatures succeed, the package's does not (SHA-1 is not used to sign):
    the whole release is undone."""
    document = signed_document(drafter, chairman, keys, [(B_ID, "UBND xã B")])
    files_before = document.files.count()
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        {
            "method": "pkcs12",
            "passphrase": PASSPHRASE,
            "key_file": SimpleUploadedFile("khoa.p12", demo_pki.organisation_p12),
        },
        follow=True,
    )
    assert "thuật toán ký “rsa-sha1” không được dùng để ký mới." in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number) == (S.SIGNED, None)
    assert document.files.count() == files_before
    assert not OutboundPackage.objects.exists()


def test_tampered_signed_package_is_refused_02_with_the_reason(
    drafter, chairman, clerk, keys, demo_pki, other_commune
):
    document = signed_document(drafter, chairman, keys, [(B_ID, "UBND xã B")])
    signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))
    outbound = OutboundPackage.objects.get(unit=document.unit)
    assert (outbound.signer_name, outbound.answer_code) == ("UBND xã Quỳ Châu", "03")

    subject = "Về việc phối hợp kiểm tra hộ tịch".encode()
    tampered = bytes(outbound.package).replace(subject, "Về việc chuyển tiền gấp".encode())
    assert tampered != bytes(outbound.package)
    sent = services.queue_package(unit=document.unit, peer=outbound.peer, data=tampered)
    sent.refresh_from_db()
    assert (sent.status, sent.answer_code) == ("refused", "02")
    assert "nội dung gói tin đã bị thay đổi sau khi ký (sai giá trị băm)" in sent.last_error
    recipient = ExternalRecipient.objects.get(document=document)
    assert recipient.exchange_status == "02"
    assert "nội dung gói tin đã bị thay đổi sau khi ký" in recipient.exchange_note
    # B kept only the genuine package.
    assert InboundPackage.objects.filter(unit=other_commune).count() == 1
    assert IncomingDocument.objects.filter(unit=other_commune).count() == 1


def _package_signed_by_stranger(document, demo_pki, number):
    """A's signed PDF in a package whose XML signature is from a CA B does not trust."""
    pdf = signing.signed_file(document).file.open("rb").read()
    package = make_package(
        from_=t.Organization(organ_id=A_ID, organ_name="UBND xã A"),
        to=[t.Organization(organ_id=B_ID, organ_name="UBND xã B")],
        code=t.Code(number=number, notation="UBND-VP"),
        attachments=[
            t.Attachment(
                content_id="c1", name="01-UBND-VP.pdf", content_type="application/pdf", data=pdf
            )
        ],
    )
    stranger = demo_pki.stranger
    return services.send_document(
        unit=document.unit,
        package=package,
        sign=lambda data: sign_package(data, key=stranger.key, certificate=stranger.certificate),
    )


def test_untrusted_chain_is_registered_and_flagged_or_refused_per_setting(
    client_as, drafter, chairman, clerk, keys, demo_pki, other_commune, make_staff
):
    document = signed_document(drafter, chairman, keys, [])
    document = signing.release_signed(actor=clerk, document=document, key=org_key(demo_pki))

    # Default ("flag"): registered (03), the page says the chain could not be verified.
    [sent] = _package_signed_by_stranger(document, demo_pki, "201")
    sent.refresh_from_db()
    assert sent.answer_code == "03"
    inbound = InboundPackage.objects.get(unit=other_commune)
    assert (inbound.signer_name, inbound.signer_trusted) == ("Lạ", False)
    received = IncomingDocument.objects.get(unit=other_commune)
    b_clerk = make_staff(other_commune, "clerk", username="vanthu-b")
    html = (
        client_as(b_clerk)
        .get(reverse("documents:incoming_detail", args=[received.pk]))
        .content.decode()
    )
    assert "Ký số gói tin liên thông" in html
    assert "Lạ" in html
    assert "chưa xác thực được chuỗi chứng thư" in html
    html = client_as(b_clerk).get(reverse("interop:exchange_list")).content.decode()
    assert "CN=Lạ" in html
    assert "chưa xác thực được chuỗi chứng thư" in html

    # "refuse": the same kind of package is refused with 02 and the reason.
    with override_settings(XASO_INTEROP_UNTRUSTED_SIGNATURE="refuse"):
        [refused] = _package_signed_by_stranger(document, demo_pki, "202")
    refused.refresh_from_db()
    assert (refused.status, refused.answer_code) == ("refused", "02")
    assert "không thuộc tổ chức chứng thực tin cậy" in refused.last_error
    assert IncomingDocument.objects.filter(unit=other_commune).count() == 1


def test_paper_signed_document_is_released_without_a_package(
    drafter, chairman, clerk, keys, other_commune
):
    from xaso.documents.services import outgoing as outgoing_service

    data = outgoing_service.DraftData(
        doc_type="cong_van",
        subject="Về việc ký giấy",
        body="Ký tay.",
        recipients_text="UBND xã B",
        signer=chairman,
        signer_title="Chủ tịch",
        external_recipients=[(B_ID, "UBND xã B")],
    )
    document = outgoing_service.create_draft(actor=drafter, data=data, generate=True)
    outgoing_service.submit(actor=drafter, document=document)
    document = outgoing_service.approve(actor=chairman, document=document)
    document = outgoing_service.sign(actor=chairman, document=document, reference="giấy")
    document = signing.release_signed(actor=clerk, document=document, key=None)
    assert document.status == S.RELEASED
    assert not OutboundPackage.objects.exists()
    assert Peer.objects.filter(organ_id=B_ID).exists()
