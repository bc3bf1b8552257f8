"""Processing of one-stop dossiers: the steps an official works on, every action on them,
and the scoped reads the processing pages and API need (inbox, list, detail).

Every action goes through `transition_dossier`: it locks the dossier row, re-reads it,
checks the actor and the allowed-transitions table (xaso.dossiers.workflow), applies the
action's change, checks the resulting status against the table again, and writes the
DossierEvent and the audit event in the same transaction. A refused action raises a
`WorkflowError` (a DomainError with a Vietnamese message) and changes nothing.

The reads (`inbox_for`, `list_dossiers_for`, `get_dossier_for`, …) would live in a
`selectors.py`; they sit at the end of this module until that module exists.
"""

import datetime
import json
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import working_days
from xaso.core.audit import record_audit_event
from xaso.core.models import User
from xaso.core.search import search_filter
from xaso.core.services.calendar import calendar_for_unit
from xaso.core.working_days import WorkCalendar
from xaso.dossiers import deadlines
from xaso.dossiers import extensions
from xaso.dossiers import notifications
from xaso.dossiers import workflow
from xaso.dossiers.models import Consultation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Extension
from xaso.dossiers.models import Result
from xaso.dossiers.models import StopNotice
from xaso.dossiers.models import SupplementRequest
from xaso.dossiers.models import Transfer
from xaso.dossiers.workflow import Action
from xaso.dossiers.workflow import ActionNotPermittedError
from xaso.dossiers.workflow import StepKind
from xaso.dossiers.workflow import StepNotYoursError
from xaso.dossiers.workflow import TransitionNotAllowedError

Status = Dossier.Status
StepStatus = DossierStep.Status
# Steps an official works on (the reception and return steps belong to the counter).
OFFICIAL_STEP_KINDS = (StepKind.PROCESSING, StepKind.APPROVAL)
MAX_CONSULTATION_DAYS = 30
MAX_TRANSFER_DAYS = 90


@dataclass
class Change:
    """What an action did: the dossier's new status and what to log about it."""

    to_status: str
    step: DossierStep | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Internal exchanges (claims, consultations, send-backs) stay off the public lookup.
    is_public: bool = True
    notify: str = ""


