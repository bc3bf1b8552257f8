"""The procedure catalog (TTHC) of a unit: procedures, their process, documents and fees.

Writes go through the functions below, each in one transaction with its audit event.
Every write validates the whole procedure first (`validate_procedure`) and saves nothing
when anything is wrong; the same validation serves the pages, the API and the import.

Invariant: an active procedure has a valid internal process (xaso.dossiers.process_rules),
so every dossier received for it can be timed step by step.

`actor=None` is the system (management commands such as load_procedures); every other
caller passes the acting user, who needs dossiers.manage_catalog in the procedure's unit.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.models import AdministrativeUnit
from xaso.core.models import Position
from xaso.core.models import User
from xaso.core.search import apply_search
from xaso.core.search import normalize_search_text
from xaso.dossiers import process_rules
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcedureField
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import RequiredDocument

MANAGE_CATALOG = "dossiers.manage_catalog"

# National codes look like 1.001193; provinces append agency parts (1.000494.000.00.00.H29).
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
FORM_FILE_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf")
FORM_FILE_MAX_BYTES = 10 * 1024 * 1024

register_audit_labels(
    {
        "catalog.procedure_created": gettext_lazy("Thêm thủ tục hành chính"),
        "catalog.procedure_updated": gettext_lazy("Sửa thủ tục hành chính"),
        "catalog.process_updated": gettext_lazy("Sửa quy trình xử lý của thủ tục"),
        "catalog.documents_updated": gettext_lazy("Sửa thành phần hồ sơ của thủ tục"),
        "catalog.fees_updated": gettext_lazy("Sửa phí, lệ phí của thủ tục"),
        "catalog.procedure_activated": gettext_lazy("Áp dụng thủ tục hành chính"),
        "catalog.procedure_deactivated": gettext_lazy("Ngừng áp dụng thủ tục hành chính"),
        "catalog.imported": gettext_lazy("Nhập danh mục thủ tục hành chính"),
    }
)


# --- Input data ---------------------------------------------------------------------------


@dataclass
class ProcedureData:
    """What a procedure says, apart from its process, documents and fees."""

    code: str
    name: str
    field: ProcedureField
    time_limit_kind: str
    time_limit_value: Decimal = Decimal(0)
    level: str = "Cấp xã"
    implementing_agency: str = ""
    time_limit_note: str = ""
    fee_note: str = ""
    fee_exemptions: str = ""
    result_name: str = ""
    result_code: str = ""
    legal_basis: str = ""
    conditions: str = ""
    steps_description: str = ""
    online_level: str = Procedure.OnlineLevel.NONE
    source: str = ""
    is_active: bool = False


PROCEDURE_TEXT_FIELDS = (
    "code",
    "name",
    "level",
    "implementing_agency",
    "time_limit_kind",
    "time_limit_note",
    "fee_note",
    "fee_exemptions",
    "result_name",
    "result_code",
    "legal_basis",
    "conditions",
    "steps_description",
    "online_level",
    "source",
)


@dataclass
class StepData:
    """One step of the process; `id` names an existing step of the procedure to keep."""

    name: str
    kind: str
    budget_hours: Decimal
    position: Position | None = None
    assignee: User | None = None
    id: int | None = None


@dataclass
class DocumentData:
    """One required document; `id` names an existing one (its form file is kept)."""

    name: str
    originals: int = 0
    copies: int = 0
    is_mandatory: bool = True
    form_name: str = ""
    form_file: File | None = None
    clear_form_file: bool = False
    id: int | None = None


@dataclass
class FeeData:
    name: str
    amount: int
    basis: str = FeeRule.Basis.PER_CASE
    reduced_amount: int | None = None
    reduced_from: int | None = None
    cap: int | None = None
    channel: str = FeeRule.Channel.ANY
    note: str = ""


# --- Validation ---------------------------------------------------------------------------

PROCEDURE = "procedure"
STEPS = "steps"
DOCUMENTS = "documents"
FEES = "fees"


@dataclass(frozen=True)
class Problem:
    """One reason a procedure cannot be saved.

    `section` is "procedure", "steps", "documents" or "fees"; `index` the line (from 0)
    in that section, None for the section as a whole; `field` the field, when known.
    """

    section: str
    message: str
    index: int | None = None
    field: str | None = None


class CatalogValidationError(ValidationError):
    """A ValidationError that keeps the structured problems (for forms and the import)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        procedure_fields = [p for p in self.problems if p.section == PROCEDURE and p.field]
        if len(procedure_fields) == len(self.problems):
            by_field: dict[str, list[str]] = {}
            for problem in procedure_fields:
                by_field.setdefault(problem.field or "", []).append(problem.message)
            super().__init__(by_field)
        else:
            super().__init__([problem_text(p) for p in self.problems])


