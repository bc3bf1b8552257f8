"""Signing through SoftHSM (PKCS#11) and PKCS#12, checked by pyHanko's validator in a
separate process and by verify_pdf; tampering and wrong secrets give clear reasons."""

import io
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from xaso.signatures import pki
from xaso.signatures import services
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import SigningError
from xaso.signatures.signing import TokenKey
from xaso.signatures.signing import sign_pdf
from xaso.signatures.tests.conftest import PASSPHRASE
from xaso.signatures.tests.conftest import SIGNER_BOX
from xaso.signatures.verification import PdfRejectedError
from xaso.signatures.verification import verify_pdf_bytes


def _validate_in_other_process(tmp_path: Path, pdf: bytes, demo_pki: SimpleNamespace) -> str:
    """pyHanko's own validator, in a fresh interpreter, trusting only the test root."""
    document = tmp_path / "signed.pdf"
    document.write_bytes(pdf)
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem(demo_pki.root.certificate))
    sub = tmp_path / "sub.pem"
    sub.write_bytes(pki.pem(demo_pki.sub.certificate))
    result = subprocess.run(  # noqa: S603
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
    return result.stdout + result.stderr


def _anchors(demo_pki: SimpleNamespace) -> dict:
    return {
        "trust_roots": [pki.der(demo_pki.root.certificate)],
        "intermediates": [pki.der(demo_pki.sub.certificate)],
    }


def _token_key(softhsm_token: SimpleNamespace, pin: str | None = None) -> TokenKey:
    return TokenKey(token_label="chutich-test", pin=pin or softhsm_token.pin)


def _two_signatures(sample_pdf: bytes, softhsm_token, demo_pki) -> bytes:
    signed = sign_pdf(
        sample_pdf,
        signer=_token_key(softhsm_token),
        appearance=Appearance.signer(box=SIGNER_BOX),
    )
    return sign_pdf(
        signed,
        signer=Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
        appearance=Appearance.organisation(signer_box=SIGNER_BOX),
    )


def test_token_and_organisation_signatures_validate_in_a_separate_process(
    sample_pdf, softhsm_token, demo_pki, tmp_path
):
    signed = _two_signatures(sample_pdf, softhsm_token, demo_pki)

    output = _validate_in_other_process(tmp_path, signed, demo_pki)

    lines = sorted(line for line in output.splitlines() if ":" in line)
    assert len(lines) == 2, output
    assert [line.split(":")[0] for line in lines] == ["organisation-1", "signer-1"], output
    assert [line.split(":")[-1] for line in lines] == ["VALID", "VALID"], output
    token_fingerprint = pki.describe(softhsm_token.token.certificate).fingerprint_sha256
    assert lines[1].split(":")[1].upper() == token_fingerprint

    report = verify_pdf_bytes(signed, **_anchors(demo_pki))
    assert report.ok
    assert [s.field_name for s in report.signatures] == ["signer-1", "organisation-1"]
    assert [s.signer_name for s in report.signatures] == [
        "Trần Văn Chủ Tịch (token)",
        "UBND xã Quỳ Châu",
    ]
    first, second = report.signatures
    # The clerk's signature after the signer's is an allowed change, not a modification.
    assert (first.modified_after_signing, first.covers_whole_document) == (False, False)
    assert (second.modified_after_signing, second.covers_whole_document) == (False, True)
    assert first.signing_time.endswith("+07:00")
    assert first.revocation == "no_information"


def test_appearance_positions_follow_nd30(sample_pdf, softhsm_token, demo_pki):
    signed = _two_signatures(sample_pdf, softhsm_token, demo_pki)
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    rects = {
        annot.get_object()["/T"]: [float(v) for v in annot.get_object()["/Rect"]]
        for annot in page["/Annots"]
    }
    assert rects["signer-1"] == [330.0, 120.0, 480.0, 180.0]
    seal = rects["organisation-1"]
    diameter = 36 * 72 / 25.4  # XASO_SEAL_DIAMETER_MM
    # Real size, its right edge a third into the signature image, centred vertically.
    assert seal[2] == 380.0
    assert seal[2] - seal[0] == pytest.approx(diameter, abs=1)
    assert (seal[1] + seal[3]) / 2 == pytest.approx(150.0, abs=1)


def test_attachment_signature_top_right_with_number_and_iso_time(sample_pdf, demo_pki):
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
        appearance=Appearance.attachment(document_number="Số: 12/UBND-VP"),
    )
    reader = PdfReader(io.BytesIO(signed))
    annot = reader.pages[0]["/Annots"][0].get_object()
    _x1, _y1, x2, y2 = (float(v) for v in annot["/Rect"])
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (x2, y2) == (round(width - 20), round(height - 20))
    appearance = annot["/AP"]["/N"].get_object()
    inner = appearance.get_data()
    xobjects = appearance["/Resources"].get("/XObject", {})
    assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    report = verify_pdf_bytes(signed, **_anchors(demo_pki))
    signing_time = report.signatures[0].signing_time
    assert signing_time.endswith("+07:00")
    # The visible lines (their ActualText) are the number and the exact signing time.
    assert _actual_texts(inner) == ["Số: 12/UBND-VP", signing_time]
    assert b"/F1 10 Tf" in inner
    assert b"0 0 0 rg" in inner


