"""The reception desk: choose the procedure, identify the applicant, check the documents,
then accept (form 01), ask for a supplement (form 02) or refuse (form 03).

Intermediate buttons (read the QR, find in the directory, choose, change the applicant)
re-render the form and never save; with HTMX only the applicant section is swapped, so
chosen scan files stay in the page. Enter (which a QR scanner sends) presses the form's
first, off-screen button, which only ever does such an intermediate step.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import QueryDict
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.applicants.cccd import QrPayloadError
from xaso.applicants.cccd import parse_cccd_qr
from xaso.applicants.models import Applicant
from xaso.applicants.selectors import find_applicant_by_id_number
from xaso.applicants.selectors import get_applicant_for
from xaso.applicants.selectors import list_applicants_for
from xaso.applicants.services import DuplicateIdNumberError
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.dossiers.forms.reception import APPLICANT_PREFIX
from xaso.dossiers.forms.reception import ProcedurePickForm
from xaso.dossiers.forms.reception import ReceptionApplicantForm
from xaso.dossiers.forms.reception import ReceptionForm
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ReceptionNotice
from xaso.dossiers.services import reception as service
from xaso.dossiers.slips import render_form

# Intermediate steps (never save).
ENTER = "enter"
SCAN = "scan"
FIND = "find"
CLEAR = "clear"
PICK_FIELD = "pick_applicant"
FIND_LIMIT = 10


def receives_dossiers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in without dossiers.receive_dossier → 403."""

    @login_required
    @permission_required(service.RECEIVE_PERMISSION, raise_exception=True)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _new_token() -> str:
    return secrets.token_urlsafe(18)


def _applicants(actor: User) -> Any:
    return Applicant.objects.writable_by(actor)


# --- The reception page ---------------------------------------------------------------------


def _page_context(request: HttpRequest, procedure: Procedure | None) -> dict[str, Any]:
    actor = _actor(request)
    source = request.GET if request.method == "GET" else QueryDict()
    pick_form = ProcedurePickForm(source or None)
    query = pick_form.cleaned_data["q"] if pick_form.is_valid() else ""
    procedures = list(service.list_receivable_procedures_for(user=actor, query=query))
    if procedure is not None and procedure not in procedures:
        procedures.insert(0, procedure)
    return {"pick_form": pick_form, "procedures": procedures, "procedure": procedure}


def _form_context(
    *,
    procedure: Procedure,
    form: ReceptionForm,
    applicant_form: ReceptionApplicantForm,
    applicant: Applicant | None,
    channel: str,
    pages: Any,
    copies: Any,
) -> dict[str, Any]:
    quote = service.fee_quote(
        procedure,
        channel=channel or "direct",
        pages=int(pages) if str(pages).isdigit() else 1,
        copies=int(copies) if str(copies).isdigit() else 1,
    )
    return {
        "form": form,
        "applicant_form": applicant_form,
        "chosen_applicant": applicant,
        "checklist": form.checklist_rows(),
        "fee_rules": list(procedure.fee_rules.all()),
        "fee_quote": quote,
        "time_limit": service.time_limit_text(procedure),
    }


def _render(
    request: HttpRequest, context: dict[str, Any], *, partial: bool = False
) -> HttpResponse:
    template = "dossiers/_reception_applicant.html" if partial else "dossiers/reception.html"
    return render(request, template, context)