def problem_text(problem: Problem) -> str:
    """The problem as one sentence, naming the line when it belongs to one."""
    if problem.index is None or problem.section == STEPS:
        # Step messages already name their step.
        return problem.message
    if problem.section == DOCUMENTS:
        where = _("Thành phần hồ sơ thứ %(number)s") % {"number": problem.index + 1}
    elif problem.section == FEES:
        where = _("Khoản phí, lệ phí thứ %(number)s") % {"number": problem.index + 1}
    else:
        return problem.message
    return f"{where}: {problem.message}"


def _model_problems(
    instance: models.Model, section: str, index: int | None, exclude: list[str]
) -> list[Problem]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            Problem(section, message, index, None if name == "__all__" else name)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _procedure_problems(
    unit: AdministrativeUnit, data: ProcedureData, procedure: Procedure | None
) -> list[Problem]:
    candidate = Procedure(unit=unit)
    if procedure is not None:
        candidate.pk = procedure.pk
    _apply_procedure_data(candidate, data)
    problems = _model_problems(candidate, PROCEDURE, None, ["unit", "field", "search_text"])
    code = candidate.code
    if code and not CODE_PATTERN.match(code):
        problems.append(
            Problem(
                PROCEDURE,
                _("Mã thủ tục chỉ gồm chữ, số, dấu chấm, gạch ngang; không có khoảng trắng."),
                field="code",
            )
        )
    if (
        code
        and Procedure.objects.filter(unit=unit, code=code)
        .exclude(pk=procedure.pk if procedure else None)
        .exists()
    ):
        problems.append(
            Problem(
                PROCEDURE,
                _("Mã thủ tục %(code)s đã có trong danh mục của đơn vị.") % {"code": code},
                field="code",
            )
        )
    if data.field is None:
        problems.append(Problem(PROCEDURE, _("Hãy chọn lĩnh vực."), field="field"))
    already = {p.field for p in problems}
    for name, message in process_rules.time_limit_problems(
        data.time_limit_kind, data.time_limit_value
    ):
        if name not in already:
            problems.append(Problem(PROCEDURE, message, field=name))
    return problems


def step_plans(steps: Sequence[StepData]) -> list[process_rules.StepPlan]:
    return [
        process_rules.StepPlan(
            kind=step.kind,
            budget_hours=process_rules.as_decimal(step.budget_hours) or Decimal(0),
            has_responsible=step.position is not None or step.assignee is not None,
            name=step.name,
        )
        for step in steps
    ]


def _step_problems(
    unit: AdministrativeUnit, steps: Sequence[StepData], kind: str, value: object
) -> list[Problem]:
    problems: list[Problem] = []
    for index, step in enumerate(steps):
        label = _("Bước %(number)s") % {"number": index + 1}
        instance = ProcessStep(
            order=index + 1,
            name=(step.name or "").strip(),
            kind=step.kind,
            position=step.position,
            assignee=step.assignee,
            budget_hours=step.budget_hours,
        )
        problems.extend(
            Problem(STEPS, f"{label}: {p.message}", index, p.field)
            for p in _model_problems(instance, STEPS, index, ["procedure", "position", "assignee"])
            if p.field != "kind"  # the process rules say it better
        )
        if step.assignee is not None and (
            step.assignee.unit_id != unit.pk or not step.assignee.is_active
        ):
            problems.append(
                Problem(
                    STEPS,
                    _(
                        "%(step)s: người thực hiện %(user)s không phải cán bộ đang làm việc tại đơn vị."
                    )
                    % {"step": label, "user": step.assignee},
                    index,
                    "assignee",
                )
            )
    problems.extend(
        Problem(STEPS, p.message, p.index, p.field)
        for p in process_rules.process_problems(kind, value, step_plans(steps))
        if p.field not in ("time_limit_kind", "time_limit_value")
    )
    return problems


