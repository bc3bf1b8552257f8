"""Digital signing of a one-stop result (ND 30/2020 Đ5): the approving leader signs the PDF
with a SoftHSM token (PKCS#11), the one-stop desk adds the organisation's signature with a
.p12; the applicant receives the signed PDF, which pyHanko (another process) and the public
page find valid. A paper result is returned as before."""

import re
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xaso.conftest import PASSPHRASE
from xaso.core.audit import AuditEvent
from xaso.core.pdf import render_pdf
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import Result
from xaso.dossiers.services import result_signing
from xaso.dossiers.services import results
from xaso.dossiers.tests.test_results import bring_to_result_ready
from xaso.signatures import pki
from xaso.signatures import services as signatures

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def keys(demo_pki, softhsm_token, chairman, clerk):
    """Every unit trusts the test CA; the chairman registered his token's certificate, the
    văn thư (a plain clerk) the organisation's, on a token and in a .p12."""
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(softhsm_token.organisation.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    return softhsm_token


def _record(dossier, actor, data: bytes, name: str) -> Result:
    return results.record_result(
        actor=actor,
        dossier=dossier,
        number="12/GCN-UBND",
        issued_on=timezone.localdate(),
        signer_name="Trần Văn Chủ Tịch",
        summary="Giấy chứng nhận",
        file=SimpleUploadedFile(name, data, content_type="application/pdf"),
    )


@pytest.fixture
def ready_dossier(dossier, justice_official, chairman):
    dossier = bring_to_result_ready(dossier, processed_by=justice_official, approved_by=chairman)
    _record(dossier, chairman, render_pdf("signatures/sample_document.html", {}), "kq.pdf")
    return dossier


def token_post(keys, pin: str | None = None) -> dict:
    return {"method": "token", "token_label": keys.token.token_label, "pin": pin or keys.pin}


def organisation_token_post(keys) -> dict:
    """The organisation's token, posted from the văn thư's queue."""
    return {
        "method": "token",
        "token_label": keys.organisation.token_label,
        "pin": keys.pin,
        "from": "seal_queue",
    }


def p12_post(data: bytes, passphrase: str = PASSPHRASE) -> dict:
    upload = SimpleUploadedFile("khoa.p12", data, content_type="application/x-pkcs12")
    return {"method": "pkcs12", "key_file": upload, "passphrase": passphrase}


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _validate_in_other_process(tmp_path, pdf: bytes, demo_pki) -> str:
    """pyHanko's own validator in a fresh interpreter, trusting only the test root."""
    document = tmp_path / "ket-qua.pdf"
    document.write_bytes(pdf)
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(demo_pki.root.certificate))
    sub = tmp_path / "sub.pem"
    sub.write_bytes(pki.pem(demo_pki.sub.certificate))
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pyhanko",
            "sign",
            "validate",
            "--trust",
            str(root),
            "--trust-replace",
            "--other-certs",
            str(sub),
            "--no-revocation-check",
            "--executive-summary",
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed.stdout + completed.stderr


