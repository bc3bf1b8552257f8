"""Signature pages and API through the test client: tenancy, uploads, clear refusals."""

import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from xaso.core.models import AuditEvent
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.signatures import pki
from xaso.signatures import services
from xaso.signatures.models import TrustAnchor
from xaso.signatures.models import UserCertificate
from xaso.signatures.models import VerificationRecord
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import sign_pdf
from xaso.signatures.tests.conftest import PASSPHRASE
from xaso.signatures.tests.conftest import SIGNER_BOX

pytestmark = pytest.mark.django_db

# A catalogue that is its own page tree, and a trailer pointing back at the file start.
LOOPING_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\n"
    b"trailer << /Root 1 0 R /Size 2 /Prev 0 >>\nstartxref\n9\n%%EOF"
)
NOT_A_PDF = "Tệp này không phải là tệp PDF. Hãy chọn đúng tệp văn bản điện tử (.pdf)."
BROKEN_PDF = (
    "Tệp PDF bị hỏng hoặc có cấu trúc không hợp lệ, không kiểm tra được chữ ký. "
    "Hãy tải lại bản gốc nhận từ cơ quan ban hành."
)


@pytest.fixture
def signed_pdf(sample_pdf, demo_pki) -> bytes:
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
        appearance=Appearance.signer(box=SIGNER_BOX),
    )
    return sign_pdf(
        signed,
        signer=Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
        appearance=Appearance.organisation(signer_box=SIGNER_BOX),
    )


@pytest.fixture
def anchors(unit_admin, demo_pki):
    root = services.import_trust_anchor(actor=unit_admin, data=pki.pem(demo_pki.root.certificate))
    sub = services.import_trust_anchor(actor=unit_admin, data=pki.der(demo_pki.sub.certificate))
    return root, sub