def _document_problems(documents: Sequence[DocumentData]) -> list[Problem]:
    problems: list[Problem] = []
    names: set[str] = set()
    for index, document in enumerate(documents):
        instance = RequiredDocument(
            order=index + 1,
            name=(document.name or "").strip(),
            originals=document.originals,
            copies=document.copies,
            is_mandatory=document.is_mandatory,
            form_name=document.form_name or "",
        )
        problems.extend(_model_problems(instance, DOCUMENTS, index, ["procedure", "form_file"]))
        key = normalize_search_text(document.name)
        if key and key in names:
            problems.append(
                Problem(DOCUMENTS, _("Tên giấy tờ bị trùng với một dòng ở trên."), index, "name")
            )
        names.add(key)
        upload = document.form_file
        if upload is not None:
            extension = PurePath(upload.name or "").suffix.lower()
            if extension not in FORM_FILE_EXTENSIONS:
                problems.append(
                    Problem(
                        DOCUMENTS,
                        _("Tệp mẫu phải là PDF, Word, Excel hoặc OpenDocument."),
                        index,
                        "form_file",
                    )
                )
            if (upload.size or 0) > FORM_FILE_MAX_BYTES:
                problems.append(
                    Problem(DOCUMENTS, _("Tệp mẫu không được lớn hơn 10 MB."), index, "form_file")
                )
    return problems


def _fee_problems(fees: Sequence[FeeData]) -> list[Problem]:
    problems: list[Problem] = []
    for index, fee in enumerate(fees):
        instance = FeeRule(
            name=(fee.name or "").strip(),
            amount=fee.amount,
            basis=fee.basis,
            reduced_amount=fee.reduced_amount,
            reduced_from=fee.reduced_from,
            cap=fee.cap,
            channel=fee.channel,
            note=fee.note or "",
        )
        found = _model_problems(instance, FEES, index, ["procedure"])
        problems.extend(found)
        if found:
            continue
        if (fee.reduced_amount is None) != (fee.reduced_from is None):
            problems.append(
                Problem(
                    FEES,
                    _("Mức thu giảm và trang bắt đầu áp dụng mức giảm phải nhập cùng nhau."),
                    index,
                    "reduced_from",
                )
            )
        if fee.reduced_amount is not None and fee.reduced_amount > fee.amount:
            problems.append(
                Problem(
                    FEES, _("Mức thu giảm không được cao hơn mức thu."), index, "reduced_amount"
                )
            )
        if fee.reduced_from is not None and fee.reduced_from < 2:
            problems.append(
                Problem(
                    FEES, _("Mức giảm chỉ áp dụng từ trang thứ 2 trở đi."), index, "reduced_from"
                )
            )
        if (fee.reduced_amount is not None or fee.cap is not None) and fee.basis == (
            FeeRule.Basis.PER_CASE
        ):
            problems.append(
                Problem(
                    FEES,
                    _("Mức giảm và mức tối đa chỉ dùng cho cách tính theo trang hoặc theo bản."),
                    index,
                    "basis",
                )
            )
        if fee.cap is not None and fee.cap < fee.amount:
            problems.append(
                Problem(FEES, _("Mức thu tối đa không được thấp hơn mức thu."), index, "cap")
            )
    return problems


