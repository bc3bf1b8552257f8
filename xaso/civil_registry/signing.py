"""Digital signing of civil-status certificates and extract copies (ND 30/2020 Đ5, PL I).

The certificate of an entry (giấy khai sinh, trích lục kết hôn …) or an extract copy
(2.000635, with its serial number and QR) is generated with a signature field in the
signer's box. The leader who approves hộ tịch dossiers (the competent person) signs it with
his token or .p12 (blue signer image in that box); the văn thư then adds the
organisation's signature (red seal over the left third of the signer's image; Đ14.3,
Đ17.2), from her queue of files waiting for it (xaso.signatures.seal_queue) or, if she also
keeps the registers, from the entry's page. The
signed file is kept with the entry or the copy (SignedCivilDocument) and its verification
report shown on their pages. When the entry or the copy came from a one-stop dossier, the
signed PDF becomes that dossier's result file, so the applicant receives the signed one.

Signing is slow (a token answers in seconds): the PDF is signed outside any row lock and
stored in one transaction after checking again that nobody signed meanwhile.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.civil_registry import certificates
from xaso.civil_registry import kinds
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.civil_registry.models import Kind
from xaso.civil_registry.models import SignedCivilDocument
from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official
from xaso.core.i18n import official_call
from xaso.core.models import User
from xaso.dossiers.services import result_signing
from xaso.signatures import services as signatures
from xaso.signatures.models import VerificationRecord

# The leader who approves a hộ tịch dossier signs its certificate with his own key; the
# văn thư adds the organisation's signature, without access to the registers.
SIGN_PERMISSION = result_signing.SIGN_PERMISSION
SIGN_PERMISSIONS = result_signing.SIGN_PERMISSIONS
SEAL_PERMISSIONS = result_signing.SEAL_PERMISSIONS
# A layout without the field (should not happen): box 7c of the last page.
DEFAULT_SIGNER_BOX = (330.0, 120.0, 480.0, 190.0)

register_audit_labels(
    {
        "civil_registry.certificate_signed": gettext_lazy("Ký số giấy tờ hộ tịch"),
        "civil_registry.certificate_sealed": gettext_lazy("Ký số của cơ quan vào giấy tờ hộ tịch"),
    }
)

Target = CivilEntry | ExtractCopy


class CivilSigningError(DomainError):
    code = "civil_signing"


def signed_document(target: Target) -> SignedCivilDocument | None:
    lookup = {"entry": target} if isinstance(target, CivilEntry) else {"extract_copy": target}
    return SignedCivilDocument.objects.filter(**lookup).select_related("verification").first()


def _has_all(actor: User, permissions: tuple[str, ...]) -> bool:
    return all(actor.has_perm(permission) for permission in permissions)


def _may(actor: User, permissions: tuple[str, ...], target: Target) -> bool:
    return (
        _has_all(actor, permissions)
        and actor.unit_id is not None
        and actor.unit_id == target.unit_id
    )


def may_seal(actor: User) -> bool:
    return actor.unit_id is not None and _has_all(actor, SEAL_PERMISSIONS)


def awaiting_seal(actor: User) -> list[SignedCivilDocument]:
    """Certificates and copies of `actor`'s unit signed by the competent person and waiting
    for the organisation's signature, oldest signature first; none for who may not seal."""
    if not may_seal(actor):
        return []
    return list(
        SignedCivilDocument.objects.filter(unit_id=actor.unit_id, sealed_at__isnull=True)
        .select_related("entry", "extract_copy", "extract_copy__entry", "signed_by")
        .order_by("signed_at", "pk")
    )


def target_for_sealer(*, actor: User, model: type[Target], pk: int) -> Target:
    """The entry or copy `pk` of `actor`'s unit, for who adds the organisation's signature
    (she does not read the registers). PermissionDenied without the seal permission;
    Http404 for another unit's."""
    if not _has_all(actor, SEAL_PERMISSIONS):
        raise PermissionDenied
    try:
        return model.objects.writable_by(actor).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def describe(target: Target) -> str:
    """What the signed file is, as the văn thư's queue shows it."""
    return _describe(target)[0]


def _signable(target: Target) -> bool:
    # A change entry has no certificate of its own: its extract is the changed entry's.
    return not (isinstance(target, CivilEntry) and target.kind == Kind.CHANGE)


def can_sign(actor: User, target: Target) -> bool:
    return (
        _may(actor, SIGN_PERMISSIONS, target)
        and _signable(target)
        and signed_document(target) is None
    )


def can_seal(actor: User, target: Target) -> bool:
    signed = signed_document(target)
    return _may(actor, SEAL_PERMISSIONS, target) and signed is not None and signed.sealed_at is None


def _check(actor: User, permissions: tuple[str, ...], target: Target) -> None:
    if not _has_all(actor, permissions):
        raise PermissionDenied
    if actor.unit_id is None or actor.unit_id != target.unit_id:
        raise PermissionDenied


def _describe(target: Target) -> tuple[str, str]:
    """(what it is, stem of the file name)."""
    if isinstance(target, CivilEntry):
        title = kinds.spec_for(target.kind).title
        stem = certificates.certificate_filename(target).removesuffix(".pdf")
        return title, stem
    return (
        _("Bản sao trích lục số %(serial)s/%(year)s")
        % {"serial": target.serial_number, "year": target.year},
        certificates.extract_copy_filename(target).removesuffix(".pdf"),
    )


