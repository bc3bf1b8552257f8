"""The verification texts in English: the summary counts signatures (one form in Vietnamese,
two in English) and the revocation texts, kept in a table, reach the catalogue."""

import pytest
from django.utils import translation

from xaso.core.testing import compiled_catalogues
from xaso.signatures.verification import VerificationReport


def _report(*problems: list[str]) -> VerificationReport:
    """A stored report (the JSON form the pages render) with one signature per entry."""
    signature = {
        "field_name": "Sig1",
        "signer_name": "Nguyễn Văn A",
        "signer_subject": "CN=Nguyễn Văn A",
        "issuer": "CN=Test CA",
        "serial_number": "01",
        "fingerprint_sha256": "00" * 32,
        "signing_time": "2026-12-03T09:15:30+07:00",
        "timestamp_time": None,
        "intact": True,
        "cryptographically_valid": True,
        "trusted": True,
        "covers_whole_document": True,
        "modified_after_signing": False,
        "modification_level": "NONE",
        "revocation": "good",
    }
    return VerificationReport.from_dict(
        {
            "sha256": "00" * 32,
            "size": 1000,
            "checked_at": "2026-12-03T09:20:00+07:00",
            "signatures": [{**signature, "problems": list(found)} for found in problems],
        }
    )


@pytest.mark.parametrize(
    ("problems", "english"),
    [
        (([],), "The document's 1 digital signature is valid"),
        (([], []), "All 2 digital signatures are valid"),
        ((["bad"], []), "1 digital signature out of 2 is NOT valid."),
        ((["bad"], ["bad"], []), "2 digital signatures out of 3 are NOT valid."),
    ],
)
def test_summary_uses_singular_and_plural_in_english(problems, english) -> None:
    report = _report(*problems)
    with compiled_catalogues(), translation.override("en"):
        assert report.summary.startswith(english)


def test_summary_keeps_the_one_vietnamese_form() -> None:
    assert _report(["bad"], []).summary == (
        "1 trên 2 chữ ký số KHÔNG hợp lệ. Không tin cậy văn bản này."
    )
    assert _report([], []).summary.startswith("Tất cả 2 chữ ký số đều hợp lệ")


def test_revocation_text_is_in_the_english_catalogue() -> None:
    signature = _report([]).signatures[0]
    assert signature.revocation_text == "Đã kiểm tra trực tuyến: chứng thư chưa bị thu hồi."
    with compiled_catalogues(), translation.override("en"):
        assert signature.revocation_text == "Checked online: the certificate has not been revoked."