def validate_procedure(
    *,
    unit: AdministrativeUnit,
    data: ProcedureData,
    procedure: Procedure | None = None,
    steps: Sequence[StepData] | None = None,
    documents: Sequence[DocumentData] | None = None,
    fees: Sequence[FeeData] | None = None,
) -> list[Problem]:
    """Every problem of saving `data` (and the given parts) as a procedure of `unit`.

    `procedure` is the record being updated (None to create). A part left as None keeps
    what the procedure has: its existing steps are then checked against the new legal
    time, and an active procedure must end up with a valid process.
    """
    problems = _procedure_problems(unit, data, procedure)
    time_ok = not any(p.field in ("time_limit_kind", "time_limit_value") for p in problems)
    if steps is None:
        steps = _existing_steps(procedure)
        if steps and time_ok:
            problems.extend(
                Problem(
                    PROCEDURE,
                    _(
                        "Thời hạn mới không khớp với quy trình hiện có: %(reason)s Hãy sửa thời hạn "
                        "tại trang Quy trình xử lý, nơi sửa được cả thời hạn và các bước."
                    )
                    % {"reason": p.message},
                    field="time_limit_value",
                )
                for p in _step_problems(unit, steps, data.time_limit_kind, data.time_limit_value)
            )
    elif steps:
        step_problems = _step_problems(unit, steps, data.time_limit_kind, data.time_limit_value)
        if time_ok:
            problems.extend(step_problems)
        else:
            problems.extend(p for p in step_problems if p.index is not None)
    if data.is_active and not steps:
        problems.append(
            Problem(
                PROCEDURE,
                _(
                    "Thủ tục chưa có quy trình xử lý nên chưa áp dụng được; hãy thiết lập quy trình trước."
                ),
                field="is_active",
            )
        )
    if documents is not None:
        problems.extend(_document_problems(documents))
    if fees is not None:
        problems.extend(_fee_problems(fees))
    return problems


def _existing_steps(procedure: Procedure | None) -> list[StepData]:
    if procedure is None or procedure.pk is None:
        return []
    return [
        StepData(
            id=step.pk,
            name=step.name,
            kind=step.kind,
            budget_hours=step.budget_hours,
            position=step.position,
            assignee=step.assignee,
        )
        for step in procedure.steps.select_related("position", "assignee").order_by("order")
    ]


def _data_of(procedure: Procedure) -> ProcedureData:
    values = {name: getattr(procedure, name) for name in PROCEDURE_TEXT_FIELDS}
    return ProcedureData(
        field=procedure.field,
        time_limit_value=procedure.time_limit_value,
        is_active=procedure.is_active,
        **values,
    )


# --- Writes -------------------------------------------------------------------------------


def check_can_manage(actor: User | None, unit: AdministrativeUnit) -> None:
    """PermissionDenied unless `actor` may change `unit`'s catalog (None: the system)."""
    if actor is None:
        return
    if not actor.is_active or not actor.has_perm(MANAGE_CATALOG):
        raise PermissionDenied
    if actor.unit_id != unit.pk:
        raise PermissionDenied


def _apply_procedure_data(procedure: Procedure, data: ProcedureData) -> None:
    for name in PROCEDURE_TEXT_FIELDS:
        value = getattr(data, name)
        setattr(procedure, name, value.strip() if isinstance(value, str) else value)
    procedure.field = data.field
    procedure.time_limit_value = process_rules.as_decimal(data.time_limit_value) or Decimal(0)
    if procedure.time_limit_kind == Procedure.TimeLimitKind.IMMEDIATE:
        procedure.time_limit_value = Decimal(0)
    procedure.is_active = data.is_active
    procedure.refresh_search_text()


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise CatalogValidationError(problems)


def _audit(actor: User | None, procedure: Procedure, action: str, **data: Any) -> None:
    record_audit_event(
        action=action,
        actor=actor,
        unit=procedure.unit,
        target=procedure,
        data={"code": procedure.code, **data},
        actor_name="" if actor is not None else "system",
    )