def test_leader_signs_with_token_clerk_seals_from_her_queue_and_the_applicant_gets_it(
    client_as,
    ready_dossier,
    chairman,
    clerk,
    counter_officer,
    keys,
    demo_pki,
    commune,
    tmp_path,
):
    dossier = ready_dossier
    url = reverse("dossiers:dossier_detail", args=[dossier.pk])
    queue_url = reverse("signatures:seal_queue")
    pdf_url = reverse("dossiers:result_signed_pdf", args=[dossier.pk])
    page = client_as(chairman).get(url).content.decode()
    assert "Ký số kết quả (người có thẩm quyền)" in page
    # Nothing waits for the organisation's signature before the leader signed.
    queue = client_as(clerk).get(queue_url).content.decode()
    assert 'id="seal-queue-empty"' in queue
    assert dossier.code not in queue
    assert client_as(clerk).get(pdf_url).status_code == 404

    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[dossier.pk]), token_post(keys), follow=True
    )
    assert "Đã ký số kết quả. Văn thư sẽ ký số của cơ quan trước khi trả." in (
        response.content.decode()
    )
    result = Result.objects.get(dossier=dossier)
    assert (result.signed_by, result.sealed_at) == (chairman, None)
    assert result.original_file.name.endswith("kq.pdf")
    # Half signed: neither downloadable nor returned yet (no legal value without the organisation's signature).
    assert result_signing.downloadable_result(dossier) is None
    with pytest.raises(results.ResultMissingError, match="chưa có chữ ký số của cơ quan"):
        results.return_result(
            actor=counter_officer, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
        )

    # The desk officer is told the văn thư adds the organisation's signature, and cannot.
    page = client_as(counter_officer).get(url).content.decode()
    assert 'id="seal-needs-signer"' in page
    assert "Ký số của cơ quan vào kết quả" not in page
    refused = client_as(counter_officer).post(
        reverse("dossiers:result_seal", args=[dossier.pk]), p12_post(demo_pki.organisation_p12)
    )
    assert refused.status_code == 403
    assert client_as(counter_officer).get(queue_url).status_code == 403

    # The văn thư's queue: the dossier, what, who signed and when, the signed PDF.
    queue = client_as(clerk).get(queue_url).content.decode()
    assert dossier.code in queue
    assert "Số 12/GCN-UBND: Giấy chứng nhận" in queue
    assert "Người có thẩm quyền Trần Văn Chủ Tịch đã ký số lúc" in queue
    assert pdf_url in queue
    assert reverse("dossiers:result_seal", args=[dossier.pk]) in queue
    download = client_as(clerk).get(pdf_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _read(result.file)
    # That file only: the dossier stays out of her reach.
    assert client_as(clerk).get(url).status_code == 403

    response = client_as(clerk).post(
        reverse("dossiers:result_seal", args=[dossier.pk]),
        organisation_token_post(keys),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == queue_url
    html = response.content.decode()
    assert "Đã ký số của cơ quan vào kết quả" in html
    # Sealed, it left the queue.
    assert dossier.code not in html
    assert 'id="seal-queue-empty"' in html
    result.refresh_from_db()
    assert result.sealed_by == clerk
    assert result.verification.is_valid is True
    assert result.verification.signature_count == 2
    assert result.file.name.endswith(f"ket-qua-{dossier.code}-ban-dien-tu.pdf")

    # The desk sees both signatures, the stored report, and the result ready to return.
    page = client_as(counter_officer).get(url).content.decode()
    assert "Tất cả 2 chữ ký số đều hợp lệ" in page
    assert "đủ hai chữ ký số" in page
    assert reverse("dossiers:result_return", args=[dossier.pk]) in page
    assert 'id="seal-needs-signer"' not in page

    signed = _read(result.file)
    report = signatures.verify_pdf(signed, unit=commune)
    assert [(s.field_name, s.signer_name, s.ok) for s in report.signatures] == [
        ("signer-1", "Trần Văn Chủ Tịch (token)", True),
        ("organisation-1", "UBND xã Quỳ Châu (token)", True),
    ]
    output = _validate_in_other_process(tmp_path, signed, demo_pki)
    lines = sorted(line for line in output.splitlines() if ":" in line)
    assert [(line.split(":")[0], line.split(":")[-1]) for line in lines] == [
        ("organisation-1", "VALID"),
        ("signer-1", "VALID"),
    ], output

    # The citizen checks the file he received on the public page.
    upload = SimpleUploadedFile("ket-qua.pdf", signed, content_type="application/pdf")
    public = Client().post(reverse("signatures:public_verify"), {"document": upload})
    assert public.status_code == 200
    assert "Tất cả 2 chữ ký số đều hợp lệ" in public.content.decode()

    # Returned at the desk: the signed file stays the dossier's result.
    results.return_result(
        actor=counter_officer, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
    )
    assert _read(Result.objects.get(dossier=dossier).file) == signed
    # Online: the lookup (code + 4 digits) offers the signed file for download.
    lookup = Client().post(reverse("portal:lookup"), {"code": dossier.code, "digits": "5678"})
    link = re.search(r'href="(/cong-khai/tra-cuu/ket-qua/[^"]+/)"', lookup.content.decode())
    assert link is not None
    download = Client().get(link.group(1))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == signed
    assert Client().get(link.group(1).replace("ket-qua/", "ket-qua/x")).status_code == 404
    assert list(
        DossierEvent.objects.filter(dossier=dossier, action__startswith="result_s").values_list(
            "action", flat=True
        )
    ) == ["result_signed", "result_sealed"]
    logged = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert keys.pin not in logged
    assert PASSPHRASE not in logged


def test_wrong_pin_changes_nothing(client_as, ready_dossier, chairman, keys):
    before = Result.objects.get(dossier=ready_dossier).file.name
    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[ready_dossier.pk]),
        token_post(keys, pin="000000"),
        follow=True,
    )
    assert "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại." in response.content.decode()
    result = Result.objects.get(dossier=ready_dossier)
    assert (result.file.name, result.signed_at, result.verification) == (before, None, None)


