"""Processing pages: the official's inbox, the dossier list and detail, the action
forms (one POST route per action) and the printable forms 04, 05 and 06 (05 of 2018).

Views only parse, call one service and render; who may do what is decided by
xaso.dossiers.services.processing, whose WorkflowError messages are shown on the page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.dossiers import slips
from xaso.dossiers import workflow
from xaso.dossiers.extensions import dossier_links_for
from xaso.dossiers.forms import processing as forms
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FormSet
from xaso.dossiers.models import StopNotice
from xaso.dossiers.services import processing
from xaso.dossiers.workflow import Action

PAGE_SIZE = 50
RESULTS_PARTIAL = "dossiers/_dossier_results.html"

# The form of each action shown on the detail page, and the route it posts to.
ACTION_FORMS: dict[str, type[forms.ActionForm]] = {
    Action.CLAIM: forms.ClaimForm,
    Action.FORWARD: forms.ForwardForm,
    Action.APPROVE: forms.ApproveForm,
    Action.SEND_BACK: forms.SendBackForm,
    Action.REQUEST_SUPPLEMENT: forms.SupplementForm,
    Action.RECORD_SUPPLEMENT: forms.SupplementReceivedForm,
    Action.REFUSE: forms.RefuseForm,
    Action.CONSULT: forms.ConsultForm,
    Action.TRANSFER: forms.TransferForm,
    Action.RECORD_TRANSFER_RETURN: forms.TransferReturnForm,
    Action.EXTEND: forms.ExtendForm,
    Action.STOP: forms.StopForm,
    Action.WITHDRAW: forms.WithdrawForm,
}
ACTION_ROUTES = {
    Action.CLAIM: "dossiers:step_claim",
    Action.FORWARD: "dossiers:dossier_forward",
    Action.APPROVE: "dossiers:dossier_approve",
    Action.SEND_BACK: "dossiers:dossier_send_back",
    Action.REQUEST_SUPPLEMENT: "dossiers:dossier_supplement",
    Action.RECORD_SUPPLEMENT: "dossiers:dossier_supplement_received",
    Action.REFUSE: "dossiers:dossier_refuse",
    Action.CONSULT: "dossiers:dossier_consult",
    Action.TRANSFER: "dossiers:dossier_transfer",
    Action.RECORD_TRANSFER_RETURN: "dossiers:transfer_return",
    Action.EXTEND: "dossiers:dossier_extend",
    Action.STOP: "dossiers:dossier_stop",
    Action.WITHDRAW: "dossiers:dossier_withdraw",
}
# Order of the buttons on the page: the usual next move first.
ACTION_ORDER = [
    Action.CLAIM,
    Action.FORWARD,
    Action.APPROVE,
    Action.RECORD_SUPPLEMENT,
    Action.RECORD_TRANSFER_RETURN,
    Action.SEND_BACK,
    Action.REQUEST_SUPPLEMENT,
    Action.CONSULT,
    Action.TRANSFER,
    Action.EXTEND,
    Action.REFUSE,
    Action.STOP,
    Action.WITHDRAW,
]


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _has_any(user: User, permissions: tuple[str, ...]) -> bool:
    return any(user.has_perm(permission) for permission in permissions)


def reads_dossiers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; staff without any one-stop permission → 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        permissions = (*workflow.WORKING_PERMISSIONS, workflow.VIEW_ALL_PERMISSION)
        if not _has_any(_actor(request), permissions):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def works_on_dossiers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; staff who never work on a dossier → 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _has_any(_actor(request), workflow.WORKING_PERMISSIONS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- pages ------------------------------------------------------------------------


@works_on_dossiers
def inbox(request: HttpRequest) -> HttpResponse:
    box = processing.inbox_for(user=_actor(request))
    labels = dict(workflow.DueState.choices)
    groups = [
        {"state": state, "label": labels[state], "items": items, "count": box.counts[state]}
        for state, items in box.groups.items()
    ]
    return render(
        request,
        "dossiers/inbox.html",
        {"inbox": box, "groups": groups, "now": timezone.now()},
    )


@reads_dossiers
def dossier_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = forms.DossierFilterForm(request.GET or None, user=actor)
    filters = form.cleaned_data if form.is_valid() else {}
    procedure = filters.get("procedure")
    dossiers = processing.list_dossiers_for(
        user=actor,
        status=filters.get("status", ""),
        procedure_id=procedure.pk if procedure else None,
        received_from=filters.get("received_from"),
        received_to=filters.get("received_to"),
        query=filters.get("q", ""),
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query_string": params.urlencode()}
    template = (
        "dossiers/_processing_dossier_table.html" if request.htmx else "dossiers/dossier_list.html"
    )
    return render(request, template, context)


def _has_results_partial() -> bool:
    """The result/fees/return partial is written separately; include it once it exists."""
    try:
        select_template([RESULTS_PARTIAL])
    except TemplateDoesNotExist:
        return False
    return True


def _detail_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: tuple[str, forms.ActionForm] | None = None,
    bound_answer: tuple[int, forms.ConsultationAnswerForm] | None = None,
) -> dict[str, Any]:
    actor = _actor(request)
    allowed = (
        processing.available_actions(user=actor, dossier=dossier)
        if actor.unit_id == dossier.unit_id
        else set()
    )
    action_forms = []
    for action in ACTION_ORDER:
        if action not in allowed:
            continue
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = ACTION_FORMS[action](dossier=dossier, actor=actor)
        action_forms.append(
            {
                "action": str(action),
                "label": Action(action).label,
                "url_name": ACTION_ROUTES[action],
                "form": form,
                "open": bound is not None and bound[0] == action,
            }
        )
    answers = []
    if Action.ANSWER_CONSULTATION in allowed:
        for consultation in processing.open_consultations_for(user=actor, dossier=dossier):
            if bound_answer is not None and bound_answer[0] == consultation.pk:
                form = bound_answer[1]
            else:
                form = forms.ConsultationAnswerForm(consultation_pk=consultation.pk)
            answers.append({"consultation": consultation, "form": form})
    event_labels = workflow.event_labels()
    events = [
        {"event": event, "label": event_labels.get(event.action, event.action)}
        for event in dossier.events.select_related("actor", "step").order_by("created_at", "id")
    ]
    return {
        "dossier": dossier,
        "steps": processing.control_slip_steps(dossier),
        "pending_steps": list(
            dossier.steps.filter(status="pending").select_related("position").order_by("order")
        ),
        "events": events,
        "documents": list(dossier.documents.all()),
        "supplements": list(dossier.supplements.select_related("requested_by", "fulfilled_by")),
        "consultations": list(dossier.consultations.select_related("asked_by", "consulted")),
        "transfers": list(dossier.transfers.select_related("sent_by")),
        "extensions": list(dossier.extensions.select_related("created_by")),
        "stop_notice": StopNotice.objects.filter(dossier=dossier).first(),
        "action_forms": action_forms,
        "answers": answers,
        "due_notice": processing.due_notice_for(dossier=dossier),
        "has_results_partial": _has_results_partial(),
        "related_links": dossier_links_for(user=actor, dossier=dossier),
        "now": timezone.now(),
    }


@reads_dossiers
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    return render(request, "dossiers/dossier_detail.html", _detail_context(request, dossier))


# --- actions ------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    pk: int,
    action: str,
    perform: Callable[[User, Dossier, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Bind the action's form, call its service, and either redirect with a message or
    show the page again with the error on the form (nothing is saved then)."""
    actor = _actor(request)
    dossier = processing.get_dossier_to_act_on(user=actor, pk=pk)
    form = ACTION_FORMS[action](request.POST, dossier=dossier, actor=actor)
    if form.is_valid():
        try:
            perform(actor, dossier, form.cleaned_data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
            return redirect("dossiers:dossier_detail", pk=dossier.pk)
        else:
            messages.success(request, success)
            return redirect("dossiers:dossier_detail", pk=dossier.pk)
    dossier.refresh_from_db()
    context = _detail_context(request, dossier, bound=(action, form))
    return render(request, "dossiers/dossier_detail.html", context, status=200)


def _step(data: dict[str, Any]) -> int | None:
    return data.get("step")


@require_POST
@works_on_dossiers
def step_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.CLAIM,
        lambda actor, dossier, data: processing.claim_step(
            actor=actor, dossier=dossier, expected_step_id=_step(data)
        ),
        _("Bạn đã nhận xử lý hồ sơ."),
    )


