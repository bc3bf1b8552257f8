"""The processing workflow of a one-stop dossier: actions, the allowed-transitions table,
the errors a refused action raises, and the pure date rules of lateness.

`ALLOWED_TRANSITIONS` is the single statement of which action may move a dossier from
which status to which; `xaso.dossiers.services.processing.transition_dossier` checks it
(before and after the change) for every action, so no other code decides it.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core import working_days
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.working_days import WorkCalendar
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import ProcessStep

Status = Dossier.Status
StepKind = ProcessStep.Kind


class Action(models.TextChoices):
    """What an official may do to a dossier while it is processed."""

    CLAIM = "claim", gettext_lazy("Nhận xử lý")
    FORWARD = "forward", gettext_lazy("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", gettext_lazy("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", gettext_lazy("Yêu cầu bổ sung hồ sơ")
    RECORD_SUPPLEMENT = "record_supplement", gettext_lazy("Nhận hồ sơ đã bổ sung")
    REFUSE = "refuse", gettext_lazy("Từ chối giải quyết")
    CONSULT = "consult", gettext_lazy("Xin ý kiến")
    ANSWER_CONSULTATION = "answer_consultation", gettext_lazy("Trả lời xin ý kiến")
    TRANSFER = "transfer", gettext_lazy("Chuyển cơ quan cấp trên")
    RECORD_TRANSFER_RETURN = (
        "record_transfer_return",
        gettext_lazy("Nhận kết quả từ cơ quan cấp trên"),
    )
    APPROVE = "approve", gettext_lazy("Phê duyệt")
    EXTEND = "extend", gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả")
    STOP = "stop", gettext_lazy("Dừng giải quyết hồ sơ")
    WITHDRAW = "withdraw", gettext_lazy("Rút hồ sơ theo đề nghị của người nộp")


@dataclass(frozen=True)
class Transition:
    """From which statuses an action may start, which statuses it may lead to, and the
    code it is logged under (DossierEvent.action; the audit action is "dossier.<event>")."""

    sources: frozenset[str]
    targets: frozenset[str]
    event: str


def _statuses(*statuses: str) -> frozenset[str]:
    return frozenset(statuses)


# Open statuses in which the dossier is still being handled (not waiting for its return).
_HANDLING = _statuses(
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.WAITING_SUPPLEMENT,
    Status.CONSULTING,
    Status.TRANSFERRED,
    Status.WAITING_APPROVAL,
)
# Statuses in which the official holding the current step may act on it.
_WORKABLE = _statuses(Status.RECEIVED, Status.IN_PROGRESS, Status.WAITING_APPROVAL)

ALLOWED_TRANSITIONS: dict[str, Transition] = {
    # Claiming only names the official; the first claim starts the processing.
    Action.CLAIM: Transition(
        sources=_statuses(
            Status.RECEIVED, Status.IN_PROGRESS, Status.WAITING_APPROVAL, Status.RESULT_READY
        ),
        targets=_statuses(Status.IN_PROGRESS, Status.WAITING_APPROVAL, Status.RESULT_READY),
        event="claimed",
    ),
    # The next step decides: approval → waiting for the leader; return → result ready.
    Action.FORWARD: Transition(
        sources=_statuses(Status.RECEIVED, Status.IN_PROGRESS),
        targets=_statuses(Status.IN_PROGRESS, Status.WAITING_APPROVAL, Status.RESULT_READY),
        event="forwarded",
    ),
    Action.SEND_BACK: Transition(
        sources=_statuses(Status.IN_PROGRESS, Status.WAITING_APPROVAL),
        targets=_statuses(Status.IN_PROGRESS, Status.WAITING_APPROVAL),
        event="sent_back",
    ),
    # ND 61/2018 Đ19.4: one complete request; the clock stops until the dossier is complete.
    Action.REQUEST_SUPPLEMENT: Transition(
        sources=_WORKABLE,
        targets=_statuses(Status.WAITING_SUPPLEMENT),
        event="supplement_requested",
    ),
    Action.RECORD_SUPPLEMENT: Transition(
        sources=_statuses(Status.WAITING_SUPPLEMENT),
        targets=_statuses(Status.IN_PROGRESS, Status.WAITING_APPROVAL),
        event="supplement_received",
    ),
    # ND 61/2018 Đ19.8: a refusal after appraisal closes the dossier.
    Action.REFUSE: Transition(
        sources=_WORKABLE, targets=_statuses(Status.REFUSED), event="refused"
    ),
    # Several officials may be consulted at once, so CONSULTING → CONSULTING is allowed.
    Action.CONSULT: Transition(
        sources=_WORKABLE | {Status.CONSULTING},
        targets=_statuses(Status.CONSULTING),
        event="consulted",
    ),
    # Back to the step's status once the last open consultation is answered.
    Action.ANSWER_CONSULTATION: Transition(
        sources=_statuses(Status.CONSULTING),
        targets=_statuses(Status.CONSULTING, Status.IN_PROGRESS, Status.WAITING_APPROVAL),
        event="consultation_answered",
    ),
    # ND 61/2018 Đ19.7: the higher authority returns the result to the receiving one-stop.
    Action.TRANSFER: Transition(
        sources=_statuses(Status.RECEIVED, Status.IN_PROGRESS),
        targets=_statuses(Status.TRANSFERRED),
        event="transferred",
    ),
    # Back to processing, or (the higher authority decided and issued the result) straight
    # to the return step: the receiving one-stop hands that result to the citizen (Đ19.7).
    Action.RECORD_TRANSFER_RETURN: Transition(
        sources=_statuses(Status.TRANSFERRED),
        targets=_statuses(Status.IN_PROGRESS, Status.RESULT_READY),
        event="transfer_returned",
    ),
    # After the approval step: usually the return step (result ready); a second approval
    # or a processing step (e.g. entering the register after signature) also happen.
    Action.APPROVE: Transition(
        sources=_statuses(Status.WAITING_APPROVAL),
        targets=_statuses(Status.RESULT_READY, Status.WAITING_APPROVAL, Status.IN_PROGRESS),
        event="approved",
    ),
    # ND 61/2018 Đ19.9: the new date changes, the status does not. Not while the clock is
    # stopped for a supplement (nothing to extend) nor once the result is ready.
    Action.EXTEND: Transition(
        sources=_HANDLING - {Status.WAITING_SUPPLEMENT},
        targets=_HANDLING - {Status.WAITING_SUPPLEMENT},
        event="extended",
    ),
    Action.STOP: Transition(sources=_HANDLING, targets=_statuses(Status.STOPPED), event="stopped"),
    Action.WITHDRAW: Transition(
        sources=_HANDLING, targets=_statuses(Status.WITHDRAWN), event="withdrawn"
    ),
}

# Actions that never change the status: their target is their source.
STATUS_KEEPING_ACTIONS = frozenset({Action.EXTEND})

# Which permission working on a step of each kind needs (positions carry them as data).
STEP_PERMISSIONS = {
    StepKind.RECEPTION: "dossiers.receive_dossier",
    StepKind.PROCESSING: "dossiers.process_dossier",
    StepKind.APPROVAL: "dossiers.approve_dossier",
    StepKind.RETURN: "dossiers.return_result",
}
# Any of these lets a user open the processing pages at all.
WORKING_PERMISSIONS = (
    "dossiers.process_dossier",
    "dossiers.approve_dossier",
    "dossiers.receive_dossier",
    "dossiers.return_result",
)
VIEW_ALL_PERMISSION = "dossiers.view_all_dossiers"

AUDIT_PREFIX = "dossier."

register_audit_labels(
    {
        "dossier.claimed": gettext_lazy("Nhận xử lý bước hồ sơ"),
        "dossier.forwarded": gettext_lazy("Chuyển hồ sơ sang bước tiếp theo"),
        "dossier.sent_back": gettext_lazy("Trả hồ sơ về bước trước"),
        "dossier.supplement_requested": gettext_lazy("Yêu cầu bổ sung hồ sơ"),
        "dossier.supplement_received": gettext_lazy("Nhận hồ sơ đã bổ sung"),
        "dossier.refused": gettext_lazy("Từ chối giải quyết hồ sơ"),
        "dossier.consulted": gettext_lazy("Xin ý kiến về hồ sơ"),
        "dossier.consultation_answered": gettext_lazy("Trả lời xin ý kiến về hồ sơ"),
        "dossier.transferred": gettext_lazy("Chuyển hồ sơ lên cơ quan cấp trên"),
        "dossier.transfer_returned": gettext_lazy("Nhận kết quả từ cơ quan cấp trên"),
        "dossier.approved": gettext_lazy("Phê duyệt kết quả giải quyết hồ sơ"),
        "dossier.extended": gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
        "dossier.stopped": gettext_lazy("Dừng giải quyết hồ sơ"),
        "dossier.withdrawn": gettext_lazy("Rút hồ sơ"),
    }
)


def event_labels() -> dict[str, str]:
    """Vietnamese labels of the DossierEvent codes written here and at reception."""
    labels = {
        "received": _("Tiếp nhận hồ sơ"),
        "fee_collected": _("Thu phí, lệ phí và cấp biên lai"),
        "fee_requoted": _("Xác định lại phí, lệ phí phải nộp"),
    }
    for action, rule in ALLOWED_TRANSITIONS.items():
        labels[rule.event] = str(Action(action).label)
    return labels


# --- errors -----------------------------------------------------------------------


class WorkflowError(DomainError):
    """A processing action was refused; nothing was changed."""

    code = "workflow_error"


class TransitionNotAllowedError(WorkflowError):
    code = "transition_not_allowed"


class StepNotYoursError(WorkflowError):
    code = "step_not_yours"


class ActionNotPermittedError(WorkflowError):
    code = "action_not_permitted"


class StaleStepError(WorkflowError):
    code = "stale_step"


class OtherUnitError(WorkflowError):
    code = "other_unit"


class ExtensionRefusedError(WorkflowError):
    code = "extension_refused"


class SupplementRefusedError(WorkflowError):
    code = "supplement_refused"


def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def check_transition(action: str, from_status: str, to_status: str | None = None) -> None:
    """Raise TransitionNotAllowedError unless the table lets `action` start at
    `from_status` (and, when given, end at `to_status`)."""
    rule = ALLOWED_TRANSITIONS[action]
    label = Action(action).label
    if from_status not in rule.sources:
        raise TransitionNotAllowedError(
            _("Không thể “%(action)s”: hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": label, "status": status_label(from_status)}
        )
    if to_status is None:
        return
    if action in STATUS_KEEPING_ACTIONS and to_status != from_status:
        raise TransitionNotAllowedError(
            _("“%(action)s” không được đổi trạng thái của hồ sơ.") % {"action": label}
        )
    if to_status not in rule.targets:
        raise TransitionNotAllowedError(
            _("Không thể “%(action)s” để chuyển hồ sơ sang trạng thái “%(status)s”.")
            % {"action": label, "status": status_label(to_status)}
        )


def status_for_step_kind(kind: str | None) -> str:
    """The dossier status while a step of `kind` is the current step (None: no step left)."""
    if kind == StepKind.APPROVAL:
        return Status.WAITING_APPROVAL
    if kind == StepKind.RETURN or kind is None:
        return Status.RESULT_READY
    return Status.IN_PROGRESS


# --- lateness (pure) ----------------------------------------------------------------


def previous_working_day(cal: WorkCalendar, day: datetime.date) -> datetime.date:
    """The last working day strictly before `day`."""
    candidate = day
    for _step in range(366 * 2):
        candidate -= datetime.timedelta(days=1)
        if working_days.is_working_day(cal, candidate):
            return candidate
    raise ValueError(f"No working day within two years before {day}.")


def last_day_for_extension(cal: WorkCalendar, due_at: datetime.datetime) -> datetime.date:
    """The last day on which the apology letter may still be sent.

    ND 61/2018 Đ19.9: "chậm nhất 01 ngày trước ngày hết hạn". Read as: no later than the
    last working day before the due day, so on the due day itself it is refused
    (working-days.md edge case #11).
    """
    due_day = due_at.astimezone(cal.timezone).date()
    return previous_working_day(cal, due_day)


def extension_refusal(
    cal: WorkCalendar,
    *,
    due_at: datetime.datetime,
    now: datetime.datetime,
    extension_count: int,
    max_extensions: int,
    new_due_at: datetime.datetime | None = None,
) -> str | None:
    """Why an apology and new date cannot be recorded now, or None when it can.

    Without `new_due_at`, only whether an extension is possible at all (the button).
    """
    if extension_count >= max_extensions:
        return _(
            "Hồ sơ đã được hẹn lại ngày trả kết quả %(count)s lần; pháp luật chỉ cho phép "
            "hẹn lại không quá %(max)s lần (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9)."
        ) % {"count": extension_count, "max": max_extensions}
    if now >= due_at:
        return _("Hồ sơ đã đến hạn trả kết quả; không còn được xin lỗi và hẹn lại ngày trả.")
    last_day = last_day_for_extension(cal, due_at)
    if now.astimezone(cal.timezone).date() > last_day:
        return _(
            "Văn bản xin lỗi và hẹn lại phải gửi chậm nhất 01 ngày làm việc trước hạn trả "
            "(hạn %(due)s; ngày cuối được gửi: %(last)s). Hôm nay không còn được hẹn lại."
        ) % {
            "due": due_at.astimezone(cal.timezone).strftime("%H:%M %d/%m/%Y"),
            "last": last_day.strftime("%d/%m/%Y"),
        }
    if new_due_at is not None and new_due_at <= due_at:
        return _("Ngày hẹn trả mới phải sau hạn hiện tại (%(due)s).") % {
            "due": due_at.astimezone(cal.timezone).strftime("%H:%M %d/%m/%Y")
        }
    return None


class DueState(models.TextChoices):
    """Where a due time stands today (inbox groups and banners)."""

    OVERDUE = "overdue", gettext_lazy("Quá hạn")
    DUE_TODAY = "due_today", gettext_lazy("Đến hạn hôm nay")
    DUE_SOON = "due_soon", gettext_lazy("Sắp đến hạn")
    LATER = "later", gettext_lazy("Còn hạn")


def due_state(cal: WorkCalendar, *, due_at: datetime.datetime, now: datetime.datetime) -> str:
    """overdue (past), due today, due soon (by the end of the next working day), later."""
    if now > due_at:
        return DueState.OVERDUE
    today = now.astimezone(cal.timezone).date()
    due_day = due_at.astimezone(cal.timezone).date()
    if due_day <= today:
        return DueState.DUE_TODAY
    if due_day <= working_days.next_working_day(cal, today):
        return DueState.DUE_SOON
    return DueState.LATER