def test_missing_token_changes_nothing(client_as, ready_dossier, chairman, keys):
    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[ready_dossier.pk]),
        {"method": "token", "token_label": "khong-co-token", "pin": keys.pin},
        follow=True,
    )
    assert "Không tìm thấy thiết bị ký số “khong-co-token”" in response.content.decode()
    assert Result.objects.get(dossier=ready_dossier).signed_at is None


def test_scanned_result_is_not_signed_and_returns_on_paper(
    client_as, dossier, justice_official, chairman, counter_officer, keys
):
    dossier = bring_to_result_ready(dossier, processed_by=justice_official, approved_by=chairman)
    _record(dossier, chairman, PNG, "kq.png")
    assert not result_signing.can_sign(chairman, dossier)
    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[dossier.pk]), token_post(keys), follow=True
    )
    assert "Tệp kết quả không phải tệp PDF nên không ký số được." in response.content.decode()
    assert Result.objects.get(dossier=dossier).signed_at is None
    # The paper path: returned without any digital signature.
    results.return_result(
        actor=counter_officer, dossier=dossier, returned_to="Nguyễn Thị An", method="desk"
    )
    dossier.refresh_from_db()
    assert dossier.status == "returned"


def test_already_signed_is_refused_clearly(
    client_as, ready_dossier, chairman, clerk, keys, demo_pki
):
    token = signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin)
    result_signing.sign_result(actor=chairman, dossier=ready_dossier, key=token)
    signed_name = Result.objects.get(dossier=ready_dossier).file.name
    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[ready_dossier.pk]), token_post(keys), follow=True
    )
    assert "Kết quả đã được Trần Văn Chủ Tịch ký số lúc" in response.content.decode()
    organisation = signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE)
    result_signing.seal_result(actor=clerk, dossier=ready_dossier, key=organisation)
    sealed_name = Result.objects.get(dossier=ready_dossier).file.name
    assert sealed_name != signed_name
    response = client_as(clerk).post(
        reverse("dossiers:result_seal", args=[ready_dossier.pk]),
        p12_post(demo_pki.organisation_p12),
        follow=True,
    )
    assert "Kết quả đã có chữ ký số của cơ quan" in response.content.decode()
    assert Result.objects.get(dossier=ready_dossier).file.name == sealed_name
    # Ready and signed: downloadable online only by who asked for the electronic result.
    assert result_signing.downloadable_result(ready_dossier) is None
    ready_dossier.delivery_method = "online"
    ready_dossier.save(update_fields=["delivery_method"])
    assert result_signing.downloadable_result(ready_dossier).file.name == sealed_name


def test_pdf_signed_outside_is_not_signed_again(
    client_as, dossier, justice_official, chairman, keys, demo_pki
):
    dossier = bring_to_result_ready(dossier, processed_by=justice_official, approved_by=chairman)
    outside = signatures.sign_pdf(
        render_pdf("signatures/sample_document.html", {}),
        signer=signatures.Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
        appearance=signatures.Appearance.invisible(),
    )
    _record(dossier, chairman, outside, "kq-tinh.pdf")
    response = client_as(chairman).post(
        reverse("dossiers:result_sign", args=[dossier.pk]), token_post(keys), follow=True
    )
    assert "Tệp kết quả đã có chữ ký số (1 chữ ký, ký ngoài hệ thống)" in response.content.decode()
    assert Result.objects.get(dossier=dossier).signed_at is None


