"""Reception at the one-stop counter (ND 61/2018 Đ15–17, ND 118/2025).

Three outcomes at the desk: a complete dossier is accepted, numbered and timed (form 01);
an incomplete one gets ONE notice listing everything to add (form 02); a refused one gets
a notice with the specific reason (form 03). `submit_at_counter` runs one of them once
per form token, creating the applicant in the same transaction when entered at the desk.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.applicants.cccd import normalize_cccd
from xaso.applicants.models import Applicant
from xaso.applicants.services import ApplicantData
from xaso.applicants.services import DuplicateIdNumberError
from xaso.applicants.services import create_applicant
from xaso.core.audit import record_audit_event
from xaso.core.i18n import official
from xaso.core.models import IdempotencyRecord
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.search import apply_search
from xaso.core.search import normalize_search_text
from xaso.core.services.calendar import calendar_for_unit
from xaso.core.tenancy import get_readable_or_404
from xaso.core.tenancy import get_writable_or_404
from xaso.dossiers import deadlines
from xaso.dossiers import extensions
from xaso.dossiers import notifications
from xaso.dossiers.fees import FeeQuote
from xaso.dossiers.fees import compute_fee
from xaso.dossiers.models import Channel
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import FormSet
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import ReceptionNotice
from xaso.dossiers.notifications import notify_applicant

DOSSIER_CODE_REGISTER = "dossier_code"
DOSSIER_BOOK_REGISTER = "dossier_book"
RECEPTION_FORM_SCOPE = "dossiers.reception_form"
RECEIVE_PERMISSION = "dossiers.receive_dossier"

# Outcomes at the desk.
ACCEPT = "accept"
INCOMPLETE = "incomplete"
REFUSE = "refuse"
OUTCOMES = (ACCEPT, INCOMPLETE, REFUSE)

# ND 118/2025 and TT 03/2025/TT-VPCP replaced the 2018 texts on this day; forms follow
# the date of the act (onestop.md §3: "templates are versioned data, chosen by receipt date").
FORM_SET_2025_FROM = datetime.date(2025, 7, 1)


def public_lookup_url(code: str) -> str:
    """The public lookup address printed as QR on form 01 (same as in the messages)."""
    return notifications.public_lookup_url(code)


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
    # Set once the scan is written to storage, so a rolled-back reception can remove it
    # (files are not part of the database transaction).
    stored_name: str = ""


def discard_stored_scans(documents: Sequence[ReceivedDocument]) -> None:
    """Delete the scans a rolled-back reception wrote to storage (personal data)."""
    for document in documents:
        if document.stored_name:
            default_storage.delete(document.stored_name)
            document.stored_name = ""


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
    fee_basis: str = ""


def form_set_on(day: datetime.date) -> str:
    """The legal form set in force on `day`."""
    return FormSet.SET_2025 if day >= FORM_SET_2025_FROM else FormSet.SET_2018


def _check_can_act(actor: User, procedure: Procedure, applicant: Applicant) -> None:
    if not actor.has_perm(RECEIVE_PERMISSION):
        raise PermissionDenied
    if actor.unit_id is None or procedure.unit_id != actor.unit_id:
        raise PermissionDenied
    if applicant.unit_id != actor.unit_id:
        raise PermissionDenied


def _check_can_receive(actor: User, data: ReceptionData) -> None:
    _check_can_act(actor, data.procedure, data.applicant)


def _validate(data: ReceptionData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.procedure.is_active:
        errors.setdefault("procedure", []).append(_("Thủ tục này đã ngừng áp dụng tại đơn vị."))
    if data.delivery_method == DeliveryMethod.POST and not data.delivery_address.strip():
        errors.setdefault("delivery_address", []).append(
            _("Hãy nhập địa chỉ nhận kết quả qua bưu chính.")
        )
    # ND 61/2018 Đ16: a dossier may be brought by an authorised person; the receipt must
    # say who actually handed it in.
    if data.channel == Channel.AUTHORISED and not data.submitter_name.strip():
        errors.setdefault("submitter_name", []).append(
            _("Hãy nhập họ tên người được ủy quyền nộp thay.")
        )
    if data.copies < 1:
        errors.setdefault("copies", []).append(_("Số bộ hồ sơ phải từ 1 trở lên."))
    if data.fee_due < 0:
        errors.setdefault("fee_due", []).append(_("Số tiền phí, lệ phí không được âm."))
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
        form_set=form_set_on(local.date()),
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
        fee_basis=data.fee_basis,
        search_text=normalize_search_text(
            f"{data.applicant.full_name} {data.applicant.id_number} {data.procedure.name}"
        ),
    )
    # Uniqueness of the code and book entry comes from the locked counters and is enforced
    # by the database constraints; skipping those checks saves four queries per dossier.
    dossier.full_clean(exclude=["current_step"], validate_unique=False, validate_constraints=False)
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
        if item.file:
            document.stored_name = item.file.name
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
    notify_applicant(dossier=dossier, kind="received")
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
    DossierStep.objects.bulk_create(created)
    return active


# --- Notices at the desk: forms 02 (incomplete) and 03 (refused) ---------------------------


def _clean_items(items: Sequence[str]) -> list[str]:
    """Non-empty items, whitespace-normalized, duplicates dropped, order kept."""
    seen: set[str] = set()
    cleaned = []
    for item in items:
        text = " ".join((item or "").split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


@transaction.atomic
def issue_reception_notice(
    *,
    actor: User,
    kind: str,
    procedure: Procedure,
    applicant: Applicant,
    missing_items: Sequence[str] = (),
    reason: str = "",
    guidance: str = "",
    issued_at: datetime.datetime | None = None,
) -> ReceptionNotice:
    """Issue form 02 (supplement: the ONE complete list of what to add) or 03 (refusal).

    No dossier is created and no dossier number is used. A supplement notice needs at
    least one missing item (ND 61/2018 Đ15: "bổ sung một lần đầy đủ, chính xác"); a
    refusal needs its specific reason (Đ17). Writes the audit event in the same
    transaction. Raises PermissionDenied across units or without the permission,
    ValidationError with Vietnamese messages by field.
    """
    _check_can_act(actor, procedure, applicant)
    items = _clean_items(missing_items)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if kind == ReceptionNotice.Kind.SUPPLEMENT:
        if not items:
            errors["missing_items"] = [
                _(
                    "Phiếu yêu cầu bổ sung phải nêu đủ các giấy tờ còn thiếu: hãy bỏ chọn "
                    "giấy tờ chưa có trong danh mục hoặc ghi thêm nội dung cần bổ sung."
                )
            ]
        # Printed on the notice and stored: the default reason is in Vietnamese (core/i18n.py).
        reason = reason or official(
            gettext_lazy("Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục.")
        )
    elif kind == ReceptionNotice.Kind.REFUSAL:
        if not reason:
            errors["reason"] = [_("Hãy ghi lý do cụ thể của việc từ chối tiếp nhận hồ sơ.")]
    else:
        raise ValueError(f"unknown notice kind {kind!r}")
    if errors:
        raise ValidationError(errors)
    issued_at = issued_at or timezone.now()
    notice = ReceptionNotice(
        unit_id=actor.unit_id,
        kind=kind,
        procedure=procedure,
        applicant=applicant,
        missing_items=items,
        reason=reason,
        guidance=(guidance or "").strip(),
        form_set=form_set_on(timezone.localtime(issued_at).date()),
        issued_at=issued_at,
        issued_by=actor,
    )
    notice.full_clean(exclude=["unit", "procedure", "applicant", "issued_by", "dossier"])
    notice.save()
    record_audit_event(
        action=f"reception_notice.{kind}",
        actor=actor,
        target=notice,
        data={"procedure": procedure.code, "items": len(items)},
    )
    return notice


# --- The counter form: one outcome, the applicant, once per form token ---------------------


@dataclass
class CounterSubmission:
    """Everything the counter (or an API client) submits for one outcome.

    The applicant is either chosen from the directory (`applicant`) or entered now
    (`new_applicant`, created in the same transaction). With `reuse_same_id_number`, a
    new applicant whose CCCD is already in the directory under the same name is that
    person (API clients); otherwise the duplicate is reported so the officer chooses.
    """

    outcome: str
    procedure: Procedure
    applicant: Applicant | None = None
    new_applicant: ApplicantData | None = None
    reuse_same_id_number: bool = False
    channel: str = Channel.DIRECT
    delivery_method: str = DeliveryMethod.DESK
    delivery_address: str = ""
    submitter_name: str = ""
    copies: int = 1
    note: str = ""
    documents: Sequence[ReceivedDocument] = ()
    # The fee due is computed from the procedure's fee rules (fees.py) at these counts;
    # an exemption reason makes it 0.
    fee_pages: int = 1
    fee_copies: int = 1
    fee_exemption: str = ""
    # Values of the extra counter fields other apps ask for (extensions.reception_fields_for),
    # from which they quote the fee (e.g. the date of birth of a birth registration).
    extension_values: dict = field(default_factory=dict)
    missing_items: Sequence[str] = ()
    reason: str = ""
    guidance: str = ""


@dataclass(frozen=True)
class CounterResult:
    applicant: Applicant
    dossier: Dossier | None = None
    notice: ReceptionNotice | None = None
    applicant_created: bool = False
    # True when the same form token (or Idempotency-Key) was already used: nothing new
    # was written and this is the first submission's result.
    replayed: bool = False


def fee_quote(procedure: Procedure, *, channel: str, pages: int = 1, copies: int = 1) -> FeeQuote:
    """The fee lines due for `procedure` by `channel` (fees.compute_fee on its FeeRule rows)."""
    return compute_fee(
        list(procedure.fee_rules.all()), channel=channel, pages=pages or 1, copies=copies or 1
    )


def _resolve_applicant(*, actor: User, submission: CounterSubmission) -> tuple[Applicant, bool]:
    if submission.applicant is not None:
        if submission.applicant.unit_id != actor.unit_id:
            raise PermissionDenied
        return submission.applicant, False
    data = submission.new_applicant
    if data is None:
        raise ValidationError({"applicant": [_("Hãy chọn hoặc nhập người nộp hồ sơ.")]})
    if submission.reuse_same_id_number and data.id_number:
        existing = Applicant.objects.filter(
            unit_id=actor.unit_id, id_number=normalize_cccd(data.id_number)
        ).first()
        if existing is not None:
            if normalize_search_text(existing.full_name) != normalize_search_text(data.full_name):
                raise DuplicateIdNumberError(existing)
            return existing, False
    return create_applicant(actor=actor, data=data), True


@transaction.atomic
def submit_counter_outcome(
    *, actor: User, submission: CounterSubmission, now: datetime.datetime | None = None
) -> CounterResult:
    """Resolve the applicant, then accept the dossier or issue form 02/03, atomically.

    Bad data anywhere (applicant, dossier, notice) rolls everything back: no applicant,
    no dossier, no document, no notice, no number used. Raises ValidationError,
    PermissionDenied, or DuplicateIdNumberError (applicants.services) for a CCCD already
    in the directory.
    """
    if submission.outcome not in OUTCOMES:
        raise ValidationError(_("Thao tác không hợp lệ."))
    if not actor.has_perm(RECEIVE_PERMISSION):
        raise PermissionDenied
    applicant, created = _resolve_applicant(actor=actor, submission=submission)
    if submission.outcome == ACCEPT:
        exemption = (submission.fee_exemption or "").strip()
        quote = fee_quote(
            submission.procedure,
            channel=submission.channel,
            pages=submission.fee_pages,
            copies=submission.fee_copies,
        )
        fee_due, fee_basis = (0 if exemption else quote.total), ""
        declared: dict = {}
        if not exemption:
            other = extensions.reception_fee_for(
                submission.procedure,
                dict(submission.extension_values),
                timezone.localdate(now) if now else timezone.localdate(),
                quote.total,
            )
            if other is not None:
                fee_due, exemption, fee_basis = other.fee_due, other.fee_exemption, other.fee_basis
                declared = dict(other.declared_data or {})
        dossier = receive_dossier(
            actor=actor,
            data=ReceptionData(
                procedure=submission.procedure,
                applicant=applicant,
                channel=submission.channel,
                delivery_method=submission.delivery_method,
                delivery_address=submission.delivery_address,
                submitter_name=submission.submitter_name,
                copies=submission.copies,
                note=submission.note,
                documents=submission.documents,
                declared_data=declared,
                fee_due=fee_due,
                fee_exemption=exemption,
                fee_basis=fee_basis,
            ),
            received_at=now,
        )
        return CounterResult(applicant=applicant, dossier=dossier, applicant_created=created)
    notice = issue_reception_notice(
        actor=actor,
        kind=(
            ReceptionNotice.Kind.SUPPLEMENT
            if submission.outcome == INCOMPLETE
            else ReceptionNotice.Kind.REFUSAL
        ),
        procedure=submission.procedure,
        applicant=applicant,
        missing_items=submission.missing_items,
        reason=submission.reason,
        guidance=submission.guidance,
        issued_at=now,
    )
    return CounterResult(applicant=applicant, notice=notice, applicant_created=created)


def _replay(actor: User, record: IdempotencyRecord) -> CounterResult:
    stored = record.response or {}
    if stored.get("dossier"):
        dossier = Dossier.objects.select_related("applicant").get(
            pk=stored["dossier"], unit_id=actor.unit_id
        )
        return CounterResult(applicant=dossier.applicant, dossier=dossier, replayed=True)
    notice = ReceptionNotice.objects.select_related("applicant").get(
        pk=stored["notice"], unit_id=actor.unit_id
    )
    return CounterResult(applicant=notice.applicant, notice=notice, replayed=True)


def submit_at_counter(
    *,
    actor: User,
    form_token: str,
    submission: CounterSubmission,
    now: datetime.datetime | None = None,
) -> CounterResult:
    """`submit_counter_outcome` at most once per form token (double click, resubmission).

    The token is recorded (core IdempotencyRecord, unique per user, scope and key) in the
    same transaction as the outcome, so a second submission of the same form, even a
    concurrent one, writes nothing and gets the first result back (`replayed`). A refused
    submission records nothing, so the corrected form can be sent with the same token.
    """
    token = (form_token or "").strip()
    if not token or len(token) > 200:
        raise ValidationError(
            _("Biểu mẫu đã cũ hoặc không hợp lệ. Hãy mở lại trang tiếp nhận và nhập lại.")
        )
    existing = IdempotencyRecord.objects.filter(
        user=actor, scope=RECEPTION_FORM_SCOPE, key=token
    ).first()
    if existing is not None:
        return _replay(actor, existing)
    try:
        with transaction.atomic():
            result = submit_counter_outcome(actor=actor, submission=submission, now=now)
            IdempotencyRecord.objects.create(
                user=actor,
                scope=RECEPTION_FORM_SCOPE,
                key=token,
                fingerprint="",
                status_code=201,
                response=(
                    {"dossier": result.dossier.pk}
                    if result.dossier is not None
                    else {"notice": result.notice.pk if result.notice else None}
                ),
            )
    except IntegrityError:
        discard_stored_scans(submission.documents)
        # A concurrent submission of the same form committed first (unique index).
        existing = IdempotencyRecord.objects.filter(
            user=actor, scope=RECEPTION_FORM_SCOPE, key=token
        ).first()
        if existing is None:
            raise
        return _replay(actor, existing)
    except BaseException:
        discard_stored_scans(submission.documents)
        raise
    return result


# --- Reads for the receipt and the notices -------------------------------------------------


def _check_can_print(user: User) -> None:
    if not (user.has_perm(RECEIVE_PERMISSION) or user.has_perm("dossiers.view_all_dossiers")):
        raise PermissionDenied


def get_receipt_dossier_for(*, user: User, pk: int) -> Dossier:
    """A dossier whose receipt `user` may print (receive or view-all permission).

    PermissionDenied without either permission; Http404 for a dossier of a unit the user
    may not read (no existence leak).
    """
    _check_can_print(user)
    queryset = Dossier.objects.select_related("unit", "procedure", "applicant", "received_by")
    return get_readable_or_404(queryset, user, pk=pk)


def get_reception_notice_for(*, user: User, pk: int) -> ReceptionNotice:
    """A form 02/03 notice `user` may print; same rules as get_receipt_dossier_for."""
    _check_can_print(user)
    queryset = ReceptionNotice.objects.select_related("unit", "procedure", "applicant", "issued_by")
    return get_readable_or_404(queryset, user, pk=pk)


def _number(value: object) -> str:
    """05, 10, 1,5: whole numbers as legal forms print them (two digits), else decimals."""
    text = f"{value}"
    try:
        as_float = float(text)
    except ValueError:
        return text
    if as_float.is_integer():
        return f"{int(as_float):02d}"
    return f"{as_float:g}".replace(".", ",")


def time_limit_text(procedure: Procedure) -> str:
    """The legal processing time as printed on form 01 ("05 ngày làm việc")."""
    kind = procedure.time_limit_kind
    value = _number(procedure.time_limit_value)
    if kind == Procedure.TimeLimitKind.IMMEDIATE:
        return _("Giải quyết ngay trong ngày")
    if kind == Procedure.TimeLimitKind.WORKING_DAYS:
        return _("%(value)s ngày làm việc") % {"value": value}
    if kind == Procedure.TimeLimitKind.WORKING_HOURS:
        return _("%(value)s giờ làm việc") % {"value": value}
    return _("%(value)s ngày") % {"value": value}


def collect_at_text(dossier: Dossier) -> str:
    """Where the result is collected, as printed on form 01."""
    if dossier.delivery_method == DeliveryMethod.POST:
        return _("Qua dịch vụ bưu chính, địa chỉ: %(address)s") % {
            "address": dossier.delivery_address
        }
    if dossier.delivery_method == DeliveryMethod.ONLINE:
        return _("Nhận bản điện tử qua tài khoản dịch vụ công")
    return _("Bộ phận Một cửa, %(unit)s") % {"unit": dossier.unit.name}


def place_name(unit_name: str) -> str:
    """ "Quỳ Châu" from "Xã Quỳ Châu": the place written before the date on forms."""
    for prefix in ("Xã ", "Phường ", "Đặc khu ", "Thị trấn ", "Tỉnh ", "Thành phố "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def list_receivable_procedures_for(*, user: User, query: str = "") -> QuerySet[Procedure]:
    """The active procedures of the user's own unit, matching `query` (name or code)."""
    queryset = Procedure.objects.writable_by(user).filter(is_active=True)
    return apply_search(queryset, query).select_related("field").order_by("field__name", "name")


def get_receivable_procedure_for(*, user: User, pk: int) -> Procedure:
    """A procedure of the user's own unit (Http404 for another unit's)."""
    return get_writable_or_404(Procedure.objects, user, pk=pk)
