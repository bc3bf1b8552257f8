"""Checking the PAdES signatures of a PDF with pyHanko's validator.

For each signature: integrity (the signed bytes are unchanged), modifications after signing
(pyHanko's difference analysis of later revisions: only further signatures and form filling
are accepted), signer, signing time (and RFC 3161 timestamp when present), chain to the
trust anchors the administrator imported, revocation when reachable (soft-fail: an
unreachable OCSP/CRL server is said in the report, not hidden).

The result is a plain dataclass (VerificationReport) that survives a JSON round trip, so it
can be stored and rendered later without pyHanko.
"""

import datetime
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import ngettext

from xaso.core.exceptions import DomainError

logger = logging.getLogger(__name__)


class PdfRejectedError(DomainError):
    """The file cannot be checked at all (not a PDF, broken, hostile)."""

    code = "bad_pdf"


class Revocation:
    GOOD = "good"  # checked online, not revoked
    REVOKED = "revoked"
    UNREACHABLE = "unreachable"  # OCSP/CRL server not reachable (offline): soft-fail
    NO_INFORMATION = "no_information"  # the certificate names no OCSP/CRL address
    DISABLED = "disabled"  # fetching switched off by the administrator
    NOT_APPLICABLE = "not_applicable"  # no trusted chain, nothing to check


# Marked for makemessages; translated when shown (revocation_text), in the reader's language.
REVOCATION_TEXT = {
    Revocation.GOOD: gettext_noop("Đã kiểm tra trực tuyến: chứng thư chưa bị thu hồi."),
    Revocation.REVOKED: gettext_noop("Chứng thư số đã bị thu hồi."),
    Revocation.UNREACHABLE: gettext_noop(
        "Chưa kiểm tra được tình trạng thu hồi: không kết nối được máy chủ OCSP/CRL "
        "(đang ngoại tuyến). Kết quả khác vẫn có giá trị."
    ),
    Revocation.NO_INFORMATION: gettext_noop(
        "Chứng thư không công bố địa chỉ kiểm tra thu hồi (OCSP/CRL), nên không kiểm tra được."
    ),
    Revocation.DISABLED: gettext_noop(
        "Không kiểm tra tình trạng thu hồi (quản trị đã tắt tra cứu trực tuyến)."
    ),
    Revocation.NOT_APPLICABLE: gettext_noop(
        "Không kiểm tra tình trạng thu hồi vì chứng thư không tin cậy."
    ),
}


@dataclass
class SignatureResult:
    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    serial_number: str
    fingerprint_sha256: str
    signing_time: str | None  # ISO 8601, as reported by the signer
    timestamp_time: str | None  # ISO 8601, from a valid RFC 3161 timestamp
    intact: bool
    cryptographically_valid: bool
    trusted: bool
    covers_whole_document: bool
    modified_after_signing: bool
    modification_level: str
    revocation: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def revocation_text(self) -> str:
        return _(REVOCATION_TEXT.get(self.revocation, ""))


@dataclass
class VerificationReport:
    sha256: str
    size: int
    checked_at: str
    signatures: list[SignatureResult]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        return self.signed and all(signature.ok for signature in self.signatures)

    @property
    def summary(self) -> str:
        if not self.signatures:
            return _("Tệp không có chữ ký số nào.")
        count = len(self.signatures)
        if self.ok:
            # Vietnamese has one form; the plural is for the English catalogue.
            return ngettext(
                "Tất cả %(count)s chữ ký số đều hợp lệ: văn bản không bị sửa đổi sau khi ký "
                "và người ký được xác thực.",
                "Tất cả %(count)s chữ ký số đều hợp lệ: văn bản không bị sửa đổi sau khi ký "
                "và người ký được xác thực.",
                count,
            ) % {"count": count}
        bad = sum(1 for signature in self.signatures if not signature.ok)
        return ngettext(
            "%(bad)s trên %(count)s chữ ký số KHÔNG hợp lệ. Không tin cậy văn bản này.",
            "%(bad)s trên %(count)s chữ ký số KHÔNG hợp lệ. Không tin cậy văn bản này.",
            bad,
        ) % {"bad": bad, "count": count}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "VerificationReport":
        signatures = [SignatureResult(**item) for item in data.get("signatures", [])]
        return cls(
            sha256=data["sha256"],
            size=data["size"],
            checked_at=data["checked_at"],
            signatures=signatures,
        )


def looks_like_pdf(data: bytes) -> bool:
    """The PDF header must appear in the first 1,024 bytes (ISO 32000-1, 7.5.2 note)."""
    return b"%PDF-" in data[:1024]


def _asn1_certificates(ders: Sequence[bytes]) -> list[Any]:
    from asn1crypto import x509 as asn1_x509

    return [asn1_x509.Certificate.load(der) for der in ders]


def _has_revocation_pointers(certificate: Any) -> bool:
    return bool(certificate.ocsp_urls or certificate.crl_distribution_points)


def _signer_name(certificate: Any) -> str:
    name = certificate.subject.native
    return str(name.get("common_name") or certificate.subject.human_friendly)


