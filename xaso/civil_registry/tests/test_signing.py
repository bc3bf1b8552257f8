"""Digital signing of civil-status certificates and extract copies (ND 30/2020 Đ5): the
leader signs with a .p12 (PKCS#12), the văn thư (a plain clerk, from her queue) adds the
organisation's signature; the signed PDF is kept with the entry or the copy, becomes the
dossier's result, and pyHanko (another process) and the public page find it valid."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test import override_settings
from django.urls import reverse

from xaso.civil_registry import certificates
from xaso.civil_registry import signing
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.models import SignedCivilDocument
from xaso.civil_registry.tests.conftest import forward_to_leader
from xaso.civil_registry.tests.conftest import register_through_approval
from xaso.conftest import PASSPHRASE
from xaso.core.audit import AuditEvent
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Result
from xaso.dossiers.services import processing
from xaso.signatures import pki
from xaso.signatures import services as signatures


@pytest.fixture(autouse=True)
def fixed_now() -> None:
    """The real clock here (the other civil tests travel to 20/11/2026): the test PKI is
    issued from the real day, and a signature before its certificate is invalid."""


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def keys(demo_pki, softhsm_token, chairman, clerk):
    """Every unit trusts the test CA; the chairman registered his certificate, the văn thư
    (a plain clerk) the organisation's, in a .p12 and on a token."""
    for ca in (demo_pki.root, demo_pki.sub):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(demo_pki.chairman.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(softhsm_token.organisation.certificate)
    )
    demo_pki.organisation_token = softhsm_token.organisation
    demo_pki.pin = softhsm_token.pin
    return demo_pki


@pytest.fixture
def entry(birth_dossier, justice_official, chairman) -> CivilEntry:
    return register_through_approval(birth_dossier, justice_official, chairman)


@pytest.fixture
def copy(entry, father, receive, extract_procedure, justice_official, chairman) -> ExtractCopy:
    dossier = receive(extract_procedure, father, declared_data={"civil_entry_id": entry.pk})
    dossier = forward_to_leader(dossier, justice_official, chairman)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    return ExtractCopy.objects.get(entry=entry)


def p12_post(data: bytes, passphrase: str = PASSPHRASE) -> dict:
    upload = SimpleUploadedFile("khoa.p12", data, content_type="application/x-pkcs12")
    return {"method": "pkcs12", "key_file": upload, "passphrase": passphrase}


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _validate_in_other_process(tmp_path, pdf: bytes, demo_pki) -> list[tuple[str, str]]:
    """pyHanko's own validator in a fresh interpreter, trusting only the test root:
    [(field, verdict)] sorted by field name."""
    document = tmp_path / "trich-luc.pdf"
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
    output = completed.stdout + completed.stderr
    lines = sorted(line for line in output.splitlines() if ":" in line)
    return [(line.split(":")[0], line.split(":")[-1]) for line in lines]