ChangeFunction = Callable[[Dossier, DossierStep | None, datetime.datetime], Change]


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """`data` as plain JSON values (datetimes as ISO strings), as JSONField stores them."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _calendar(dossier: Dossier) -> WorkCalendar:
    return calendar_for_unit(dossier.unit)


# --- who may do what ----------------------------------------------------------------


def _current_step(dossier: Dossier) -> DossierStep | None:
    if dossier.current_step_id is None:
        return None
    return DossierStep.objects.select_related("position", "assignee").get(
        pk=dossier.current_step_id
    )


def _present(step: DossierStep | None) -> DossierStep:
    """The step a guard already required (narrows the type for the change functions)."""
    if step is None:
        raise TransitionNotAllowedError(_("Hồ sơ không có bước nào đang xử lý."))
    return step


def _check_unit(actor: User, dossier: Dossier) -> None:
    if not actor.is_authenticated or not actor.is_active or actor.unit_id != dossier.unit_id:
        raise workflow.OtherUnitError(
            _("Hồ sơ %(code)s thuộc đơn vị khác; bạn chỉ xử lý được hồ sơ của đơn vị mình.")
            % {"code": dossier.code}
        )


def _is_holder(actor: User, step: DossierStep | None) -> bool:
    return (
        step is not None
        and step.status == StepStatus.ACTIVE
        and step.assignee_id is not None
        and step.assignee_id == actor.pk
    )


def _require_holder(
    action: str, actor: User, step: DossierStep | None, kinds: Iterable[str]
) -> DossierStep:
    """The current step, if `actor` holds it and it is of one of `kinds`; else raise."""
    label = Action(action).label
    if step is None or step.status != StepStatus.ACTIVE or step.kind not in kinds:
        raise TransitionNotAllowedError(
            _("Bước hiện tại của hồ sơ không cho phép “%(action)s”.") % {"action": label}
        )
    if step.assignee_id is None:
        raise StepNotYoursError(
            _("Bước “%(step)s” chưa có người nhận xử lý; hãy bấm “Nhận xử lý” trước.")
            % {"step": step.name}
        )
    if step.assignee_id != actor.pk:
        raise StepNotYoursError(
            _("Bước “%(step)s” đang do %(name)s xử lý; bạn không thể “%(action)s” thay.")
            % {"step": step.name, "name": step.assignee, "action": label}
        )
    permission = workflow.STEP_PERMISSIONS.get(step.kind)
    if permission and not actor.has_perm(permission):
        raise ActionNotPermittedError(
            _("Chức danh của bạn không có quyền xử lý bước “%(step)s”.") % {"step": step.name}
        )
    return step


def _require_holder_or(
    action: str, actor: User, step: DossierStep | None, permission: str
) -> DossierStep | None:
    """The current step holder, or anyone holding `permission` in the unit, may act."""
    if _is_holder(actor, step) or actor.has_perm(permission):
        return step
    raise ActionNotPermittedError(
        _("Chỉ người đang xử lý hồ sơ hoặc người có thẩm quyền mới được “%(action)s”.")
        % {"action": Action(action).label}
    )


def _guard_claim(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    if step is None or step.status != StepStatus.ACTIVE:
        raise TransitionNotAllowedError(_("Hồ sơ không có bước nào đang chờ nhận xử lý."))
    if step.assignee_id == actor.pk:
        raise StepNotYoursError(_("Bạn đã nhận xử lý bước “%(step)s”.") % {"step": step.name})
    if step.assignee_id is not None:
        raise StepNotYoursError(
            _("Bước “%(step)s” đã được %(name)s nhận xử lý.")
            % {"step": step.name, "name": step.assignee}
        )
    holds_position = (
        step.position_id is not None and actor.positions.filter(pk=step.position_id).exists()
    )
    permission = workflow.STEP_PERMISSIONS.get(step.kind, "")
    if not holds_position or not actor.has_perm(permission):
        raise ActionNotPermittedError(
            _("Bước “%(step)s” dành cho chức danh %(position)s; bạn không giữ chức danh này.")
            % {"step": step.name, "position": step.position}
        )
    return step


def _guard_forward(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    if step is not None and step.kind == StepKind.APPROVAL:
        raise TransitionNotAllowedError(
            _("Hồ sơ đang ở bước lãnh đạo phê duyệt; hãy dùng chức năng “Phê duyệt”.")
        )
    if not actor.has_perm("dossiers.process_dossier"):
        raise ActionNotPermittedError(_("Bạn không có quyền xử lý hồ sơ."))
    return _require_holder(Action.FORWARD, actor, step, (StepKind.PROCESSING,))


def _guard_approve(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    if not actor.has_perm("dossiers.approve_dossier"):
        raise ActionNotPermittedError(
            _(
                "Chỉ Chủ tịch, Phó Chủ tịch UBND (người có thẩm quyền phê duyệt) được phê duyệt "
                "kết quả giải quyết hồ sơ."
            )
        )
    return _require_holder(Action.APPROVE, actor, step, (StepKind.APPROVAL,))


def _guard_official(action: str) -> Callable[[User, Dossier, DossierStep | None], DossierStep]:
    def guard(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
        return _require_holder(action, actor, step, OFFICIAL_STEP_KINDS)

    return guard


def _guard_send_back(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    step = _require_holder(Action.SEND_BACK, actor, step, OFFICIAL_STEP_KINDS)
    if not send_back_targets(dossier=dossier, step=step):
        raise TransitionNotAllowedError(
            _("Không có bước xử lý nào trước bước “%(step)s” để trả lại.") % {"step": step.name}
        )
    return step


def _guard_request_supplement(
    actor: User, dossier: Dossier, step: DossierStep | None
) -> DossierStep:
    step = _require_holder(Action.REQUEST_SUPPLEMENT, actor, step, OFFICIAL_STEP_KINDS)
    if dossier.supplements.exists():
        # ND 61/2018 Đ15, Đ19.4: the applicant is asked once, with the complete list.
        raise workflow.SupplementRefusedError(
            _(
                "Hồ sơ đã được yêu cầu bổ sung một lần; pháp luật chỉ cho phép yêu cầu bổ sung "
                "một lần, đầy đủ, chính xác."
            )
        )
    return step


def _guard_record_supplement(
    actor: User, dossier: Dossier, step: DossierStep | None
) -> DossierStep | None:
    return _require_holder_or(Action.RECORD_SUPPLEMENT, actor, step, "dossiers.receive_dossier")


def _guard_consult(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    return _require_holder(Action.CONSULT, actor, step, OFFICIAL_STEP_KINDS)


def _guard_answer(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep | None:
    if not dossier.consultations.filter(consulted=actor, answered_at__isnull=True).exists():
        raise ActionNotPermittedError(_("Bạn không có yêu cầu xin ý kiến nào chờ trả lời."))
    return step


def _guard_transfer_return(
    actor: User, dossier: Dossier, step: DossierStep | None
) -> DossierStep | None:
    # ND 61/2018 Đ19.7: the result comes back to the receiving one-stop.
    return _require_holder_or(
        Action.RECORD_TRANSFER_RETURN, actor, step, "dossiers.receive_dossier"
    )


def _guard_leader_or_holder(
    action: str,
) -> Callable[[User, Dossier, DossierStep | None], DossierStep | None]:
    def guard(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep | None:
        return _require_holder_or(action, actor, step, "dossiers.approve_dossier")

    return guard


def _guard_extend(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep | None:
    step = _require_holder_or(Action.EXTEND, actor, step, "dossiers.approve_dossier")
    refusal = workflow.extension_refusal(
        _calendar(dossier),
        due_at=dossier.due_at,
        now=timezone.now(),
        extension_count=dossier.extension_count,
        max_extensions=settings.XASO_MAX_EXTENSIONS,
    )
    if refusal:
        raise workflow.ExtensionRefusedError(refusal)
    return step


def _guard_withdraw(actor: User, dossier: Dossier, step: DossierStep | None) -> DossierStep | None:
    # The applicant asks for it at the counter, or tells the official handling the dossier.
    return _require_holder_or(Action.WITHDRAW, actor, step, "dossiers.receive_dossier")


GUARDS: dict[str, Callable[[User, Dossier, DossierStep | None], DossierStep | None]] = {
    Action.CLAIM: _guard_claim,
    Action.FORWARD: _guard_forward,
    Action.APPROVE: _guard_approve,
    Action.SEND_BACK: _guard_send_back,
    Action.REQUEST_SUPPLEMENT: _guard_request_supplement,
    Action.RECORD_SUPPLEMENT: _guard_record_supplement,
    Action.REFUSE: _guard_official(Action.REFUSE),
    Action.CONSULT: _guard_consult,
    Action.ANSWER_CONSULTATION: _guard_answer,
    Action.TRANSFER: _guard_official(Action.TRANSFER),
    Action.RECORD_TRANSFER_RETURN: _guard_transfer_return,
    Action.EXTEND: _guard_extend,
    Action.STOP: _guard_leader_or_holder(Action.STOP),
    Action.WITHDRAW: _guard_withdraw,
}


def check_action(
    action: str, *, actor: User, dossier: Dossier, step: DossierStep | None = None
) -> DossierStep | None:
    """Raise a WorkflowError unless `actor` may do `action` on `dossier` now.

    Order: the unit, the allowed-transitions table, then who may act. Returns the
    current step (the one the action works on), if any; `step` saves reading it again.
    """
    _check_unit(actor, dossier)
    workflow.check_transition(action, dossier.status)
    if step is None or step.pk != dossier.current_step_id:
        step = _current_step(dossier)
    return GUARDS[action](actor, dossier, step)


def available_actions(*, user: User, dossier: Dossier) -> set[str]:
    """The actions `user` may do on `dossier` now (which buttons the pages show)."""
    step = _current_step(dossier)
    allowed = set()
    for action in Action:
        try:
            check_action(action, actor=user, dossier=dossier, step=step)
        except workflow.WorkflowError:
            continue
        allowed.add(str(action))
    return allowed


# --- the one transition service -------------------------------------------------------


def transition_dossier(
    *,
    actor: User,
    dossier: Dossier | int,
    action: str,
    change: ChangeFunction,
    note: str = "",
    expected_step_id: int | None = None,
) -> Dossier:
    """Apply `action` to the dossier: the only path by which a processing action changes it.

    Locks the dossier row (select_for_update) and re-reads it, so two officials acting
    at once are serialised and the second one sees the first one's result. Then checks
    the actor and the allowed-transitions table, calls `change(dossier, step, now)` (which
    makes the action's own writes and returns the new status), checks the new status
    against the table, saves, and writes the DossierEvent and the audit event — all in
    one transaction. `expected_step_id` (the step the actor saw) refuses an action on a
    dossier that moved on meanwhile.

    Raises a WorkflowError (a DomainError) when the action is refused; nothing is saved.
    Returns the updated dossier.
    """
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        # Lock only the dossier row: its steps and records change only under this lock.
        locked = Dossier.objects.select_for_update().select_related("unit").get(pk=pk)
        step = check_action(action, actor=actor, dossier=locked)
        if expected_step_id is not None and locked.current_step_id != expected_step_id:
            raise workflow.StaleStepError(
                _("Hồ sơ đã chuyển sang bước khác; hãy tải lại trang để xem tình trạng mới.")
            )
        from_status = locked.status
        now = timezone.now()
        result = change(locked, step, now)
        workflow.check_transition(action, from_status, result.to_status)
        locked.status = result.to_status
        locked.save()
        rule = workflow.ALLOWED_TRANSITIONS[action]
        event_step = result.step or step
        data = _json(result.data)
        DossierEvent.objects.create(
            dossier=locked,
            action=rule.event,
            from_status=from_status,
            to_status=result.to_status,
            step=event_step,
            actor=actor,
            note=note,
            data=data,
            is_public=result.is_public,
            created_at=now,
        )
        record_audit_event(
            action=workflow.AUDIT_PREFIX + rule.event,
            actor=actor,
            unit=locked.unit,
            target=locked,
            data={
                "code": locked.code,
                "from_status": from_status,
                "to_status": result.to_status,
                "step": event_step.name if event_step else "",
                "note": note,
                **data,
            },
        )
        extensions.run_transition_hooks(
            extensions.TransitionEvent(
                actor=actor,
                dossier=locked,
                event=rule.event,
                from_status=from_status,
                to_status=result.to_status,
                note=note,
            )
        )
        if result.notify:
            # Queued by the notifications module only once this transaction commits.
            notifications.notify_applicant(dossier=locked, kind=result.notify)
    return locked


# --- steps --------------------------------------------------------------------------------


def _finish_step(
    step: DossierStep,
    *,
    actor: User,
    now: datetime.datetime,
    cal: WorkCalendar,
    status: str = StepStatus.DONE,
    note: str = "",
) -> None:
    step.status = status
    step.finished_at = now
    step.finished_by = actor
    if step.due_at is not None:
        step.timing_outcome = deadlines.timing_outcome(finished_at=now, due_at=step.due_at, cal=cal)
    if note:
        step.note = note
    step.save()


def _start_step(step: DossierStep, *, now: datetime.datetime, cal: WorkCalendar) -> DossierStep:
    step.status = StepStatus.ACTIVE
    step.started_at = now
    step.due_at = deadlines.step_due(cal, start=now, budget_hours=step.budget_hours)
    step.finished_at = None
    step.finished_by = None
    step.timing_outcome = ""
    step.save()
    return step


def _copy_step(step: DossierStep, *, note: str = "") -> DossierStep:
    """A new pass through a step already walked: a new row, so the control slip keeps
    every hand-over. It goes back to the official who did it before."""
    return DossierStep(
        dossier_id=step.dossier_id,
        process_step_id=step.process_step_id,
        order=step.order,
        name=step.name,
        kind=step.kind,
        position_id=step.position_id,
        assignee_id=step.assignee_id,
        budget_hours=step.budget_hours,
        note=note,
    )


def _activate_next(
    dossier: Dossier, after: DossierStep, *, now: datetime.datetime, cal: WorkCalendar
) -> DossierStep | None:
    """Start the step following `after` in the procedure (None when it was the last)."""
    following = (
        dossier.steps.filter(order__gt=after.order)
        .order_by("order")
        .values_list("order", flat=True)
    )
    order = following.first()
    if order is None:
        return None
    step = dossier.steps.filter(order=order, status=StepStatus.PENDING).order_by("id").first()
    if step is None:
        previous = dossier.steps.filter(order=order).order_by("-id").first()
        if previous is None:
            return None
        step = _copy_step(previous)
    return _start_step(step, now=now, cal=cal)


def _enter(dossier: Dossier, step: DossierStep | None, *, now: datetime.datetime) -> str:
    """Make `step` the current one and return the dossier's status while it is."""
    dossier.current_step = step
    status = workflow.status_for_step_kind(step.kind if step else None)
    if status == Status.RESULT_READY:
        dossier.result_ready_at = now
    return status


def send_back_targets(*, dossier: Dossier, step: DossierStep) -> list[DossierStep]:
    """The earlier steps the current one may be sent back to (latest pass of each)."""
    earlier = (
        dossier.steps.filter(
            order__lt=step.order, kind__in=OFFICIAL_STEP_KINDS, status=StepStatus.DONE
        )
        .select_related("assignee")
        .order_by("order", "-id")
    )
    latest: dict[int, DossierStep] = {}
    for candidate in earlier:
        latest.setdefault(candidate.order, candidate)
    return list(latest.values())


def _advance(
    dossier: Dossier,
    step: DossierStep,
    *,
    actor: User,
    now: datetime.datetime,
    note: str,
) -> Change:
    cal = _calendar(dossier)
    _finish_step(step, actor=actor, now=now, cal=cal, note=note)
    following = _activate_next(dossier, step, now=now, cal=cal)
    status = _enter(dossier, following, now=now)
    return Change(
        to_status=status,
        step=step,
        notify=notifications.RESULT_READY if status == Status.RESULT_READY else "",
        data={
            "step_outcome": step.timing_outcome,
            "next_step": following.name if following else "",
            "next_step_due_at": following.due_at if following else None,
        },
    )


def claim_step(*, actor: User, dossier: Dossier, expected_step_id: int | None = None) -> Dossier:
    """Take the current step, assigned to a position, as its official.

    The first claim starts the processing (received → in progress). Raises a
    WorkflowError when the step is already taken or is for a position `actor` does
    not hold.
    """

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        step = _present(step)
        step.assignee = actor
        step.save(update_fields=["assignee"])
        status = locked.status
        if status == Status.RECEIVED:
            status = Status.IN_PROGRESS
        return Change(to_status=status, step=step, is_public=False)

    return transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.CLAIM,
        change=change,
        expected_step_id=expected_step_id,
    )


