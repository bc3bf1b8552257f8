"""Digital signing of a one-stop result (ND 30/2020 Đ5, PL I): the leader who approves the
result (the competent person) signs the recorded PDF with his token or .p12 (blue signer
image), then the văn thư adds the organisation's signature (red seal over the left third of
the signer's image; ND 30/2020 Đ14.3, Đ17.2), from the dossier page or her queue of files
waiting for it (xaso.signatures.seal_queue). The applicant then receives the signed PDF: `Result.file`
becomes it, the recorded PDF stays in `Result.original_file`.

A paper result (a scan, or a PDF nobody signs here) is returned as before. Signing is slow
(a token answers in seconds), so the PDF is signed outside the dossier's row lock and the
stored file is checked again under the lock before the signed one replaces it: of two
leaders signing at once, the second is refused and nothing of his is kept.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official
from xaso.core.models import User
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import Result
from xaso.dossiers.services import results
from xaso.signatures import services as signatures
from xaso.signatures.models import VerificationRecord

SIGN_PERMISSION = "dossiers.approve_dossier"
# The leader signs with his own key: he approves the dossier and may sign. The
# organisation's signature is the văn thư's alone; she needs no access to the dossier.
SIGN_PERMISSIONS = (SIGN_PERMISSION, signatures.SIGN_PERMISSION)
SEAL_PERMISSIONS = (signatures.SEAL_PERMISSION,)
# An uploaded result has no signature field: box 7c where most decisions and certificates
# have it, the right half of the last page above the bottom margin (PDF points).
SIGNER_BOX = (330.0, 120.0, 480.0, 190.0)

register_audit_labels(
    {
        "dossier.result_signed": gettext_lazy("Ký số kết quả giải quyết hồ sơ"),
        "dossier.result_sealed": gettext_lazy("Ký số của cơ quan vào kết quả giải quyết hồ sơ"),
    }
)


class ResultSigningError(DomainError):
    code = "result_signing"


def _is_pdf(result: Result) -> bool:
    if not result.file or not result.file.name.lower().endswith(".pdf"):
        return False
    with result.file.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def _read(result: Result) -> bytes:
    with result.file.open("rb") as handle:
        return handle.read()


def _has_permission(actor: User, permissions: tuple[str, ...], dossier: Dossier) -> bool:
    return (
        all(actor.has_perm(permission) for permission in permissions)
        and actor.unit_id is not None
        and actor.unit_id == dossier.unit_id
    )


def can_sign(actor: User, dossier: Dossier) -> bool:
    """Whether the page offers `actor` the leader's signing form for `dossier`'s result."""
    result = Result.objects.filter(dossier=dossier).first()
    return (
        _has_permission(actor, SIGN_PERMISSIONS, dossier)
        and not dossier.is_closed
        and result is not None
        and result.signed_at is None
        and _is_pdf(result)
    )


def can_seal(actor: User, dossier: Dossier) -> bool:
    """Whether the page offers `actor` the organisation's signing form."""
    result = Result.objects.filter(dossier=dossier).first()
    return (
        _has_permission(actor, SEAL_PERMISSIONS, dossier)
        and not dossier.is_closed
        and result is not None
        and result.signed_at is not None
        and result.sealed_at is None
    )


def _check(actor: User, dossier: Dossier, permissions: tuple[str, ...]) -> None:
    if not all(actor.has_perm(permission) for permission in permissions):
        raise PermissionDenied
    if actor.unit_id is None or actor.unit_id != dossier.unit_id:
        raise PermissionDenied
    if dossier.is_closed:
        raise ResultSigningError(
            _("Hồ sơ đã kết thúc (%(status)s); không ký số kết quả được nữa.")
            % {"status": dossier.get_status_display()}
        )


def _result_of(dossier: Dossier) -> Result:
    result = Result.objects.filter(dossier=dossier).first()
    if result is None or not result.file:
        raise ResultSigningError(
            _("Hồ sơ chưa có tệp kết quả; hãy ghi nhận kết quả kèm tệp PDF trước khi ký số.")
        )
    return result


def _verify(actor: User, dossier: Dossier, data: bytes, name: str) -> VerificationRecord:
    """Check the signed file against the unit's trust anchors and keep the report."""
    checker = actor if actor.has_perm(signatures.VERIFY_PERMISSION) else None
    return signatures.record_verification(
        actor=checker,
        unit=dossier.unit,
        pdf_bytes=data,
        filename=name,
        source=VerificationRecord.Source.STAFF,
    )


