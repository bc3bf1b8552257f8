"""Processing API: the caller's inbox, one dossier, and one action on it.

Scoped like the pages (another unit's dossier: 404; staff who never work on dossiers:
403). Actions are idempotent with the `Idempotency-Key` header: a retried request with
the same key replays the first answer and acts once. A refused action answers 422 with
the WorkflowError's stable `code` and Vietnamese `detail`.
"""

import datetime
from typing import Annotated
from typing import Any
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja import Status
from pydantic import field_serializer

from xaso.core.idempotency import run_idempotent
from xaso.core.models import User
from xaso.dossiers import workflow
from xaso.dossiers.models import Consultation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.services import processing
from xaso.dossiers.services.processing import MAX_CONSULTATION_DAYS
from xaso.dossiers.services.processing import MAX_TRANSFER_DAYS

router = Router(tags=["mot-cua: xu-ly"])
IDEMPOTENCY_SCOPE = "dossiers.processing_action"


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _require_working(user: User) -> None:
    if not any(user.has_perm(permission) for permission in workflow.WORKING_PERMISSIONS):
        raise PermissionDenied


# --- output -----------------------------------------------------------------------


class _LocalTimes(Schema):
    """Times in Vietnam's time zone (+07:00), as printed on the forms."""

    @field_serializer("*", when_used="always")
    def _local(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).isoformat()
        return value


class InboxItemOut(_LocalTimes):
    dossier_id: int
    code: str
    applicant_name: str
    procedure_name: str
    status: str
    step_id: int
    step_name: str
    step_due_at: datetime.datetime | None
    dossier_due_at: datetime.datetime
    due_state: str = Field(description="overdue, due_today, due_soon, later")
    is_claimable: bool = Field(description="Bước giao cho chức danh, chưa có người nhận")


class InboxConsultationOut(_LocalTimes):
    id: int
    dossier_id: int
    code: str
    asked_by: str
    question: str
    due_at: datetime.datetime


class InboxOut(Schema):
    overdue: list[InboxItemOut]
    due_today: list[InboxItemOut]
    due_soon: list[InboxItemOut]
    later: list[InboxItemOut]
    waiting: list[InboxItemOut] = Field(description="Chờ bổ sung, xin ý kiến, cơ quan cấp trên")
    consultations: list[InboxConsultationOut]


class DossierStepOut(_LocalTimes):
    id: int
    order: int
    name: str
    kind: str
    status: str
    assignee: str
    started_at: datetime.datetime | None
    due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    timing_outcome: str


class ProcessingDossierOut(_LocalTimes):
    id: int
    code: str
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime.datetime
    counting_start: datetime.datetime
    due_at: datetime.datetime
    original_due_at: datetime.datetime
    extension_count: int
    clock_stopped_at: datetime.datetime | None
    result_ready_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    current_step_id: int | None
    steps: list[DossierStepOut]
    allowed_actions: list[str] = Field(description="Các thao tác người gọi được làm lúc này")


class DossierActionOut(_LocalTimes):
    id: int
    code: str
    status: str
    due_at: datetime.datetime
    current_step_id: int | None
    current_step_name: str
    record_id: int | None = Field(
        None, description="Bản ghi tạo ra (yêu cầu bổ sung, xin ý kiến, chuyển, hẹn lại, dừng)"
    )


# --- input: one schema per action, told apart by `action` ---------------------------


class _ActionIn(Schema):
    step_id: int | None = Field(
        None, description="Bước người gọi đang xem; hồ sơ đã sang bước khác thì bị từ chối"
    )


class ClaimIn(_ActionIn):
    action: Literal["claim"]


class ForwardIn(_ActionIn):
    action: Literal["forward"]
    note: str = ""


class ApproveIn(_ActionIn):
    action: Literal["approve"]
    note: str = ""


class SendBackIn(_ActionIn):
    action: Literal["send_back"]
    to_step_id: int
    reason: str


class SupplementIn(_ActionIn):
    action: Literal["request_supplement"]
    items: list[str]
    reason: str
    guidance: str = ""


class SupplementReceivedIn(_ActionIn):
    action: Literal["record_supplement"]
    note: str = ""