def forward_dossier(
    *, actor: User, dossier: Dossier, note: str = "", expected_step_id: int | None = None
) -> Dossier:
    """Finish the current processing step and start the next one.

    The next step decides the status: an approval step → waiting for approval; the
    return step (or no step left) → result ready, with `result_ready_at`. The finished
    step gets its time and on-time/late outcome.
    """

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        return _advance(locked, _present(step), actor=actor, now=now, note=note)

    return transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.FORWARD,
        change=change,
        note=note,
        expected_step_id=expected_step_id,
    )


def approve_dossier(
    *, actor: User, dossier: Dossier, note: str = "", expected_step_id: int | None = None
) -> Dossier:
    """The leader (chairman, vice chairman) approves on the approval step; usually the
    result is then ready for return. Stamps the recorded result, if any, as approved."""

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        outcome = _advance(locked, _present(step), actor=actor, now=now, note=note)
        # Other apps' work completed by the approval (e.g. the civil-status register entry);
        # a hook's ValidationError refuses the approval and rolls everything back.
        extensions.run_approval_hooks(actor=actor, dossier=locked)
        Result.objects.filter(dossier=locked, approved_at__isnull=True).update(
            approved_at=now, approved_by=actor
        )
        return outcome

    return transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.APPROVE,
        change=change,
        note=note,
        expected_step_id=expected_step_id,
    )


