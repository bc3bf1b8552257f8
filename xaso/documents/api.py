"""Documents API, under /api/v1/van-ban/: register incoming documents, read both registers.

POST honours the Idempotency-Key header (core.idempotency): a retry with the same key
returns the first response and registers one document with one arrival number. Every read
is scoped to the caller's units and role (selectors.incoming_for / outgoing_for).
"""

import base64
import binascii
import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.core.idempotency import run_idempotent
from xaso.documents import selectors
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import incoming as service
from xaso.documents.uploads import SCAN_TYPES
from xaso.documents.uploads import check_file

router = Router(tags=["van-ban"])

IDEMPOTENCY_SCOPE = "documents.register_incoming"
READ = (
    "documents.view_document_registers",
    "documents.register_documents",
    "documents.handle_documents",
    "documents.assign_documents",
)
MAX_PAGE = 200


class IncomingIn(Schema):
    medium: str
    issuing_body: str
    issuing_body_identifier: str = ""
    code_number: str = ""
    code_notation: str = ""
    document_date: datetime.date
    doc_type: str = "cong_van"
    subject: str
    signer_name: str = ""
    page_count: int | None = None
    urgency: str = "normal"
    secrecy: str = "normal"
    note: str = ""
    confirm_duplicate: bool = False
    file_name: str = ""
    file_base64: str = ""


class IncomingOut(Schema):
    id: int
    arrival_year: int
    arrival_number: int
    arrived_at: datetime.datetime
    medium: str
    issuing_body: str
    number_notation: str
    document_date: datetime.date
    doc_type: str
    subject: str
    urgency: str
    secrecy: str
    recipient: str
    transferred_at: datetime.datetime | None
    status: str
    due_at: datetime.datetime | None
    note: str
    has_file: bool


class OutgoingOut(Schema):
    id: int
    year: int | None
    number: int | None
    number_notation: str
    issued_on: datetime.date | None
    doc_type: str
    subject: str
    signer: str
    recipients: str
    archive_keeper: str
    copies: int
    released_at: datetime.datetime | None
    status: str
    external_recipients: list[dict[str, str]]


def _require_read(request: HttpRequest) -> None:
    if request.user.unit_id is None or not any(request.user.has_perm(p) for p in READ):
        raise PermissionDenied


def _incoming_out(document: IncomingDocument) -> dict[str, object]:
    return {
        "id": document.pk,
        "arrival_year": document.arrival_year,
        "arrival_number": document.arrival_number,
        "arrived_at": timezone.localtime(document.arrived_at),
        "medium": document.medium,
        "issuing_body": document.issuing_body,
        "number_notation": document.number_notation,
        "document_date": document.document_date,
        "doc_type": document.doc_type,
        "subject": document.subject,
        "urgency": document.urgency,
        "secrecy": document.secrecy,
        "recipient": document.recipient_text,
        "transferred_at": (
            timezone.localtime(document.transferred_at) if document.transferred_at else None
        ),
        "status": document.status,
        "due_at": timezone.localtime(document.due_at) if document.due_at else None,
        "note": document.note,
        "has_file": bool(document.file),
    }


def _outgoing_out(document: OutgoingDocument) -> dict[str, object]:
    return {
        "id": document.pk,
        "year": document.year,
        "number": document.number,
        "number_notation": document.number_notation,
        "issued_on": document.issued_on,
        "doc_type": document.doc_type,
        "subject": document.subject,
        "signer": str(document.signer) if document.signer else "",
        "recipients": document.recipients_text,
        "archive_keeper": document.archive_keeper,
        "copies": document.copies,
        "released_at": timezone.localtime(document.released_at) if document.released_at else None,
        "status": document.status,
        "external_recipients": [
            {"organ_id": item.organ_id, "organ_name": item.organ_name}
            for item in document.external_recipients.all()
        ],
    }


def _staged_file(request: HttpRequest, payload: IncomingIn) -> service.StagedFile | None:
    if not payload.file_base64:
        return None
    try:
        data = base64.b64decode(payload.file_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"file_base64": [_("Tệp không đúng định dạng base64.")]}) from exc
    checked = check_file(
        SimpleUploadedFile(payload.file_name or "van-ban.pdf", data), accepted=SCAN_TYPES
    )
    staged, _token = service.stage_file(actor=request.user, checked=checked)
    return staged


@router.post(
    "/den",
    response={201: IncomingOut},
    summary="Vào sổ văn bản đến (Idempotency-Key được hỗ trợ)",
)
def register_incoming(request: HttpRequest, payload: IncomingIn) -> Status:
    if not request.user.has_perm(service.REGISTER_PERMISSION):
        raise PermissionDenied

    def write() -> tuple[int, dict[str, object]]:
        data = payload.dict()
        confirm = data.pop("confirm_duplicate")
        data.pop("file_name")
        data.pop("file_base64")
        document = service.register_incoming(
            actor=request.user,
            data=service.IncomingData(**data, file=_staged_file(request, payload)),
            confirm_duplicate=confirm,
        )
        return 201, _incoming_out(document)

    status, body = run_idempotent(
        request, scope=IDEMPOTENCY_SCOPE, payload=payload.dict(), write=write
    )
    return Status(status, body)


@router.get("/den", response=list[IncomingOut], summary="Sổ đăng ký văn bản đến")
def incoming_register(
    request: HttpRequest,
    year: int | None = None,
    q: str = "",
    number_notation: str = "",
    issuing_body: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[dict[str, object]]:
    _require_read(request)
    documents = selectors.search_incoming(
        user=request.user,
        flt=selectors.RegisterFilter(
            query=q,
            year=year,
            number_notation=number_notation,
            issuing_body=issuing_body,
            date_from=date_from,
            date_to=date_to,
        ),
    )
    limit = max(1, min(limit, MAX_PAGE))
    return [_incoming_out(d) for d in documents[max(offset, 0) : max(offset, 0) + limit]]


@router.get("/den/{pk}", response=IncomingOut, summary="Một văn bản đến")
def incoming_detail(request: HttpRequest, pk: int) -> dict[str, object]:
    _require_read(request)
    return _incoming_out(selectors.get_incoming_for(user=request.user, pk=pk))


@router.get("/di", response=list[OutgoingOut], summary="Sổ đăng ký văn bản đi")
def outgoing_register(
    request: HttpRequest, year: int | None = None, offset: int = 0, limit: int = 50
) -> list[dict[str, object]]:
    _require_read(request)
    documents = selectors.released_register(
        user=request.user, year=year or timezone.localdate().year
    ).prefetch_related("external_recipients")
    limit = max(1, min(limit, MAX_PAGE))
    return [_outgoing_out(d) for d in documents[max(offset, 0) : max(offset, 0) + limit]]


@router.get("/di/{pk}", response=OutgoingOut, summary="Một văn bản đi")
def outgoing_detail(request: HttpRequest, pk: int) -> dict[str, object]:
    _require_read(request)
    return _outgoing_out(selectors.get_outgoing_for(user=request.user, pk=pk))