def _store(
    *,
    actor: User,
    dossier: Dossier,
    expected_sha256: str,
    signed: bytes,
    stage: str,
) -> Result:
    """Under the dossier's lock: the file must still be the one that was signed; the signed
    PDF replaces it, the report is stored, the event and the audit row are written."""
    dossier = results._lock(dossier)
    results._check_open(dossier)
    result = Result.objects.select_for_update().get(dossier=dossier)
    current = hashlib.sha256(_read(result)).hexdigest() if result.file else ""
    if current != expected_sha256 or (stage == "signed" and result.signed_at is not None):
        raise ResultSigningError(
            _("Tệp kết quả vừa được thay đổi hoặc ký số bởi người khác; hãy tải lại trang.")
        )
    now = timezone.now()
    name = f"ket-qua-{dossier.code}-{'da-ky' if stage == 'signed' else 'ban-dien-tu'}.pdf"
    if stage == "signed":
        result.original_file = result.file.name
        result.signed_at, result.signed_by = now, actor
    else:
        result.sealed_at, result.sealed_by = now, actor
    result.file.save(name, ContentFile(signed), save=False)
    result.verification = _verify(actor, dossier, signed, name)
    result.save()
    data = {
        "number": result.number,
        "signed_sha256": hashlib.sha256(signed).hexdigest(),
        "valid": result.verification.is_valid,
    }
    action = "result_signed" if stage == "signed" else "result_sealed"
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        created_at=now,
        data=data,
        is_public=False,
    )
    record_audit_event(
        action=f"dossier.{action}",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, **data},
    )
    return result


def sign_result(
    *, actor: User, dossier: Dossier, key: signatures.Pkcs12Key | signatures.TokenKey
) -> Result:
    """The competent person signs the result PDF (blue image in box 7c of the last page).

    PermissionDenied without approve_dossier and the sign permission, or across units.
    ResultSigningError for a paper result, a file that is not a PDF, a file already signed,
    a closed dossier; SigningError for a refused key, PIN or certificate. Nothing changes
    then."""
    _check(actor, dossier, SIGN_PERMISSIONS)
    result = _result_of(dossier)
    if result.signed_at is not None:
        raise ResultSigningError(
            _("Kết quả đã được %(name)s ký số lúc %(at)s.")
            % {
                "name": result.signed_by.full_name or result.signed_by.username,
                "at": timezone.localtime(result.signed_at).strftime("%H:%M %d/%m/%Y"),
            }
        )
    if not _is_pdf(result):
        raise ResultSigningError(
            _(
                "Tệp kết quả không phải tệp PDF nên không ký số được. Hãy tải lên bản PDF "
                "của kết quả, hoặc ký trên giấy và trả bản giấy."
            )
        )
    pdf = _read(result)
    try:
        existing = signatures.verify_pdf(pdf, unit=dossier.unit)
    except signatures.PdfRejectedError as error:
        raise ResultSigningError(error.message) from error
    if existing.signatures:
        raise ResultSigningError(
            _(
                "Tệp kết quả đã có chữ ký số (%(count)s chữ ký, ký ngoài hệ thống); không ký "
                "thêm vào tệp này."
            )
            % {"count": len(existing.signatures)}
        )
    signed = signatures.sign_pdf_as(
        actor=actor,
        pdf_bytes=pdf,
        signer=key,
        appearance=signatures.Appearance.signer(box=SIGNER_BOX, page=-1),
        reason=official(
            gettext_lazy("Ký kết quả giải quyết hồ sơ %(code)s"), {"code": dossier.code}
        ),
        location=dossier.unit.name,
    )
    with transaction.atomic():
        return _store(
            actor=actor,
            dossier=dossier,
            expected_sha256=hashlib.sha256(pdf).hexdigest(),
            signed=signed,
            stage="signed",
        )