def send_back(
    *,
    actor: User,
    dossier: Dossier,
    to_step: DossierStep,
    reason: str,
    expected_step_id: int | None = None,
) -> Dossier:
    """Return the dossier to an earlier step, with the reason, to the official who did it.

    The current step ends as "sent back"; the earlier step starts again as a new row
    (the control slip shows both passes). Raises ValidationError without a reason or
    for a step that is not an earlier one of this dossier.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại.")})

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        step = _present(step)
        targets = {target.pk: target for target in send_back_targets(dossier=locked, step=step)}
        target = targets.get(to_step.pk)
        if target is None:
            raise ValidationError({"to_step": _("Hãy chọn một bước xử lý trước bước hiện tại.")})
        cal = _calendar(locked)
        _finish_step(step, actor=actor, now=now, cal=cal, status=StepStatus.SENT_BACK, note=reason)
        again = _start_step(_copy_step(target, note=reason), now=now, cal=cal)
        status = _enter(locked, again, now=now)
        return Change(
            to_status=status,
            step=step,
            data={"to_step": again.name, "to_assignee": str(again.assignee or "")},
            is_public=False,
        )

    return transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.SEND_BACK,
        change=change,
        note=reason,
        expected_step_id=expected_step_id,
    )


# --- supplement ---------------------------------------------------------------------------


def supplement_window_end(cal: WorkCalendar, dossier: Dossier) -> datetime.datetime:
    """The end of the window for asking a supplement (ND 61/2018 Đ19.4: 03 working days
    after receipt, settings.XASO_SUPPLEMENT_WINDOW_DAYS)."""
    return working_days.add_working_days(
        cal,
        dossier.received_at,
        settings.XASO_SUPPLEMENT_WINDOW_DAYS,
        first_day_is_receipt_day=settings.XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY,
    )


def _clean_lines(items: Iterable[str]) -> list[str]:
    return [line.strip() for line in items if line and line.strip()]


def request_supplement(
    *,
    actor: User,
    dossier: Dossier,
    items: Iterable[str],
    reason: str,
    guidance: str = "",
    expected_step_id: int | None = None,
) -> SupplementRequest:
    """Ask the applicant, once and with the complete list, to complete the dossier.

    Stops the clock (`clock_stopped_at`); the due time is recomputed from zero when the
    complete dossier arrives (record_supplement_received). A request later than the
    supplement window after receipt is recorded but flagged `is_late_notice` (ND 61/2018
    Đ19.4). Raises ValidationError without items or reason; SupplementRefusedError
    when the dossier was already asked once.
    """
    lines = _clean_lines(items)
    reason = reason.strip()
    errors = {}
    if not lines:
        errors["items"] = [_("Hãy liệt kê đầy đủ các giấy tờ, nội dung cần bổ sung.")]
    if not reason:
        errors["reason"] = [_("Hãy ghi lý do yêu cầu bổ sung.")]
    if errors:
        raise ValidationError(errors)
    created: list[SupplementRequest] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        cal = _calendar(locked)
        window_end = supplement_window_end(cal, locked)
        supplement = SupplementRequest(
            dossier=locked,
            items=lines,
            reason=reason,
            guidance=guidance.strip(),
            requested_at=now,
            requested_by=actor,
            is_late_notice=now > window_end,
            due_before=locked.due_at,
        )
        supplement.full_clean()
        supplement.save()
        created.append(supplement)
        locked.clock_stopped_at = now
        return Change(
            to_status=Status.WAITING_SUPPLEMENT,
            data={
                "supplement": supplement.pk,
                "items": lines,
                "is_late_notice": supplement.is_late_notice,
                "window_end": window_end,
            },
            notify=notifications.SUPPLEMENT_REQUESTED,
        )

    transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        change=change,
        note=reason,
        expected_step_id=expected_step_id,
    )
    return created[0]


def record_supplement_received(
    *, actor: User, dossier: Dossier, note: str = ""
) -> SupplementRequest:
    """The complete dossier is back: the clock restarts from zero (ND 61/2018 Đ19.4,
    "được tính lại từ đầu"; working-days.md edge case #8).

    The new counting start and due time are computed with the procedure's limit from
    this moment (the 15:00 rule included), as at a reception; the due time before the
    supplement stays on the SupplementRequest (`due_before`, `due_after`). The current
    step's due time restarts too. By the counter (receive permission) or the official
    holding the step.
    """
    fulfilled: list[SupplementRequest] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        supplement = (
            SupplementRequest.objects.select_for_update()
            .filter(dossier=locked, fulfilled_at__isnull=True)
            .order_by("-requested_at")
            .first()
        )
        if supplement is None:
            raise workflow.SupplementRefusedError(_("Hồ sơ không có yêu cầu bổ sung nào đang chờ."))
        cal = _calendar(locked)
        procedure = locked.procedure
        due = deadlines.legal_due(
            cal,
            kind=procedure.time_limit_kind,
            value=procedure.time_limit_value,
            received_at=now,
            first_day_is_receipt_day=settings.XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY,
        )
        supplement.fulfilled_at = now
        supplement.fulfilled_by = actor
        supplement.due_after = due.due_at
        supplement.save()
        fulfilled.append(supplement)
        locked.counting_start = due.counting_start
        # A new appointment, not an extension: the original due restarts with it.
        locked.original_due_at = due.due_at
        locked.due_at = due.due_at
        locked.due_needs_review = due.needs_review
        locked.clock_stopped_at = None
        if step is not None and step.status == StepStatus.ACTIVE:
            step.due_at = deadlines.step_due(cal, start=now, budget_hours=step.budget_hours)
            step.save(update_fields=["due_at"])
        return Change(
            to_status=workflow.status_for_step_kind(step.kind if step else None),
            data={
                "supplement": supplement.pk,
                "due_before": supplement.due_before,
                "due_at": due.due_at,
                "counting_start": due.counting_start,
            },
        )

    transition_dossier(
        actor=actor, dossier=dossier, action=Action.RECORD_SUPPLEMENT, change=change, note=note
    )
    return fulfilled[0]


# --- refusal, stop, withdrawal ------------------------------------------------------------


def _close(
    dossier: Dossier,
    step: DossierStep | None,
    *,
    actor: User,
    now: datetime.datetime,
    note: str,
) -> None:
    """End the current step where it stands and close the dossier."""
    cal = _calendar(dossier)
    if step is not None and step.status == StepStatus.ACTIVE:
        _finish_step(step, actor=actor, now=now, cal=cal, note=note)
    dossier.current_step = None
    dossier.closed_at = now
    dossier.clock_stopped_at = None


def refuse_dossier(
    *, actor: User, dossier: Dossier, reason: str, expected_step_id: int | None = None
) -> Dossier:
    """Refuse the request after appraisal, with the reason; the dossier closes as refused
    (ND 61/2018 Đ19.8) with its on-time/late outcome against the current due time."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi rõ lý do từ chối giải quyết.")})

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        _close(locked, step, actor=actor, now=now, note=reason)
        locked.timing_outcome = deadlines.timing_outcome(
            finished_at=now, due_at=locked.due_at, cal=_calendar(locked)
        )
        return Change(to_status=Status.REFUSED, data={"timing_outcome": locked.timing_outcome})

    return transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.REFUSE,
        change=change,
        note=reason,
        expected_step_id=expected_step_id,
    )


