"""Incoming documents: the register, registration with pre-fill, the document page and
its handling (present, assign, progress, reply), the handling slip PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.files import file_response
from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.pdf import pdf_response
from xaso.core.pdf import render_pdf
from xaso.documents import exchange
from xaso.documents import selectors
from xaso.documents.forms import AssignForm
from xaso.documents.forms import IncomingForm
from xaso.documents.forms import LinkReplyForm
from xaso.documents.forms import PresentForm
from xaso.documents.forms import ProgressForm
from xaso.documents.forms import ReasonForm
from xaso.documents.forms import RegisterSearchForm
from xaso.documents.models import Handler
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import handling
from xaso.documents.services import incoming as service
from xaso.documents.uploads import RESULT_TYPES
from xaso.documents.uploads import SCAN_TYPES
from xaso.documents.uploads import check_file
from xaso.documents.views.common import actor_of
from xaso.documents.views.common import require

USE = (
    "documents.view_document_registers",
    "documents.register_documents",
    "documents.handle_documents",
    "documents.assign_documents",
)


def filter_from(form: RegisterSearchForm) -> selectors.RegisterFilter:
    if not form.is_valid():
        return selectors.RegisterFilter(year=timezone.localdate().year)
    data = form.cleaned_data
    return selectors.RegisterFilter(
        query=data["q"],
        year=data["year"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        number_notation=data["number_notation"],
        issuing_body=data["issuing_body"],
    )


@login_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    form = RegisterSearchForm(request.GET or {"year": timezone.localdate().year})
    documents = selectors.search_incoming(user=actor, flt=filter_from(form))
    total, more = selectors.capped_count(documents)
    return render(
        request,
        "documents/incoming_list.html",
        {
            "form": form,
            "documents": documents.select_related("presented_to")[:200],
            "total": total,
            "more": more,
            "can_register": actor.has_perm(service.REGISTER_PERMISSION),
            "can_export": selectors.can_read_registers(actor),
            "query_string": request.GET.urlencode(),
        },
    )


def _incoming_data(form: IncomingForm, staged: service.StagedFile | None) -> service.IncomingData:
    data = form.cleaned_data
    return service.IncomingData(
        medium=data["medium"],
        issuing_body=data["issuing_body"],
        document_date=data["document_date"],
        subject=data["subject"],
        code_number=data["code_number"],
        code_notation=data["code_notation"],
        doc_type=data["doc_type"],
        signer_name=data["signer_name"],
        page_count=data["page_count"],
        urgency=data["urgency"],
        secrecy=data["secrecy"],
        note=data["note"],
        file=staged,
    )


def _stage(request: HttpRequest, form: IncomingForm) -> service.StagedFile | None:
    """The form's file: a new upload (checked and staged) or the one staged before."""
    actor = actor_of(request)
    upload = request.FILES.get("file")
    if upload is not None:
        try:
            checked = check_file(upload, accepted=SCAN_TYPES)
        except ValidationError as error:
            form.add_error("file", error.messages)
            return None
        staged, token = service.stage_file(actor=actor, checked=checked)
        form.data = form.data.copy()
        form.data["staged"] = token
        return staged
    return service.staged_from_token(actor=actor, token=request.POST.get("staged", ""))


@login_required
@require_http_methods(["GET", "POST"])
def incoming_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.REGISTER_PERMISSION)
    duplicates: list[IncomingDocument] = []
    guess = None
    staged = None
    if request.method == "POST":
        form = IncomingForm(request.POST, request.FILES)
        staged = _stage(request, form)
        if request.POST.get("action") == "prefill":
            if staged is None:
                if not form.errors.get("file"):
                    form.add_error("file", _("Hãy chọn tệp văn bản để đọc thông tin."))
            else:
                guess = service.prefill(staged=staged)
                data = form.data.copy()
                for name, value in guess.as_initial().items():
                    data[name] = value.isoformat() if hasattr(value, "isoformat") else value
                if staged.content_type == "application/pdf" and guess.source == "text":
                    data["medium"] = data.get("medium") or "electronic"
                form = IncomingForm(data)
                form.is_valid()
                form.errors.clear()
        elif form.is_valid() and not form.errors:
            try:
                document = service.register_incoming(
                    actor=actor,
                    data=_incoming_data(form, staged),
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                )
            except service.DuplicateDocumentError as error:
                duplicates = error.duplicates
                form.add_error(None, error.message)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã vào sổ văn bản đến, số đến %(number)s.")
                    % {"number": document.arrival_number},
                )
                return redirect("documents:incoming_detail", pk=document.pk)
    else:
        form = IncomingForm(initial={"medium": "electronic", "doc_type": "cong_van"})
    return render(
        request,
        "documents/incoming_form.html",
        {"form": form, "duplicates": duplicates, "guess": guess, "staged": staged},
    )


