"""Reception at the one-stop counter: a complete dossier is accepted, numbered and timed."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.applicants.models import Applicant
from xaso.core.audit import record_audit_event
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.search import normalize_search_text
from xaso.core.services.calendar import calendar_for_unit
from xaso.dossiers import deadlines
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcessStep

DOSSIER_CODE_REGISTER = "dossier_code"
DOSSIER_BOOK_REGISTER = "dossier_book"


@dataclass
class ReceivedDocument:
    """One checklist line at the counter (and its scan, already validated)."""

    name: str
    is_original: bool = False
    quantity: int = 1
    required_document_id: int | None = None
    file: object | None = None  # an UploadedFile checked by xaso.dossiers.uploads
    content_type: str = ""
    sha256: str = ""


@dataclass
class ReceptionData:
    procedure: Procedure
    applicant: Applicant
    channel: str
    delivery_method: str
    delivery_address: str = ""
    submitter_name: str = ""
    copies: int = 1
    note: str = ""
    declared_data: dict = field(default_factory=dict)
    documents: Sequence[ReceivedDocument] = ()
    fee_due: int = 0
    fee_exemption: str = ""


def _check_can_receive(actor: User, data: ReceptionData) -> None:
    if not actor.has_perm("dossiers.receive_dossier"):
        raise PermissionDenied
    if actor.unit_id is None or data.procedure.unit_id != actor.unit_id:
        raise PermissionDenied
    if data.applicant.unit_id != actor.unit_id:
        raise PermissionDenied


def _validate(data: ReceptionData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.procedure.is_active:
        errors.setdefault("procedure", []).append(_("Thủ tục này đã ngừng áp dụng tại đơn vị."))
    if data.delivery_method == "post" and not data.delivery_address.strip():
        errors.setdefault("delivery_address", []).append(
            _("Hãy nhập địa chỉ nhận kết quả qua bưu chính.")
        )
    if data.copies < 1:
        errors.setdefault("copies", []).append(_("Số bộ hồ sơ phải từ 1 trở lên."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def receive_dossier(
    *, actor: User, data: ReceptionData, received_at: datetime.datetime | None = None
) -> Dossier:
    """Accept a complete dossier at the counter (form 01 follows from it).

    Allocates the dossier code (sequence per unit per receipt day) and the entry in the
    yearly dossier book under row locks, so codes never repeat or skip; computes the due
    time from the unit's calendar; copies the procedure's process into dossier steps
    (the reception step done by the receiver, the next one started); writes the first
    dossier event and the audit event, all in one transaction.

    Raises PermissionDenied without the permission or across units, ValidationError with
    Vietnamese messages for bad data (nothing is saved then).
    """
    _check_can_receive(actor, data)
    _validate(data)
    unit = actor.unit
    received_at = received_at or timezone.now()
    local = timezone.localtime(received_at)
    agency_identifier = unit.agency_identifier_on(local.date())
    if not agency_identifier:
        raise ValidationError(
            _(
                "Đơn vị chưa có mã định danh điện tử còn hiệu lực nên chưa cấp được mã hồ sơ. "
                "Quản trị đơn vị cần nhập mã định danh tại trang Thông tin đơn vị."
            )
        )
    steps = list(data.procedure.steps.select_related("position").order_by("order"))
    if not steps:
        raise ValidationError(
            _("Thủ tục chưa có quy trình xử lý nội bộ; hãy đề nghị quản trị đơn vị thiết lập.")
        )
    cal = calendar_for_unit(unit)
    due = deadlines.legal_due(
        cal,
        kind=data.procedure.time_limit_kind,
        value=data.procedure.time_limit_value,
        received_at=received_at,
        first_day_is_receipt_day=settings.XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY,
    )
    sequence = allocate_number(unit=unit, register=DOSSIER_CODE_REGISTER, period=f"{local:%y%m%d}")
    book_number = allocate_number(unit=unit, register=DOSSIER_BOOK_REGISTER, period=str(local.year))
    dossier = Dossier(
        unit=unit,
        code=deadlines.dossier_code(
            agency_identifier=agency_identifier, received_on=local.date(), sequence=sequence
        ),
        book_year=local.year,
        book_number=book_number,
        procedure=data.procedure,
        applicant=data.applicant,
        submitter_name=data.submitter_name,
        channel=data.channel,
        delivery_method=data.delivery_method,
        delivery_address=data.delivery_address,
        copies=data.copies,
        note=data.note,
        declared_data=data.declared_data,
        status=Dossier.Status.RECEIVED,
        received_at=received_at,
        received_by=actor,
        counting_start=due.counting_start,
        original_due_at=due.due_at,
        due_at=due.due_at,
        due_needs_review=due.needs_review,
        fee_due=data.fee_due,
        fee_exemption=data.fee_exemption,
        search_text=normalize_search_text(
            f"{data.applicant.full_name} {data.applicant.id_number} {data.procedure.name}"
        ),
    )
    dossier.full_clean(exclude=["current_step"])
    dossier.save()
    for document in data.documents:
        item = DossierDocument(
            dossier=dossier,
            required_document_id=document.required_document_id,
            name=document.name,
            is_original=document.is_original,
            quantity=document.quantity,
            content_type=document.content_type,
            sha256=document.sha256,
        )
        if document.file is not None:
            item.file = document.file
            item.size = getattr(document.file, "size", 0) or 0
        item.save()
    current = _create_steps(
        dossier=dossier, steps=steps, actor=actor, cal=cal, received_at=received_at
    )
    dossier.current_step = current
    dossier.save(update_fields=["current_step"])
    DossierEvent.objects.create(
        dossier=dossier,
        action="received",
        to_status=dossier.status,
        actor=actor,
        created_at=received_at,
        data={"due_at": dossier.due_at.isoformat(), "channel": dossier.channel},
    )
    record_audit_event(
        action="dossier.received",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, "procedure": data.procedure.code},
    )
    return dossier


def _create_steps(
    *, dossier: Dossier, steps: list[ProcessStep], actor: User, cal, received_at: datetime.datetime
) -> DossierStep | None:
    """Copy the procedure's steps; the reception step is done now, the next one starts."""
    created = [
        DossierStep(
            dossier=dossier,
            process_step=step,
            order=step.order,
            name=step.name,
            kind=step.kind,
            position=step.position,
            assignee=step.assignee,
            budget_hours=step.budget_hours,
        )
        for step in steps
    ]
    first = created[0]
    if first.kind == ProcessStep.Kind.RECEPTION:
        first.status = DossierStep.Status.DONE
        first.assignee = actor
        first.started_at = received_at
        first.due_at = received_at
        first.finished_at = received_at
        first.finished_by = actor
        first.timing_outcome = "on_time"
        active = created[1] if len(created) > 1 else None
    else:
        active = first
    if active is not None:
        active.status = DossierStep.Status.ACTIVE
        active.started_at = received_at
        active.due_at = deadlines.step_due(cal, start=received_at, budget_hours=active.budget_hours)
    for step in created:
        step.save()
    return active