def stop_dossier(
    *,
    actor: User,
    dossier: Dossier,
    reason: str,
    requested_by_applicant: bool = True,
    financial_settlement: str = "",
) -> StopNotice:
    """Stop processing and issue the stop notice (2025 form 05, TT 03/2025).

    The conditions of a stop are not settled in the reviewed law (onestop.md §6), so
    any open dossier not yet ready for return may be stopped, with a reason.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do dừng giải quyết hồ sơ.")})
    created: list[StopNotice] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        stage = step.name if step is not None else workflow.status_label(locked.status)
        notice = StopNotice(
            dossier=locked,
            requested_by_applicant=requested_by_applicant,
            stage=stage,
            reason=reason,
            financial_settlement=financial_settlement.strip(),
            created_at=now,
            created_by=actor,
        )
        notice.full_clean()
        notice.save()
        created.append(notice)
        _close(locked, step, actor=actor, now=now, note=reason)
        return Change(
            to_status=Status.STOPPED,
            data={"stage": stage, "requested_by_applicant": requested_by_applicant},
        )

    transition_dossier(actor=actor, dossier=dossier, action=Action.STOP, change=change, note=reason)
    return created[0]


def withdraw_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """Close the dossier at the applicant's request (rút hồ sơ)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi nội dung đề nghị rút hồ sơ.")})

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        _close(locked, step, actor=actor, now=now, note=reason)
        return Change(to_status=Status.WITHDRAWN)

    return transition_dossier(
        actor=actor, dossier=dossier, action=Action.WITHDRAW, change=change, note=reason
    )


# --- consultations and transfers ----------------------------------------------------------