@login_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    document = selectors.get_incoming_for(user=actor, pk=pk)
    handlers = list(document.handlers.select_related("user"))
    mine = next((h for h in handlers if h.user_id == actor.pk), None)
    own_unit = actor.unit_id == document.unit_id
    can_assign = own_unit and actor.has_perm(handling.ASSIGN_PERMISSION) and document.is_open
    can_present = (
        own_unit
        and actor.has_perm(handling.REGISTER_PERMISSION)
        and document.status
        in (IncomingDocument.Status.REGISTERED, IncomingDocument.Status.PRESENTED)
    )
    context = {
        "document": document,
        "handlers": handlers,
        "progress": document.progress.select_related("author"),
        "mine": mine,
        "is_lead": mine is not None and mine.role == Handler.Role.LEAD,
        "can_present": can_present,
        "can_assign": can_assign,
        "can_progress": mine is not None
        and mine.done_at is None
        and document.status == IncomingDocument.Status.ASSIGNED,
        "present_form": PresentForm(leaders=handling.leaders_of(document.unit_id))
        if can_present
        else None,
        "progress_form": ProgressForm(),
        "reply_form": LinkReplyForm(choices=_reply_choices(actor)) if mine else None,
        "work_files": document.work_files.all(),
        # Files received electronically, newest version first (updates from the sender),
        # and the documents this one replaces (replacement packages, Đ18).
        "received_files": document.received_files.select_related("verification"),
        "replaces_documents": document.replaces_documents.all(),
        # Who signed the edXML package it arrived in (XML signature), if any.
        "package_signature": exchange.incoming_package_signature(document)
        if document.exchange_document_id
        else None,
    }
    return render(request, "documents/incoming_detail.html", context)


def _reply_choices(actor):
    """Released outgoing documents of the unit the actor may read (the reply to link)."""
    return (
        selectors.outgoing_for(actor)
        .filter(unit_id=actor.unit_id, number__isnull=False)
        .order_by("-released_at")
    )


