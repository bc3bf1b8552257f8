"""Staff pages of the inter-level dossier transfer: on a dossier, the transfer form (choose
the receiving agency among the unit's exchange peers) and every transfer with its delivery
and statuses; the result received (taken in by the one-stop) or sent back (signed by the
province's one-stop). A list of the unit's transferred dossiers both ways.

Own unit only: another unit's dossier or transfer is a 404; a user without any one-stop
permission gets 403."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.documents.forms import SigningKeyForm
from xaso.dossiers import workflow
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import processing
from xaso.interop import dossier_transfer
from xaso.interop.models import DossierTransfer
from xaso.signatures import services as signatures


class TransferForm(forms.Form):
    peer = forms.TypedChoiceField(label=gettext_lazy("Cơ quan nhận"), coerce=int)
    due_in_days = forms.IntegerField(
        label=gettext_lazy("Số ngày làm việc cơ quan nhận giải quyết"),
        min_value=1,
        max_value=processing.MAX_TRANSFER_DAYS,
        initial=10,
    )
    note = forms.CharField(
        label=gettext_lazy("Nội dung chuyển"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, peers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [("", "—")] + [
            (peer.pk, f"{peer.name} ({peer.organ_id})") for peer in peers
        ]
        self.fields["peer"].error_messages["invalid_choice"] = _(
            "Cơ quan nhận không có trong danh sách cơ quan liên thông của đơn vị."
        )


def _signing_key(form: SigningKeyForm) -> signatures.SignerKey:
    """The province unit's organisation key as the one-stop officer gave it: its token
    plugged into the server with the PIN, or its PKCS#12 file (the form of outgoing
    documents, so both pages ask for a key the same way)."""
    data = form.cleaned_data
    if data["method"] == SigningKeyForm.METHOD_TOKEN:
        return signatures.TokenKey(token_label=data["token_label"], pin=data["pin"])
    return signatures.Pkcs12Key(data=data["key_bytes"], passphrase=data["passphrase"])


def _actor(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not any(user.has_perm(permission) for permission in workflow.WORKING_PERMISSIONS):
        raise PermissionDenied
    return user


def _dossier(user: User, pk: int) -> Dossier:
    return processing.get_dossier_to_act_on(user=user, pk=pk)


def _page(request, dossier: Dossier, *, form=None, result_form=None, status=200):
    actor: User = request.user  # type: ignore[assignment]
    peers = dossier_transfer.transfer_peers(dossier.unit)
    links = list(
        DossierTransfer.objects.for_unit(dossier.unit)
        .filter(dossier=dossier)
        .select_related("peer", "outbound", "result_outbound", "transfer")
        .prefetch_related("statuses")
    )
    for link in links:
        link.status_text = dossier_transfer.status_label(link.remote_status)
        for row in link.statuses.all():
            row.label = dossier_transfer.status_label(row.code)
    can_transfer = workflow.Action.TRANSFER in processing.available_actions(
        user=actor, dossier=dossier
    )
    incoming = next((link for link in links if link.direction == "in"), None)
    return render(
        request,
        "interop/dossier_transfer.html",
        {
            "dossier": dossier,
            "links": links,
            "peers": peers,
            "form": form or TransferForm(peers=peers),
            "can_transfer": can_transfer and bool(peers),
            "can_take": actor.has_perm("dossiers.receive_dossier"),
            "can_send_result": incoming is not None
            and not incoming.result_outbound_id
            and dossier.status == Dossier.Status.RESULT_READY
            and actor.has_perm("dossiers.return_result"),
            "result_form": result_form or SigningKeyForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_transfer_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    dossier = _dossier(actor, pk)
    if request.method == "GET":
        return _page(request, dossier)
    form = TransferForm(request.POST, peers=dossier_transfer.transfer_peers(dossier.unit))
    if not form.is_valid():
        return _page(request, dossier, form=form, status=400)
    try:
        dossier_transfer.transfer_out(
            actor=actor,
            dossier=dossier,
            peer_id=form.cleaned_data["peer"],
            due_in_days=form.cleaned_data["due_in_days"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, DomainError) as error:
        for message in getattr(error, "messages", None) or [error.message]:
            form.add_error(None, message)
        return _page(request, dossier, form=form, status=400)
    messages.success(request, _("Đã chuyển liên thông hồ sơ; gói tin đang được gửi."))
    return redirect("interop:dossier_transfer", pk=dossier.pk)


@login_required
@require_POST
def take_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    link = get_object_or_404(
        DossierTransfer.objects.writable_by(actor).filter(direction="out"), pk=pk
    )
    if not actor.has_perm("dossiers.receive_dossier"):
        raise PermissionDenied
    try:
        dossier_transfer.take_result(actor=actor, link=link)
    except (ValidationError, DomainError) as error:
        for message in getattr(error, "messages", None) or [error.message]:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã nhận kết quả vào hồ sơ; có thể trả cho người dân."))
    return redirect("interop:dossier_transfer", pk=link.dossier_id)


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def send_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    dossier = _dossier(actor, pk)
    if not actor.has_perm("dossiers.return_result"):
        raise PermissionDenied
    form = SigningKeyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, result_form=form, status=400)
    try:
        dossier_transfer.send_result(actor=actor, dossier=dossier, signer=_signing_key(form))
    except (ValidationError, DomainError) as error:
        for message in getattr(error, "messages", None) or [error.message]:
            form.add_error(None, message)
        return _page(request, dossier, result_form=form, status=400)
    messages.success(request, _("Đã ký số và gửi kết quả về đơn vị chuyển hồ sơ."))
    return redirect("interop:dossier_transfer", pk=dossier.pk)


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    links = (
        DossierTransfer.objects.writable_by(actor)
        .select_related("dossier", "peer", "outbound")
        .order_by("-created_at")[:200]
    )
    rows = []
    for link in links:
        link.status_text = dossier_transfer.status_label(link.remote_status)
        rows.append(link)
    return render(request, "interop/transfer_list.html", {"links": rows})