@transaction.atomic
def get_or_create_field(*, code: str, name: str) -> ProcedureField:
    """The national field (lĩnh vực) with `code`, else one named `name`, else a new one.

    Fields are national reference data shared by every unit: an existing field is never
    renamed here.
    """
    code, name = code.strip(), name.strip()
    found = ProcedureField.objects.filter(code=code).first() if code else None
    if found is None and name:
        key = normalize_search_text(name)
        found = next(
            (f for f in ProcedureField.objects.all() if normalize_search_text(f.name) == key),
            None,
        )
    if found is not None:
        return found
    if not code or not name:
        raise ValidationError(_("Lĩnh vực mới cần cả mã và tên."))
    created = ProcedureField(code=code, name=name)
    created.full_clean()
    created.save()
    return created


@transaction.atomic
def create_procedure(
    *,
    actor: User | None,
    unit: AdministrativeUnit,
    data: ProcedureData,
    steps: Sequence[StepData] | None = None,
    documents: Sequence[DocumentData] | None = None,
    fees: Sequence[FeeData] | None = None,
) -> Procedure:
    """Add a procedure to `unit`'s catalog, with its process, documents and fees if given.

    Raises PermissionDenied without dossiers.manage_catalog in `unit`, and
    CatalogValidationError (nothing saved) when anything is invalid, e.g. an active
    procedure without a valid process.
    """
    check_can_manage(actor, unit)
    _raise_if(
        validate_procedure(unit=unit, data=data, steps=steps or [], documents=documents, fees=fees)
    )
    procedure = Procedure(unit=unit)
    _apply_procedure_data(procedure, data)
    procedure.save()
    if steps:
        _write_steps(procedure, steps)
    if documents:
        _write_documents(procedure, documents)
    if fees:
        _write_fees(procedure, fees)
    _audit(actor, procedure, "catalog.procedure_created", name=procedure.name)
    return procedure


@transaction.atomic
def update_procedure(
    *,
    actor: User | None,
    procedure: Procedure,
    data: ProcedureData,
    steps: Sequence[StepData] | None = None,
    documents: Sequence[DocumentData] | None = None,
    fees: Sequence[FeeData] | None = None,
) -> Procedure:
    """Change a procedure (and the given parts; a part left as None is kept as it is).

    A new legal time must still fit the existing process unless `steps` are given too.
    Raises PermissionDenied / CatalogValidationError as create_procedure does.
    """
    check_can_manage(actor, procedure.unit)
    before = _data_of(procedure)
    _raise_if(
        validate_procedure(
            unit=procedure.unit,
            data=data,
            procedure=procedure,
            steps=steps,
            documents=documents,
            fees=fees,
        )
    )
    _apply_procedure_data(procedure, data)
    procedure.save()
    after = _data_of(procedure)
    changed = [
        name
        for name in (*PROCEDURE_TEXT_FIELDS, "field", "time_limit_value", "is_active")
        if getattr(before, name) != getattr(after, name)
    ]
    if steps is not None:
        _write_steps(procedure, steps)
        changed.append("steps")
    if documents is not None:
        _write_documents(procedure, documents)
        changed.append("documents")
    if fees is not None:
        _write_fees(procedure, fees)
        changed.append("fees")
    _audit(actor, procedure, "catalog.procedure_updated", changed=changed)
    return procedure


@transaction.atomic
def set_process_steps(
    *,
    actor: User | None,
    procedure: Procedure,
    steps: Sequence[StepData],
    time_limit_kind: str | None = None,
    time_limit_value: Decimal | None = None,
) -> list[ProcessStep]:
    """Replace the procedure's process by `steps` (in order), and its legal time if given.

    Steps named by `id` are updated in place (dossiers received earlier keep their link);
    a step left out is deleted, unless a dossier already walked it (then refused).
    Raises CatalogValidationError with the budget message when the budgets do not fit.
    """
    check_can_manage(actor, procedure.unit)
    data = _data_of(procedure)
    if time_limit_kind is not None:
        data.time_limit_kind = time_limit_kind
    if time_limit_value is not None:
        data.time_limit_value = time_limit_value
    _raise_if(validate_procedure(unit=procedure.unit, data=data, procedure=procedure, steps=steps))
    old_time = (procedure.time_limit_kind, procedure.time_limit_value)
    _apply_procedure_data(procedure, data)
    procedure.save()
    saved = _write_steps(procedure, steps)
    _audit(
        actor,
        procedure,
        "catalog.process_updated",
        time_limit=[procedure.time_limit_kind, str(procedure.time_limit_value)],
        time_limit_before=[old_time[0], str(old_time[1])],
        steps=[
            [s.name, s.kind, s.position.code if s.position else "", str(s.budget_hours)]
            for s in saved
        ],
    )
    return saved


