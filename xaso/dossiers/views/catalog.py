"""Catalog pages of the unit administrator (permission dossiers.manage_catalog).

Every lookup goes through the actor's own unit, so another unit's procedure answers 404.
The views parse input, call one service and render; the rules live in services.catalog.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.core.audit_labels import audit_action_label
from xaso.core.forms.accounts import add_service_errors
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditEvent
from xaso.core.models import Position
from xaso.core.models import User
from xaso.dossiers import catalog_io
from xaso.dossiers import process_rules
from xaso.dossiers.forms.catalog import DocumentFormSet
from xaso.dossiers.forms.catalog import FeeFormSet
from xaso.dossiers.forms.catalog import ImportForm
from xaso.dossiers.forms.catalog import ProcedureFilterForm
from xaso.dossiers.forms.catalog import ProcedureForm
from xaso.dossiers.forms.catalog import ProcessTimeForm
from xaso.dossiers.forms.catalog import StepFormSet
from xaso.dossiers.forms.catalog import step_formset_class
from xaso.dossiers.forms.catalog import step_initial
from xaso.dossiers.services import catalog as services
from xaso.dossiers.services.catalog import MANAGE_CATALOG
from xaso.dossiers.services.catalog import ProcedureData

PAGE_SIZE = 50
MAX_EXTRA_ROWS = 10


def manages_catalog(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in without dossiers.manage_catalog → 403."""

    @login_required
    @permission_required(MANAGE_CATALOG, raise_exception=True)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.unit_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unit(request: HttpRequest) -> AdministrativeUnit:
    return _actor(request).unit  # type: ignore[return-value]


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@manages_catalog
def procedure_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filter_form = ProcedureFilterForm(
        request.GET or None, fields=services.fields_in_use(services.list_procedures_for(user=actor))
    )
    procedures = services.list_procedures_for(user=actor, **filter_form.filters()).annotate(
        step_count=Count("steps")
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "query_string": _without_page(request)}
    template = "dossiers/_catalog_table.html" if request.htmx else "dossiers/procedure_list.html"
    return render(request, template, context)


def _procedure_data(form: ProcedureForm, *, is_active: bool) -> ProcedureData:
    data = dict(form.cleaned_data)
    field = data.pop("field") or services.get_or_create_field(
        code=data["new_field_code"], name=data["new_field_name"]
    )
    data.pop("new_field_code")
    data.pop("new_field_name")
    return ProcedureData(field=field, is_active=is_active, **data)


@manages_catalog
def procedure_create(request: HttpRequest) -> HttpResponse:
    form = ProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # One boundary: a new field is kept only with the procedure that uses it. A new
            # procedure waits for its process before it can receive dossiers.
            with transaction.atomic():
                procedure = services.create_procedure(
                    actor=_actor(request),
                    unit=_unit(request),
                    data=_procedure_data(form, is_active=False),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Đã thêm thủ tục %(code)s. Hãy thiết lập quy trình xử lý rồi bấm "
                    "“Áp dụng” để tiếp nhận hồ sơ."
                )
                % {"code": procedure.code},
            )
            return redirect("dossiers:procedure_steps", pk=procedure.pk)
    return render(request, "dossiers/procedure_form.html", {"form": form, "procedure": None})


@manages_catalog
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = services.get_procedure_for(user=_actor(request), pk=pk)
    events = AuditEvent.objects.filter(
        unit_id=procedure.unit_id, target_type="dossiers.procedure", target_id=str(procedure.pk)
    ).select_related("actor")[:20]
    history = [(event, audit_action_label(event.action)) for event in events]
    return render(
        request,
        "dossiers/procedure_detail.html",
        {
            "procedure": procedure,
            "process": services.process_view(procedure),
            "documents": procedure.required_documents.order_by("order"),
            "fees": services.fees_with_text(procedure),
            "history": history,
        },
    )


@manages_catalog
def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = services.get_procedure_for(user=_actor(request), pk=pk)
    form = ProcedureForm(request.POST or None, initial=ProcedureForm.initial_from(procedure))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_procedure(
                    actor=_actor(request),
                    procedure=procedure,
                    data=_procedure_data(form, is_active=procedure.is_active),
                )
        except ValidationError as error:
            procedure.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thủ tục."))
            return redirect("dossiers:procedure_detail", pk=procedure.pk)
    return render(request, "dossiers/procedure_form.html", {"form": form, "procedure": procedure})