def _upload(data: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- tenancy -------------------------------------------------------------------------


def test_isolation_of_every_page_and_route(
    commune,
    other_commune,
    make_staff,
    unit_admin,
    chairman,
    clerk,
    counter_officer,
    demo_pki,
    signed_pdf,
    anchors,
):
    other_admin = make_staff(other_commune, "unit_admin", username="quantri_b")
    other_clerk = make_staff(other_commune, "clerk", username="vanthu_b")
    other_chairman = make_staff(other_commune, "chairman", username="chutich_b")
    land = make_staff(commune, "land_construction", username="diachinh")
    record = services.record_verification(
        actor=clerk, unit=commune, pdf_bytes=signed_pdf, filename="cong-van-bi-mat.pdf"
    )
    certificate = services.register_user_certificate(
        actor=chairman, data=pki.pem(demo_pki.chairman.certificate)
    )
    root, _sub = anchors
    upload = _upload(signed_pdf)

    cases = [
        IsolationCase(
            url=reverse("signatures:verify"),
            allowed=clerk,
            wrong_role=land,
            other_unit=other_clerk,
            other_unit_status=200,
            hidden_text="cong-van-bi-mat.pdf",
        ),
        IsolationCase(
            url=reverse("signatures:verify"),
            method="post",
            data={"document": upload},
            before_each=lambda: upload.seek(0),
            allowed=clerk,
            wrong_role=land,
            other_unit=other_clerk,
            other_unit_status=302,
        ),
        IsolationCase(
            url=reverse("signatures:verification_detail", args=[record.pk]),
            allowed=clerk,
            wrong_role=land,
            other_unit=other_clerk,
        ),
        IsolationCase(
            url=reverse("signatures:trust_anchors"),
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_admin,
            other_unit_status=200,
            hidden_text="XãSố Test Root CA",
        ),
        IsolationCase(
            url=reverse("signatures:my_certificates"),
            allowed=chairman,
            other_unit=other_chairman,
            other_unit_status=200,
            hidden_text=certificate.fingerprint_sha256,
        ),
        IsolationCase(
            url=reverse("signatures:sign"),
            allowed=chairman,
            wrong_role=counter_officer,
            other_unit=other_chairman,
            other_unit_status=200,
        ),
        IsolationCase(
            url=f"/api/v1/chu-ky-so/verifications/{record.pk}",
            api=True,
            allowed=clerk,
            wrong_role=land,
            other_unit=other_clerk,
        ),
        IsolationCase(
            url="/api/v1/chu-ky-so/verifications",
            api=True,
            method="post",
            data={"document": upload},
            before_each=lambda: upload.seek(0),
            allowed=clerk,
            wrong_role=land,
            other_unit=other_clerk,
            allowed_status=201,
            other_unit_status=201,
        ),
        IsolationCase(
            url=reverse("signatures:trust_anchor_remove", args=[root.pk]),
            method="post",
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_admin,
        ),
        IsolationCase(
            url=reverse("signatures:certificate_remove", args=[certificate.pk]),
            method="post",
            allowed=chairman,
            other_unit=other_chairman,
        ),
    ]
    for case in cases:
        assert_isolation(case)

    assert not TrustAnchor.objects.filter(pk=root.pk).exists()
    assert not UserCertificate.objects.filter(pk=certificate.pk).exists()
    # The other unit's check was stored in its own unit, never in ours.
    assert set(VerificationRecord.objects.values_list("unit_id", flat=True)) == {
        commune.pk,
        other_commune.pk,
    }


# --- public page ---------------------------------------------------------------------


def test_public_page_confirms_a_genuine_result(signed_pdf, anchors):
    client = Client()
    response = client.post(reverse("signatures:public_verify"), {"document": _upload(signed_pdf)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tất cả 2 chữ ký số đều hợp lệ" in html
    assert "Trần Văn Chủ Tịch" in html
    assert "UBND xã Quỳ Châu" in html
    record = VerificationRecord.objects.get()
    assert (record.unit_id, record.source, record.is_valid) == (None, "public", True)


def test_public_page_shows_a_tampered_file_as_invalid(signed_pdf, anchors):
    position = signed_pdf.index(b"/Producer")
    tampered = signed_pdf[:position] + b"/Producex" + signed_pdf[position + 9 :]
    response = Client().post(reverse("signatures:public_verify"), {"document": _upload(tampered)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "KHÔNG hợp lệ" in html
    assert "Nội dung đã ký bị thay đổi" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a pdf at all", NOT_A_PDF),
        (b"%PDF-1.7\n" + b"\x00garbage" * 200, BROKEN_PDF),
        (LOOPING_PDF, BROKEN_PDF),
    ],
)
def test_public_page_refuses_hostile_files_clearly(data, message):
    response = Client().post(reverse("signatures:public_verify"), {"document": _upload(data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert VerificationRecord.objects.count() == 0


def test_public_page_size_limit(signed_pdf):
    with override_settings(XASO_VERIFY_MAX_BYTES=1024):
        response = Client().post(
            reverse("signatures:public_verify"), {"document": _upload(signed_pdf)}
        )
    assert "Tệp quá lớn (tối đa 1 KB)." in response.content.decode()
    assert VerificationRecord.objects.count() == 0


def test_public_page_rate_limit(sample_pdf):
    client = Client()
    with override_settings(XASO_LOOKUP_RATE_LIMIT=2):
        statuses = [
            client.post(
                reverse("signatures:public_verify"), {"document": _upload(sample_pdf)}
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 429]
    assert VerificationRecord.objects.count() == 2


def test_public_page_get_needs_no_login():
    response = Client().get(reverse("signatures:public_verify"))
    assert response.status_code == 200
    assert "Kiểm tra chữ ký số trên văn bản điện tử" in response.content.decode()


# --- staff check, stored report --------------------------------------------------------


def test_staff_check_is_stored_and_renders_as_a_fragment(client_as, clerk, signed_pdf, anchors):
    response = client_as(clerk).post(
        reverse("signatures:verify"), {"document": _upload(signed_pdf, "cv-12.pdf")}
    )
    record = VerificationRecord.objects.get()
    assert response["Location"] == reverse("signatures:verification_detail", args=[record.pk])
    assert (record.unit_id, record.filename, record.signature_count, record.is_valid) == (
        clerk.unit_id,
        "cv-12.pdf",
        2,
        True,
    )
    assert AuditEvent.objects.filter(action="signatures.pdf_verified").count() == 1
    fragment = record.render_html()
    assert fragment.startswith('<section class="card signature-report"')
    assert "Đã kiểm tra" not in fragment  # revocation: the demo CA publishes no OCSP/CRL
    assert "không công bố địa chỉ kiểm tra thu hồi" in fragment
    page = client_as(clerk).get(response["Location"]).content.decode()
    assert "Tất cả 2 chữ ký số đều hợp lệ" in page


def test_staff_check_without_anchors_says_the_signer_is_unknown(client_as, clerk, signed_pdf):
    client_as(clerk).post(reverse("signatures:verify"), {"document": _upload(signed_pdf)})
    record = VerificationRecord.objects.get()
    assert record.is_valid is False
    assert record.report["signatures"][0]["problems"] == [
        "Chưa có chứng thư gốc tin cậy nào được nhập, nên không xác thực được người ký."
    ]


def test_api_verification_answers_json_and_refuses_broken_files(clerk, signed_pdf, anchors):
    client = Client()
    client.force_login(clerk)
    response = client.post("/api/v1/chu-ky-so/verifications", {"document": _upload(signed_pdf)})
    assert response.status_code == 201
    body = response.json()
    assert body["valid"] is True
    assert [s["signer_name"] for s in body["signatures"]] == [
        "Trần Văn Chủ Tịch",
        "UBND xã Quỳ Châu",
    ]
    broken = client.post(
        "/api/v1/chu-ky-so/verifications", {"document": _upload(b"%PDF-1.4\n\x00\x01")}
    )
    assert broken.status_code == 422
    assert broken.json() == {"code": "bad_pdf", "detail": BROKEN_PDF}
    assert VerificationRecord.objects.count() == 1


# --- trust anchors ---------------------------------------------------------------------


def test_admin_imports_lists_and_removes_anchors(client_as, unit_admin, demo_pki):
    client = client_as(unit_admin)
    url = reverse("signatures:trust_anchors")
    pem_file = SimpleUploadedFile("root.pem", pki.pem(demo_pki.root.certificate))
    der_file = SimpleUploadedFile("sub.cer", pki.der(demo_pki.sub.certificate))
    assert client.post(url, {"certificate": pem_file}).status_code == 302
    assert client.post(url, {"certificate": der_file}).status_code == 302
    anchors = {a.common_name: a for a in TrustAnchor.objects.all()}
    assert {name: a.kind for name, a in anchors.items()} == {
        "XãSố Test Root CA": "root",
        "XãSố Test Sub CA": "intermediate",
    }
    root = anchors["XãSố Test Root CA"]
    assert root.fingerprint_sha256 == pki.describe(demo_pki.root.certificate).fingerprint_sha256
    page = client.get(url).content.decode()
    assert "XãSố Test Sub CA" in page
    assert root.fingerprint_sha256[:16] in page
    client.post(reverse("signatures:trust_anchor_remove", args=[root.pk]))
    assert list(TrustAnchor.objects.values_list("common_name", flat=True)) == ["XãSố Test Sub CA"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tập tin được gửi là rỗng."),
        (b"hello, not a certificate", "Tệp không phải là chứng thư số X.509 hợp lệ"),
        (b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", "Tệp chứa khóa bí mật"),
        ("end_entity", "Đây là chứng thư của một người ký, không phải chứng thư của tổ chức"),
        ("two", "Tệp chứa 2 chứng thư; hãy tải lên từng chứng thư một."),
        ("duplicate", "Chứng thư này đã có trong danh sách tin cậy."),
    ],
)
def test_bad_anchor_files_get_clear_messages(client_as, unit_admin, demo_pki, content, message):
    if content == "end_entity":
        content = pki.pem(demo_pki.chairman.certificate)
    elif content == "two":
        content = pki.pem(demo_pki.root.certificate) + pki.pem(demo_pki.sub.certificate)
    elif content == "duplicate":
        services.import_trust_anchor(actor=unit_admin, data=pki.pem(demo_pki.root.certificate))
        content = pki.der(demo_pki.root.certificate)
    before = TrustAnchor.objects.count()
    response = client_as(unit_admin).post(
        reverse("signatures:trust_anchors"),
        {"certificate": SimpleUploadedFile("ca.pem", content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TrustAnchor.objects.count() == before


# --- my certificates and signing -------------------------------------------------------


def test_user_registers_a_certificate_and_sees_its_details(client_as, chairman, demo_pki):
    response = client_as(chairman).post(
        reverse("signatures:my_certificates"),
        {"certificate": SimpleUploadedFile("toi.cer", pki.der(demo_pki.chairman.certificate))},
    )
    assert response.status_code == 302
    info = pki.describe(demo_pki.chairman.certificate)
    page = client_as(chairman).get(reverse("signatures:my_certificates")).content.decode()
    assert info.fingerprint_sha256 in page
    assert info.serial_number in page
    assert "Trần Văn Chủ Tịch" in page
    assert "XãSố Test Sub CA" in page
    registered = UserCertificate.objects.get()
    assert (registered.user_id, registered.unit_id) == (chairman.pk, chairman.unit_id)


def test_expired_certificate_is_refused(client_as, chairman, demo_pki):
    expired = pki.issue_certificate(
        issuer=demo_pki.sub,
        public_key=demo_pki.chairman.key.public_key(),
        common_name="Trần Văn Chủ Tịch",
        days=-2,
    )
    response = client_as(chairman).post(
        reverse("signatures:my_certificates"),
        {"certificate": SimpleUploadedFile("cu.pem", pki.pem(expired))},
    )
    expected_day = expired.not_valid_after_utc.astimezone(
        datetime.timezone(datetime.timedelta(hours=7))
    ).strftime("%d/%m/%Y")
    assert (
        f"Chứng thư số đã hết hiệu lực từ ngày {expected_day}; hãy dùng chứng thư còn hiệu lực."
        in response.content.decode()
    )
    assert UserCertificate.objects.count() == 0


def test_sign_page_signs_with_a_pkcs12_file(client_as, chairman, demo_pki, sample_pdf, anchors):
    services.register_user_certificate(actor=chairman, data=pki.pem(demo_pki.chairman.certificate))
    response = client_as(chairman).post(
        reverse("signatures:sign"),
        {
            "document": _upload(sample_pdf, "Công văn 12.pdf"),
            "kind": "signer",
            "method": "pkcs12",
            "key_file": SimpleUploadedFile("khoa.p12", demo_pki.chairman_p12),
            "passphrase": PASSPHRASE,
            "page": 0,
            "x": 330,
            "y": 120,
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cong-van-12-da-ky.pdf"'
    report = services.verify_pdf(response.content, unit=chairman.unit)
    assert report.ok
    assert report.signatures[0].signer_name == "Trần Văn Chủ Tịch"
    assert len(PdfReader(io.BytesIO(response.content)).pages[-1]["/Annots"]) == 1
    event = AuditEvent.objects.get(action="signatures.pdf_signed")
    assert event.data == {
        "kind": "signer",
        "method": "pkcs12",
        "document_sha256": hashlib.sha256(sample_pdf).hexdigest(),
        "signed_sha256": hashlib.sha256(response.content).hexdigest(),
    }


def test_sign_page_wrong_pin_says_so(client_as, chairman, sample_pdf, softhsm_token):
    services.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    response = client_as(chairman).post(
        reverse("signatures:sign"),
        {
            "document": _upload(sample_pdf),
            "kind": "signer",
            "method": "token",
            "token_label": "chutich-test",
            "pin": "999999",
            "page": 0,
            "x": 330,
            "y": 120,
        },
    )
    assert response.status_code == 200
    assert "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại." in response.content.decode()
    assert "999999" not in response.content.decode()
    assert AuditEvent.objects.filter(action="signatures.pdf_signed").count() == 0


def _sign_form(sample_pdf, demo_pki, **fields):
    return {
        "document": _upload(sample_pdf),
        "method": "pkcs12",
        "key_file": SimpleUploadedFile("khoa.p12", demo_pki.organisation_p12),
        "passphrase": PASSPHRASE,
        "page": 0,
        "x": 330,
        "y": 120,
        **fields,
    }


def test_clerk_signs_an_electronic_copy(client_as, clerk, demo_pki, sample_pdf, anchors):
    services.register_user_certificate(actor=clerk, data=pki.pem(demo_pki.organisation.certificate))
    form_page = client_as(clerk).get(reverse("signatures:sign")).content.decode()
    assert 'value="UBND xã Quỳ Châu"' in form_page
    response = client_as(clerk).post(
        reverse("signatures:sign"),
        _sign_form(
            sample_pdf,
            demo_pki,
            kind="copy",
            copy_form="TRÍCH SAO",
            copying_organisation="UBND xã Quỳ Châu",
        ),
    )
    assert response["Content-Type"] == "application/pdf"
    report = services.verify_pdf(response.content, unit=clerk.unit)
    assert report.ok
    assert report.signatures[0].field_name == "copy-1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "attachment"}, "Hãy nhập số và ký hiệu văn bản."),
        ({"kind": "copy", "copying_organisation": "UBND xã"}, "Hãy chọn hình thức sao."),
        ({"kind": "signer", "method": "token", "token_label": "chutich"}, "Hãy nhập mã PIN."),
        ({"kind": "signer", "passphrase": "sai"}, "Không mở được tệp khóa PKCS#12"),
    ],
)
def test_sign_form_refuses_incomplete_requests(
    client_as, clerk, demo_pki, sample_pdf, fields, message
):
    services.register_user_certificate(actor=clerk, data=pki.pem(demo_pki.organisation.certificate))
    response = client_as(clerk).post(
        reverse("signatures:sign"), _sign_form(sample_pdf, demo_pki, **fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuditEvent.objects.filter(action="signatures.pdf_signed").count() == 0


def test_public_api_verifies_without_login(signed_pdf, anchors):
    client = Client()
    response = client.post("/api/v1/chu-ky-so/public/verify", {"document": _upload(signed_pdf)})
    assert response.status_code == 200
    assert response.json()["valid"] is True
    refused = client.post("/api/v1/chu-ky-so/public/verify", {"document": _upload(b"MZ exe")})
    assert refused.status_code == 422
    assert refused.json() == {"code": "bad_pdf", "detail": "Tệp không phải là tệp PDF."}
    with override_settings(XASO_LOOKUP_RATE_LIMIT=2):
        limited = client.post("/api/v1/chu-ky-so/public/verify", {"document": _upload(signed_pdf)})
    assert limited.status_code == 429
    assert VerificationRecord.objects.filter(source="public").count() == 1