def test_electronic_copy_shows_form_organisation_and_time(sample_pdf, demo_pki):
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE),
        appearance=Appearance.copy(copy_form="SAO Y", organisation="UBND xã Quỳ Châu"),
    )
    reader = PdfReader(io.BytesIO(signed))
    annot = reader.pages[0]["/Annots"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (x2, y2) == (round(width - 20), round(height - 20))
    assert (x2 - x1, y2 - y1) == (250, 45)
    report = verify_pdf_bytes(signed, **_anchors(demo_pki))
    content = annot["/AP"]["/N"].get_object().get_data()
    assert _actual_texts(content) == [
        "SAO Y",
        "UBND xã Quỳ Châu",
        report.signatures[0].signing_time,
    ]


def _actual_texts(content: bytes) -> list[str]:
    texts = []
    for raw in re.findall(rb"/ActualText \((.*?)\)\s*>>", content, flags=re.DOTALL):
        data = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        data = re.sub(rb"\\(.)", rb"\1", data)
        if data.startswith(b"\xfe\xff"):
            texts.append(data[2:].decode("utf-16-be"))
        else:
            texts.append(data.decode("latin-1"))
    return texts


def test_wrong_pin_gives_a_clear_message(sample_pdf, softhsm_token):
    with pytest.raises(SigningError) as caught:
        sign_pdf(
            sample_pdf,
            signer=_token_key(softhsm_token, pin="000000"),
            appearance=Appearance.invisible(),
        )
    assert caught.value.code == "wrong_pin"
    assert caught.value.message == "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại."


def test_missing_token_is_named(sample_pdf, softhsm_token):
    with pytest.raises(SigningError) as caught:
        sign_pdf(
            sample_pdf,
            signer=TokenKey(token_label="khong-co", pin="1234"),
            appearance=Appearance.invisible(),
        )
    assert caught.value.code == "token_not_found"
    assert "khong-co" in caught.value.message


def test_wrong_pkcs12_passphrase(sample_pdf, demo_pki):
    with pytest.raises(SigningError) as caught:
        sign_pdf(
            sample_pdf,
            signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase="sai"),
            appearance=Appearance.invisible(),
        )
    assert caught.value.code == "wrong_passphrase"


def test_not_a_pdf_is_refused_before_signing(demo_pki):
    with pytest.raises(SigningError) as caught:
        sign_pdf(
            b"<html>not a pdf</html>",
            signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
            appearance=Appearance.invisible(),
        )
    assert caught.value.code == "bad_pdf"


def _append_page_content(signed: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 200 re f")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_modified_after_signing_is_rejected(sample_pdf, softhsm_token, demo_pki, tmp_path):
    signed = sign_pdf(
        sample_pdf, signer=_token_key(softhsm_token), appearance=Appearance.signer(box=SIGNER_BOX)
    )
    modified = _append_page_content(signed)

    report = verify_pdf_bytes(modified, **_anchors(demo_pki))

    assert not report.ok
    (signature,) = report.signatures
    assert (signature.intact, signature.trusted) == (True, True)
    assert signature.modified_after_signing
    assert signature.modification_level == "OTHER"
    assert signature.problems == [
        (
            "Văn bản đã bị sửa đổi sau khi ký (thêm hoặc thay nội dung ngoài chữ ký số "
            "và điền biểu mẫu)."
        )
    ]
    output = _validate_in_other_process(tmp_path, modified, demo_pki)
    assert ":VALID" not in output, output


def test_bytes_changed_inside_the_signed_range_break_integrity(sample_pdf, demo_pki):
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
        appearance=Appearance.signer(box=SIGNER_BOX),
    )
    position = signed.index(b"/Producer")
    tampered = signed[:position] + b"/Producex" + signed[position + 9 :]

    report = verify_pdf_bytes(tampered, **_anchors(demo_pki))

    (signature,) = report.signatures
    assert not signature.intact
    assert not report.ok
    assert signature.problems[0].startswith("Nội dung đã ký bị thay đổi")


def test_signer_from_unknown_ca_is_not_trusted(sample_pdf, demo_pki):
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.stranger_p12, passphrase=PASSPHRASE),
        appearance=Appearance.invisible(),
    )
    report = verify_pdf_bytes(signed, **_anchors(demo_pki))
    (signature,) = report.signatures
    assert (signature.intact, signature.trusted) == (True, False)
    assert signature.revocation == "not_applicable"
    assert not report.ok

    no_anchor = verify_pdf_bytes(signed, trust_roots=[])
    assert no_anchor.signatures[0].problems == [
        "Chưa có chứng thư gốc tin cậy nào được nhập, nên không xác thực được người ký."
    ]