@require_POST
@works_on_dossiers
def dossier_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.FORWARD,
        lambda actor, dossier, data: processing.forward_dossier(
            actor=actor, dossier=dossier, note=data["note"], expected_step_id=_step(data)
        ),
        _("Đã chuyển hồ sơ sang bước tiếp theo."),
    )


@require_POST
@works_on_dossiers
def dossier_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.APPROVE,
        lambda actor, dossier, data: processing.approve_dossier(
            actor=actor, dossier=dossier, note=data["note"], expected_step_id=_step(data)
        ),
        _("Đã phê duyệt kết quả giải quyết hồ sơ."),
    )


@require_POST
@works_on_dossiers
def dossier_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.SEND_BACK,
        lambda actor, dossier, data: processing.send_back(
            actor=actor,
            dossier=dossier,
            to_step=data["to_step"],
            reason=data["reason"],
            expected_step_id=_step(data),
        ),
        _("Đã trả hồ sơ về bước trước."),
    )


@require_POST
@works_on_dossiers
def dossier_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.REQUEST_SUPPLEMENT,
        lambda actor, dossier, data: processing.request_supplement(
            actor=actor,
            dossier=dossier,
            items=data["items"],
            reason=data["reason"],
            guidance=data["guidance"],
            expected_step_id=_step(data),
        ),
        _("Đã yêu cầu bổ sung hồ sơ; thời hạn giải quyết tạm dừng."),
    )


@require_POST
@works_on_dossiers
def dossier_supplement_received(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.RECORD_SUPPLEMENT,
        lambda actor, dossier, data: processing.record_supplement_received(
            actor=actor, dossier=dossier, note=data["note"]
        ),
        _("Đã nhận đủ hồ sơ bổ sung; thời hạn giải quyết được tính lại từ đầu."),
    )


