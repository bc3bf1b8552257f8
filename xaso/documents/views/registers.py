"""Register exports (XLSX, PDF for binding) and work files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.pdf import pdf_response
from xaso.core.tenancy import get_readable_or_404
from xaso.documents import registers
from xaso.documents import selectors
from xaso.documents.forms import WorkFileAddForm
from xaso.documents.forms import WorkFileForm
from xaso.documents.forms import YearForm
from xaso.documents.models import WorkFile
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.services import workfiles as service
from xaso.documents.views.common import actor_of
from xaso.documents.views.common import require
from xaso.documents.views.incoming import USE

KINDS = ("incoming", "outgoing", "tracking")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register(request: HttpRequest, kind: str):
    actor = actor_of(request)
    require(actor, selectors.VIEW_REGISTERS)
    year = YearForm(request.GET).year_or_current()
    config = outgoing_service.settings_for(actor.unit)
    if kind == "tracking":
        documents = list(
            selectors.incoming_register(user=actor, year=year).select_related("reply_document")
        )
        cover = registers.tracking_cover(actor.unit, year, config.incoming_book_number, documents)
        rows = [registers.tracking_row(document) for document in documents]
        return cover, registers.TRACKING_COLUMNS, rows, f"so-theo-doi-giai-quyet-{year}"
    if kind == "incoming":
        documents = list(selectors.incoming_register(user=actor, year=year))
        cover = registers.incoming_cover(actor.unit, year, config.incoming_book_number, documents)
        rows = [registers.incoming_row(document) for document in documents]
        return cover, registers.INCOMING_COLUMNS, rows, f"so-van-ban-den-{year}"
    documents = list(selectors.released_register(user=actor, year=year))
    cover = registers.outgoing_cover(actor.unit, year, config.outgoing_book_number, documents)
    rows = [registers.outgoing_row(document) for document in documents]
    return cover, registers.OUTGOING_COLUMNS, rows, f"so-van-ban-di-{year}"


@login_required
@require_GET
@official_language
def register_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    cover, columns, rows, name = _register(request, kind)
    response = HttpResponse(registers.to_xlsx(cover, columns, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_GET
@official_language
def register_pdf(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    cover, columns, rows, name = _register(request, kind)
    return pdf_response(registers.to_pdf(cover, columns, rows), f"{name}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def work_file_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    form = WorkFileForm(request.POST or None)
    if request.method == "POST":
        require(actor, service.HANDLE_PERMISSION)
        if form.is_valid():
            try:
                work_file = service.create_work_file(actor=actor, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lập hồ sơ công việc."))
                return redirect("documents:work_file_detail", pk=work_file.pk)
    return render(
        request,
        "documents/work_files.html",
        {
            "form": form,
            "work_files": selectors.work_files_for(user=actor, query=request.GET.get("q", ""))[
                :200
            ],
        },
    )


@login_required
@require_GET
def work_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    work_file = get_readable_or_404(WorkFile.objects.select_related("keeper"), actor, pk=pk)
    return render(
        request,
        "documents/work_file_detail.html",
        {
            "work_file": work_file,
            "incoming": work_file.incoming.order_by("arrival_year", "arrival_number"),
            "outgoing": work_file.outgoing.order_by("year", "number"),
        },
    )


@login_required
@require_POST
def work_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION)
    work_file = get_readable_or_404(WorkFile.objects.all(), actor, pk=pk)
    form = WorkFileAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn văn bản cần đưa vào hồ sơ."))
        return redirect("documents:work_file_detail", pk=pk)
    document_id = form.cleaned_data["document_id"]
    if form.cleaned_data["kind"] == "incoming":
        document = selectors.get_incoming_for(user=actor, pk=document_id)
    else:
        document = selectors.get_outgoing_for(user=actor, pk=document_id)
    try:
        service.add_to_work_file(actor=actor, work_file=work_file, document=document)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã đưa văn bản vào hồ sơ."))
    return redirect("documents:work_file_detail", pk=pk)
