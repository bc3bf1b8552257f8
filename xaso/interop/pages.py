"""Staff pages of the exchange: what went out to whom (status per recipient), what came
in, one package, downloading it, sending it again. Own unit only (404 otherwise)."""

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
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from xaso.core.models import User
from xaso.interop import selectors
from xaso.interop import services
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage


def _actor(request: HttpRequest, permission: str = selectors.VIEW_PERMISSION) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_perm(permission):
        raise PermissionDenied
    return user


@login_required
@require_GET
def exchange_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(
        request,
        "interop/exchange_list.html",
        {
            "outbound": selectors.outbound_for(actor)[:200],
            "inbound": selectors.inbound_for(actor)[:200],
            "can_retry": actor.has_perm(selectors.RETRY_PERMISSION),
        },
    )


@login_required
@require_GET
def outbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    outbound = get_object_or_404(selectors.outbound_for(actor), pk=pk)
    return render(
        request,
        "interop/outbound_detail.html",
        {"outbound": outbound, "can_retry": actor.has_perm(selectors.RETRY_PERMISSION)},
    )


@login_required
@require_POST
def outbound_retry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request, selectors.RETRY_PERMISSION)
    outbound = get_object_or_404(selectors.outbound_for(actor), pk=pk)
    try:
        services.retry_now(actor=actor, outbound=outbound)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đưa gói tin vào hàng đợi gửi lại."))
    return redirect("interop:outbound_detail", pk=outbound.pk)


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def outbound_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    outbound = get_object_or_404(OutboundPackage.objects.writable_by(actor), pk=pk)
    return _download(bytes(outbound.package), f"goi-tin-gui-{outbound.pk}.edxml")


@login_required
@require_GET
def inbound_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inbound = get_object_or_404(InboundPackage.objects.writable_by(actor), pk=pk)
    return _download(bytes(inbound.package), f"goi-tin-nhan-{inbound.pk}.edxml")