def _verify(actor: User, target: Target, data: bytes, name: str) -> VerificationRecord:
    checker = actor if actor.has_perm(signatures.VERIFY_PERMISSION) else None
    return signatures.record_verification(
        actor=checker,
        unit=target.unit,
        pdf_bytes=data,
        filename=name,
        source=VerificationRecord.Source.STAFF,
    )


def _audit(action: str, actor: User, target: Target, signed: bytes) -> None:
    entry = target if isinstance(target, CivilEntry) else target.entry
    data = {"signed_sha256": hashlib.sha256(signed).hexdigest()}
    if isinstance(target, ExtractCopy):
        data.update(serial_number=target.serial_number, year=target.year)
    record_audit_event(action=action, actor=actor, target=entry, data=data)


def sign(*, actor: User, target: Target, key: signatures.Pkcs12Key | signatures.TokenKey):
    """The competent person signs the certificate or copy, generated now (Đ13.7).

    PermissionDenied without approve_dossier and the sign permission or across units;
    CivilSigningError when already signed; SigningError for a refused key, PIN or
    certificate. Nothing is stored then."""
    _check(actor, SIGN_PERMISSIONS, target)
    if not _signable(target):
        raise CivilSigningError(
            _(
                "Việc thay đổi, cải chính không có giấy riêng; hãy ký trích lục của việc được thay đổi."
            )
        )
    existing = signed_document(target)
    if existing is not None:
        raise CivilSigningError(
            _("%(what)s đã được %(name)s ký số lúc %(at)s.")
            % {
                "what": _describe(target)[0],
                "name": existing.signed_by.full_name or existing.signed_by.username,
                "at": timezone.localtime(existing.signed_at).strftime("%H:%M %d/%m/%Y"),
            }
        )
    if isinstance(target, CivilEntry):
        pdf = certificates.certificate_pdf(target, for_signing=True)
        version = target.version
    else:
        pdf = certificates.extract_copy_pdf(target, for_signing=True)
        version = target.entry_version
    placed = signatures.pdf_field_box(pdf, certificates.SIGNATURE_FIELD)
    page, box = placed if placed is not None else (-1, DEFAULT_SIGNER_BOX)
    what, stem = _describe(target)
    signed = signatures.sign_pdf_as(
        actor=actor,
        pdf_bytes=pdf,
        signer=key,
        appearance=signatures.Appearance.signer(box=box, page=page),
        reason=official_call(lambda: _("Ký %(what)s") % {"what": _describe(target)[0]}),
        location=target.unit.name,
    )
    name = f"{stem}-da-ky.pdf"
    try:
        with transaction.atomic():
            document = SignedCivilDocument(
                unit_id=target.unit_id,
                entry=target if isinstance(target, CivilEntry) else None,
                extract_copy=target if isinstance(target, ExtractCopy) else None,
                entry_version=version,
                signed_at=timezone.now(),
                signed_by=actor,
            )
            document.file.save(name, ContentFile(signed), save=False)
            document.verification = _verify(actor, target, signed, name)
            document.save(force_insert=True)
            _audit("civil_registry.certificate_signed", actor, target, signed)
    except IntegrityError as error:
        # Another leader signed the same one meanwhile (one per certificate or copy).
        raise CivilSigningError(
            _("%(what)s vừa được người khác ký số; hãy tải lại trang.") % {"what": what}
        ) from error
    return document


def seal(*, actor: User, target: Target, key: signatures.Pkcs12Key | signatures.TokenKey):
    """The organisation's signature on the signed certificate or copy (Đ14.3, Đ17.2); the
    signed file then becomes the result of the dossier it came from, if any."""
    _check(actor, SEAL_PERMISSIONS, target)
    document = signed_document(target)
    what, stem = _describe(target)
    if document is None:
        raise CivilSigningError(
            _("%(what)s chưa được người có thẩm quyền ký số; chưa ký số của cơ quan được.")
            % {"what": what}
        )
    if document.sealed_at is not None:
        raise CivilSigningError(
            _("%(what)s đã có chữ ký số của cơ quan (lúc %(at)s).")
            % {
                "what": what,
                "at": timezone.localtime(document.sealed_at).strftime("%H:%M %d/%m/%Y"),
            }
        )
    with document.file.open("rb") as handle:
        pdf = handle.read()
    placed = signatures.pdf_field_box(pdf, certificates.SIGNATURE_FIELD)
    page, box = placed if placed is not None else (-1, DEFAULT_SIGNER_BOX)
    signed = signatures.sign_pdf_as(
        actor=actor,
        pdf_bytes=pdf,
        signer=key,
        appearance=signatures.Appearance.organisation(signer_box=box, page=page),
        reason=official(gettext_lazy("Ký số của cơ quan, tổ chức")),
        location=target.unit.name,
    )
    name = f"{stem}.pdf"
    with transaction.atomic():
        locked = SignedCivilDocument.objects.select_for_update().get(pk=document.pk)
        if locked.sealed_at is not None or locked.file.name != document.file.name:
            raise CivilSigningError(
                _("%(what)s vừa được người khác ký số; hãy tải lại trang.") % {"what": what}
            )
        locked.sealed_at, locked.sealed_by = timezone.now(), actor
        locked.file.save(name, ContentFile(signed), save=False)
        locked.verification = _verify(actor, target, signed, name)
        locked.save()
        _audit("civil_registry.certificate_sealed", actor, target, signed)
        dossier = target.dossier
        if dossier is not None:
            result_signing.attach_signed_result(
                dossier=dossier,
                name=name,
                data=signed,
                signed_by=locked.signed_by,
                signed_at=locked.signed_at,
                sealed_by=actor,
                verification=locked.verification,
            )
    return locked