def seal_result(
    *, actor: User, dossier: Dossier, key: signatures.Pkcs12Key | signatures.TokenKey
) -> Result:
    """The văn thư adds the organisation's signature (red seal over the left third of the
    signer's image) to the signed result. PermissionDenied without the seal permission or
    across units; refused like sign_result; also before the competent person signed, and
    when the organisation already signed."""
    _check(actor, dossier, SEAL_PERMISSIONS)
    result = _result_of(dossier)
    if result.signed_at is None:
        raise ResultSigningError(
            _("Người có thẩm quyền chưa ký số kết quả; chưa ký số của cơ quan được.")
        )
    if result.sealed_at is not None:
        raise ResultSigningError(
            _("Kết quả đã có chữ ký số của cơ quan (lúc %(at)s).")
            % {"at": timezone.localtime(result.sealed_at).strftime("%H:%M %d/%m/%Y")}
        )
    pdf = _read(result)
    signed = signatures.sign_pdf_as(
        actor=actor,
        pdf_bytes=pdf,
        signer=key,
        appearance=signatures.Appearance.organisation(signer_box=SIGNER_BOX, page=-1),
        reason=official(gettext_lazy("Ký số của cơ quan, tổ chức")),
        location=dossier.unit.name,
    )
    with transaction.atomic():
        return _store(
            actor=actor,
            dossier=dossier,
            expected_sha256=hashlib.sha256(pdf).hexdigest(),
            signed=signed,
            stage="sealed",
        )


def results_awaiting_seal(actor: User) -> list[Result]:
    """Results of `actor`'s unit signed by the competent person and waiting for the
    organisation's signature (open dossiers only), oldest signature first; none for who
    may not seal."""
    if actor.unit_id is None or not all(actor.has_perm(p) for p in SEAL_PERMISSIONS):
        return []
    return list(
        Result.objects.filter(
            dossier__unit_id=actor.unit_id,
            signed_at__isnull=False,
            sealed_at__isnull=True,
        )
        .exclude(dossier__status__in=Dossier.CLOSED_STATUSES)
        .select_related("dossier", "dossier__procedure", "signed_by")
        .order_by("signed_at", "pk")
    )


def signed_result_for_sealer(*, actor: User, pk: int) -> Result:
    """The signed result of dossier `pk` for who adds the organisation's signature: only
    that file, not the dossier. PermissionDenied without the seal permission; Http404 for
    another unit's dossier, or a result nobody signed yet."""
    if not all(actor.has_perm(permission) for permission in SEAL_PERMISSIONS):
        raise PermissionDenied
    result = (
        Result.objects.filter(
            dossier_id=pk,
            dossier__unit_id=actor.unit_id,
            signed_at__isnull=False,
        )
        .exclude(file="")
        .select_related("dossier")
        .first()
    )
    if actor.unit_id is None or result is None:
        raise Http404
    return result


def attach_signed_result(
    *,
    dossier: Dossier,
    name: str,
    data: bytes,
    signed_by: User,
    signed_at: datetime.datetime,
    sealed_by: User,
    verification: VerificationRecord | None,
) -> Result | None:
    """Another app signed the result itself (e.g. a civil-status certificate, signed and
    sealed in the civil registry): the signed PDF becomes the file the applicant receives.
    Runs in the caller's transaction; None when the dossier has no result or is closed."""
    dossier = results._lock(dossier)
    if dossier.is_closed:
        return None
    result = Result.objects.select_for_update().filter(dossier=dossier).first()
    if result is None:
        return None
    now = timezone.now()
    if result.file and not result.original_file:
        result.original_file = result.file.name
    result.file.save(name, ContentFile(data), save=False)
    result.signed_at, result.signed_by = signed_at, signed_by
    result.sealed_at, result.sealed_by = now, sealed_by
    result.verification = verification
    result.save()
    DossierEvent.objects.create(
        dossier=dossier,
        action="result_sealed",
        from_status=dossier.status,
        to_status=dossier.status,
        actor=sealed_by,
        created_at=now,
        data={"number": result.number, "signed_sha256": hashlib.sha256(data).hexdigest()},
        is_public=False,
    )
    return result


def downloadable_result(dossier: Dossier) -> Result | None:
    """The signed result the applicant may download online (public lookup), or None.

    Only an electronic result with both signatures, and only once it is the applicant's:
    returned, or ready for an applicant who asked for the electronic result and owes no fee
    (a paper result, or one still to be paid for, is collected at the desk)."""
    result = Result.objects.filter(dossier=dossier).first()
    if result is None or not result.is_fully_signed or not result.file:
        return None
    if dossier.status == Dossier.Status.RETURNED:
        return result
    if (
        dossier.status == Dossier.Status.RESULT_READY
        and dossier.delivery_method == DeliveryMethod.ONLINE
        and not results.fee_summary(dossier).outstanding
    ):
        return result
    return None