@transaction.atomic
def set_required_documents(
    *, actor: User | None, procedure: Procedure, documents: Sequence[DocumentData]
) -> list[RequiredDocument]:
    """Replace the procedure's required documents by `documents` (in order).

    Documents named by `id` are updated in place and keep their form file unless a new
    one is given or `clear_form_file` is set; a document left out is deleted unless a
    received dossier lists it (then refused).
    """
    check_can_manage(actor, procedure.unit)
    _raise_if(_document_problems(documents))
    saved = _write_documents(procedure, documents)
    _audit(actor, procedure, "catalog.documents_updated", documents=[d.name for d in saved])
    return saved


@transaction.atomic
def set_fee_rules(
    *, actor: User | None, procedure: Procedure, fees: Sequence[FeeData]
) -> list[FeeRule]:
    """Replace the procedure's fee rules by `fees` (none: the procedure is free of charge)."""
    check_can_manage(actor, procedure.unit)
    _raise_if(_fee_problems(fees))
    saved = _write_fees(procedure, fees)
    _audit(
        actor,
        procedure,
        "catalog.fees_updated",
        fees=[[f.name, f.amount, f.basis, f.channel] for f in saved],
    )
    return saved


@transaction.atomic
def set_procedure_active(*, actor: User | None, procedure: Procedure, is_active: bool) -> Procedure:
    """Apply (receive dossiers for) or stop applying a procedure.

    Applying needs a valid process (CatalogValidationError otherwise). Stopping leaves
    dossiers already received untouched; the reception desk refuses new ones.
    """
    check_can_manage(actor, procedure.unit)
    if procedure.is_active == is_active:
        return procedure
    data = _data_of(procedure)
    data.is_active = is_active
    _raise_if(validate_procedure(unit=procedure.unit, data=data, procedure=procedure))
    procedure.is_active = is_active
    procedure.save(update_fields=["is_active", "updated_at"])
    action = "catalog.procedure_activated" if is_active else "catalog.procedure_deactivated"
    _audit(actor, procedure, action)
    return procedure


def _write_steps(procedure: Procedure, steps: Sequence[StepData]) -> list[ProcessStep]:
    existing = {step.pk: step for step in procedure.steps.all()}
    wanted_ids = [step.id for step in steps if step.id is not None]
    unknown = [pk for pk in wanted_ids if pk not in existing]
    if unknown or len(set(wanted_ids)) != len(wanted_ids):
        raise CatalogValidationError(
            [Problem(STEPS, _("Quy trình đã bị thay đổi ở nơi khác; hãy tải lại trang."))]
        )
    removed = [step for pk, step in existing.items() if pk not in wanted_ids]
    used = set(
        DossierStep.objects.filter(process_step__in=removed).values_list(
            "process_step_id", flat=True
        )
    )
    if used:
        raise CatalogValidationError(
            [
                Problem(
                    STEPS,
                    _(
                        "Bước “%(name)s” đã được dùng cho hồ sơ đã tiếp nhận nên không xóa được; "
                        "hãy sửa bước đó thay vì xóa."
                    )
                    % {"name": step.name},
                )
                for step in removed
                if step.pk in used
            ]
        )
    ProcessStep.objects.filter(pk__in=[step.pk for step in removed]).delete()
    # Move kept steps out of the way first: (procedure, order) is unique.
    for step in existing.values():
        if step.pk in wanted_ids:
            ProcessStep.objects.filter(pk=step.pk).update(order=step.order + 1000)
    saved = []
    for index, data in enumerate(steps):
        step = existing[data.id] if data.id is not None else ProcessStep(procedure=procedure)
        step.order = index + 1
        step.name = data.name.strip()
        step.kind = data.kind
        step.position = data.position
        step.assignee = data.assignee
        step.budget_hours = process_rules.as_decimal(data.budget_hours) or Decimal(0)
        step.save()
        saved.append(step)
    return saved


