"""Outgoing documents: drafts, versions, comments, approval, signing, release, recall."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.files import file_response
from xaso.core.forms.accounts import add_service_errors
from xaso.core.i18n import official_language
from xaso.core.pdf import pdf_response
from xaso.documents import doctypes
from xaso.documents import exchange
from xaso.documents import selectors
from xaso.documents.forms import AttachmentForm
from xaso.documents.forms import CommentForm
from xaso.documents.forms import DraftForm
from xaso.documents.forms import ReasonForm
from xaso.documents.forms import RegisterSearchForm
from xaso.documents.forms import SettingsForm
from xaso.documents.forms import SigningKeyForm
from xaso.documents.forms import VersionForm
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import OutgoingFile
from xaso.documents.services import handling
from xaso.documents.services import outgoing as service
from xaso.documents.services import signing
from xaso.documents.uploads import DRAFT_TYPES
from xaso.documents.uploads import check_file
from xaso.documents.views.common import actor_of
from xaso.documents.views.common import require
from xaso.documents.views.incoming import USE
from xaso.documents.views.incoming import filter_from
from xaso.signatures import services as signatures

S = OutgoingDocument.Status


def _messages(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    return " ".join(getattr(error, "messages", [str(error)]))


@login_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE, service.APPROVE_PERMISSION)
    form = RegisterSearchForm(request.GET or {"year": timezone.localdate().year})
    documents = selectors.search_outgoing(user=actor, flt=filter_from(form))
    total, more = selectors.capped_count(documents)
    return render(
        request,
        "documents/outgoing_list.html",
        {
            "form": form,
            "documents": documents.select_related("signer", "drafted_by")[:200],
            "total": total,
            "more": more,
            "can_draft": actor.has_perm(service.HANDLE_PERMISSION),
            "can_export": selectors.can_read_registers(actor),
        },
    )


def _draft_form(actor, *args, **kwargs) -> DraftForm:
    return DraftForm(
        *args,
        leaders=handling.leaders_of(actor.unit_id),
        staff=list(handling.officials_of(actor.unit_id)),
        **kwargs,
    )


def _draft_data(form: DraftForm, reply_to=None) -> service.DraftData:
    data = form.cleaned_data
    return service.DraftData(
        doc_type=data["doc_type"],
        subject=data["subject"],
        body=data["body"],
        drafting_unit_abbreviation=data["drafting_unit_abbreviation"],
        urgency=data["urgency"],
        secrecy=data["secrecy"],
        recipients_text=data["recipients_text"],
        archive_keeper=data["archive_keeper"],
        copies=data["copies"],
        signer=data["signer"],
        signer_competence=data["signer_competence"] or "",
        signer_title=data["signer_title"],
        internal_recipients=list(data["internal_recipients"]),
        external_recipients=data["external_recipients"],
        reply_to=reply_to,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outgoing_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION)
    reply_to = None
    reply_pk = request.GET.get("tra-loi") or request.POST.get("reply_to")
    if reply_pk and str(reply_pk).isdigit():
        reply_to = selectors.get_incoming_for(user=actor, pk=int(reply_pk))
    config = service.settings_for(actor.unit)
    if request.method == "POST":
        form = _draft_form(actor, request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checked = check_file(upload, accepted=DRAFT_TYPES) if upload else None
                document = service.create_draft(
                    actor=actor,
                    data=_draft_data(form, reply_to),
                    file=checked,
                    generate=form.cleaned_data["generate"] and checked is None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo dự thảo."))
                return redirect("documents:outgoing_detail", pk=document.pk)
    else:
        initial = {
            "doc_type": "cong_van",
            "drafting_unit_abbreviation": config.drafting_unit_abbreviation,
            "generate": True,
            "archive_keeper": "Lưu: VT",
            "copies": 1,
        }
        if reply_to is not None:
            initial["subject"] = _("Trả lời văn bản số %(code)s của %(body)s") % {
                "code": reply_to.number_notation,
                "body": reply_to.issuing_body,
            }
            initial["recipients_text"] = reply_to.issuing_body
        form = _draft_form(actor, initial=initial)
    return render(
        request,
        "documents/outgoing_form.html",
        {"form": form, "reply_to": reply_to, "templated": doctypes.TEMPLATED},
    )


@login_required
@require_GET
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE, service.APPROVE_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    service.mark_read(actor=actor, document=document)
    own = actor.unit_id == document.unit_id
    is_leader = own and actor.has_perm(service.APPROVE_PERMISSION)
    is_clerk = own and actor.has_perm(service.REGISTER_PERMISSION)
    editable = (
        own
        and document.status in service.EDITABLE
        and (actor.pk == document.drafted_by_id or is_leader)
    )
    external = list(document.external_recipients.all())
    if document.number is not None and any(item.organ_id for item in external):
        # Who signed the edXML package each recipient was sent (signed at release).
        package_signatures = exchange.outgoing_package_signatures(document)
        for item in external:
            item.package_signature = package_signatures.get(item.organ_id)
    context = {
        "document": document,
        "versions": document.files.filter(kind=OutgoingFile.Kind.VERSION),
        "attachments": document.files.filter(kind=OutgoingFile.Kind.ATTACHMENT),
        "comments": document.comments.select_related("author"),
        "external": external,
        "distributions": document.distributions.select_related("user"),
        "editable": editable,
        "can_comment": service.can_comment(actor, document),
        "can_submit": own and actor.pk == document.drafted_by_id and document.status == S.DRAFT,
        "can_approve": is_leader and document.status == S.IN_REVIEW,
        "can_return": is_leader and document.status in (S.IN_REVIEW, S.APPROVED),
        "can_sign": is_leader
        and document.status == S.APPROVED
        and document.signer_id in (None, actor.pk),
        "can_release": is_clerk and document.status == S.SIGNED,
        "can_recall": own and document.status == S.RELEASED and (is_leader or is_clerk),
        "can_replace": own
        and document.status in (S.RELEASED, S.RECALLED)
        and actor.has_perm(service.HANDLE_PERMISSION)
        and document.doc_type in doctypes.TEMPLATED,
        "version_form": VersionForm(),
        "attachment_form": AttachmentForm(),
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "templated": document.doc_type in doctypes.TEMPLATED,
        "key_form": SigningKeyForm(),
        "signed_files": document.files.filter(
            kind__in=(OutgoingFile.Kind.SIGNED, OutgoingFile.Kind.SIGNED_ATTACHMENT)
        ),
        "digitally_signed": signing.signed_file(document) is not None,
    }
    return render(request, "documents/outgoing_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outgoing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION, service.APPROVE_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    if request.method == "POST":
        form = _draft_form(actor, request.POST)
        if form.is_valid():
            try:
                service.update_draft(
                    actor=actor, document=document, data=_draft_data(form, document.reply_to)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã lưu thông tin dự thảo."))
                return redirect("documents:outgoing_detail", pk=pk)
    else:
        form = _draft_form(
            actor,
            initial={
                "doc_type": document.doc_type,
                "subject": document.subject,
                "body": document.body,
                "drafting_unit_abbreviation": document.drafting_unit_abbreviation,
                "urgency": document.urgency,
                "secrecy": document.secrecy,
                "signer": document.signer_id,
                "signer_competence": document.signer_competence,
                "signer_title": document.signer_title,
                "recipients_text": document.recipients_text,
                "external_recipients": "\n".join(
                    f"{item.organ_id}; {item.organ_name}"
                    for item in document.external_recipients.all()
                ),
                "internal_recipients": list(
                    document.distributions.values_list("user_id", flat=True)
                ),
                "archive_keeper": document.archive_keeper,
                "copies": document.copies,
            },
        )
    # Files are added as new versions on the document page, not here.
    del form.fields["file"]
    del form.fields["generate"]
    return render(request, "documents/outgoing_form.html", {"form": form, "document": document})


def _post_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    actor = actor_of(request)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    try:
        action(actor, document)
    except (ValidationError, DomainError) as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, success)
    return redirect("documents:outgoing_detail", pk=pk)


@login_required
@require_POST
def outgoing_version(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION, service.APPROVE_PERMISSION)

    def action(actor, document):
        upload = request.FILES.get("file")
        checked = check_file(upload, accepted=DRAFT_TYPES) if upload else None
        service.add_version(actor=actor, document=document, file=checked)

    return _post_action(request, pk, action, _("Đã thêm phiên bản dự thảo mới."))


@login_required
@require_POST
def outgoing_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION, service.APPROVE_PERMISSION)

    def action(actor, document):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError(_("Hãy chọn tệp tài liệu kèm theo."))
        service.add_attachment(
            actor=actor, document=document, file=check_file(upload, accepted=DRAFT_TYPES)
        )

    return _post_action(request, pk, action, _("Đã thêm tài liệu kèm theo."))


@login_required
@require_POST
def outgoing_comment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE, service.APPROVE_PERMISSION)
    return _post_action(
        request,
        pk,
        lambda a, d: service.comment(actor=a, document=d, text=request.POST.get("text", "")),
        _("Đã ghi ý kiến."),
    )


@login_required
@require_POST
def outgoing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION)
    return _post_action(
        request,
        pk,
        lambda a, d: service.submit(actor=a, document=d),
        _("Đã trình lãnh đạo duyệt."),
    )


@login_required
@require_POST
def outgoing_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.APPROVE_PERMISSION)
    return _post_action(
        request, pk, lambda a, d: service.approve(actor=a, document=d), _("Đã duyệt văn bản.")
    )


@login_required
@require_POST
def outgoing_return(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.APPROVE_PERMISSION)
    return _post_action(
        request,
        pk,
        lambda a, d: service.return_draft(
            actor=a, document=d, reason=request.POST.get("reason", "")
        ),
        _("Đã trả lại dự thảo để sửa."),
    )


def _signing_key(form: SigningKeyForm):
    data = form.cleaned_data
    if data["method"] == SigningKeyForm.METHOD_TOKEN:
        return signatures.TokenKey(token_label=data["token_label"], pin=data["pin"])
    return signatures.Pkcs12Key(data=data["key_bytes"], passphrase=data["passphrase"])


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("key", "form")
@login_required
@require_POST
def outgoing_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signer signs: digitally with his token or .p12 (method given), or, without a
    key in the form, the paper signature is recorded (the earlier step)."""
    actor = actor_of(request)
    require(actor, service.APPROVE_PERMISSION)
    if "method" not in request.POST:
        return _post_action(
            request, pk, lambda a, d: service.sign(actor=a, document=d), _("Đã ký văn bản.")
        )
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    form = SigningKeyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("documents:outgoing_detail", pk=pk)
    key = _signing_key(form)
    try:
        signing.sign_digitally(actor=actor, document=document, key=key)
    except (ValidationError, DomainError) as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, _("Đã ký số văn bản. Văn thư sẽ cấp số và ký số của cơ quan."))
    return redirect("documents:outgoing_detail", pk=pk)


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("key", "form")
@login_required
@require_POST
def outgoing_release(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.REGISTER_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    key = None
    if "method" in request.POST:
        form = SigningKeyForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, form.error_text())
            return redirect("documents:outgoing_detail", pk=pk)
        key = _signing_key(form)
    try:
        document = signing.release_signed(actor=actor, document=document, key=key)
    except (ValidationError, DomainError) as error:
        messages.error(request, _messages(error))
    else:
        messages.success(
            request,
            _("Đã cấp số %(code)s, vào sổ văn bản đi và phát hành.")
            % {"code": document.number_notation},
        )
    return redirect("documents:outgoing_detail", pk=pk)


