"""Done-when of issue 6 (documents): across two live deployments, the chairman of A signs a
công văn with a SoftHSM token, the văn thư of A numbers it and adds the organisation's
signature, A sends it as edXML to B, B verifies and registers it and answers 03, and A's
document page shows 03. The package is XML-signed with the organisation's key at release;
B requires signed packages and refuses a signer outside its trust anchors. Deployment B is
a second process (runserver on its own SQLite database), set up with the management
commands (test_two_deployments.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from xaso.conftest import OTHER_COMMUNE_CODE
from xaso.conftest import PASSPHRASE
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.services import signing
from xaso.interop import transport
from xaso.interop.edxml import verify_package
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.test_two_deployments import A_ID
from xaso.interop.tests.test_two_deployments import B_ID
from xaso.interop.tests.test_two_deployments import TOKEN_TO_B
from xaso.interop.tests.test_two_deployments import b_template  # noqa: F401  (fixture)
from xaso.interop.tests.test_two_deployments import deployment_a  # noqa: F401  (fixture)
from xaso.interop.tests.test_two_deployments import deployment_b  # noqa: F401  (fixture)
from xaso.signatures import pki
from xaso.signatures import services as signatures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    # Read by deployment B's process when it starts (its settings come from the environment).
    monkeypatch.setenv("XASO_INTEROP_REQUIRE_SIGNATURE", "true")
    monkeypatch.setenv("XASO_INTEROP_UNTRUSTED_SIGNATURE", "refuse")
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


def test_signed_cong_van_goes_to_the_second_deployment_and_03_comes_back(
    request, tmp_path, client_as, make_staff, chairman, clerk, demo_pki, softhsm_token
):
    a = request.getfixturevalue("deployment_a")
    b = request.getfixturevalue("deployment_b")
    # Both deployments trust the test CA (their administrators imported it).
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    files = []
    for name, ca in (("root.pem", demo_pki.root), ("sub.pem", demo_pki.sub)):
        path = tmp_path / name
        path.write_bytes(pki.pem(ca.certificate))
        files.append(str(path))
    b.manage("import_trust_anchors", *files)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )

    drafter = make_staff(a.unit, "office_statistics", username="vanphong")
    document = outgoing_service.create_draft(
        actor=drafter,
        data=outgoing_service.DraftData(
            doc_type="cong_van",
            subject="Về việc phối hợp xác minh hộ tịch",
            body="Ủy ban nhân dân xã A đề nghị xã B phối hợp xác minh.",
            recipients_text="UBND xã B",
            signer=chairman,
            signer_title="Chủ tịch",
            external_recipients=[(B_ID, "UBND xã B")],
        ),
        generate=True,
    )
    outgoing_service.submit(actor=drafter, document=document)
    outgoing_service.approve(actor=chairman, document=document)

    # The chairman signs on the page with his token and PIN.
    response = client_as(chairman).post(
        reverse("documents:outgoing_sign", args=[document.pk]),
        {
            "method": "token",
            "token_label": softhsm_token.token.token_label,
            "pin": softhsm_token.pin,
        },
        follow=True,
    )
    assert "Đã ký số văn bản." in response.content.decode()

    # The văn thư numbers it, adds the organisation's signature and releases it.
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]),
        {
            "method": "pkcs12",
            "passphrase": PASSPHRASE,
            "key_file": SimpleUploadedFile("khoa.p12", demo_pki.organisation_p12),
        },
        follow=True,
    )
    assert "Đã cấp số 01/UBND-VP" in response.content.decode()
    document = OutgoingDocument.objects.get(pk=document.pk)
    document_id = f"{A_ID},{document.issued_on:%Y/%m/%d},01/UBND-VP"

    # B registered it (its own register, number 1) and answered 03.
    outbound = OutboundPackage.objects.get(unit=a.unit)
    assert (outbound.peer.organ_id, outbound.status, outbound.answer_code) == (
        B_ID,
        "delivered",
        "03",
    )
    # Signed at release with the commune's key; B checked it and the chain to its anchors.
    assert outbound.signer_name == "UBND xã Quỳ Châu"
    verified = verify_package(
        bytes(outbound.package),
        trust_anchors=[demo_pki.root.certificate],
        intermediates=[demo_pki.sub.certificate],
    )
    assert (verified.certificate, verified.trusted) == (demo_pki.organisation.certificate, True)
    assert b.rows("select signer_name, signer_trusted, package from interop_inboundpackage") == [
        ("UBND xã Quỳ Châu", 1, bytes(outbound.package))
    ]
    # The same package without its signature is refused by B (02).
    with pytest.raises(transport.PermanentDeliveryError) as refused:
        transport.post_package(url=b.url, token=TOKEN_TO_B, data=verified.signed_data)
    assert "Gói tin chưa được ký số." in str(refused.value)
    assert refused.value.status_code == "02"
    assert b.rows(
        "select arrival_number, medium, issuing_body_identifier, code_number, code_notation, "
        "subject, exchange_document_id, registered_by_id from documents_incomingdocument"
    ) == [
        (
            1,
            "electronic",
            A_ID,
            "01",
            "UBND-VP",
            "Về việc phối hợp xác minh hộ tịch",
            document_id,
            None,
        )
    ]
    assert b.rows(
        "select v.is_valid, v.signature_count from documents_incomingdocument d "
        "join signatures_verificationrecord v on v.id = d.verification_id"
    ) == [(1, 2)]
    assert b.rows("select answer_code from interop_inboundpackage") == [("03",)]

    # A's page shows the recipient's status.
    recipient = ExternalRecipient.objects.get(document=document)
    assert recipient.exchange_status == "03"
    page = client_as(clerk).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "03 — Đã tiếp nhận" in page.content.decode()
    assert "Đã vào sổ văn bản đến số 1/" in page.content.decode()
    assert "gói tin đã ký số: UBND xã Quỳ Châu" in page.content.decode()


PAGE_BREAK = "=====PAGE====="


def _b_pages(b, *pks: int) -> list[str]:
    """Deployment B's pages of its incoming documents `pks`, as its văn thư sees them
    (rendered by B's own process code and database, one shell run)."""
    printed = b.manage(
        "shell",
        "-c",
        "from django.test import Client; from django.urls import reverse; "
        "from xaso.core.models import AdministrativeUnit; "
        "from xaso.core.tests.factories import UserFactory; "
        f"user = UserFactory(unit=AdministrativeUnit.objects.get(code={OTHER_COMMUNE_CODE}), "
        "positions=['clerk'], username='vanthu-b'); "
        "client = Client(HTTP_HOST='127.0.0.1'); client.force_login(user); "
        f"print('{PAGE_BREAK}'.join(client.get(reverse('documents:incoming_detail', "
        f"args=[pk])).content.decode() for pk in {list(pks)}))",
    )
    return printed.split(PAGE_BREAK)


def test_replacement_reaches_the_second_deployment_which_marks_the_old_one_replaced(
    request, tmp_path, make_staff, chairman, clerk, demo_pki, softhsm_token
):
    a = request.getfixturevalue("deployment_a")
    b = request.getfixturevalue("deployment_b")
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    files = []
    for name, ca in (("root.pem", demo_pki.root), ("sub.pem", demo_pki.sub)):
        path = tmp_path / name
        path.write_bytes(pki.pem(ca.certificate))
        files.append(str(path))
    b.manage("import_trust_anchors", *files)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    token = signatures.TokenKey(token_label=softhsm_token.token.token_label, pin=softhsm_token.pin)
    org = signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE)
    drafter = make_staff(a.unit, "office_statistics", username="vanphong")

    def sign_and_release(draft: OutgoingDocument) -> OutgoingDocument:
        outgoing_service.submit(actor=drafter, document=draft)
        draft = outgoing_service.approve(actor=chairman, document=draft)
        draft = signing.sign_digitally(actor=chairman, document=draft, key=token)
        return signing.release_signed(actor=clerk, document=draft, key=org)

    # A releases a công văn to B; B registers it (number 1).
    first = sign_and_release(
        outgoing_service.create_draft(
            actor=drafter,
            data=outgoing_service.DraftData(
                doc_type="cong_van",
                subject="Về việc phối hợp xác minh hộ tịch",
                body="Ủy ban nhân dân xã A đề nghị xã B phối hợp xác minh.",
                recipients_text="UBND xã B",
                signer=chairman,
                signer_title="Chủ tịch",
                external_recipients=[(B_ID, "UBND xã B")],
            ),
            generate=True,
        )
    )
    assert b.rows("select arrival_number, replaced_by_id from documents_incomingdocument") == [
        (1, None)
    ]

    # A replaces it (Đ18): the replacement goes out as a type-3 package naming the old one.
    replacement = sign_and_release(
        outgoing_service.start_replacement(actor=drafter, document=first)
    )
    first.refresh_from_db()
    assert first.status == OutgoingDocument.Status.REPLACED
    old_id = f"{A_ID},{first.issued_on:%Y/%m/%d},01/UBND-VP"
    new_id = f"{A_ID},{replacement.issued_on:%Y/%m/%d},02/UBND-VP"
    outbound = OutboundPackage.objects.get(unit=a.unit, document_id=new_id)
    assert (outbound.status, outbound.answer_code) == ("delivered", "03")
    assert outbound.signer_name == "UBND xã Quỳ Châu"

    # B registered the replacement (number 2), froze the old one and linked them.
    rows = b.rows(
        "select arrival_number, exchange_document_id, status, replaced_by_id, id "
        "from documents_incomingdocument order by arrival_number"
    )
    assert [row[:3] for row in rows] == [(1, old_id, "filed"), (2, new_id, "registered")]
    (_n1, _i1, _s1, replaced_by, old_pk), (_n2, _i2, _s2, none, new_pk) = rows
    assert (replaced_by, none) == (new_pk, None)
    assert b.rows("select answer_code from interop_inboundpackage order by id") == [
        ("03",),
        ("03",),
    ]
    recipient = ExternalRecipient.objects.get(document=replacement)
    assert recipient.exchange_status == "03"
    assert "Văn bản số đến 1 được thay thế bởi văn bản số đến 2." in recipient.exchange_note

    # B's pages show the link both ways.
    old_page, new_page = _b_pages(b, old_pk, new_pk)
    assert "Văn bản này đã bị thay thế ngày" in old_page
    assert f"/van-ban/den/{new_pk}/" in old_page
    assert "Văn bản này thay thế:" in new_page
    assert f"/van-ban/den/{old_pk}/" in new_page