def _extra_rows(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("dong", "1")), MAX_EXTRA_ROWS))
    except ValueError:
        return 1


@manages_catalog
def procedure_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """The process editor: legal time and steps together; a live budget check by HTMX.

    An HTMX request with `preview` only recomputes the budget summary (nothing saved);
    the form's submit saves through the service, which refuses an invalid process and
    then saves nothing.
    """
    actor = _actor(request)
    procedure = services.get_procedure_for(user=actor, pk=pk)
    unit = procedure.unit
    if request.method == "POST":
        time_form = ProcessTimeForm(request.POST)
        formset = StepFormSet(request.POST, unit=unit, prefix="steps")
        if request.htmx and request.POST.get("preview"):
            summary, problems = _preview(unit, time_form, formset)
            return render(
                request,
                "dossiers/_catalog_budget.html",
                {"summary": summary, "problems": problems},
            )
        if time_form.is_valid() and formset.is_valid():
            try:
                services.set_process_steps(
                    actor=actor,
                    procedure=procedure,
                    steps=[form.to_data() for form in formset.kept_forms()],
                    time_limit_kind=time_form.cleaned_data["time_limit_kind"],
                    time_limit_value=time_form.cleaned_data["time_limit_value"],
                )
            except ValidationError as error:
                procedure.refresh_from_db()
                for message in error.messages:
                    time_form.add_error(None, message)
            else:
                messages.success(request, _("Đã lưu quy trình xử lý."))
                return redirect("dossiers:procedure_detail", pk=procedure.pk)
        summary, problems = _preview(unit, time_form, formset)
    else:
        steps = list(procedure.steps.order_by("order"))
        time_form = ProcessTimeForm(
            initial={
                "time_limit_kind": procedure.time_limit_kind,
                "time_limit_value": procedure.time_limit_value,
            }
        )
        initial = step_initial(steps) if steps else _suggested_steps(procedure)
        formset = step_formset_class(_extra_rows(request))(
            initial=initial, unit=unit, prefix="steps"
        )
        view = services.process_view(procedure)
        summary, problems = view.summary, view.problems
    return render(
        request,
        "dossiers/procedure_steps.html",
        {
            "procedure": procedure,
            "time_form": time_form,
            "formset": formset,
            "summary": summary,
            "problems": problems,
        },
    )


def _suggested_steps(procedure: Any) -> list[dict[str, Any]]:
    """A starting process for a procedure without one: reception, processing, approval,
    return, with budgets that fit the legal time when it allows."""
    positions = {p.code: p.pk for p in Position.objects.all()}
    budgets = process_rules.suggested_budgets(procedure.time_limit_kind, procedure.time_limit_value)
    plan = [
        (_("Tiếp nhận, kiểm tra hồ sơ"), process_rules.RECEPTION, positions.get("counter_officer")),
        (_("Thẩm định, trình ký"), process_rules.PROCESSING, None),
        (_("Lãnh đạo UBND xã ký duyệt"), process_rules.APPROVAL, positions.get("chairman")),
        (_("Trả kết quả"), process_rules.RETURN, positions.get("counter_officer")),
    ]
    return [
        {"name": name, "kind": kind, "position": position, "budget_hours": hours, "ORDER": order}
        for order, ((name, kind, position), hours) in enumerate(zip(plan, budgets, strict=True), 1)
    ]


def _preview(
    unit: AdministrativeUnit, time_form: ProcessTimeForm, formset: Any
) -> tuple[process_rules.BudgetSummary, list[str]]:
    forms, invalid_rows = formset.preview_forms()
    summary, problems = services.check_process(
        unit=unit,
        time_limit_kind=time_form.data.get("time_limit_kind", ""),
        time_limit_value=time_form.data.get("time_limit_value", ""),
        steps=[form.to_data() for form in forms],
    )
    if invalid_rows:
        problems.insert(
            0,
            _("Dòng %(rows)s chưa đủ hoặc chưa đúng thông tin nên chưa được tính.")
            % {"rows": ", ".join(str(row) for row in invalid_rows)},
        )
    return summary, problems