class RefuseIn(_ActionIn):
    action: Literal["refuse"]
    reason: str


class ConsultIn(_ActionIn):
    action: Literal["consult"]
    consulted_id: int
    question: str
    due_in_days: int = Field(ge=1, le=MAX_CONSULTATION_DAYS)


class AnswerIn(_ActionIn):
    action: Literal["answer_consultation"]
    consultation_id: int
    answer: str


class TransferIn(_ActionIn):
    action: Literal["transfer"]
    agency_name: str
    agency_identifier: str = ""
    due_in_days: int = Field(ge=1, le=MAX_TRANSFER_DAYS)
    note: str = ""


class TransferReturnIn(_ActionIn):
    action: Literal["record_transfer_return"]
    return_note: str


class ExtendIn(_ActionIn):
    action: Literal["extend"]
    reason: str
    new_due_on: datetime.date


class StopIn(_ActionIn):
    action: Literal["stop"]
    reason: str
    requested_by_applicant: bool = True
    financial_settlement: str = ""


class WithdrawIn(_ActionIn):
    action: Literal["withdraw"]
    reason: str


DossierActionIn = Annotated[
    ClaimIn
    | ForwardIn
    | ApproveIn
    | SendBackIn
    | SupplementIn
    | SupplementReceivedIn
    | RefuseIn
    | ConsultIn
    | AnswerIn
    | TransferIn
    | TransferReturnIn
    | ExtendIn
    | StopIn
    | WithdrawIn,
    Field(discriminator="action"),
]


# --- routes -------------------------------------------------------------------------


def _item_out(item: processing.InboxItem) -> InboxItemOut:
    return InboxItemOut(
        dossier_id=item.dossier.pk,
        code=item.dossier.code,
        applicant_name=item.dossier.applicant.full_name,
        procedure_name=item.dossier.procedure.name,
        status=item.dossier.status,
        step_id=item.step.pk,
        step_name=item.step.name,
        step_due_at=item.step.due_at,
        dossier_due_at=item.dossier.due_at,
        due_state=item.state,
        is_claimable=item.is_claimable,
    )


@router.get("/processing/inbox", response=InboxOut)
def processing_inbox(request: HttpRequest) -> InboxOut:
    user = _user(request)
    _require_working(user)
    inbox = processing.inbox_for(user=user)
    groups = {state: [_item_out(item) for item in items] for state, items in inbox.groups.items()}
    return InboxOut(
        **groups,
        waiting=[_item_out(item) for item in inbox.waiting],
        consultations=[
            InboxConsultationOut(
                id=consultation.pk,
                dossier_id=consultation.dossier_id,
                code=consultation.dossier.code,
                asked_by=str(consultation.asked_by),
                question=consultation.question,
                due_at=consultation.due_at,
            )
            for consultation in inbox.consultations
        ],
    )


def _step_out(step: DossierStep) -> DossierStepOut:
    return DossierStepOut(
        id=step.pk,
        order=step.order,
        name=step.name,
        kind=step.kind,
        status=step.status,
        assignee=str(step.assignee or step.position or ""),
        started_at=step.started_at,
        due_at=step.due_at,
        finished_at=step.finished_at,
        timing_outcome=step.timing_outcome,
    )


@router.get("/processing/dossiers/{pk}", response=ProcessingDossierOut)
def processing_dossier(request: HttpRequest, pk: int) -> ProcessingDossierOut:
    user = _user(request)
    if not user.has_perm(workflow.VIEW_ALL_PERMISSION):
        _require_working(user)
    dossier = processing.get_dossier_for(user=user, pk=pk)
    allowed = (
        processing.available_actions(user=user, dossier=dossier)
        if user.unit_id == dossier.unit_id
        else set()
    )
    steps = dossier.steps.select_related("assignee", "position").order_by("id")
    return ProcessingDossierOut(
        id=dossier.pk,
        code=dossier.code,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant.full_name,
        received_at=dossier.received_at,
        counting_start=dossier.counting_start,
        due_at=dossier.due_at,
        original_due_at=dossier.original_due_at,
        extension_count=dossier.extension_count,
        clock_stopped_at=dossier.clock_stopped_at,
        result_ready_at=dossier.result_ready_at,
        closed_at=dossier.closed_at,
        current_step_id=dossier.current_step_id,
        steps=[_step_out(step) for step in steps],
        allowed_actions=sorted(allowed),
    )