def test_unsigned_pdf_reports_no_signature(sample_pdf):
    report = verify_pdf_bytes(sample_pdf, trust_roots=[])
    assert (report.signed, report.ok, report.summary) == (
        False,
        False,
        "Tệp không có chữ ký số nào.",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"MZ\x90\x00 not a pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>",
        b"%PDF-1.4\n" + b"\x00\xff" * 5000,
        (
            b"%PDF-1.4\n1 0 obj << /A 1 0 R >> endobj\nxref\n0 2\n0000000000 65535 f \n"
            b"0000000009 00000 n \ntrailer << /Root 1 0 R /Size 2 >>\nstartxref\n9999\n%%EOF"
        ),
    ],
)
def test_hostile_or_broken_pdfs_are_refused(data):
    with pytest.raises(PdfRejectedError) as caught:
        verify_pdf_bytes(data, trust_roots=[])
    assert caught.value.message in {
        "Tệp không phải là tệp PDF.",
        (
            "Tệp PDF bị hỏng hoặc có cấu trúc không hợp lệ, không kiểm tra được chữ ký. "
            "Hãy tải lại bản gốc nhận từ cơ quan ban hành."
        ),
    }


def test_truncated_signed_pdf_is_refused_or_invalid(sample_pdf, demo_pki):
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
        appearance=Appearance.invisible(),
    )
    try:
        report = verify_pdf_bytes(signed[: len(signed) // 2], **_anchors(demo_pki))
    except PdfRejectedError:
        return
    assert not report.ok


@pytest.mark.django_db
def test_sign_as_requires_the_users_registered_certificate(sample_pdf, demo_pki, chairman, clerk):
    key = Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE)
    with pytest.raises(SigningError) as caught:
        services.sign_pdf_as(
            actor=chairman, pdf_bytes=sample_pdf, signer=key, appearance=Appearance.invisible()
        )
    assert caught.value.code == "no_certificate"

    services.register_user_certificate(
        actor=chairman, data=pki.pem(demo_pki.organisation.certificate)
    )
    with pytest.raises(SigningError) as caught:
        services.sign_pdf_as(
            actor=chairman, pdf_bytes=sample_pdf, signer=key, appearance=Appearance.invisible()
        )
    assert caught.value.code == "certificate_mismatch"

    services.register_user_certificate(actor=chairman, data=pki.der(demo_pki.chairman.certificate))
    signed = services.sign_pdf_as(
        actor=chairman, pdf_bytes=sample_pdf, signer=key, appearance=Appearance.invisible()
    )
    assert verify_pdf_bytes(signed, **_anchors(demo_pki)).ok


def test_missing_pkcs11_library_is_named(sample_pdf):
    with pytest.raises(SigningError) as caught:
        sign_pdf(
            sample_pdf,
            signer=TokenKey(token_label="x", pin="1", lib_path="/khong/co/libtoken.so"),
            appearance=Appearance.invisible(),
        )
    assert caught.value.code == "pkcs11_unavailable"
    assert caught.value.message == (
        "Không mở được thư viện PKCS#11 của thiết bị ký số (/khong/co/libtoken.so)."
    )


def test_unreachable_revocation_server_is_said_not_hidden(sample_pdf, demo_pki):
    # The certificate names an OCSP responder on a loopback port nobody listens on, as when
    # the commune is offline: the check soft-fails and the report says so.
    key = pki.new_rsa_key()
    certificate = pki.issue_certificate(
        issuer=demo_pki.sub,
        public_key=key.public_key(),
        common_name="Có OCSP",
        ocsp_url="http://127.0.0.1:9/ocsp",
    )
    identity = pki.IssuedIdentity(key=key, certificate=certificate)
    p12 = pki.pkcs12_bytes(identity, passphrase=PASSPHRASE, chain=[demo_pki.sub.certificate])
    signed = sign_pdf(
        sample_pdf,
        signer=Pkcs12Key(data=p12, passphrase=PASSPHRASE),
        appearance=Appearance.invisible(),
    )

    online = verify_pdf_bytes(signed, **_anchors(demo_pki), fetch_revocation=True)
    offline = verify_pdf_bytes(signed, **_anchors(demo_pki), fetch_revocation=False)

    assert online.ok
    assert online.signatures[0].revocation == "unreachable"
    assert online.signatures[0].revocation_text.startswith(
        "Chưa kiểm tra được tình trạng thu hồi: không kết nối được máy chủ OCSP/CRL"
    )
    assert offline.signatures[0].revocation == "disabled"