def consultable_officials(*, dossier: Dossier, actor: User) -> QuerySet[User]:
    """Officials of the dossier's unit who may be consulted (not the actor)."""
    return (
        User.objects.filter(unit_id=dossier.unit_id, is_active=True)
        .filter(
            Q(positions__permissions__codename__in=["process_dossier", "approve_dossier"])
            & Q(positions__permissions__content_type__app_label="dossiers")
        )
        .exclude(pk=actor.pk)
        .distinct()
        .order_by("full_name")
    )


def _days_limit(days: int, maximum: int, field_name: str) -> int:
    if not 1 <= days <= maximum:
        raise ValidationError(
            {field_name: _("Thời hạn phải từ 1 đến %(max)s ngày làm việc.") % {"max": maximum}}
        )
    return days


def consult(
    *,
    actor: User,
    dossier: Dossier,
    consulted: User,
    question: str,
    due_in_days: int,
    expected_step_id: int | None = None,
) -> Consultation:
    """Ask another official of the unit for an opinion, answer due in working days
    (ND 61/2018 Đ19.5: consultation deadlines are tracked). The dossier waits in
    "consulting" until every open consultation is answered; its own due time runs on."""
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Hãy ghi nội dung xin ý kiến.")})
    _days_limit(due_in_days, MAX_CONSULTATION_DAYS, "due_in_days")
    created: list[Consultation] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        if not consultable_officials(dossier=locked, actor=actor).filter(pk=consulted.pk).exists():
            raise ValidationError(
                {"consulted": _("Chỉ xin ý kiến được công chức, lãnh đạo khác của đơn vị.")}
            )
        cal = _calendar(locked)
        consultation = Consultation(
            dossier=locked,
            asked_by=actor,
            consulted=consulted,
            question=question,
            asked_at=now,
            due_at=working_days.add_working_days(
                cal,
                now,
                due_in_days,
                first_day_is_receipt_day=settings.XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY,
            ),
        )
        consultation.full_clean()
        consultation.save()
        created.append(consultation)
        return Change(
            to_status=Status.CONSULTING,
            data={
                "consultation": consultation.pk,
                "consulted": str(consulted),
                "due_at": consultation.due_at,
            },
            is_public=False,
        )

    transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.CONSULT,
        change=change,
        note=question,
        expected_step_id=expected_step_id,
    )
    return created[0]


def answer_consultation(*, actor: User, consultation: Consultation, answer: str) -> Consultation:
    """The consulted official answers; once no consultation is left open, the dossier
    returns to its step's status. Answering late is recorded (answered after `due_at`)."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Hãy ghi ý kiến trả lời.")})
    answered: list[Consultation] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.consulted_id != actor.pk or current.answered_at is not None:
            raise ActionNotPermittedError(
                _("Yêu cầu xin ý kiến này không chờ bạn trả lời (đã trả lời hoặc gửi người khác).")
            )
        current.answer = answer
        current.answered_at = now
        current.save(update_fields=["answer", "answered_at"])
        answered.append(current)
        still_open = locked.consultations.filter(answered_at__isnull=True).exists()
        status = (
            Status.CONSULTING
            if still_open
            else workflow.status_for_step_kind(step.kind if step else None)
        )
        return Change(
            to_status=status,
            data={"consultation": current.pk, "late": now > current.due_at},
            is_public=False,
        )

    transition_dossier(
        actor=actor,
        dossier=consultation.dossier_id,
        action=Action.ANSWER_CONSULTATION,
        change=change,
        note=answer,
    )
    return answered[0]


def transfer_dossier(
    *,
    actor: User,
    dossier: Dossier,
    agency_name: str,
    due_in_days: int,
    agency_identifier: str = "",
    note: str = "",
    expected_step_id: int | None = None,
) -> Transfer:
    """Record the transfer to a higher-level agency (liên thông, ND 61/2018 Đ19.7) and
    the date its result is due back. The dossier's own due time runs on: routing never
    restarts it (onestop.md §7). The electronic exchange itself comes later."""
    agency_name = agency_name.strip()
    if not agency_name:
        raise ValidationError({"agency_name": _("Hãy ghi tên cơ quan nhận hồ sơ.")})
    _days_limit(due_in_days, MAX_TRANSFER_DAYS, "due_in_days")
    created: list[Transfer] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        cal = _calendar(locked)
        transfer = Transfer(
            dossier=locked,
            agency_name=agency_name,
            agency_identifier=agency_identifier.strip(),
            sent_at=now,
            sent_by=actor,
            due_at=working_days.add_working_days(
                cal,
                now,
                due_in_days,
                first_day_is_receipt_day=settings.XASO_DOSSIER_FIRST_DAY_IS_RECEIPT_DAY,
            ),
            note=note.strip(),
        )
        transfer.full_clean()
        transfer.save()
        created.append(transfer)
        return Change(
            to_status=Status.TRANSFERRED,
            data={"transfer": transfer.pk, "agency": agency_name, "due_at": transfer.due_at},
        )

    transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.TRANSFER,
        change=change,
        note=note.strip(),
        expected_step_id=expected_step_id,
    )
    return created[0]


def record_transfer_return(*, actor: User, dossier: Dossier, return_note: str) -> Transfer:
    """The higher agency's result is back: processing continues at the current step."""
    return_note = return_note.strip()
    if not return_note:
        raise ValidationError({"return_note": _("Hãy ghi kết quả cơ quan cấp trên trả về.")})
    returned: list[Transfer] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        transfer = (
            Transfer.objects.select_for_update()
            .filter(dossier=locked, returned_at__isnull=True)
            .order_by("-sent_at")
            .first()
        )
        if transfer is None:
            raise TransitionNotAllowedError(_("Hồ sơ không có lần chuyển cấp trên nào đang chờ."))
        transfer.returned_at = now
        transfer.return_note = return_note
        transfer.save(update_fields=["returned_at", "return_note"])
        returned.append(transfer)
        return Change(
            to_status=Status.IN_PROGRESS,
            data={"transfer": transfer.pk, "late": now > transfer.due_at},
        )

    transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.RECORD_TRANSFER_RETURN,
        change=change,
        note=return_note,
    )
    return returned[0]