def _write_documents(
    procedure: Procedure, documents: Sequence[DocumentData]
) -> list[RequiredDocument]:
    existing = {document.pk: document for document in procedure.required_documents.all()}
    wanted_ids = [document.id for document in documents if document.id is not None]
    if any(pk not in existing for pk in wanted_ids):
        raise CatalogValidationError(
            [
                Problem(
                    DOCUMENTS, _("Thành phần hồ sơ đã bị thay đổi ở nơi khác; hãy tải lại trang.")
                )
            ]
        )
    removed = [document for pk, document in existing.items() if pk not in wanted_ids]
    used = set(
        DossierDocument.objects.filter(required_document__in=removed).values_list(
            "required_document_id", flat=True
        )
    )
    if used:
        raise CatalogValidationError(
            [
                Problem(
                    DOCUMENTS,
                    _(
                        "Giấy tờ “%(name)s” đã có trong hồ sơ đã tiếp nhận nên không xóa được; "
                        "hãy sửa dòng đó thay vì xóa."
                    )
                    % {"name": document.name},
                )
                for document in removed
                if document.pk in used
            ]
        )
    RequiredDocument.objects.filter(pk__in=[d.pk for d in removed]).delete()
    saved = []
    for index, data in enumerate(documents):
        document = (
            existing[data.id] if data.id is not None else RequiredDocument(procedure=procedure)
        )
        document.order = index + 1
        document.name = data.name.strip()
        document.originals = data.originals
        document.copies = data.copies
        document.is_mandatory = data.is_mandatory
        document.form_name = (data.form_name or "").strip()
        if data.form_file is not None:
            document.form_file = data.form_file
        elif data.clear_form_file:
            # The stored file stays until a clean-up: the transaction may still roll back.
            document.form_file = ""
        document.save()
        saved.append(document)
    return saved


def _write_fees(procedure: Procedure, fees: Sequence[FeeData]) -> list[FeeRule]:
    procedure.fee_rules.all().delete()
    return [
        FeeRule.objects.create(
            procedure=procedure,
            name=fee.name.strip(),
            amount=fee.amount,
            basis=fee.basis,
            reduced_amount=fee.reduced_amount,
            reduced_from=fee.reduced_from,
            cap=fee.cap,
            channel=fee.channel,
            note=(fee.note or "").strip(),
        )
        for fee in fees
    ]


# --- Selectors ----------------------------------------------------------------------------


def list_procedures_for(
    *,
    user: User,
    query: str = "",
    field_id: int | None = None,
    is_active: bool | None = None,
) -> models.QuerySet[Procedure]:
    """The procedures of `user`'s own unit, searched diacritics-insensitively by code/name."""
    procedures = Procedure.objects.writable_by(user).select_related("field")
    procedures = apply_search(procedures, query)
    if field_id:
        procedures = procedures.filter(field_id=field_id)
    if is_active is not None:
        procedures = procedures.filter(is_active=is_active)
    return procedures.order_by("field__name", "name", "code")


def get_procedure_for(*, user: User, pk: int) -> Procedure:
    """One procedure of `user`'s own unit; 404 for any other unit's procedure."""
    procedure = (
        Procedure.objects.writable_by(user).select_related("field", "unit").filter(pk=pk).first()
    )
    if procedure is None:
        raise Http404
    return procedure


def fields_in_use(procedures: models.QuerySet[Procedure]) -> list[ProcedureField]:
    """The fields of `procedures`, by name (for the field filter)."""
    ids = procedures.order_by().values_list("field_id", flat=True).distinct()
    return list(ProcedureField.objects.filter(pk__in=ids).order_by("name"))