@login_required
@require_POST
def outgoing_recall(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.APPROVE_PERMISSION, service.REGISTER_PERMISSION)
    return _post_action(
        request,
        pk,
        lambda a, d: service.recall(actor=a, document=d, reason=request.POST.get("reason", "")),
        _("Đã ghi nhận thu hồi văn bản."),
    )


@login_required
@require_POST
def outgoing_replace(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.HANDLE_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    try:
        draft = service.start_replacement(actor=actor, document=document)
    except (ValidationError, DomainError) as error:
        messages.error(request, _messages(error))
        return redirect("documents:outgoing_detail", pk=pk)
    messages.success(request, _("Đã tạo dự thảo thay thế."))
    return redirect("documents:outgoing_detail", pk=draft.pk)


@login_required
@require_GET
def outgoing_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *USE, service.APPROVE_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    item = document.files.filter(pk=file_pk).first()
    if item is None:
        raise Http404
    return file_response(item.file.name, item.content_type, item.name)


@login_required
@require_GET
@official_language
def outgoing_layout_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The document in the ND 30 layout with its current fields (number once released)."""
    actor = actor_of(request)
    require(actor, *USE, service.APPROVE_PERMISSION)
    document = selectors.get_outgoing_for(user=actor, pk=pk)
    if document.doc_type not in doctypes.TEMPLATED:
        raise Http404
    name = document.number_notation.replace("/", "-") or f"du-thao-{document.pk}"
    return pdf_response(service.render_layout(document), f"{name}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def document_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, service.SETTINGS_PERMISSION)
    current = service.settings_for(actor.unit)
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=service.settings_for(actor.unit))
        if form.is_valid():
            try:
                service.update_settings(
                    actor=actor,
                    values={name: form.cleaned_data[name] for name in SettingsForm.Meta.fields},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu thiết lập văn bản."))
                return redirect("documents:settings")
    else:
        form = SettingsForm(instance=current)
    return render(request, "documents/settings.html", {"form": form})
