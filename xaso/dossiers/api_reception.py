"""Reception API, under /api/v1/mot-cua/: receive a dossier, read its receipt (form 01).

Separate input and output schemas per operation. POST honours the Idempotency-Key header
(core.idempotency): a retry with the same key returns the first response, one dossier.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.applicants.selectors import find_applicant_by_id_number
from xaso.applicants.services import ApplicantData
from xaso.core.idempotency import run_idempotent
from xaso.dossiers.models import Channel
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import reception as service

router = Router(tags=["mot-cua"])

IDEMPOTENCY_SCOPE = "dossiers.receive"


class ReceiveApplicantIn(Schema):
    kind: str = "person"
    full_name: str
    id_number: str = ""
    old_id_number: str = ""
    id_issued_on: datetime.date | None = None
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


class ReceiveDocumentIn(Schema):
    name: str
    required_document_id: int | None = None
    is_original: bool = False
    quantity: int = 1


class DossierReceiveIn(Schema):
    """Applicant: `applicant_id_number` of someone in the directory, or `applicant` data
    (an existing CCCD under the same name is that person; under another name, refused)."""

    procedure_code: str
    applicant_id_number: str = ""
    applicant: ReceiveApplicantIn | None = None
    channel: str = Channel.DIRECT
    delivery_method: str = DeliveryMethod.DESK
    delivery_address: str = ""
    submitter_name: str = ""
    copies: int = 1
    note: str = ""
    documents: list[ReceiveDocumentIn] = []
    fee_pages: int = 1
    fee_copies: int = 1
    fee_exemption: str = ""


class DossierReceivedOut(Schema):
    id: int
    code: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    fee_due: int
    applicant_id: int
    applicant_created: bool
    receipt_pdf: str


class ReceiptDocumentOut(Schema):
    name: str
    is_original: bool
    quantity: int
    has_scan: bool


class DossierReceiptOut(Schema):
    id: int
    code: str
    unit_name: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    submitter_name: str
    copies: int
    documents: list[ReceiptDocumentOut]
    time_limit: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    collect_at: str
    book_year: int
    book_number: int
    fee_due: int
    fee_exemption: str
    lookup_url: str
    form_set: str


def _procedure(request: HttpRequest, code: str) -> Procedure:
    procedure = Procedure.objects.writable_by(request.user).filter(code=code.strip()).first()
    if procedure is None:
        raise ValidationError(
            {"procedure_code": [_("Không có thủ tục mã %(code)s tại đơn vị.") % {"code": code}]}
        )
    return procedure


def _submission(request: HttpRequest, payload: DossierReceiveIn) -> service.CounterSubmission:
    applicant = None
    new_applicant = None
    if payload.applicant_id_number.strip():
        applicant = find_applicant_by_id_number(
            user=request.user, id_number=payload.applicant_id_number
        )
        if applicant is None:
            raise ValidationError(
                {
                    "applicant_id_number": [
                        _("Số CCCD này chưa có trong danh bạ: hãy gửi kèm thông tin người nộp.")
                    ]
                }
            )
    elif payload.applicant is not None:
        new_applicant = ApplicantData(**payload.applicant.dict())
    return service.CounterSubmission(
        outcome=service.ACCEPT,
        procedure=_procedure(request, payload.procedure_code),
        applicant=applicant,
        new_applicant=new_applicant,
        reuse_same_id_number=True,
        channel=payload.channel,
        delivery_method=payload.delivery_method,
        delivery_address=payload.delivery_address,
        submitter_name=payload.submitter_name,
        copies=payload.copies,
        note=payload.note,
        documents=[
            service.ReceivedDocument(
                name=document.name,
                is_original=document.is_original,
                quantity=document.quantity,
                required_document_id=document.required_document_id,
            )
            for document in payload.documents
        ],
        fee_pages=payload.fee_pages,
        fee_copies=payload.fee_copies,
        fee_exemption=payload.fee_exemption,
    )


@router.post(
    "/tiep-nhan",
    response={201: DossierReceivedOut},
    summary="Tiếp nhận hồ sơ (Idempotency-Key được hỗ trợ)",
)
def receive(request: HttpRequest, payload: DossierReceiveIn) -> Status:
    if not request.user.has_perm(service.RECEIVE_PERMISSION):
        raise PermissionDenied

    def write() -> tuple[int, dict[str, object]]:
        submission = _submission(request, payload)
        # Document lines must name this procedure's checklist when they name one.
        allowed = set(submission.procedure.required_documents.values_list("pk", flat=True))
        for document in submission.documents:
            if document.required_document_id not in (None, *allowed):
                raise ValidationError(
                    {"documents": [_("Thành phần hồ sơ không thuộc thủ tục đã chọn.")]}
                )
        result = service.submit_counter_outcome(actor=request.user, submission=submission)
        dossier = result.dossier
        assert dossier is not None  # noqa: S101 (the accept outcome always creates one)
        return 201, {
            "id": dossier.pk,
            "code": dossier.code,
            "received_at": timezone.localtime(dossier.received_at),
            "due_at": timezone.localtime(dossier.due_at),
            "fee_due": dossier.fee_due,
            "applicant_id": result.applicant.pk,
            "applicant_created": result.applicant_created,
            "receipt_pdf": request.build_absolute_uri(
                reverse("dossiers:receipt_pdf", args=[dossier.pk])
            ),
        }

    status, body = run_idempotent(
        request, scope=IDEMPOTENCY_SCOPE, payload=payload.dict(), write=write
    )
    return Status(status, body)


def _receipt(dossier: Dossier) -> dict[str, object]:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "unit_name": dossier.unit.name,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "applicant_name": dossier.applicant.full_name,
        "applicant_address": dossier.applicant.address,
        "submitter_name": dossier.submitter_name,
        "copies": dossier.copies,
        "documents": [
            {
                "name": document.name,
                "is_original": document.is_original,
                "quantity": document.quantity,
                "has_scan": bool(document.file),
            }
            for document in dossier.documents.all()
        ],
        "time_limit": service.time_limit_text(dossier.procedure),
        "received_at": timezone.localtime(dossier.received_at),
        "due_at": timezone.localtime(dossier.due_at),
        "collect_at": service.collect_at_text(dossier),
        "book_year": dossier.book_year,
        "book_number": dossier.book_number,
        "fee_due": dossier.fee_due,
        "fee_exemption": dossier.fee_exemption,
        "lookup_url": service.public_lookup_url(dossier.code),
        "form_set": dossier.form_set,
    }


@router.get(
    "/tiep-nhan/{pk}",
    response=DossierReceiptOut,
    summary="Nội dung giấy tiếp nhận và hẹn trả kết quả của một hồ sơ",
)
def receipt(request: HttpRequest, pk: int) -> dict[str, object]:
    return _receipt(service.get_receipt_dossier_for(user=request.user, pk=pk))
