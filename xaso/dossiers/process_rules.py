"""Whether a procedure's internal process fits its legal time (pure: no ORM, no clock).

The step budgets are working hours, counted at 8 hours a working day (the legal working
day, Bộ luật Lao động 2019 Đ105), whatever the unit's office hours: a budget is a share
of the legal time, not a clock reading. The due times of a dossier are computed by the
unit's calendar (xaso.dossiers.deadlines); these rules only check the plan.

Rules by kind of legal time (Procedure.TimeLimitKind):

- working days, working hours: the budgets add up **exactly** to the legal time in
  working hours, so the last step's due time is the legal due time.
- immediate ("giải quyết ngay", with the 15:00 rule): the budgets fit in one working day
  (at most 8 hours).
- calendar days: the budgets fit in the working days that **any** run of that many
  calendar days contains in a week without holidays (5 days a week, the weekend may fall
  anywhere). A larger budget would make the steps overdue while the dossier itself is on
  time; holidays are not counted, so a process planned to the limit may still run into a
  holiday (the dossier's due time, computed by the calendar, stays the legal one).

And for every process: at least two steps, the first a reception step, the last a return
step, every step with a position or a person, and no negative budget.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from django.utils.translation import gettext as _

IMMEDIATE = "immediate"
WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
CALENDAR_DAYS = "calendar_days"
TIME_LIMIT_KINDS = (IMMEDIATE, WORKING_DAYS, WORKING_HOURS, CALENDAR_DAYS)

RECEPTION = "reception"
PROCESSING = "processing"
APPROVAL = "approval"
RETURN = "return"
STEP_KINDS = (RECEPTION, PROCESSING, APPROVAL, RETURN)

HOURS_PER_WORKING_DAY = Decimal(8)
WORKING_DAYS_PER_WEEK = 5


@dataclass(frozen=True)
class StepPlan:
    """One step as the rules see it."""

    kind: str
    budget_hours: Decimal
    has_responsible: bool
    name: str = ""


@dataclass(frozen=True)
class StepProblem:
    """A problem of one step (`index` from 0) or of the whole process (`index` None)."""

    message: str
    index: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class BudgetSummary:
    """Total of the budgets against what the legal time allows, for the editor."""

    total_hours: Decimal
    allowed_hours: Decimal | None
    exact: bool  # True: the total must equal `allowed_hours`; False: must not exceed it
    message: str

    @property
    def fits(self) -> bool:
        if self.allowed_hours is None:
            return False
        if self.exact:
            return self.total_hours == self.allowed_hours
        return self.total_hours <= self.allowed_hours


def format_hours(value: Decimal) -> str:
    """A number of hours the Vietnamese way: 36 → "36", 2.5 → "2,5"."""
    text = f"{Decimal(value).normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def as_decimal(value: object) -> Decimal | None:
    """`value` as a Decimal, or None when it is not a finite number."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool) or value is None:
        return None
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return None
    return number if number.is_finite() else None


def min_working_days_in(calendar_days: int) -> int:
    """The fewest working days any run of `calendar_days` consecutive days contains.

    A week without holidays has 5 working days; the 2 weekend days can both fall in the
    run's remainder (7 days → 5, 5 days → 3, 60 days → 8 weeks + 4 days → 42).
    """
    weeks, rest = divmod(max(calendar_days, 0), 7)
    return weeks * WORKING_DAYS_PER_WEEK + max(0, rest - 2)


def time_limit_problems(kind: str, value: object) -> list[tuple[str, str]]:
    """(field, message) problems of a legal time: kind known, value a sensible number."""
    if kind not in TIME_LIMIT_KINDS:
        return [("time_limit_kind", _("Loại thời hạn không hợp lệ."))]
    number = as_decimal(value)
    if number is None:
        return [("time_limit_value", _("Thời hạn giải quyết phải là một số."))]
    if number < 0:
        return [("time_limit_value", _("Thời hạn giải quyết không được âm."))]
    if kind == IMMEDIATE:
        return []
    if number == 0:
        return [
            (
                "time_limit_value",
                _(
                    "Thời hạn giải quyết phải lớn hơn 0; thủ tục giải quyết trong ngày "
                    "hãy chọn loại “Giải quyết ngay trong ngày”."
                ),
            )
        ]
    if kind in (WORKING_DAYS, CALENDAR_DAYS) and number != number.to_integral_value():
        return [("time_limit_value", _("Thời hạn tính theo ngày phải là số ngày nguyên."))]
    return []


