"""Pages of the legal working-day calendar: the year view, overrides, approval, calculator."""

from calendar import Calendar as MonthLayout
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xaso.core import working_days
from xaso.core.forms.calendar import CalendarOverrideForm
from xaso.core.forms.calendar import CalendarYearApproveForm
from xaso.core.forms.calendar import DeadlineForm
from xaso.core.models import AdministrativeUnit
from xaso.core.models import CalendarOverride
from xaso.core.services import calendar as calendar_services

MANAGE_CALENDAR = calendar_services.MANAGE_CALENDAR
YEAR_PARAM = "nam"
UNIT_PARAM = "don-vi"
WEEKDAY_LABELS = (
    gettext_lazy("T2"),
    gettext_lazy("T3"),
    gettext_lazy("T4"),
    gettext_lazy("T5"),
    gettext_lazy("T6"),
    gettext_lazy("T7"),
    gettext_lazy("CN"),
)


def _kind_labels() -> dict[working_days.DayKind, str]:
    kinds = working_days.DayKind
    return {
        kinds.WORKING: _("Ngày làm việc"),
        kinds.WEEKEND: _("Nghỉ cuối tuần"),
        kinds.HOLIDAY: _("Nghỉ lễ, Tết, nghỉ bù"),
        kinds.MAKE_UP_WORKING: _("Làm bù (theo lịch quốc gia)"),
        kinds.OVERRIDE_DAY_OFF: _("Nghỉ theo điều chỉnh của đơn vị, tỉnh"),
        kinds.OVERRIDE_WORKING: _("Làm việc theo điều chỉnh của đơn vị, tỉnh"),
    }


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Http404 from exc


def _year_from(request: HttpRequest) -> int:
    """The year asked for; a missing, garbled or out-of-range year shows the current one."""
    try:
        year = int(request.GET.get(YEAR_PARAM, ""))
    except ValueError:
        return timezone.localdate().year
    if not calendar_services.FIRST_YEAR <= year <= calendar_services.LAST_YEAR:
        return timezone.localdate().year
    return year


def calendar_url(year: int, unit: AdministrativeUnit | None = None) -> str:
    params: dict[str, int] = {YEAR_PARAM: year}
    if unit is not None:
        params[UNIT_PARAM] = unit.pk
    return f"{reverse('core:calendar_year')}?{urlencode(params)}"


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


def _months(cal: working_days.WorkCalendar, year: int) -> list[dict[str, Any]]:
    days = {info.date: info for info in working_days.days_of_year(cal, year)}
    layout = MonthLayout(firstweekday=0)
    return [
        {
            "number": month,
            "weeks": [
                [days[day] if day.month == month and day.year == year else None for day in week]
                for week in layout.monthdatescalendar(year, month)
            ],
        }
        for month in range(1, 13)
    ]


