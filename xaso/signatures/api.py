"""Signatures API (mounted at /api/v1/chu-ky-so/): verify a PDF and read stored reports,
and the public check (no login; the same per-address limit as the public page).

Same rules and services as the pages: no permission → 403, another unit's report → 404,
a file that cannot be checked → 422 with code `bad_pdf` / `too_large` and the Vietnamese
`detail`.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File
from ninja import Router
from ninja import Schema
from ninja import Status
from ninja.files import UploadedFile

from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.core.tenancy import get_readable_or_404
from xaso.signatures import services
from xaso.signatures.models import VerificationRecord
from xaso.signatures.public import allow_public_check

router = Router(tags=["chu-ky-so"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class SignatureOut(Schema):
    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    serial_number: str
    fingerprint_sha256: str
    signing_time: str | None
    timestamp_time: str | None
    intact: bool
    trusted: bool
    modified_after_signing: bool
    revocation: str
    revocation_text: str
    ok: bool
    problems: list[str]


class VerificationOut(Schema):
    id: int
    filename: str
    sha256: str
    checked_at: str
    valid: bool
    summary: str
    signatures: list[SignatureOut]


def _out(record: VerificationRecord) -> dict[str, Any]:
    report = record.as_report()
    return {
        "id": record.pk,
        "filename": record.filename,
        "sha256": record.sha256,
        "checked_at": record.checked_at.isoformat(),
        "valid": report.ok,
        "summary": report.summary,
        "signatures": [
            {
                **signature.__dict__,
                "revocation_text": signature.revocation_text,
                "ok": signature.ok,
            }
            for signature in report.signatures
        ],
    }


@router.post(
    "/verifications",
    response={201: VerificationOut},
    summary="Kiểm tra chữ ký số của một tệp PDF và lưu kết quả",
)
def verification_create(request: HttpRequest, document: File[UploadedFile]) -> Status[Any]:
    user = _user(request)
    if not user.has_perm(services.VERIFY_PERMISSION) or not user.unit_id:
        raise PermissionDenied
    # One byte past the limit is enough for the service to refuse it as too large.
    data = document.read(settings.XASO_VERIFY_MAX_BYTES + 1)
    record = services.record_verification(
        actor=user, unit=user.unit, pdf_bytes=data, filename=str(document.name or "")
    )
    return Status(201, _out(record))


@router.get("/verifications/{pk}", response={200: VerificationOut}, summary="Một kết quả kiểm tra")
def verification_detail(request: HttpRequest, pk: int) -> Status[Any]:
    user = _user(request)
    if not user.has_perm(services.VERIFY_PERMISSION):
        raise PermissionDenied
    record = get_readable_or_404(VerificationRecord.objects.all(), user, pk=pk)
    return Status(200, _out(record))


class PublicErrorOut(Schema):
    code: str
    detail: str


@router.post(
    "/public/verify",
    auth=None,
    response={200: VerificationOut, 422: PublicErrorOut, 429: PublicErrorOut},
    summary="Kiểm tra chữ ký số của một tệp PDF (công khai)",
)
def public_verify(request: HttpRequest, document: File[UploadedFile]) -> Status[Any]:
    if not allow_public_check(request):
        return Status(
            429,
            {
                "code": "rate_limited",
                "detail": _(
                    "Ông/Bà đã kiểm tra quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau."
                ),
            },
        )
    data = document.read(settings.XASO_VERIFY_MAX_BYTES + 1)
    try:
        record = services.record_verification(
            actor=None,
            unit=None,
            pdf_bytes=data,
            filename=str(document.name or ""),
            source=VerificationRecord.Source.PUBLIC,
        )
    except DomainError as refusal:
        return Status(422, {"code": refusal.code, "detail": refusal.message})
    return Status(200, _out(record))
