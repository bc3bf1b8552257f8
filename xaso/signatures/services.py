"""The signatures app's interface for other apps, and its writes.

Other apps call only these functions (docs/architecture.md: callers never touch pyHanko):

    sign_pdf(pdf_bytes, *, signer, appearance) -> bytes
    sign_pdf_as(actor=, pdf_bytes=, signer=, appearance=) -> bytes   (checks the certificate)
    verify_pdf(pdf_bytes, *, unit) -> VerificationReport
    record_verification(actor=, unit=, pdf_bytes=, filename=, source=) -> VerificationRecord

    open_xml_signing_key(key, actor=) -> context manager of XmlSigningKey
        (private_key, certificate, chain) for XML signatures (edXML packages)
    trust_material(unit) -> (roots, intermediates) as DER

plus `Appearance`, `Pkcs12Key`, `TokenKey` to describe the key and the visible signature.
"""

import contextlib
import hashlib
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.signatures import pki
from xaso.signatures.models import TrustAnchor
from xaso.signatures.models import UserCertificate
from xaso.signatures.models import VerificationRecord
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import SignerKey
from xaso.signatures.signing import SigningError
from xaso.signatures.signing import TokenKey
from xaso.signatures.verification import PdfRejectedError
from xaso.signatures.verification import VerificationReport
from xaso.signatures.verification import verify_pdf_bytes
from xaso.signatures.xml_keys import XmlSigningKey

__all__ = [
    "Appearance",
    "PdfRejectedError",
    "Pkcs12Key",
    "SigningError",
    "TokenKey",
    "VerificationReport",
    "XmlSigningKey",
    "add_pdf_signature_field",
    "fill_pdf_fields",
    "import_trust_anchor",
    "open_xml_signing_key",
    "pdf_field_box",
    "pdf_field_names",
    "record_verification",
    "register_user_certificate",
    "remove_trust_anchor",
    "remove_user_certificate",
    "sign_pdf",
    "sign_pdf_as",
    "trust_material",
    "verify_pdf",
]

MANAGE_ANCHORS_PERMISSION = "signatures.manage_trust_anchors"
VERIFY_PERMISSION = "signatures.verify_signatures"
SIGN_PERMISSION = "signatures.sign_documents"
SEAL_PERMISSION = "signatures.seal_for_organisation"


# --- signing ---------------------------------------------------------------------------


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer: SignerKey,
    appearance: Appearance,
    reason: str = "",
    location: str = "",
) -> bytes:
    """Add one PAdES signature to `pdf_bytes` (no user check; see sign_pdf_as)."""
    from xaso.signatures import signing

    return signing.sign_pdf(
        pdf_bytes, signer=signer, appearance=appearance, reason=reason, location=location
    )


def sign_pdf_as(
    *,
    actor: User,
    pdf_bytes: bytes,
    signer: SignerKey,
    appearance: Appearance,
    reason: str = "",
    location: str = "",
    certify_form_filling: bool = False,
) -> bytes:
    """Sign as `actor`: they need the sign permission and must have registered the key's
    certificate (a person signs only with their own certificate). Audited."""
    from xaso.signatures import signing

    allowed = _registered_certificates(actor)
    signed = signing.sign_pdf(
        pdf_bytes,
        signer=signer,
        appearance=appearance,
        reason=reason,
        location=location,
        allowed_certificates=allowed,
        ltv_anchors=trust_material(actor.unit),
        certify_form_filling=certify_form_filling,
    )
    with transaction.atomic():
        record_audit_event(
            action="signatures.pdf_signed",
            actor=actor,
            data={
                "kind": appearance.kind,
                "method": "pkcs11" if isinstance(signer, TokenKey) else "pkcs12",
                "document_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
                "signed_sha256": hashlib.sha256(signed).hexdigest(),
            },
        )
    return signed


def _registered_certificates(actor: User) -> set[bytes]:
    if not actor.has_perm(SIGN_PERMISSION) or not actor.unit_id:
        raise PermissionDenied
    allowed = {
        bytes(der)
        for der in UserCertificate.objects.filter(user=actor, unit_id=actor.unit_id).values_list(
            "certificate_der", flat=True
        )
    }
    if not allowed:
        raise SigningError(
            _("Bạn chưa đăng ký chứng thư số. Hãy đăng ký chứng thư trước khi ký."),
            code="no_certificate",
        )
    return allowed