def test_extract_copy_signed_by_leader_and_sealed_from_the_clerks_queue_reaches_the_applicant(
    client_as, copy, chairman, clerk, justice_official, keys, commune, tmp_path
):
    page_url = reverse("civil_registry:extract_copy_detail", args=[copy.pk])
    queue_url = reverse("signatures:seal_queue")
    pdf_url = reverse("civil_registry:extract_signed_pdf", args=[copy.pk])
    seal_url = reverse("civil_registry:extract_seal", args=[copy.pk])
    page = client_as(chairman).get(page_url).content.decode()
    assert "Ký số trích lục (người có thẩm quyền)" in page
    assert 'id="seal-queue-empty"' in client_as(clerk).get(queue_url).content.decode()

    response = client_as(chairman).post(
        reverse("civil_registry:extract_sign", args=[copy.pk]),
        p12_post(keys.chairman_p12),
        follow=True,
    )
    assert "Đã ký số. Văn thư sẽ ký số của cơ quan." in response.content.decode()
    document = SignedCivilDocument.objects.get(extract_copy=copy)
    assert (document.signed_by, document.sealed_at) == (chairman, None)
    first = _read(document.file)
    # The signer's image sits in the signature box of the copy's layout.
    placed = signatures.pdf_field_box(
        certificates.extract_copy_pdf(copy, for_signing=True), certificates.SIGNATURE_FIELD
    )
    assert placed is not None

    # The justice–civil status official sees it waits for the văn thư, and cannot seal.
    page = client_as(justice_official).get(page_url).content.decode()
    assert 'id="seal-waits-for-clerk"' in page
    assert 'id="ky-so-co-quan"' not in page
    assert (
        client_as(justice_official).post(seal_url, p12_post(keys.organisation_p12)).status_code
        == 403
    )

    # The văn thư's queue: the dossier, what, who signed and when, the signed PDF.
    queue = client_as(clerk).get(queue_url).content.decode()
    assert copy.dossier.code in queue
    assert f"Bản sao trích lục số {copy.serial_number}/{copy.year}" in queue
    assert "Người có thẩm quyền Trần Văn Chủ Tịch đã ký số lúc" in queue
    assert pdf_url in queue
    assert seal_url in queue
    download = client_as(clerk).get(pdf_url)
    assert b"".join(download.streaming_content) == first
    # That file only: the registers stay out of her reach.
    assert client_as(clerk).get(page_url).status_code == 403

    response = client_as(clerk).post(
        seal_url,
        {
            "method": "token",
            "token_label": keys.organisation_token.token_label,
            "pin": keys.pin,
            "from": "seal_queue",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == queue_url
    html = response.content.decode()
    assert "Đã ký số của cơ quan; người yêu cầu nhận bản điện tử đã ký số." in html
    assert copy.dossier.code not in html
    assert 'id="seal-queue-empty"' in html
    document.refresh_from_db()
    assert document.sealed_by == clerk
    assert document.file.name.endswith(f"ban-sao-trich-luc-{copy.year}-{copy.serial_number}.pdf")
    # The copy's page shows both signatures and the stored report.
    page = client_as(justice_official).get(page_url).content.decode()
    assert "Tất cả 2 chữ ký số đều hợp lệ" in page
    assert "đủ hai chữ ký số" in page
    signed = _read(document.file)
    # The organisation signs in an incremental update: the leader's revision is kept.
    assert signed.startswith(first)
    report = signatures.verify_pdf(signed, unit=commune)
    assert [(s.field_name, s.signer_name, s.ok) for s in report.signatures] == [
        ("signer-1", "Trần Văn Chủ Tịch", True),
        ("organisation-1", "UBND xã Quỳ Châu (token)", True),
    ]
    assert _validate_in_other_process(tmp_path, signed, keys) == [
        ("organisation-1", "VALID"),
        ("signer-1", "VALID"),
    ]

    # The dossier's result is the signed copy: what the applicant receives.
    result = Result.objects.get(dossier=copy.dossier)
    assert _read(result.file) == signed
    assert (result.signed_by, result.sealed_by) == (chairman, clerk)
    assert result.verification.is_valid is True
    # Staff download it from the copy's page.
    download = client_as(justice_official).get(pdf_url)
    assert b"".join(download.streaming_content) == signed
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Cache-Control"] == "private, no-store"

    upload = SimpleUploadedFile("trich-luc.pdf", signed, content_type="application/pdf")
    public = Client().post(reverse("signatures:public_verify"), {"document": upload})
    assert "Tất cả 2 chữ ký số đều hợp lệ" in public.content.decode()
    logged = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert PASSPHRASE not in logged


def test_certificate_of_an_entry_becomes_the_registration_result(
    client_as, entry, chairman, clerk, keys, commune
):
    url = reverse("civil_registry:entry_detail", args=[entry.pk])
    assert "Ký số trích lục (người có thẩm quyền)" in client_as(chairman).get(url).content.decode()
    signing.sign(
        actor=chairman,
        target=entry,
        key=signatures.Pkcs12Key(data=keys.chairman_p12, passphrase=PASSPHRASE),
    )
    assert (
        entry.dossier.code
        in client_as(clerk).get(reverse("signatures:seal_queue")).content.decode()
    )
    # Posted from elsewhere, she still lands on her queue (she cannot open the entry).
    response = client_as(clerk).post(
        reverse("civil_registry:certificate_seal", args=[entry.pk]),
        p12_post(keys.organisation_p12),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("signatures:seal_queue")
    assert "Đã ký số của cơ quan; người yêu cầu nhận bản điện tử đã ký số." in (
        response.content.decode()
    )
    document = SignedCivilDocument.objects.get(entry=entry)
    assert document.verification.is_valid is True
    signed = _read(document.file)
    assert [s.signer_name for s in signatures.verify_pdf(signed, unit=commune).signatures] == [
        "Trần Văn Chủ Tịch",
        "UBND xã Quỳ Châu",
    ]
    assert _read(Result.objects.get(dossier=entry.dossier).file) == signed


def test_wrong_passphrase_and_a_key_that_is_not_p12_change_nothing(client_as, copy, chairman, keys):
    url = reverse("civil_registry:extract_sign", args=[copy.pk])
    for post in (p12_post(keys.chairman_p12, "sai-mat-khau"), p12_post(b"not a key file")):
        response = client_as(chairman).post(url, post, follow=True)
        assert "Không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp không phải" in (
            response.content.decode()
        )
    assert not SignedCivilDocument.objects.exists()


def test_certificate_not_registered_to_the_signer_is_refused(client_as, copy, chairman, keys):
    # The organisation's key is not the certificate the chairman registered.
    response = client_as(chairman).post(
        reverse("civil_registry:extract_sign", args=[copy.pk]),
        p12_post(keys.organisation_p12),
        follow=True,
    )
    assert "không khớp với chứng thư đã đăng ký" in response.content.decode()
    assert not SignedCivilDocument.objects.exists()


def test_already_signed_and_seal_before_signature_are_refused(
    client_as, copy, chairman, clerk, keys
):
    response = client_as(clerk).post(
        reverse("civil_registry:extract_seal", args=[copy.pk]),
        p12_post(keys.organisation_p12),
        follow=True,
    )
    assert "chưa được người có thẩm quyền ký số; chưa ký số của cơ quan được." in (
        response.content.decode()
    )
    leader_key = signatures.Pkcs12Key(data=keys.chairman_p12, passphrase=PASSPHRASE)
    signing.sign(actor=chairman, target=copy, key=leader_key)
    name = SignedCivilDocument.objects.get().file.name
    response = client_as(chairman).post(
        reverse("civil_registry:extract_sign", args=[copy.pk]),
        p12_post(keys.chairman_p12),
        follow=True,
    )
    assert "đã được Trần Văn Chủ Tịch ký số lúc" in response.content.decode()
    organisation = signatures.Pkcs12Key(data=keys.organisation_p12, passphrase=PASSPHRASE)
    signing.seal(actor=clerk, target=copy, key=organisation)
    sealed = SignedCivilDocument.objects.get()
    assert sealed.file.name != name
    response = client_as(clerk).post(
        reverse("civil_registry:extract_seal", args=[copy.pk]),
        p12_post(keys.organisation_p12),
        follow=True,
    )
    assert "đã có chữ ký số của cơ quan" in response.content.decode()
    assert SignedCivilDocument.objects.get().file.name == sealed.file.name


def test_signing_routes_are_isolated(
    copy,
    entry,
    chairman,
    other_chairman,
    justice_official,
    clerk,
    other_justice_official,
    identified_other_commune,
    make_staff,
    land_official,
    keys,
):
    empty_key = {"method": "pkcs12", "passphrase": ""}
    other_clerk = make_staff(identified_other_commune, "clerk", username="vanthu_khac")
    cases = []
    for name, target in (("certificate", entry), ("extract", copy)):
        url = reverse(f"civil_registry:{name}_sign", args=[target.pk])
        # The văn thư signs as the organisation, never for the competent person.
        cases.extend(
            IsolationCase(
                url=url,
                method="post",
                data=empty_key,
                allowed=chairman,
                wrong_role=wrong_role,
                other_unit=other_chairman,
                allowed_status=302,
            )
            for wrong_role in (clerk, justice_official)
        )
        url = reverse(f"civil_registry:{name}_seal", args=[target.pk])
        # Neither the leader nor the official who keeps the registers holds the
        # organisation's key.
        cases.extend(
            IsolationCase(
                url=url,
                method="post",
                data=empty_key,
                allowed=clerk,
                wrong_role=wrong_role,
                other_unit=other_clerk,
                allowed_status=302,
            )
            for wrong_role in (chairman, justice_official)
        )
    cases.append(
        IsolationCase(
            url=reverse("civil_registry:extract_copy_detail", args=[copy.pk]),
            allowed=justice_official,
            wrong_role=land_official,
            other_unit=other_justice_official,
            allowed_status=200,
        )
    )
    for case in cases:
        assert_isolation(case)
    assert not SignedCivilDocument.objects.exists()
    # The signed files: 404 before signing, then served to the unit's staff who read the
    # registers and to its văn thư only.
    leader_key = signatures.Pkcs12Key(data=keys.chairman_p12, passphrase=PASSPHRASE)
    for name, target in (("certificate", entry), ("extract", copy)):
        url = reverse(f"civil_registry:{name}_signed_pdf", args=[target.pk])
        for reader in (justice_official, clerk):
            client = Client()
            client.force_login(reader)
            assert client.get(url).status_code == 404
        signing.sign(actor=chairman, target=target, key=leader_key)
        assert_isolation(
            IsolationCase(
                url=url,
                allowed=justice_official,
                wrong_role=land_official,
                other_unit=other_justice_official,
                allowed_status=200,
            )
        )
        assert_isolation(
            IsolationCase(
                url=url,
                allowed=clerk,
                wrong_role=land_official,
                other_unit=other_clerk,
                allowed_status=200,
            )
        )
    # The queue lists the unit's two signed files, never to another unit's văn thư.
    assert_isolation(
        IsolationCase(
            url=reverse("signatures:seal_queue"),
            allowed=clerk,
            wrong_role=justice_official,
            other_unit=other_clerk,
            other_unit_status=200,
            hidden_text=entry.dossier.code,
        )
    )