# --- lateness -----------------------------------------------------------------------------


def new_due_from_date(cal: WorkCalendar, day: datetime.date) -> datetime.datetime:
    """The end of office hours of `day`, which must be a working day."""
    if not working_days.is_working_day(cal, day):
        raise ValidationError(
            {
                "new_due_on": _("Ngày %(date)s không phải ngày làm việc; hãy chọn ngày khác.")
                % {"date": day.strftime("%d/%m/%Y")}
            }
        )
    return working_days.end_of_day(cal, day)


def extend_due(
    *, actor: User, dossier: Dossier, reason: str, new_due_on: datetime.date
) -> Extension:
    """Record the apology letter and the new return date (2025 form 04, ND 61/2018 Đ19.9).

    Allowed at most settings.XASO_MAX_EXTENSIONS times (edge case #10), and only up to
    the last working day before the due day (edge case #11: on the due day it is
    refused). The new due time is the end of `new_due_on`, later than the current one;
    `original_due_at` keeps the first appointment. The applicant is notified.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do chậm trả kết quả.")})
    created: list[Extension] = []

    def change(locked: Dossier, step: DossierStep | None, now: datetime.datetime) -> Change:
        cal = _calendar(locked)
        new_due_at = new_due_from_date(cal, new_due_on)
        refusal = workflow.extension_refusal(
            cal,
            due_at=locked.due_at,
            now=now,
            extension_count=locked.extension_count,
            max_extensions=settings.XASO_MAX_EXTENSIONS,
            new_due_at=new_due_at,
        )
        if refusal:
            raise workflow.ExtensionRefusedError(refusal)
        extension = Extension(
            dossier=locked,
            reason=reason,
            old_due_at=locked.due_at,
            new_due_at=new_due_at,
            created_at=now,
            created_by=actor,
        )
        extension.full_clean()
        extension.save()
        created.append(extension)
        locked.due_at = new_due_at
        locked.extension_count += 1  # the row is locked: no lost update
        locked.due_needs_review = working_days.needs_review(cal, locked.counting_start, new_due_at)
        return Change(
            to_status=locked.status,
            data={
                "extension": extension.pk,
                "old_due_at": extension.old_due_at,
                "new_due_at": new_due_at,
            },
            notify=notifications.DUE_EXTENDED,
        )

    transition_dossier(
        actor=actor, dossier=dossier, action=Action.EXTEND, change=change, note=reason
    )
    return created[0]


@dataclass(frozen=True)
class DueNotice:
    """The lateness banner of the detail page."""

    state: str  # workflow.DueState
    last_day_for_extension: datetime.date | None
    can_extend: bool


def due_notice_for(*, dossier: Dossier, now: datetime.datetime | None = None) -> DueNotice | None:
    """The banner to show from one working day before the due time (None: nothing to say).

    `can_extend`: the apology letter may still be sent (before the last day passes and
    within the number of extensions allowed).
    """
    if dossier.is_closed or dossier.status in (Status.RESULT_READY, Status.WAITING_SUPPLEMENT):
        return None
    now = now or timezone.now()
    cal = _calendar(dossier)
    last_day = workflow.last_day_for_extension(cal, dossier.due_at)
    today = now.astimezone(cal.timezone).date()
    if today < last_day:
        return None
    state = workflow.due_state(cal, due_at=dossier.due_at, now=now)
    can_extend = today <= last_day and dossier.extension_count < settings.XASO_MAX_EXTENSIONS
    return DueNotice(state=state, last_day_for_extension=last_day, can_extend=can_extend)


# --- reads (selectors) --------------------------------------------------------------------


def _involved(user: User) -> Q:
    """Dossiers `user` worked on, was consulted on, or may claim a step of."""
    steps = DossierStep.objects.filter(
        Q(assignee=user)
        | Q(finished_by=user)
        | Q(
            status=StepStatus.ACTIVE,
            assignee__isnull=True,
            position__in=user.positions.all(),
        )
    ).values("dossier_id")
    consulted = Consultation.objects.filter(consulted=user).values("dossier_id")
    acted = DossierEvent.objects.filter(actor=user).values("dossier_id")
    return Q(pk__in=steps) | Q(pk__in=consulted) | Q(pk__in=acted)


def readable_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers `user` may open.

    - view_all_dossiers: every dossier of the units they may read (a province
      supervisor: the province's communes, read only);
    - the counter (receive or return): every dossier of their unit;
    - officials: those they worked on, were consulted on, or may claim.
    """
    if not user.is_authenticated or not user.is_active:
        return Dossier.objects.none()
    dossiers = Dossier.objects.all()
    if user.has_perm(workflow.VIEW_ALL_PERMISSION):
        return dossiers.readable_by(user)
    if user.has_perm("dossiers.receive_dossier") or user.has_perm("dossiers.return_result"):
        return dossiers.writable_by(user)
    if user.has_perm("dossiers.process_dossier") or user.has_perm("dossiers.approve_dossier"):
        return dossiers.writable_by(user).filter(_involved(user))
    return dossiers.none()