def check_process(
    *,
    unit: AdministrativeUnit,
    time_limit_kind: str,
    time_limit_value: object,
    steps: Sequence[StepData],
) -> tuple[process_rules.BudgetSummary, list[str]]:
    """The budget total against the legal time, and every problem of the process.

    Saves nothing: used by the editor's live preview and the detail page.
    """
    total = sum(
        (process_rules.as_decimal(step.budget_hours) or Decimal(0) for step in steps), Decimal(0)
    )
    summary = process_rules.budget_summary(time_limit_kind, time_limit_value, total)
    problems = [
        message
        for _field, message in process_rules.time_limit_problems(time_limit_kind, time_limit_value)
    ]
    problems += [p.message for p in _step_problems(unit, steps, time_limit_kind, time_limit_value)]
    return summary, problems


@dataclass
class ProcessView:
    """A procedure's process with its budget check, for the detail page and the API."""

    steps: list[ProcessStep] = field(default_factory=list)
    summary: process_rules.BudgetSummary | None = None
    problems: list[str] = field(default_factory=list)


def process_view(procedure: Procedure) -> ProcessView:
    """The procedure's steps, the budget total against the legal time, and any problem."""
    steps = list(procedure.steps.select_related("position", "assignee").order_by("order"))
    summary, problems = check_process(
        unit=procedure.unit,
        time_limit_kind=procedure.time_limit_kind,
        time_limit_value=procedure.time_limit_value,
        steps=_existing_steps(procedure) if steps else [],
    )
    if not steps:
        problems = []
    return ProcessView(steps=steps, summary=summary, problems=problems)


# --- Public selectors (no login: only active procedures of hosted communes) --------------


def public_units() -> models.QuerySet[AdministrativeUnit]:
    """The communes this deployment serves, whose catalogs are public."""
    return AdministrativeUnit.objects.hosted().communes().order_by("name")


def get_public_unit(*, code: int) -> AdministrativeUnit:
    """A hosted commune by GSO code; 404 for any other unit."""
    unit = public_units().filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def list_public_procedures(
    *, unit: AdministrativeUnit, query: str = "", field_code: str = ""
) -> models.QuerySet[Procedure]:
    """The active procedures of a hosted commune, searched diacritics-insensitively."""
    procedures = Procedure.objects.filter(unit=unit, unit__is_hosted=True, is_active=True)
    procedures = apply_search(procedures, query)
    if field_code:
        procedures = procedures.filter(field__code=field_code)
    return procedures.select_related("field").order_by("field__name", "name", "code")


def get_public_procedure(*, unit: AdministrativeUnit, code: str) -> Procedure:
    """One active procedure of a hosted commune; 404 when inactive or unknown."""
    procedure = (
        list_public_procedures(unit=unit).filter(code=code).select_related("field", "unit").first()
    )
    if procedure is None:
        raise Http404
    return procedure


def _amount(amount: int) -> str:
    """1250000 → "1.250.000" (figures as Vietnamese documents write them)."""
    return f"{amount:,}".replace(",", ".")


def describe_fee(fee: FeeRule) -> str:
    """The fee in words, e.g. "2.000 đ/trang; từ trang 3: 1.000 đ/trang; tối đa 200.000 đ/bản"."""
    units = {
        FeeRule.Basis.PER_CASE: _("trường hợp"),
        FeeRule.Basis.PER_PAGE: _("trang"),
        FeeRule.Basis.PER_COPY: _("bản"),
    }
    text = _("%(amount)s đ/%(unit)s") % {
        "amount": _amount(fee.amount),
        "unit": units.get(fee.basis, fee.basis),
    }
    if fee.reduced_amount is not None and fee.reduced_from is not None:
        text += _("; từ trang %(page)s: %(amount)s đ/trang") % {
            "page": fee.reduced_from,
            "amount": _amount(fee.reduced_amount),
        }
    if fee.cap is not None:
        text += _("; tối đa %(cap)s đ/bản") % {"cap": _amount(fee.cap)}
    return text


def fees_with_text(procedure: Procedure) -> list[tuple[FeeRule, str]]:
    """The procedure's fee rules, each with its description (for pages)."""
    return [(fee, describe_fee(fee)) for fee in procedure.fee_rules.order_by("pk")]