@require_POST
@works_on_dossiers
def dossier_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.REFUSE,
        lambda actor, dossier, data: processing.refuse_dossier(
            actor=actor, dossier=dossier, reason=data["reason"], expected_step_id=_step(data)
        ),
        _("Đã từ chối giải quyết hồ sơ."),
    )


@require_POST
@works_on_dossiers
def dossier_consult(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.CONSULT,
        lambda actor, dossier, data: processing.consult(
            actor=actor,
            dossier=dossier,
            consulted=data["consulted"],
            question=data["question"],
            due_in_days=data["due_in_days"],
            expected_step_id=_step(data),
        ),
        _("Đã gửi xin ý kiến."),
    )


@require_POST
@works_on_dossiers
def consultation_answer(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    actor = _actor(request)
    dossier = processing.get_dossier_to_act_on(user=actor, pk=pk)
    consultation = get_object_or_404(dossier.consultations, pk=consultation_pk)
    form = forms.ConsultationAnswerForm(request.POST, consultation_pk=consultation.pk)
    if form.is_valid():
        try:
            processing.answer_consultation(
                actor=actor, consultation=consultation, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
            return redirect("dossiers:dossier_detail", pk=dossier.pk)
        else:
            messages.success(request, _("Đã gửi ý kiến trả lời."))
            return redirect("dossiers:dossier_detail", pk=dossier.pk)
    context = _detail_context(request, dossier, bound_answer=(consultation.pk, form))
    return render(request, "dossiers/dossier_detail.html", context)


@require_POST
@works_on_dossiers
def dossier_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.TRANSFER,
        lambda actor, dossier, data: processing.transfer_dossier(
            actor=actor,
            dossier=dossier,
            agency_name=data["agency_name"],
            agency_identifier=data["agency_identifier"],
            due_in_days=data["due_in_days"],
            note=data["note"],
            expected_step_id=_step(data),
        ),
        _("Đã ghi nhận chuyển hồ sơ lên cơ quan cấp trên."),
    )


@require_POST
@works_on_dossiers
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.RECORD_TRANSFER_RETURN,
        lambda actor, dossier, data: processing.record_transfer_return(
            actor=actor, dossier=dossier, return_note=data["return_note"]
        ),
        _("Đã ghi nhận kết quả cơ quan cấp trên trả về."),
    )


@require_POST
@works_on_dossiers
def dossier_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.EXTEND,
        lambda actor, dossier, data: processing.extend_due(
            actor=actor, dossier=dossier, reason=data["reason"], new_due_on=data["new_due_on"]
        ),
        _("Đã lập văn bản xin lỗi và hẹn lại ngày trả kết quả."),
    )


@require_POST
@works_on_dossiers
def dossier_stop(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.STOP,
        lambda actor, dossier, data: processing.stop_dossier(
            actor=actor,
            dossier=dossier,
            reason=data["reason"],
            requested_by_applicant=data["requested_by_applicant"],
            financial_settlement=data["financial_settlement"],
        ),
        _("Đã dừng giải quyết hồ sơ."),
    )


@require_POST
@works_on_dossiers
def dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Action.WITHDRAW,
        lambda actor, dossier, data: processing.withdraw_dossier(
            actor=actor, dossier=dossier, reason=data["reason"]
        ),
        _("Đã ghi nhận người nộp rút hồ sơ."),
    )


# --- printable forms ----------------------------------------------------------------------


def _pdf(purpose: str, form_set: str, context: dict[str, Any], filename: str) -> HttpResponse:
    try:
        pdf = slips.render_form(purpose, form_set, context)
    except LookupError as exc:
        raise Http404 from exc
    return pdf_response(pdf, filename)


def _form_context(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "unit": dossier.unit,
        "procedure": dossier.procedure,
        "applicant": dossier.applicant,
        "printed_at": timezone.localtime(),
    }


@reads_dossiers
@official_language
def control_slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (2025 form 06, 2018 form 05), printable
    at any moment: every hand-over so far with its times and on-time/late outcome."""
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    context = {**_form_context(dossier), "steps": processing.control_slip_steps(dossier)}
    return _pdf("control", dossier.form_set, context, f"phieu-kiem-soat-{dossier.code}.pdf")


@reads_dossiers
@official_language
def apology_pdf(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    """The apology and new-date letter (form 04 of the dossier's set)."""
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    extension = get_object_or_404(dossier.extensions.select_related("created_by"), pk=extension_pk)
    context = {**_form_context(dossier), "extension": extension}
    return _pdf("apology", dossier.form_set, context, f"xin-loi-{dossier.code}.pdf")


@reads_dossiers
@official_language
def stop_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stop notice (2025 form 05; the 2018 set has no such form)."""
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    notice = StopNotice.objects.filter(dossier=dossier).select_related("created_by").first()
    if notice is None:
        raise Http404
    context = {**_form_context(dossier), "notice": notice}
    return _pdf("stop", FormSet.SET_2025, context, f"dung-giai-quyet-{dossier.code}.pdf")
