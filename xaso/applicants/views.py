"""Pages of the applicant directory (permission applicants.manage_applicants).

Every lookup goes through the selectors, so another unit's applicant answers 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.applicants import extensions
from xaso.applicants.cccd import QrPayloadError
from xaso.applicants.cccd import parse_cccd_qr
from xaso.applicants.forms import ApplicantForm
from xaso.applicants.forms import ApplicantSearchForm
from xaso.applicants.forms import QrScanForm
from xaso.applicants.forms import initial_from_applicant
from xaso.applicants.forms import initial_from_post
from xaso.applicants.forms import merge_qr
from xaso.applicants.models import Applicant
from xaso.applicants.selectors import find_applicant_by_id_number
from xaso.applicants.selectors import get_applicant_for
from xaso.applicants.selectors import list_applicants_for
from xaso.applicants.services import DuplicateIdNumberError
from xaso.applicants.services import create_applicant
from xaso.applicants.services import update_applicant
from xaso.core.models import User

PAGE_SIZE = 50
SCAN = "scan"
# The form's first (off-screen) button: Enter, which a QR scanner sends, never saves.
ENTER = "enter"


def manages_applicants(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in without applicants.manage_applicants → 403."""

    @login_required
    @permission_required("applicants.manage_applicants", raise_exception=True)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _add_service_errors(form: ApplicantForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


@manages_applicants
def applicant_list(request: HttpRequest) -> HttpResponse:
    search = ApplicantSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    applicants = list_applicants_for(user=_actor(request), query=query)
    page = Paginator(applicants, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"search_form": search, "page": page, "query": query}
    template = (
        "applicants/_applicant_table.html" if request.htmx else "applicants/applicant_list.html"
    )
    return render(request, template, context)


def _scan_context(request: HttpRequest, initial: dict[str, Any]) -> dict[str, Any]:
    """Fill the form from the scanned QR; say what could not be read.

    Enter with an empty scanner field only re-renders the form as typed.
    """
    scan_form = QrScanForm(request.POST)
    qr_text = request.POST.get("qr", "")
    context: dict[str, Any] = {"scan_form": QrScanForm(), "scan_warnings": [], "scan_error": ""}
    if request.POST.get("action") == ENTER and not qr_text.strip():
        context["form"] = ApplicantForm(initial=initial)
        return context
    try:
        identity = parse_cccd_qr(qr_text)
    except QrPayloadError as error:
        context["scan_error"] = error.message
        context["scan_form"] = scan_form
        context["form"] = ApplicantForm(initial=initial)
        return context
    context["scan_warnings"] = identity.warnings
    context["form"] = ApplicantForm(initial=merge_qr(initial, identity))
    context["scanned"] = True
    context["existing"] = find_applicant_by_id_number(
        user=_actor(request), id_number=identity.id_number
    )
    return context


def _render_form(
    request: HttpRequest, context: dict[str, Any], applicant: Applicant | None = None
) -> HttpResponse:
    context.setdefault("scan_form", QrScanForm())
    context["applicant"] = applicant
    template = (
        "applicants/_applicant_fields.html"
        if request.htmx and context.get("partial")
        else "applicants/applicant_form.html"
    )
    return render(request, template, context)


@manages_applicants
def applicant_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if request.method == "POST" and request.POST.get("action") in (SCAN, ENTER):
        return _render_form(request, _scan_context(request, initial_from_post(request.POST)))
    form = ApplicantForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            applicant = create_applicant(actor=actor, data=form.to_data())
        except DuplicateIdNumberError as error:
            form.add_error("id_number", error.message)
            context["existing"] = error.existing
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã thêm %(name)s vào danh bạ người nộp hồ sơ.") % {"name": applicant.full_name},
            )
            return redirect("applicants:applicant_detail", pk=applicant.pk)
    return _render_form(request, context)


@manages_applicants
def applicant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = get_applicant_for(user=_actor(request), pk=pk)
    dossiers = applicant.dossiers.select_related("procedure").order_by("-received_at")[:20]  # type: ignore[attr-defined]
    return render(
        request,
        "applicants/applicant_detail.html",
        {
            "applicant": applicant,
            "dossiers": dossiers,
            "extra_sections": extensions.sections_for(user=_actor(request), applicant=applicant),
        },
    )


@manages_applicants
def applicant_update(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    applicant = get_applicant_for(user=actor, pk=pk)
    if request.method == "POST" and request.POST.get("action") in (SCAN, ENTER):
        return _render_form(
            request, _scan_context(request, initial_from_post(request.POST)), applicant
        )
    form = ApplicantForm(request.POST or None, initial=initial_from_applicant(applicant))
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            update_applicant(actor=actor, applicant=applicant, data=form.to_data())
        except DuplicateIdNumberError as error:
            form.add_error("id_number", error.message)
            context["existing"] = error.existing
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin người nộp hồ sơ."))
            return redirect("applicants:applicant_detail", pk=applicant.pk)
    return _render_form(request, context, applicant)


@manages_applicants
@require_POST
def applicant_parse_qr(request: HttpRequest) -> HttpResponse:
    """Read the scanned chip-CCCD QR and answer the applicant fields filled with it.

    With HTMX the answer is the fields fragment; without JavaScript, the whole form page.
    Nothing is saved here.
    """
    context = _scan_context(request, initial_from_post(request.POST))
    context["partial"] = True
    return _render_form(request, context)