def budget_summary(kind: str, value: object, total_hours: Decimal) -> BudgetSummary:
    """Compare the total of the step budgets with the legal time of `kind` and `value`.

    The message names both numbers and the difference, in Vietnamese, e.g. "Tổng thời
    gian các bước là 36 giờ, thời hạn pháp định là 40 giờ làm việc (5 ngày). Còn thiếu
    4 giờ."
    """
    number = as_decimal(value) or Decimal(0)
    total = format_hours(total_hours)
    if kind == WORKING_DAYS:
        allowed = number * HOURS_PER_WORKING_DAY
        legal = _("%(hours)s giờ làm việc (%(days)s ngày)") % {
            "hours": format_hours(allowed),
            "days": format_hours(number),
        }
        return _exact_summary(total_hours, allowed, total, legal)
    if kind == WORKING_HOURS:
        allowed = number
        legal = _("%(hours)s giờ làm việc") % {"hours": format_hours(allowed)}
        return _exact_summary(total_hours, allowed, total, legal)
    if kind == IMMEDIATE:
        allowed = HOURS_PER_WORKING_DAY
        if total_hours <= allowed:
            message = _(
                "Tổng thời gian các bước là %(total)s giờ, trong một ngày làm việc "
                "(%(allowed)s giờ) của thủ tục giải quyết ngay trong ngày."
            ) % {"total": total, "allowed": format_hours(allowed)}
        else:
            message = _(
                "Tổng thời gian các bước là %(total)s giờ, vượt quá một ngày làm việc "
                "(%(allowed)s giờ) của thủ tục giải quyết ngay trong ngày: thừa %(diff)s giờ."
            ) % {
                "total": total,
                "allowed": format_hours(allowed),
                "diff": format_hours(total_hours - allowed),
            }
        return BudgetSummary(total_hours, allowed, exact=False, message=message)
    if kind == CALENDAR_DAYS:
        days = int(number)
        working = min_working_days_in(days)
        allowed = working * HOURS_PER_WORKING_DAY
        params = {
            "total": total,
            "allowed": format_hours(allowed),
            "days": days,
            "working": working,
        }
        if total_hours <= allowed:
            message = (
                _(
                    "Tổng thời gian các bước là %(total)s giờ; thời hạn %(days)s ngày chắc chắn "
                    "có %(working)s ngày làm việc (%(allowed)s giờ)."
                )
                % params
            )
        else:
            params["diff"] = format_hours(total_hours - allowed)
            message = (
                _(
                    "Tổng thời gian các bước là %(total)s giờ, vượt quá %(allowed)s giờ làm việc "
                    "(%(working)s ngày làm việc chắc chắn có trong thời hạn %(days)s ngày): "
                    "thừa %(diff)s giờ."
                )
                % params
            )
        return BudgetSummary(total_hours, allowed, exact=False, message=message)
    return BudgetSummary(total_hours, None, exact=True, message=_("Loại thời hạn không hợp lệ."))


def _exact_summary(total_hours: Decimal, allowed: Decimal, total: str, legal: str) -> BudgetSummary:
    params = {"total": total, "legal": legal}
    if total_hours == allowed:
        message = _("Tổng thời gian các bước là %(total)s giờ, đúng thời hạn pháp định %(legal)s.")
    elif total_hours < allowed:
        params["diff"] = format_hours(allowed - total_hours)
        message = _(
            "Tổng thời gian các bước là %(total)s giờ, thời hạn pháp định là %(legal)s. "
            "Còn thiếu %(diff)s giờ."
        )
    else:
        params["diff"] = format_hours(total_hours - allowed)
        message = _(
            "Tổng thời gian các bước là %(total)s giờ, thời hạn pháp định là %(legal)s. "
            "Thừa %(diff)s giờ."
        )
    return BudgetSummary(total_hours, allowed, exact=True, message=message % params)


