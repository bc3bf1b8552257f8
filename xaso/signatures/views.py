"""Signature pages: the public check (no login), the staff check and its stored reports,
trust anchors (unit administrator), each user's certificates, and signing a PDF.

Each view: permission (403), the record of the user's unit (404 for another unit's), bind
the form, call one service or selector, render or redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.core.pdf import pdf_response
from xaso.core.tenancy import get_readable_or_404
from xaso.core.tenancy import get_writable_or_404
from xaso.signatures import seal_queue
from xaso.signatures import selectors
from xaso.signatures import services
from xaso.signatures.forms import CertificateUploadForm
from xaso.signatures.forms import PdfUploadForm
from xaso.signatures.forms import SignForm
from xaso.signatures.forms import SigningKeyForm
from xaso.signatures.models import TrustAnchor
from xaso.signatures.models import UserCertificate
from xaso.signatures.models import VerificationRecord
from xaso.signatures.public import allow_public_check
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Kind

SIGNER_BOX_SIZE = (150, 60)  # points: the blue signature image in box 7c


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission) or not user.unit_id:
        raise PermissionDenied


# --- public check ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_verify(request: HttpRequest) -> HttpResponse:
    """A citizen uploads an electronic result or extract and sees whether it is genuine."""
    report = None
    error = ""
    status = 200
    if request.method == "POST":
        form = PdfUploadForm(request.POST, request.FILES)
        if not allow_public_check(request):
            status = 429
            error = _(
                "Ông/Bà đã kiểm tra quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau."
            )
        elif form.is_valid():
            try:
                record = services.record_verification(
                    actor=None,
                    unit=None,
                    pdf_bytes=form.cleaned_data["document"],
                    filename=form.filename,
                    source=VerificationRecord.Source.PUBLIC,
                )
            except DomainError as refusal:
                error = refusal.message
            else:
                report = record.as_report()
    else:
        form = PdfUploadForm()
    return render(
        request,
        "signatures/public_verify.html",
        {"form": form, "report": report, "error": error},
        status=status,
    )


# --- staff check and reports ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.VERIFY_PERMISSION)
    if request.method == "POST":
        form = PdfUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                record = services.record_verification(
                    actor=actor,
                    unit=actor.unit,
                    pdf_bytes=form.cleaned_data["document"],
                    filename=form.filename,
                )
            except DomainError as refusal:
                form.add_error("document", refusal.message)
            else:
                return redirect("signatures:verification_detail", pk=record.pk)
    else:
        form = PdfUploadForm()
    return render(
        request,
        "signatures/verify.html",
        {"form": form, "records": selectors.verifications_for(user=actor)[:50]},
    )


@login_required
@require_GET
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.VERIFY_PERMISSION)
    record = get_readable_or_404(VerificationRecord.objects.all(), actor, pk=pk)
    return render(request, "signatures/verification_detail.html", {"record": record})


# --- trust anchors ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def trust_anchors(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.MANAGE_ANCHORS_PERMISSION)
    if request.method == "POST":
        form = CertificateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                anchor = services.import_trust_anchor(
                    actor=actor, data=form.cleaned_data["certificate"]
                )
            except DomainError as refusal:
                form.add_error("certificate", refusal.message)
            else:
                messages.success(
                    request,
                    _("Đã nhập chứng thư tin cậy “%(name)s”.") % {"name": anchor.common_name},
                )
                return redirect("signatures:trust_anchors")
    else:
        form = CertificateUploadForm()
    return render(
        request,
        "signatures/trust_anchors.html",
        {"form": form, "anchors": selectors.trust_anchors_for(user=actor)},
    )


@login_required
@require_POST
def trust_anchor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.MANAGE_ANCHORS_PERMISSION)
    anchor = get_writable_or_404(TrustAnchor.objects.all(), actor, pk=pk)
    services.remove_trust_anchor(actor=actor, anchor=anchor)
    messages.success(request, _("Đã gỡ chứng thư “%(name)s”.") % {"name": anchor.common_name})
    return redirect("signatures:trust_anchors")


# --- my certificates -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_certificates(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor.unit_id:
        raise PermissionDenied
    if request.method == "POST":
        form = CertificateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.register_user_certificate(
                    actor=actor, data=form.cleaned_data["certificate"]
                )
            except DomainError as refusal:
                form.add_error("certificate", refusal.message)
            else:
                messages.success(request, _("Đã đăng ký chứng thư số."))
                return redirect("signatures:my_certificates")
    else:
        form = CertificateUploadForm()
    return render(
        request,
        "signatures/my_certificates.html",
        {"form": form, "certificates": selectors.certificates_of(user=actor)},
    )


@login_required
@require_POST
def certificate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    certificate = get_writable_or_404(UserCertificate.objects.filter(user=actor), actor, pk=pk)
    services.remove_user_certificate(actor=actor, certificate=certificate)
    messages.success(request, _("Đã gỡ chứng thư số."))
    return redirect("signatures:my_certificates")


# --- signing a PDF ---------------------------------------------------------------------


def _appearance(data: dict) -> Appearance:
    kind = data["kind"]
    if kind == Kind.ATTACHMENT:
        return Appearance.attachment(document_number=data["document_number"])
    if kind == Kind.COPY:
        return Appearance.copy(
            copy_form=data["copy_form"], organisation=data["copying_organisation"]
        )
    width, height = SIGNER_BOX_SIZE
    box = (data["x"], data["y"], data["x"] + width, data["y"] + height)
    page = data["page"] - 1 if data["page"] else -1
    if kind == Kind.ORGANISATION:
        return Appearance.organisation(signer_box=box, page=page)
    return Appearance.signer(box=box, page=page)


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("key", "data")
@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    _require(actor, services.SIGN_PERMISSION)
    if request.method == "POST":
        form = SignForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            key = form.signing_key()
            try:
                signed = services.sign_pdf_as(
                    actor=actor,
                    pdf_bytes=data["document"],
                    signer=key,
                    appearance=_appearance(data),
                    location=actor.unit.name if actor.unit else "",
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                name = str(getattr(request.FILES.get("document"), "name", ""))
                stem = slugify(name.rsplit(".", 1)[0])[:80] or "van-ban"
                return pdf_response(signed, f"{stem}-da-ky.pdf", inline=False)
    else:
        unit_name = actor.unit.name if actor.unit else ""
        # "Xã Quỳ Châu" → "UBND xã Quỳ Châu" (the level word is lower case after UBND). Not
        # translated: it is the organisation's official name, printed as is in the copy's
        # signature whatever the language of the page.
        unit_name = unit_name[:1].lower() + unit_name[1:]
        form = SignForm(initial={"copying_organisation": f"UBND {unit_name}"})
    return render(request, "signatures/sign.html", {"form": form})


# --- the văn thư's queue ----------------------------------------------------------------


@login_required
@require_GET
def seal_queue_page(request: HttpRequest) -> HttpResponse:
    """Files of the unit signed by the competent person, waiting for the organisation's
    signature; each item's form posts to the app that owns the file."""
    actor = _actor(request)
    _require(actor, services.SEAL_PERMISSION)
    items = seal_queue.pending_seals(actor)
    return render(
        request,
        "signatures/seal_queue.html",
        {
            # One key form per item, with ids of its own (several forms on one page).
            "rows": [(item, SigningKeyForm(auto_id=f"id_{item.key}_%s")) for item in items],
            "from_field": seal_queue.FROM_QUEUE_FIELD,
            "from_value": seal_queue.FROM_QUEUE_VALUE,
        },
    )
