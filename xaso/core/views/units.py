"""Unit settings pages (own unit) and the province's read-only view of its communes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.forms.units import AgencyIdentifierForm
from xaso.core.forms.units import CommuneSearchForm
from xaso.core.forms.units import UnitSettingsForm
from xaso.core.models import AdministrativeUnit
from xaso.core.services import units as unit_services


def _own_unit(request: HttpRequest) -> AdministrativeUnit:
    unit = request.user.unit
    if unit is None:
        raise Http404
    return unit


@login_required
@permission_required("core.manage_unit", raise_exception=True)
def unit_settings(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = UnitSettingsForm.for_unit(unit, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.update_unit_settings(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("core:unit_settings")
    return render(
        request,
        "core/unit_settings.html",
        {
            "unit": unit,
            "form": form,
            "identifiers": unit_services.agency_identifier_history(unit=unit),
            "current_identifier": unit.agency_identifier_on(timezone.localdate()),
        },
    )


@login_required
@permission_required("core.manage_unit", raise_exception=True)
def agency_identifier_add(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = AgencyIdentifierForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = unit_services.add_agency_identifier(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã thêm mã định danh %(identifier)s.") % {"identifier": added}
            )
            return redirect("core:unit_settings")
    return render(
        request,
        "core/unit_agency_identifier_form.html",
        {"unit": unit, "form": form, "agency_identifier": None},
    )


@login_required
@permission_required("core.manage_unit", raise_exception=True)
def agency_identifier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency_identifier = unit_services.get_own_agency_identifier(user=request.user, pk=pk)
    form = AgencyIdentifierForm.for_identifier(
        agency_identifier, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.update_agency_identifier(
                actor=request.user, agency_identifier=agency_identifier, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu mã định danh."))
            return redirect("core:unit_settings")
    return render(
        request,
        "core/unit_agency_identifier_form.html",
        {"unit": agency_identifier.unit, "form": form, "agency_identifier": agency_identifier},
    )


def _require_supervisor(request: HttpRequest) -> None:
    # The permission alone is not enough: it must be held by a user of a province.
    if not unit_services.can_supervise_communes(request.user):
        raise PermissionDenied


@login_required
def commune_list(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    form = CommuneSearchForm(data=request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    communes = unit_services.supervised_communes(user=request.user, query=query)
    return render(
        request,
        "core/commune_list.html",
        {"province": request.user.unit, "form": form, "communes": communes, "query": query},
    )


@login_required
def commune_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    commune = unit_services.get_supervised_commune(user=request.user, pk=pk)
    return render(
        request,
        "core/commune_detail.html",
        {
            "commune": commune,
            "staff": unit_services.commune_staff_summary(commune=commune),
            "identifiers": unit_services.agency_identifier_history(unit=commune),
            "recent_audit_events": unit_services.recent_audit_event_count(unit=commune),
            "recent_audit_days": unit_services.RECENT_AUDIT_DAYS,
        },
    )