def get_dossier_for(*, user: User, pk: int) -> Dossier:
    """One dossier `user` may read; 404 for any other (no existence leak)."""
    try:
        return (
            readable_dossiers(user)
            .select_related("unit", "procedure", "applicant", "received_by", "current_step")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def get_dossier_to_act_on(*, user: User, pk: int) -> Dossier:
    """One dossier of `user`'s own unit they may read; 404 otherwise (read-only readers
    such as province supervisors cannot act on a commune's dossier)."""
    try:
        return (
            readable_dossiers(user)
            .filter(unit_id=user.unit_id)
            .select_related("unit", "procedure", "applicant", "current_step")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def list_dossiers_for(
    *,
    user: User,
    status: str = "",
    procedure_id: int | None = None,
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
    query: str = "",
) -> QuerySet[Dossier]:
    """The dossiers `user` may read, filtered; `query` matches the code or (without
    diacritics, word prefix) the applicant's name, ID number or the procedure."""
    dossiers = readable_dossiers(user).select_related(
        "procedure", "applicant", "unit", "current_step"
    )
    if status:
        dossiers = dossiers.filter(status=status)
    if procedure_id:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    if received_from:
        dossiers = dossiers.filter(received_at__gte=_local_midnight(received_from))
    if received_to:
        dossiers = dossiers.filter(
            received_at__lt=_local_midnight(received_to + datetime.timedelta(days=1))
        )
    query = query.strip()
    if query:
        dossiers = dossiers.filter(Q(code__icontains=query) | search_filter("search_text", query))
    return dossiers.order_by("-received_at", "-id")


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class InboxItem:
    step: DossierStep
    dossier: Dossier
    state: str
    is_claimable: bool


@dataclass
class Inbox:
    """An official's work: active steps grouped by due time, and open consultations."""

    groups: dict[str, list[InboxItem]]
    waiting: list[InboxItem]
    consultations: list[Consultation]
    # Active steps beyond INBOX_LIMIT (the most urgent are shown; the rest are counted).
    not_shown: int = 0
    # Exact counts per group and of waiting steps when the lists were cut at INBOX_LIMIT.
    exact_counts: dict[str, int] | None = None
    exact_waiting: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self.exact_counts is not None:
            return self.exact_counts
        return {state: len(items) for state, items in self.groups.items()}

    @property
    def waiting_count(self) -> int:
        return self.exact_waiting if self.exact_waiting is not None else len(self.waiting)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.waiting_count + len(self.consultations)


# Statuses in which the official waits on someone else (the clock may be stopped).
WAITING_STATUSES = (Status.WAITING_SUPPLEMENT, Status.CONSULTING, Status.TRANSFERRED)


# A commune official has tens of open steps; the cap keeps a backlog from making the page
# (and the dashboard widget) slow. The most urgent steps come first.
INBOX_LIMIT = 50


def _inbox_counts(steps, *, cal, now: datetime.datetime) -> tuple[dict[str, int], int]:
    """Exact group counts in SQL, with the same boundaries as workflow.due_state."""
    today = now.astimezone(cal.timezone).date()
    tomorrow = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), tzinfo=cal.timezone
    )
    soon_end = datetime.datetime.combine(
        working_days.next_working_day(cal, today) + datetime.timedelta(days=1),
        datetime.time(),
        tzinfo=cal.timezone,
    )
    due = Coalesce("due_at", "dossier__due_at")
    handled = ~Q(dossier__status__in=WAITING_STATUSES)
    totals = (
        steps.order_by()
        .annotate(effective_due=due)
        .aggregate(
            overdue=Count("id", filter=handled & Q(effective_due__lt=now)),
            due_today=Count(
                "id", filter=handled & Q(effective_due__gte=now, effective_due__lt=tomorrow)
            ),
            due_soon=Count(
                "id", filter=handled & Q(effective_due__gte=tomorrow, effective_due__lt=soon_end)
            ),
            later=Count("id", filter=handled & Q(effective_due__gte=soon_end)),
            waiting=Count("id", filter=~handled),
        )
    )
    waiting = totals.pop("waiting")
    return {state: totals[state] for state in workflow.DueState.values}, waiting


def inbox_for(*, user: User, now: datetime.datetime | None = None) -> Inbox:
    """The active steps assigned to `user` or claimable through their positions, ordered
    by due time and grouped overdue / due today / due soon / later; steps waiting on a
    supplement, a consultation or a transfer apart; the consultations `user` must answer.
    """
    groups: dict[str, list[InboxItem]] = {state: [] for state in workflow.DueState.values}
    inbox = Inbox(groups=groups, waiting=[], consultations=[])
    if not user.is_authenticated or not user.unit_id:
        return inbox
    now = now or timezone.now()
    cal = calendar_for_unit(user.unit)
    steps = (
        DossierStep.objects.filter(status=StepStatus.ACTIVE, dossier__unit_id=user.unit_id)
        .exclude(dossier__status__in=Dossier.CLOSED_STATUSES)
        .filter(Q(assignee=user) | Q(assignee__isnull=True, position__in=user.positions.all()))
        .select_related("dossier", "dossier__applicant", "dossier__procedure", "position")
        .order_by("due_at", "id")
    )
    shown = list(steps[: INBOX_LIMIT + 1])
    if len(shown) > INBOX_LIMIT:
        shown = shown[:INBOX_LIMIT]
        inbox.exact_counts, inbox.exact_waiting = _inbox_counts(steps, cal=cal, now=now)
        inbox.not_shown = sum(inbox.exact_counts.values()) + inbox.exact_waiting - INBOX_LIMIT
    for step in shown:
        item = InboxItem(
            step=step,
            dossier=step.dossier,
            state=workflow.due_state(cal, due_at=step.due_at or step.dossier.due_at, now=now),
            is_claimable=step.assignee_id is None,
        )
        if step.dossier.status in WAITING_STATUSES:
            inbox.waiting.append(item)
        else:
            groups[item.state].append(item)
    inbox.consultations = list(
        Consultation.objects.filter(
            consulted=user, answered_at__isnull=True, dossier__unit_id=user.unit_id
        )
        .exclude(dossier__status__in=Dossier.CLOSED_STATUSES)
        .select_related("dossier", "dossier__procedure", "asked_by")
        .order_by("due_at", "id")
    )
    return inbox


def open_consultations_for(*, user: User, dossier: Dossier) -> list[Consultation]:
    return list(
        dossier.consultations.filter(consulted=user, answered_at__isnull=True).order_by("due_at")
    )


def control_slip_steps(dossier: Dossier) -> list[DossierStep]:
    """Every hand-over of the dossier in the order it happened (control slip rows)."""
    return list(
        dossier.steps.exclude(started_at__isnull=True)
        .select_related("assignee", "finished_by", "position")
        .order_by("started_at", "id")
    )