def _plain_name(name: Any) -> str:
    """A distinguished name as plain values, most specific first ("Lê Văn Hùng, UBND xã
    Quỳ Châu, Nghệ An, VN"), instead of English attribute labels."""
    native = name.native
    parts = []
    for key in (
        "common_name",
        "title",
        "organizational_unit_name",
        "organization_name",
        "locality_name",
        "state_or_province_name",
        "country_name",
    ):
        value = native.get(key)
        values = value if isinstance(value, list) else [value]
        parts.extend(str(item) for item in values if item)
    return ", ".join(parts) or name.human_friendly


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _check_one(
    embedded: Any,
    *,
    trust_roots: Sequence[bytes],
    intermediates: Sequence[bytes],
    fetch_revocation: bool,
) -> SignatureResult:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=_asn1_certificates(trust_roots),
        other_certs=_asn1_certificates(intermediates),
        allow_fetching=fetch_revocation,
        revocation_mode="soft-fail",
    )
    status = validate_pdf_signature(embedded, signer_validation_context=context)
    certificate = status.signing_cert
    problems: list[str] = []
    if not status.intact:
        problems.append(
            _("Nội dung đã ký bị thay đổi: dữ liệu không còn khớp với chữ ký (toàn vẹn hỏng).")
        )
    elif not status.valid:
        problems.append(_("Chữ ký số không đúng về mật mã (khóa và chứng thư không khớp)."))
    if not status.trusted:
        if not trust_roots:
            problems.append(
                _("Chưa có chứng thư gốc tin cậy nào được nhập, nên không xác thực được người ký.")
            )
        else:
            problems.append(
                _(
                    "Chứng thư của người ký không thuộc tổ chức cung cấp dịch vụ chứng thực "
                    "được tin cậy, đã hết hạn hoặc không dùng để ký."
                )
            )
    level = status.modification_level
    modified = level is None or level > ModificationLevel.FORM_FILLING
    if modified:
        problems.append(
            _(
                "Văn bản đã bị sửa đổi sau khi ký (thêm hoặc thay nội dung ngoài chữ ký số "
                "và điền biểu mẫu)."
            )
        )
    coverage_ok = status.coverage is not None and status.coverage >= (
        SignatureCoverageLevel.ENTIRE_REVISION
    )
    if not coverage_ok:
        problems.append(_("Chữ ký không bao trùm toàn bộ văn bản tại thời điểm ký."))
    if status.docmdp_ok is False and not modified:
        problems.append(_("Thay đổi sau khi ký vi phạm quyền sửa đổi mà người ký cho phép."))

    if status.revoked:
        revocation = Revocation.REVOKED
        problems.append(_("Chứng thư số của người ký đã bị thu hồi."))
    elif not status.trusted:
        revocation = Revocation.NOT_APPLICABLE
    elif not _has_revocation_pointers(certificate):
        revocation = Revocation.NO_INFORMATION
    elif not fetch_revocation:
        revocation = Revocation.DISABLED
    elif context.soft_fail_exceptions:
        revocation = Revocation.UNREACHABLE
    else:
        revocation = Revocation.GOOD

    timestamp = status.timestamp_validity
    timestamp_time = None
    if timestamp is not None:
        if timestamp.intact and timestamp.valid:
            timestamp_time = _iso(timestamp.timestamp)
        else:
            problems.append(_("Dấu thời gian (RFC 3161) kèm chữ ký không hợp lệ."))
    der = certificate.dump()
    return SignatureResult(
        field_name=str(embedded.field_name),
        signer_name=_signer_name(certificate),
        signer_subject=_plain_name(certificate.subject),
        issuer=_plain_name(certificate.issuer),
        serial_number=format(certificate.serial_number, "X"),
        fingerprint_sha256=hashlib.sha256(der).hexdigest().upper(),
        signing_time=_iso(status.signer_reported_dt),
        timestamp_time=timestamp_time,
        intact=bool(status.intact),
        cryptographically_valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=bool(
            status.coverage is not None and status.coverage >= SignatureCoverageLevel.ENTIRE_FILE
        ),
        modified_after_signing=modified,
        modification_level=level.name if level is not None else "UNKNOWN",
        revocation=revocation,
        problems=problems,
    )


def verify_pdf_bytes(
    pdf_bytes: bytes,
    *,
    trust_roots: Sequence[bytes],
    intermediates: Sequence[bytes] = (),
    fetch_revocation: bool = False,
) -> VerificationReport:
    """Check every signature of `pdf_bytes` against `trust_roots` (DER certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not looks_like_pdf(pdf_bytes):
        raise PdfRejectedError(_("Tệp không phải là tệp PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
        signatures = [
            _check_one(
                item,
                trust_roots=list(trust_roots),
                intermediates=list(intermediates),
                fetch_revocation=fetch_revocation,
            )
            for item in embedded
        ]
    except DomainError:
        raise
    except Exception as error:
        # A malformed or hostile file can fail anywhere in the parser (bad xref, loops,
        # broken streams, recursion): the user gets one clear refusal, never a 500.
        logger.info("PDF refused by the signature checker: %s", type(error).__name__)
        raise PdfRejectedError(
            _(
                "Tệp PDF bị hỏng hoặc có cấu trúc không hợp lệ, không kiểm tra được chữ ký. "
                "Hãy tải lại bản gốc nhận từ cơ quan ban hành."
            )
        ) from error
    return VerificationReport(
        sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        size=len(pdf_bytes),
        checked_at=datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
        signatures=signatures,
    )