def _perform(user: User, dossier: Dossier, payload: Any) -> Any:
    """Call the action's service; returns what it created or the dossier."""
    common: dict[str, Any] = {"actor": user, "dossier": dossier}
    expected = {"expected_step_id": payload.step_id}
    if isinstance(payload, ClaimIn):
        return processing.claim_step(**common, **expected)
    if isinstance(payload, ForwardIn):
        return processing.forward_dossier(**common, note=payload.note, **expected)
    if isinstance(payload, ApproveIn):
        return processing.approve_dossier(**common, note=payload.note, **expected)
    if isinstance(payload, SendBackIn):
        target = dossier.steps.filter(pk=payload.to_step_id).first()
        if target is None:
            raise Http404
        return processing.send_back(**common, to_step=target, reason=payload.reason, **expected)
    if isinstance(payload, SupplementIn):
        return processing.request_supplement(
            **common,
            items=payload.items,
            reason=payload.reason,
            guidance=payload.guidance,
            **expected,
        )
    if isinstance(payload, SupplementReceivedIn):
        return processing.record_supplement_received(**common, note=payload.note)
    if isinstance(payload, RefuseIn):
        return processing.refuse_dossier(**common, reason=payload.reason, **expected)
    if isinstance(payload, ConsultIn):
        consulted = User.objects.filter(pk=payload.consulted_id, unit_id=dossier.unit_id).first()
        if consulted is None:
            raise Http404
        return processing.consult(
            **common,
            consulted=consulted,
            question=payload.question,
            due_in_days=payload.due_in_days,
            **expected,
        )
    if isinstance(payload, AnswerIn):
        consultation = Consultation.objects.filter(
            pk=payload.consultation_id, dossier=dossier
        ).first()
        if consultation is None:
            raise Http404
        return processing.answer_consultation(
            actor=user, consultation=consultation, answer=payload.answer
        )
    if isinstance(payload, TransferIn):
        return processing.transfer_dossier(
            **common,
            agency_name=payload.agency_name,
            agency_identifier=payload.agency_identifier,
            due_in_days=payload.due_in_days,
            note=payload.note,
            **expected,
        )
    if isinstance(payload, TransferReturnIn):
        return processing.record_transfer_return(**common, return_note=payload.return_note)
    if isinstance(payload, ExtendIn):
        return processing.extend_due(**common, reason=payload.reason, new_due_on=payload.new_due_on)
    if isinstance(payload, StopIn):
        return processing.stop_dossier(
            **common,
            reason=payload.reason,
            requested_by_applicant=payload.requested_by_applicant,
            financial_settlement=payload.financial_settlement,
        )
    return processing.withdraw_dossier(**common, reason=payload.reason)


@router.post("/processing/dossiers/{pk}/actions", response={200: DossierActionOut})
def processing_dossier_action(
    request: HttpRequest, pk: int, payload: DossierActionIn
) -> Status[Any]:
    user = _user(request)
    _require_working(user)
    dossier = processing.get_dossier_to_act_on(user=user, pk=pk)

    def write() -> tuple[int, dict[str, Any]]:
        outcome = _perform(user, dossier, payload)
        record_id = None if isinstance(outcome, Dossier) else outcome.pk
        current = Dossier.objects.select_related("current_step").get(pk=dossier.pk)
        body = DossierActionOut(
            id=current.pk,
            code=current.code,
            status=current.status,
            due_at=current.due_at,
            current_step_id=current.current_step_id,
            current_step_name=current.current_step.name if current.current_step else "",
            record_id=record_id,
        )
        return 200, body.model_dump(mode="json")

    status, body = run_idempotent(
        request,
        scope=f"{IDEMPOTENCY_SCOPE}:{dossier.pk}",
        payload=payload.model_dump(mode="json"),
        write=write,
    )
    return Status(status, body)
