"""Public procedure pages (no login): a hosted commune's active procedures and their forms.

Read-only; everything goes through the catalog's public selectors, which show only active
procedures of hosted communes (any other unit or procedure: 404).
"""

from django import forms
from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xaso.dossiers.models import ProcedureField
from xaso.dossiers.services import catalog

UNIT_PARAM = "don-vi"
FIELD_PARAM = "linh-vuc"


class PublicSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục theo tên"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: khai sinh")}),
    )


def _unit_code(request: HttpRequest) -> int | None:
    raw = request.GET.get(UNIT_PARAM, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise Http404 from exc


def procedure_list(request: HttpRequest) -> HttpResponse:
    """The public catalog of one hosted commune (?don-vi=<GSO code>; the only one by default).

    With several hosted communes and none chosen, the page lists the communes to choose.
    """
    code = _unit_code(request)
    units = list(catalog.public_units())
    if code is not None:
        unit = catalog.get_public_unit(code=code)
    elif len(units) == 1:
        unit = units[0]
    else:
        return render(
            request,
            "portal/procedure_list.html",
            {"unit": None, "units": units, "unit_param": UNIT_PARAM},
        )
    form = PublicSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    field_code = request.GET.get(FIELD_PARAM, "").strip()
    procedures = list(catalog.list_public_procedures(unit=unit, query=query, field_code=field_code))
    field_ids = (
        catalog.list_public_procedures(unit=unit)
        .order_by()
        .values_list("field_id", flat=True)
        .distinct()
    )
    context = {
        "unit": unit,
        "public_unit": unit,
        "units": units,
        "form": form,
        "procedures": procedures,
        "fields": ProcedureField.objects.filter(pk__in=field_ids).order_by("name"),
        "field_code": field_code,
        "query": query,
        "unit_param": UNIT_PARAM,
        "field_param": FIELD_PARAM,
    }
    return render(request, "portal/procedure_list.html", context)


def procedure_detail(request: HttpRequest, unit_code: int, procedure_code: str) -> HttpResponse:
    """Everything a citizen needs before coming: documents, fees, time, basis, forms."""
    unit = catalog.get_public_unit(code=unit_code)
    procedure = catalog.get_public_procedure(unit=unit, code=procedure_code)
    context = {
        "unit": unit,
        "public_unit": unit,
        "procedure": procedure,
        "documents": procedure.required_documents.order_by("order"),
        "fees": catalog.fees_with_text(procedure),
        "unit_param": UNIT_PARAM,
    }
    return render(request, "portal/procedure_detail.html", context)


def procedure_form_file(
    request: HttpRequest, unit_code: int, procedure_code: str, document_id: int
) -> FileResponse:
    """Download the form template (mẫu đơn, tờ khai) of one required document."""
    unit = catalog.get_public_unit(code=unit_code)
    procedure = catalog.get_public_procedure(unit=unit, code=procedure_code)
    document = procedure.required_documents.filter(pk=document_id).first()
    if document is None or not document.form_file:
        raise Http404
    name = document.form_file.name.rsplit("/", 1)[-1]
    return FileResponse(document.form_file.open("rb"), as_attachment=True, filename=name)
