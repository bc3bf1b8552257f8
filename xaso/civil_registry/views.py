"""Civil registry pages: register a birth from a dossier, the register, an entry, its
correction and the birth certificate PDF.

Each view: permission (403), the record of the user's unit (404 for another unit's), bind
the form, call one service or selector, render or redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods

from xaso.civil_registry import services
from xaso.civil_registry.forms import BirthCorrectionForm
from xaso.civil_registry.forms import BirthEntryForm
from xaso.civil_registry.forms import RegisterSearchForm
from xaso.core.exceptions import DomainError
from xaso.core.forms.accounts import add_service_errors
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.core.pdf import render_pdf
from xaso.core.tenancy import get_writable_or_404
from xaso.dossiers.models import Dossier


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _require_view(user: User) -> None:
    if not services.can_view_registers(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def birth_from_dossier(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.REGISTER_PERMISSION)
    dossier = get_writable_or_404(
        Dossier.objects.select_related("procedure", "applicant"), actor, pk=dossier_pk
    )
    existing = services.BirthEntry.objects.filter(dossier=dossier).first()
    if existing is not None:
        messages.info(request, _("Hồ sơ này đã được đăng ký khai sinh."))
        return redirect("civil_registry:birth_detail", pk=existing.pk)
    if request.method == "POST":
        form = BirthEntryForm(request.POST)
        if form.is_valid():
            try:
                entry = services.register_birth(
                    actor=actor, dossier=dossier, data=form.entry_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã đăng ký khai sinh, số %(number)s.") % {"number": entry.entry_number},
                )
                return redirect("civil_registry:birth_detail", pk=entry.pk)
    else:
        form = BirthEntryForm(initial=services.birth_form_initial(dossier=dossier))
    return render(request, "civil_registry/birth_form.html", {"dossier": dossier, "form": form})


@login_required
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    form = RegisterSearchForm(request.GET or None)
    year = timezone.localdate().year
    query = ""
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        query = form.cleaned_data["q"]
    entries = services.search_birth_entries(user=actor, query=query, year=year)
    return render(
        request,
        "civil_registry/register_list.html",
        {"form": form, "entries": entries[:500], "year": year, "query": query},
    )


@login_required
@require_GET
def birth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    entry = services.get_birth_entry_for(user=actor, pk=pk)
    return render(
        request,
        "civil_registry/birth_detail.html",
        {
            "entry": entry,
            "versions": entry.versions.select_related("changed_by").order_by("-number"),
            "can_correct": actor.has_perm(services.REGISTER_PERMISSION)
            and actor.unit_id == entry.unit_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def birth_correct(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.REGISTER_PERMISSION)
    entry = get_writable_or_404(services.BirthEntry.objects.all(), actor, pk=pk)
    if request.method == "POST":
        form = BirthCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.correct_birth_entry(
                    actor=actor,
                    entry=entry,
                    changes=form.entry_data(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã cải chính, lưu phiên bản mới."))
                return redirect("civil_registry:birth_detail", pk=entry.pk)
    else:
        form = BirthCorrectionForm(initial=entry.snapshot())
    return render(request, "civil_registry/birth_correct.html", {"entry": entry, "form": form})


@login_required
@require_GET
def birth_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require_view(actor)
    entry = services.get_birth_entry_for(user=actor, pk=pk)
    pdf = render_pdf(
        "civil_registry/pdf/birth_certificate.html",
        {"entry": entry, "register": entry.register, "unit": entry.unit},
    )
    return pdf_response(pdf, f"giay-khai-sinh-{entry.register.year}-{entry.entry_number}.pdf")