def allowed_hours(kind: str, value: object) -> Decimal | None:
    """The working hours the legal time gives the steps (None for an invalid time)."""
    if time_limit_problems(kind, value):
        return None
    number = as_decimal(value) or Decimal(0)
    if kind == IMMEDIATE:
        return HOURS_PER_WORKING_DAY
    if kind == WORKING_DAYS:
        return number * HOURS_PER_WORKING_DAY
    if kind == WORKING_HOURS:
        return number
    return min_working_days_in(int(number)) * HOURS_PER_WORKING_DAY


def suggested_budgets(kind: str, value: object) -> list[Decimal]:
    """Budgets of a starting four-step process (reception, processing, approval, return)
    that pass the rules: the desk receives at once, the leader has a day, the return half
    a day, and processing the rest; short limits are shared out instead."""
    allowed = allowed_hours(kind, value)
    if allowed is None or allowed <= 0:
        return [Decimal(0)] * 4
    if kind == IMMEDIATE:
        return [Decimal(0), Decimal(4), Decimal(2), Decimal(2)]
    if allowed >= 16:
        return [Decimal(0), allowed - 12, Decimal(8), Decimal(4)]
    quarter = (allowed / 4).quantize(Decimal("0.01"))
    return [Decimal(0), allowed - 2 * quarter, quarter, quarter]


def process_problems(kind: str, value: object, steps: Sequence[StepPlan]) -> list[StepProblem]:
    """Every reason the process `steps` does not fit a legal time of `kind` and `value`.

    An empty list means the process is valid. Messages are Vietnamese and name the step.
    """
    time_problems = time_limit_problems(kind, value)
    problems = [StepProblem(message, field=field) for field, message in time_problems]
    if len(steps) < 2:
        problems.append(
            StepProblem(
                _(
                    "Quy trình cần ít nhất hai bước: bước đầu là tiếp nhận hồ sơ, "
                    "bước cuối là trả kết quả."
                )
            )
        )
    if steps and steps[0].kind != RECEPTION:
        problems.append(
            StepProblem(_("Bước đầu tiên phải là bước tiếp nhận hồ sơ."), index=0, field="kind")
        )
    if len(steps) >= 2 and steps[-1].kind != RETURN:
        problems.append(
            StepProblem(
                _("Bước cuối cùng phải là bước trả kết quả."), index=len(steps) - 1, field="kind"
            )
        )
    total = Decimal(0)
    for index, step in enumerate(steps):
        label = _step_label(index, step)
        if step.kind not in STEP_KINDS:
            problems.append(
                StepProblem(
                    _("%(step)s: loại bước không hợp lệ.") % {"step": label},
                    index=index,
                    field="kind",
                )
            )
        if not step.has_responsible:
            problems.append(
                StepProblem(
                    _("%(step)s: cần chọn chức danh hoặc người thực hiện.") % {"step": label},
                    index=index,
                    field="position",
                )
            )
        if step.budget_hours < 0:
            problems.append(
                StepProblem(
                    _("%(step)s: thời gian không được âm.") % {"step": label},
                    index=index,
                    field="budget_hours",
                )
            )
        total += step.budget_hours
    if steps and not time_problems:
        summary = budget_summary(kind, value, total)
        if not summary.fits:
            problems.append(StepProblem(summary.message, field="budget_hours"))
    return problems


def _step_label(index: int, step: StepPlan) -> str:
    if step.name:
        return _("Bước %(number)s (%(name)s)") % {"number": index + 1, "name": step.name}
    return _("Bước %(number)s") % {"number": index + 1}