def test_seal_before_the_leaders_signature_is_refused(
    client_as, ready_dossier, clerk, keys, demo_pki
):
    response = client_as(clerk).post(
        reverse("dossiers:result_seal", args=[ready_dossier.pk]),
        p12_post(demo_pki.organisation_p12),
        follow=True,
    )
    assert "Người có thẩm quyền chưa ký số kết quả" in response.content.decode()
    assert Result.objects.get(dossier=ready_dossier).sealed_at is None


def test_new_file_starts_the_signatures_over(ready_dossier, chairman, keys):
    token = signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin)
    result_signing.sign_result(actor=chairman, dossier=ready_dossier, key=token)
    _record(ready_dossier, chairman, render_pdf("signatures/sample_document.html", {}), "kq2.pdf")
    result = Result.objects.get(dossier=ready_dossier)
    assert (result.signed_at, result.original_file.name, result.verification) == (None, "", None)


@pytest.mark.parametrize("name", ["result_sign", "result_seal"])
def test_signing_routes_are_isolated(
    name,
    ready_dossier,
    chairman,
    counter_officer,
    clerk,
    justice_official,
    other_commune,
    make_staff,
    keys,
):
    # A bad form is refused by the view after the checks: the allowed request changes
    # nothing and redirects to the dossier page.
    if name == "result_sign":
        allowed, positions = chairman, ("chairman",)
        # Neither the processing official nor the văn thư signs for the competent person.
        wrong_roles = [justice_official, clerk]
    else:
        allowed, positions = clerk, ("clerk",)
        # The one-stop desk and the leader do not hold the organisation's key.
        wrong_roles = [counter_officer, chairman]
    other_unit = make_staff(other_commune, *positions, username="khac")
    for wrong_role in wrong_roles:
        assert_isolation(
            IsolationCase(
                url=reverse(f"dossiers:{name}", args=[ready_dossier.pk]),
                method="post",
                data={"method": "token", "token_label": "", "pin": ""},
                allowed=allowed,
                wrong_role=wrong_role,
                other_unit=other_unit,
                allowed_status=302,
            )
        )
    assert Result.objects.get(dossier=ready_dossier).signed_at is None


def test_the_clerks_queue_and_signed_pdf_are_isolated(
    client_as, ready_dossier, chairman, clerk, counter_officer, other_commune, make_staff, keys
):
    token = signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin)
    result_signing.sign_result(actor=chairman, dossier=ready_dossier, key=token)
    other_clerk = make_staff(other_commune, "clerk", username="vanthu_khac")
    assert_isolation(
        IsolationCase(
            url=reverse("signatures:seal_queue"),
            allowed=clerk,
            wrong_role=counter_officer,
            other_unit=other_clerk,
            other_unit_status=200,
            hidden_text=ready_dossier.code,
        )
    )
    assert (
        ready_dossier.code
        in client_as(clerk).get(reverse("signatures:seal_queue")).content.decode()
    )
    # The signed file: the văn thư of the unit; not the desk through this route (it has the
    # dossier page), not the leader, not another unit's văn thư.
    for wrong_role in (counter_officer, chairman):
        assert_isolation(
            IsolationCase(
                url=reverse("dossiers:result_signed_pdf", args=[ready_dossier.pk]),
                allowed=clerk,
                wrong_role=wrong_role,
                other_unit=other_clerk,
                allowed_status=200,
            )
        )


def test_the_clerks_home_counts_what_waits_for_the_seal(
    client_as, ready_dossier, chairman, clerk, counter_officer, keys
):
    assert 'id="widget-seal-queue"' not in client_as(clerk).get("/").content.decode()
    token = signatures.TokenKey(token_label=keys.token.token_label, pin=keys.pin)
    result_signing.sign_result(actor=chairman, dossier=ready_dossier, key=token)
    html = client_as(clerk).get("/").content.decode()
    widget = html.split('id="widget-seal-queue"', 1)[1].split("</section>", 1)[0]
    assert "chờ ký số của cơ quan: <strong>1</strong> tệp" in widget
    assert reverse("signatures:seal_queue") in html
    # The desk neither sees the count nor the menu entry.
    html = client_as(counter_officer).get("/").content.decode()
    assert 'id="widget-seal-queue"' not in html
    assert reverse("signatures:seal_queue") not in html