@login_required
@require_GET
def incoming_file(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    document = selectors.get_incoming_for(user=actor, pk=pk)
    extension = document.file.name.rsplit(".", 1)[-1] if document.file else "pdf"
    return file_response(
        document.file.name,
        document.content_type,
        f"van-ban-den-{document.arrival_year}-{document.arrival_number}.{extension}",
    )


@login_required
@require_GET
def incoming_received_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """One file received with the document, current or of an earlier version."""
    actor = actor_of(request)
    require(actor, *USE)
    document = selectors.get_incoming_for(user=actor, pk=pk)
    item = get_object_or_404(document.received_files, pk=file_pk)
    return file_response(
        item.file.name,
        item.content_type,
        f"van-ban-den-{document.arrival_year}-{document.arrival_number}-lan-{item.version}-"
        f"{item.pk}.pdf",
    )


def _writable(request: HttpRequest, pk: int) -> IncomingDocument:
    actor = actor_of(request)
    return selectors.get_incoming_for(user=actor, pk=pk)


@login_required
@require_POST
def incoming_present(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.REGISTER_PERMISSION)
    document = _writable(request, pk)
    form = PresentForm(request.POST, leaders=handling.leaders_of(document.unit_id))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn lãnh đạo để trình."))
        return redirect("documents:incoming_detail", pk=pk)
    try:
        handling.present(actor=actor, document=document, leader=form.cleaned_data["leader"])
    except (ValidationError, DomainError) as error:
        messages.error(request, " ".join(_messages(error)))
    else:
        messages.success(request, _("Đã trình lãnh đạo."))
    return redirect("documents:incoming_detail", pk=pk)


def _messages(error: Exception) -> list[str]:
    if isinstance(error, DomainError):
        return [error.message]
    return list(getattr(error, "messages", [str(error)]))


@login_required
@require_http_methods(["GET", "POST"])
def incoming_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.ASSIGN_PERMISSION)
    document = _writable(request, pk)
    officials = handling.officials_of(document.unit_id)
    if request.method == "POST":
        form = AssignForm(request.POST, officials=officials)
        if form.is_valid():
            data = form.cleaned_data
            try:
                handling.assign(
                    actor=actor,
                    document=document,
                    data=handling.AssignmentData(
                        lead=data["lead"],
                        coordinators=list(data["coordinators"]),
                        deadline_days=data["deadline_days"],
                        instruction=data["instruction"],
                    ),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã phân công giải quyết văn bản."))
                return redirect("documents:incoming_detail", pk=pk)
    else:
        lead = document.handlers.filter(role=Handler.Role.LEAD).first()
        form = AssignForm(
            officials=officials,
            initial={
                "lead": lead.user_id if lead else None,
                "coordinators": list(
                    document.handlers.filter(role=Handler.Role.COORDINATE).values_list(
                        "user_id", flat=True
                    )
                ),
                "deadline_days": document.deadline_days,
                "instruction": document.instruction,
            },
        )
    return render(
        request,
        "documents/incoming_assign.html",
        {"document": document, "form": form, "file_form": ReasonForm()},
    )


@login_required
@require_POST
def incoming_file_for_information(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.ASSIGN_PERMISSION)
    document = _writable(request, pk)
    try:
        handling.file_for_information(
            actor=actor, document=document, note=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã cho lưu văn bản (không phải giải quyết)."))
    return redirect("documents:incoming_detail", pk=pk)


@login_required
@require_POST
def incoming_progress(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.HANDLE_PERMISSION)
    document = _writable(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = check_file(upload, accepted=RESULT_TYPES) if upload else None
            handling.record_progress(
                actor=actor,
                document=document,
                note=form.cleaned_data["note"],
                file=checked.file if checked else None,
                content_type=checked.content_type if checked else "",
                completes=form.cleaned_data["completes"],
            )
        except (ValidationError, DomainError) as error:
            messages.error(request, " ".join(_messages(error)))
        else:
            messages.success(request, _("Đã ghi tiến độ giải quyết."))
    else:
        messages.error(request, _("Hãy ghi nội dung tiến độ hoặc kết quả."))
    return redirect("documents:incoming_detail", pk=pk)


@login_required
@require_GET
def progress_file(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE)
    document = selectors.get_incoming_for(user=actor, pk=pk)
    entry = document.progress.filter(pk=entry_pk).first()
    if entry is None or not entry.file:
        from django.http import Http404

        raise Http404
    return file_response(entry.file.name, entry.content_type, entry.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def incoming_link_reply(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.HANDLE_PERMISSION, handling.REGISTER_PERMISSION)
    document = _writable(request, pk)
    form = LinkReplyForm(request.POST, choices=_reply_choices(actor))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn văn bản đi đã ban hành."))
        return redirect("documents:incoming_detail", pk=pk)
    reply: OutgoingDocument = form.cleaned_data["reply"]
    try:
        handling.link_reply(actor=actor, document=document, reply=reply)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã gắn văn bản trả lời."))
    return redirect("documents:incoming_detail", pk=pk)


@login_required
@require_GET
@official_language
def handling_slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Phiếu giải quyết văn bản đến (PL IV)."""
    actor = actor_of(request)
    require(actor, *USE)
    document = selectors.get_incoming_for(user=actor, pk=pk)
    pdf = render_pdf(
        "documents/pdf/handling_slip.html",
        {
            "document": document,
            "unit": document.unit,
            "handlers": document.handlers.select_related("user"),
            "progress": document.progress.select_related("author"),
        },
    )
    return pdf_response(
        pdf, f"phieu-giai-quyet-{document.arrival_year}-{document.arrival_number}.pdf"
    )