@contextlib.contextmanager
def open_xml_signing_key(key: SignerKey, *, actor: User | None = None) -> Iterator[XmlSigningKey]:
    """The key for an XML signature (XMLDSig of an edXML package), open for the block:
    `(private_key, certificate, chain)`; a token key signs on the token.

    With `actor`, the same rule as sign_pdf_as: the sign permission and a certificate the
    actor registered. SigningError (Vietnamese) for a wrong PIN, passphrase or key."""
    from xaso.signatures import xml_keys

    allowed = _registered_certificates(actor) if actor is not None else None
    with xml_keys.open_xml_signing_key(key, allowed_certificates=allowed) as xml_key:
        yield xml_key


def pdf_field_box(
    pdf_bytes: bytes, name: str
) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page, box) of the text field `name` (e.g. where the signature goes), or None."""
    from xaso.signatures import fields

    return fields.field_box(pdf_bytes, name)


def pdf_field_names(pdf_bytes: bytes) -> set[str]:
    from xaso.signatures import fields

    return fields.text_field_names(pdf_bytes)


def add_pdf_signature_field(
    pdf_bytes: bytes, *, name: str, page: int, box: tuple[float, float, float, float]
) -> bytes:
    """An empty signature field to be signed into later (e.g. the organisation's seal,
    placed before the signer's certification signature)."""
    from xaso.signatures import fields

    return fields.add_signature_field(pdf_bytes, name=name, page=page, box=box)


def fill_pdf_fields(pdf_bytes: bytes, *, values: dict[str, str]) -> bytes:
    """Fill text fields of a (signed) PDF as form filling, which a certification signature
    with DocMDP P=2 allows (number and date after the signer signed, ND 30 Đ15)."""
    from xaso.signatures import fields

    return fields.fill_text_fields(pdf_bytes, values)


# --- verification ----------------------------------------------------------------------


def trust_material(unit: AdministrativeUnit | None) -> tuple[list[bytes], list[bytes]]:
    """(roots, intermediates) trusted for `unit`: its own anchors and the global ones.

    `unit` None (the public page): every anchor of the deployment, since a citizen may
    check a result issued by any unit hosted here.
    """
    anchors = TrustAnchor.objects.all()
    if unit is not None:
        anchors = anchors.filter(Q(unit__isnull=True) | Q(unit=unit))
    roots, intermediates = [], []
    seen = set()
    for kind, der, fingerprint in anchors.values_list(
        "kind", "certificate_der", "fingerprint_sha256"
    ):
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        (roots if kind == TrustAnchor.Kind.ROOT else intermediates).append(bytes(der))
    return roots, intermediates


def verify_pdf(pdf_bytes: bytes, *, unit: AdministrativeUnit | None) -> VerificationReport:
    """Check every signature of `pdf_bytes` against the anchors trusted for `unit`."""
    if len(pdf_bytes) > settings.XASO_VERIFY_MAX_BYTES:
        raise PdfRejectedError(
            _("Tệp quá lớn (tối đa %(size)s MB).")
            % {"size": settings.XASO_VERIFY_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    roots, intermediates = trust_material(unit)
    return verify_pdf_bytes(
        pdf_bytes,
        trust_roots=roots,
        intermediates=intermediates,
        fetch_revocation=settings.XASO_SIGNATURE_FETCH_REVOCATION,
    )


def record_verification(
    *,
    actor: User | None,
    unit: AdministrativeUnit | None,
    pdf_bytes: bytes,
    filename: str = "",
    source: str = VerificationRecord.Source.STAFF,
) -> VerificationRecord:
    """Verify and store the report (PdfRejectedError when the file cannot be checked)."""
    if actor is not None and source == VerificationRecord.Source.STAFF:
        if not actor.has_perm(VERIFY_PERMISSION):
            raise PermissionDenied
        if unit is None or actor.unit_id != unit.pk:
            raise Http404
    report = verify_pdf(pdf_bytes, unit=unit)
    with transaction.atomic():
        record = VerificationRecord.objects.create(
            unit=unit,
            source=source,
            filename=filename[:255],
            sha256=report.sha256,
            size=report.size,
            signature_count=len(report.signatures),
            is_valid=report.ok,
            report=report.to_dict(),
            checked_by=actor,
        )
        if unit is not None:
            record_audit_event(
                action="signatures.pdf_verified",
                actor=actor,
                unit=unit,
                target=record,
                data={"sha256": report.sha256, "valid": report.ok},
            )
    return record


# --- trust anchors ---------------------------------------------------------------------


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission) or not actor.unit_id:
        raise PermissionDenied


def import_trust_anchor(
    *, actor: User | None, data: bytes, for_all_units: bool = False
) -> TrustAnchor:
    """Import a root or intermediate CA certificate (PEM or DER) for the actor's unit, or
    for every unit (a platform superuser, or `actor` None from the `import_trust_anchors`
    command run by the operator)."""
    if for_all_units:
        if actor is not None and not actor.is_superuser:
            raise PermissionDenied
        unit = None
    else:
        if actor is None:
            raise PermissionDenied
        _require(actor, MANAGE_ANCHORS_PERMISSION)
        unit = actor.unit
    try:
        certificate = pki.parse_certificate_file(data)
    except pki.CertificateFileError as error:
        raise DomainError(str(error), code="bad_certificate") from error
    info = pki.describe(certificate)
    if not info.is_ca:
        raise DomainError(
            _(
                "Đây là chứng thư của một người ký, không phải chứng thư của tổ chức cung cấp "
                "dịch vụ chứng thực (CA). Chỉ nhập chứng thư gốc hoặc trung gian."
            ),
            code="not_a_ca",
        )
    exists = TrustAnchor.objects.filter(fingerprint_sha256=info.fingerprint_sha256)
    exists = exists.filter(unit__isnull=True) if unit is None else exists.filter(unit=unit)
    if exists.exists():
        raise DomainError(_("Chứng thư này đã có trong danh sách tin cậy."), code="duplicate")
    with transaction.atomic():
        anchor = TrustAnchor.objects.create(
            unit=unit,
            kind=TrustAnchor.Kind.ROOT if info.self_signed else TrustAnchor.Kind.INTERMEDIATE,
            certificate_der=info.der,
            subject=info.subject[:1000],
            common_name=info.common_name[:300],
            issuer=info.issuer[:1000],
            serial_number=info.serial_number[:100],
            not_before=info.not_before,
            not_after=info.not_after,
            fingerprint_sha256=info.fingerprint_sha256,
            imported_by=actor,
        )
        record_audit_event(
            action="signatures.trust_anchor_imported",
            actor=actor,
            unit=unit,
            target=anchor,
            data={"subject": info.subject, "fingerprint": info.fingerprint_sha256},
        )
    return anchor


def remove_trust_anchor(*, actor: User, anchor: TrustAnchor) -> None:
    if anchor.unit_id is None:
        if not actor.is_superuser:
            raise PermissionDenied
    else:
        _require(actor, MANAGE_ANCHORS_PERMISSION)
        if anchor.unit_id != actor.unit_id:
            raise Http404
    with transaction.atomic():
        record_audit_event(
            action="signatures.trust_anchor_removed",
            actor=actor,
            unit=anchor.unit,
            target=anchor,
            data={"subject": anchor.subject, "fingerprint": anchor.fingerprint_sha256},
        )
        anchor.delete()


# --- users' certificates ---------------------------------------------------------------


def register_user_certificate(*, actor: User, data: bytes) -> UserCertificate:
    """Register the actor's own public signing certificate (PEM or DER)."""
    if not actor.unit_id:
        raise PermissionDenied
    try:
        certificate = pki.parse_certificate_file(data)
    except pki.CertificateFileError as error:
        raise DomainError(str(error), code="bad_certificate") from error
    info = pki.describe(certificate)
    if info.is_ca:
        raise DomainError(
            _("Đây là chứng thư của tổ chức cung cấp dịch vụ (CA), không phải chứng thư ký."),
            code="is_ca",
        )
    if info.not_after < timezone.now():
        raise DomainError(
            _("Chứng thư số đã hết hiệu lực từ ngày %(date)s; hãy dùng chứng thư còn hiệu lực.")
            % {"date": timezone.localtime(info.not_after).strftime("%d/%m/%Y")},
            code="expired",
        )
    if UserCertificate.objects.filter(
        user=actor, fingerprint_sha256=info.fingerprint_sha256
    ).exists():
        raise DomainError(_("Bạn đã đăng ký chứng thư này."), code="duplicate")
    with transaction.atomic():
        registered = UserCertificate.objects.create(
            unit_id=actor.unit_id,
            user=actor,
            certificate_der=info.der,
            subject=info.subject[:1000],
            common_name=info.common_name[:300],
            issuer=info.issuer[:1000],
            serial_number=info.serial_number[:100],
            not_before=info.not_before,
            not_after=info.not_after,
            fingerprint_sha256=info.fingerprint_sha256,
        )
        record_audit_event(
            action="signatures.certificate_registered",
            actor=actor,
            target=registered,
            data={"subject": info.subject, "fingerprint": info.fingerprint_sha256},
        )
    return registered


def remove_user_certificate(*, actor: User, certificate: UserCertificate) -> None:
    if certificate.user_id != actor.pk:
        raise Http404
    with transaction.atomic():
        record_audit_event(
            action="signatures.certificate_removed",
            actor=actor,
            target=certificate,
            data={"fingerprint": certificate.fingerprint_sha256},
        )
        certificate.delete()