def _deadline(request: HttpRequest, unit: AdministrativeUnit) -> dict[str, Any]:
    if "received_at" not in request.GET:
        return {"deadline_form": DeadlineForm(), "deadline": None}
    form = DeadlineForm(request.GET)
    result = None
    if form.is_valid():
        hours = form.cleaned_data["working_hours"]
        try:
            result = calendar_services.calculate_deadline(
                unit=unit,
                received_at=form.cleaned_data["received_at"],
                working_days_limit=form.cleaned_data["working_days"],
                working_hours_limit=float(hours) if hours is not None else None,
                first_day_is_receipt_day=form.cleaned_data["first_day_is_receipt_day"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
    return {"deadline_form": form, "deadline": result}


def _render_year(
    request: HttpRequest,
    unit: AdministrativeUnit,
    year: int,
    *,
    approve_form: CalendarYearApproveForm | None = None,
) -> HttpResponse:
    cal = calendar_services.calendar_for_unit(unit)
    deadline = _deadline(request, unit)
    is_own_unit = unit.pk == request.user.unit_id
    if request.htmx and "received_at" in request.GET:
        partial = {"unit": unit, "year": year, "is_own_unit": is_own_unit, **deadline}
        return render(request, "core/_calendar_deadline.html", partial)
    can_manage = is_own_unit and request.user.has_perm(MANAGE_CALENDAR)
    approval = calendar_services.get_approved_calendar_year(unit=unit, year=year)
    if approve_form is None and can_manage and (approval is None or approval.unit_id != unit.pk):
        approve_form = CalendarYearApproveForm(initial={"year": year})
    days = working_days.days_of_year(cal, year)
    labels = _kind_labels()
    context = {
        "unit": unit,
        "year": year,
        "is_own_unit": is_own_unit,
        "can_manage": can_manage,
        "approval": approval,
        "approve_form": approve_form if can_manage else None,
        "months": _months(cal, year),
        "weekday_labels": WEEKDAY_LABELS,
        "legend": list(labels.items()),
        "marked_days": [
            (info, labels[info.kind])
            for info in days
            if info.kind not in (working_days.DayKind.WORKING, working_days.DayKind.WEEKEND)
        ],
        "overrides": calendar_services.list_calendar_overrides_for(unit=unit, year=year),
        "non_working_count": sum(1 for info in days if not info.is_working),
        "working_count": sum(1 for info in days if info.is_working),
        "office_periods": cal.office_periods,
        "cutoff_time": cal.cutoff_time,
        "previous_url": calendar_url(year - 1, None if is_own_unit else unit),
        "next_url": calendar_url(year + 1, None if is_own_unit else unit),
        **deadline,
    }
    return render(request, "core/calendar_year.html", context)


@login_required
def calendar_year(request: HttpRequest) -> HttpResponse:
    """A unit's legal calendar of one year (?nam=2026), with a deadline calculator.

    Every staff member sees their own unit; a province supervisor may add ?don-vi=<pk>
    for a commune of the province (any other unit: 404).
    """
    unit = calendar_services.get_calendar_unit_for(
        user=request.user, unit_pk=_int_param(request, UNIT_PARAM)
    )
    return _render_year(request, unit, _year_from(request))


def _own_unit(request: HttpRequest) -> AdministrativeUnit:
    if request.user.unit is None:
        raise Http404
    return request.user.unit


@login_required
@permission_required(MANAGE_CALENDAR, raise_exception=True)
def calendar_override_add(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    if request.method == "POST":
        form = CalendarOverrideForm(request.POST)
        if form.is_valid():
            try:
                override = calendar_services.add_calendar_override(
                    actor=request.user, unit=unit, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi điều chỉnh lịch ngày %(date)s.")
                    % {"date": override.date.strftime("%d/%m/%Y")},
                )
                return redirect(calendar_url(override.date.year))
    else:
        form = CalendarOverrideForm(initial={"date": request.GET.get("ngay") or None})
    return render(request, "core/calendar_override_form.html", {"unit": unit, "form": form})


@login_required
@permission_required(MANAGE_CALENDAR, raise_exception=True)
@require_POST
def calendar_override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(
        CalendarOverride.objects.select_related("unit"), pk=pk, unit_id=request.user.unit_id
    )
    year = override.date.year
    calendar_services.delete_calendar_override(actor=request.user, override=override)
    messages.success(request, _("Đã xóa điều chỉnh lịch."))
    return redirect(calendar_url(year))


@login_required
@permission_required(MANAGE_CALENDAR, raise_exception=True)
@require_POST
def calendar_year_approve(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = CalendarYearApproveForm(request.POST)
    if form.is_valid():
        try:
            approval = calendar_services.approve_calendar_year(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã duyệt lịch năm %(year)s.") % {"year": approval.year})
            return redirect(calendar_url(approval.year))
    year = form.cleaned_data.get("year") or timezone.localdate().year
    messages.error(request, _("Chưa duyệt được lịch năm; xem lỗi bên dưới."))
    return _render_year(request, unit, year, approve_form=form)