@receives_dossiers
def reception(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _reception_post(request)
    actor = _actor(request)
    procedure = None
    chosen = request.GET.get("thu_tuc", "")
    if chosen.isdigit():
        procedure = service.get_receivable_procedure_for(user=actor, pk=int(chosen))
    context = _page_context(request, procedure)
    if request.htmx and request.GET.get("phan") == "thu-tuc":
        return render(request, "dossiers/_reception_procedures.html", context)
    if procedure is not None:
        form = ReceptionForm(
            procedure=procedure,
            applicants=_applicants(actor),
            initial={"form_token": _new_token()},
        )
        context |= _form_context(
            procedure=procedure,
            form=form,
            applicant_form=ReceptionApplicantForm(),
            applicant=None,
            channel="direct",
            pages=1,
            copies=1,
        )
    return _render(request, context)


def _initial(data: QueryDict) -> dict[str, Any]:
    """Posted values as `initial`: re-render a form without showing errors."""
    return {key: data.get(key) for key in data}


def _applicant_initial(data: QueryDict) -> dict[str, Any]:
    start = f"{APPLICANT_PREFIX}-"
    return {key[len(start) :]: data.get(key) for key in data if key.startswith(start)}


def _chosen_applicant(request: HttpRequest) -> Applicant | None:
    pk = request.POST.get("applicant", "")
    return get_applicant_for(user=_actor(request), pk=int(pk)) if pk.isdigit() else None


def _intermediate_step(request: HttpRequest, procedure: Procedure, action: str) -> HttpResponse:
    """Scan, find, choose or change the applicant; re-render without saving anything."""
    actor = _actor(request)
    post = request.POST
    applicant = _chosen_applicant(request)
    applicant_initial = _applicant_initial(post)
    step: dict[str, Any] = {"applicant_query": post.get("applicant_query", "").strip()}
    if action == ENTER:
        if post.get("qr", "").strip():
            action = SCAN
        elif step["applicant_query"] and applicant is None:
            action = FIND
    if post.get(PICK_FIELD, "").isdigit():
        applicant = get_applicant_for(user=actor, pk=int(post[PICK_FIELD]))
    elif action == CLEAR:
        applicant = None
    elif action == SCAN:
        try:
            identity = parse_cccd_qr(post.get("qr", ""))
        except QrPayloadError as error:
            step["scan_error"] = error.message
            step["qr"] = post.get("qr", "")
        else:
            applicant = None
            applicant_initial = {
                **applicant_initial,
                "kind": Applicant.Kind.PERSON,
                **{
                    name: value.isoformat() if hasattr(value, "isoformat") else value
                    for name, value in vars(identity).items()
                    if name != "warnings" and value
                },
            }
            step["scanned"] = True
            step["scan_warnings"] = identity.warnings
            step["existing"] = find_applicant_by_id_number(user=actor, id_number=identity.id_number)
    elif action == FIND:
        step["found"] = list(
            list_applicants_for(user=actor, query=step["applicant_query"])[:FIND_LIMIT]
        )
        step["searched"] = True
    initial = _initial(post) | {"applicant": applicant.pk if applicant else ""}
    if not initial.get("form_token"):
        initial["form_token"] = _new_token()
    form = ReceptionForm(initial=initial, procedure=procedure, applicants=_applicants(actor))
    context = _page_context(request, procedure) | step
    context |= _form_context(
        procedure=procedure,
        form=form,
        applicant_form=ReceptionApplicantForm(initial=applicant_initial),
        applicant=applicant,
        channel=post.get("channel", ""),
        pages=post.get("fee_pages", 1),
        copies=post.get("fee_copies", 1),
    )
    if request.FILES and not request.htmx:
        context["files_dropped"] = True
    return _render(request, context, partial=bool(request.htmx))


def _add_service_errors(
    error: ValidationError, form: ReceptionForm, applicant_form: ReceptionApplicantForm | None
) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_messages in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, field_messages)
        elif applicant_form is not None and name in applicant_form.fields:
            applicant_form.add_error(name, field_messages)
        elif name == "missing_items":
            form.add_error("missing_other", field_messages)
        else:
            form.add_error(None, field_messages)