@manages_catalog
def procedure_documents(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = services.get_procedure_for(user=_actor(request), pk=pk)
    documents = list(procedure.required_documents.order_by("order"))
    if request.method == "POST":
        formset = DocumentFormSet(request.POST, request.FILES, prefix="documents")
        if formset.is_valid():
            try:
                services.set_required_documents(
                    actor=_actor(request),
                    procedure=procedure,
                    documents=[form.to_data() for form in formset.kept_forms()],
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Đã lưu thành phần hồ sơ."))
                return redirect("dossiers:procedure_detail", pk=procedure.pk)
    else:
        formset = DocumentFormSet(
            initial=[
                {
                    "id": d.pk,
                    "name": d.name,
                    "originals": d.originals,
                    "copies": d.copies,
                    "is_mandatory": d.is_mandatory,
                    "form_name": d.form_name,
                    "ORDER": d.order,
                }
                for d in documents
            ],
            prefix="documents",
        )
    files = {d.pk: d.form_file for d in documents if d.form_file}
    rows = [(form, files.get(form.initial.get("id"))) for form in formset.forms]
    return render(
        request,
        "dossiers/procedure_documents.html",
        {"procedure": procedure, "formset": formset, "rows": rows},
    )


@manages_catalog
def procedure_fees(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = services.get_procedure_for(user=_actor(request), pk=pk)
    if request.method == "POST":
        formset = FeeFormSet(request.POST, prefix="fees")
        if formset.is_valid():
            kept = [
                form
                for form in formset.forms
                if form.has_changed() and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.set_fee_rules(
                    actor=_actor(request),
                    procedure=procedure,
                    fees=[form.to_data() for form in kept],
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Đã lưu phí, lệ phí."))
                return redirect("dossiers:procedure_detail", pk=procedure.pk)
    else:
        formset = FeeFormSet(
            initial=[
                {
                    "name": fee.name,
                    "amount": fee.amount,
                    "basis": fee.basis,
                    "reduced_amount": fee.reduced_amount,
                    "reduced_from": fee.reduced_from,
                    "cap": fee.cap,
                    "channel": fee.channel,
                    "note": fee.note,
                }
                for fee in procedure.fee_rules.order_by("pk")
            ],
            prefix="fees",
        )
    return render(
        request, "dossiers/procedure_fees.html", {"procedure": procedure, "formset": formset}
    )


@manages_catalog
@require_POST
def procedure_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = services.get_procedure_for(user=_actor(request), pk=pk)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.set_procedure_active(
            actor=_actor(request), procedure=procedure, is_active=is_active
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Thủ tục %(code)s đang được áp dụng.") % {"code": procedure.code}
            if is_active
            else _("Đã ngừng áp dụng thủ tục %(code)s.") % {"code": procedure.code},
        )
    return redirect("dossiers:procedure_detail", pk=procedure.pk)


@manages_catalog
def procedure_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = catalog_io.import_file(
                actor=_actor(request),
                unit=_unit(request),
                filename=upload.name,
                content=upload.read(catalog_io.MAX_IMPORT_BYTES + 1),
            )
        except catalog_io.CatalogImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                _(
                    "Đã nhập danh mục: thêm %(created)s, cập nhật %(updated)s, "
                    "giữ nguyên %(unchanged)s thủ tục."
                )
                % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                },
            )
            return redirect("dossiers:procedure_list")
    return render(request, "dossiers/procedure_import.html", {"form": form, "errors": errors})


def _export_name(request: HttpRequest, extension: str) -> str:
    return f"danh-muc-thu-tuc-{_unit(request).gso_code}.{extension}"


@manages_catalog
def procedure_export_xlsx(request: HttpRequest) -> HttpResponse:
    content = catalog_io.export_xlsx(catalog_io.catalog_for_export(_unit(request)))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "xlsx")}"'
    return response


@manages_catalog
def procedure_export_json(request: HttpRequest) -> HttpResponse:
    content = catalog_io.export_json(catalog_io.catalog_for_export(_unit(request)))
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "json")}"'
    return response