def _reception_post(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    post = request.POST
    procedure_pk = post.get("procedure", "")
    if not procedure_pk.isdigit():
        messages.error(request, _("Hãy chọn thủ tục trước khi tiếp nhận."))
        return redirect("dossiers:reception")
    procedure = service.get_receivable_procedure_for(user=actor, pk=int(procedure_pk))
    action = post.get("action", ENTER)
    if PICK_FIELD in post or action not in service.OUTCOMES:
        return _intermediate_step(request, procedure, action)

    chosen = _chosen_applicant(request)
    form = ReceptionForm(
        post,
        request.FILES,
        procedure=procedure,
        applicants=_applicants(actor),
        accepting=action == service.ACCEPT,
    )
    applicant_form = None if chosen else ReceptionApplicantForm(post)
    valid = form.is_valid()
    valid = (applicant_form is None or applicant_form.is_valid()) and valid
    context = _page_context(request, procedure)
    if valid:
        data = form.cleaned_data
        submission = service.CounterSubmission(
            outcome=action,
            procedure=procedure,
            applicant=chosen,
            new_applicant=applicant_form.to_data() if applicant_form else None,
            channel=data["channel"],
            delivery_method=data["delivery_method"],
            delivery_address=data["delivery_address"],
            submitter_name=data["submitter_name"],
            copies=data["copies"],
            note=data["note"],
            documents=form.received_documents() if action == service.ACCEPT else (),
            fee_pages=data.get("fee_pages") or 1,
            fee_copies=data.get("fee_copies") or 1,
            fee_exemption=data["fee_exemption"] if data["fee_exempt"] else "",
            extension_values=form.extension_values(),
            missing_items=form.missing_items(),
            reason=data["reason"],
            guidance=data["guidance"],
        )
        try:
            result = service.submit_at_counter(
                actor=actor, form_token=data["form_token"], submission=submission
            )
        except DuplicateIdNumberError as error:
            if applicant_form is not None:
                applicant_form.add_error("id_number", error.message)
            context["existing"] = error.existing
        except ValidationError as error:
            _add_service_errors(error, form, applicant_form)
        else:
            return _redirect_to_result(request, result)
    context |= _form_context(
        procedure=procedure,
        form=form,
        applicant_form=applicant_form or ReceptionApplicantForm(),
        applicant=chosen,
        channel=post.get("channel", ""),
        pages=post.get("fee_pages", 1),
        copies=post.get("fee_copies", 1),
    )
    context["files_dropped"] = bool(request.FILES)
    messages.error(request, _("Chưa lưu: hãy sửa các mục được đánh dấu rồi gửi lại."))
    return _render(request, context)


def _redirect_to_result(request: HttpRequest, result: service.CounterResult) -> HttpResponse:
    if result.replayed:
        messages.info(
            request,
            _("Biểu mẫu này đã được gửi trước đó; đây là kết quả của lần gửi đầu tiên."),
        )
    if result.dossier is not None:
        if not result.replayed:
            messages.success(
                request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": result.dossier.code}
            )
        return redirect("dossiers:reception_done", pk=result.dossier.pk)
    assert result.notice is not None  # noqa: S101 (a result holds a dossier or a notice)
    if not result.replayed:
        messages.success(
            request, _("Đã lập %(kind)s.") % {"kind": result.notice.get_kind_display().lower()}
        )
    return redirect("dossiers:reception_notice", pk=result.notice.pk)


# --- After the outcome ----------------------------------------------------------------------


@login_required
def reception_done(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = service.get_receipt_dossier_for(user=_actor(request), pk=pk)
    return render(
        request,
        "dossiers/reception_done.html",
        {
            "dossier": dossier,
            "documents": dossier.documents.all(),
            "time_limit": service.time_limit_text(dossier.procedure),
            "collect_at": service.collect_at_text(dossier),
        },
    )


@login_required
def reception_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = service.get_reception_notice_for(user=_actor(request), pk=pk)
    return render(request, "dossiers/reception_notice.html", {"notice": notice})


# --- PDFs: forms 01, 02, 03 -----------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    # segno draws modules only (the text never becomes markup), so the SVG is safe inline.
    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)


def receipt_context(dossier: Dossier) -> dict[str, Any]:
    """Everything form 01 prints (both sets use the same fields)."""
    lookup_url = service.public_lookup_url(dossier.code)
    return {
        "dossier": dossier,
        "unit": dossier.unit,
        "place": service.place_name(dossier.unit.name),
        "procedure": dossier.procedure,
        "applicant": dossier.applicant,
        "documents": list(dossier.documents.all()),
        "time_limit": service.time_limit_text(dossier.procedure),
        "received": timezone.localtime(dossier.received_at),
        "due": timezone.localtime(dossier.due_at),
        "collect_at": service.collect_at_text(dossier),
        "lookup_url": lookup_url,
        "qr_data_uri": _qr_data_uri(lookup_url),
    }


@login_required
@official_language
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = service.get_receipt_dossier_for(user=_actor(request), pk=pk)
    pdf = render_form("receipt", dossier.form_set, receipt_context(dossier))
    return pdf_response(pdf, f"giay-tiep-nhan-{dossier.code}.pdf")


@login_required
@official_language
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = service.get_reception_notice_for(user=_actor(request), pk=pk)
    purpose = "supplement" if notice.kind == ReceptionNotice.Kind.SUPPLEMENT else "refusal"
    context = {
        "notice": notice,
        "unit": notice.unit,
        "place": service.place_name(notice.unit.name),
        "procedure": notice.procedure,
        "applicant": notice.applicant,
        "issued": timezone.localtime(notice.issued_at),
    }
    pdf = render_form(purpose, notice.form_set, context)
    filename = "phieu-yeu-cau-bo-sung" if purpose == "supplement" else "phieu-tu-choi"
    return pdf_response(pdf, f"{filename}-{notice.pk}.pdf")
