"""Civil registry pages of digital signing: an extract copy's page, the leader's signature
and the organisation's on a certificate or a copy, and the signed files.

Each view: permission (403), the record of the user's unit (404 for another unit's), bind
the key form, call one service, redirect with a message; a refused key, PIN or state shows
its reason and changes nothing.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from xaso.civil_registry import kinds
from xaso.civil_registry import services
from xaso.civil_registry import signing
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.core.exceptions import DomainError
from xaso.core.files import stored_file_response
from xaso.core.models import User
from xaso.signatures import seal_queue
from xaso.signatures.forms import SigningKeyForm


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(user: User, permissions: tuple[str, ...]) -> None:
    """The step's permissions: the leader's with his key, or the văn thư's seal."""
    if not all(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def signing_context(actor: User, target: CivilEntry | ExtractCopy) -> dict:
    """What the signing block (civil_registry/_signing.html) shows for `target`."""
    may_sign = signing.can_sign(actor, target)
    may_seal = signing.can_seal(actor, target)
    return {
        "signed": signing.signed_document(target),
        "may_sign": may_sign,
        "may_seal": may_seal,
        "key_form": SigningKeyForm() if may_sign or may_seal else None,
    }


def _entry(actor: User, pk: int) -> CivilEntry:
    entry = services.get_entry_for(user=actor, pk=pk)
    if entry.unit_id != actor.unit_id:
        raise Http404
    return entry


def _copy(actor: User, pk: int) -> ExtractCopy:
    copy = services.get_extract_copy_for(user=actor, pk=pk)
    if copy.unit_id != actor.unit_id:
        raise Http404
    return copy


def _step(
    request: HttpRequest,
    *,
    target: CivilEntry | ExtractCopy,
    perform: Callable[..., object],
    success: str,
    back: HttpResponse,
) -> HttpResponse:
    form = SigningKeyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return back
    try:
        perform(actor=_actor(request), target=target, key=form.signing_key())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return back


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def certificate_sign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, signing.SIGN_PERMISSIONS)
    entry = _entry(actor, pk)
    return _step(
        request,
        target=entry,
        perform=signing.sign,
        success=_("Đã ký số. Văn thư sẽ ký số của cơ quan."),
        back=redirect("civil_registry:entry_detail", pk=entry.pk),
    )


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def certificate_seal(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    entry = signing.target_for_sealer(actor=actor, model=CivilEntry, pk=pk)
    return _step(
        request,
        target=entry,
        perform=signing.seal,
        success=_("Đã ký số của cơ quan; người yêu cầu nhận bản điện tử đã ký số."),
        back=seal_queue.after_seal(
            request,
            redirect("civil_registry:entry_detail", pk=entry.pk),
            may_open_fallback=services.can_view_registers(actor),
        ),
    )


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def extract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    _require(actor, signing.SIGN_PERMISSIONS)
    copy = _copy(actor, pk)
    return _step(
        request,
        target=copy,
        perform=signing.sign,
        success=_("Đã ký số. Văn thư sẽ ký số của cơ quan."),
        back=redirect("civil_registry:extract_copy_detail", pk=copy.pk),
    )


@sensitive_post_parameters("pin", "passphrase")
@sensitive_variables("form")
@login_required
@require_POST
def extract_seal(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    copy = signing.target_for_sealer(actor=actor, model=ExtractCopy, pk=pk)
    return _step(
        request,
        target=copy,
        perform=signing.seal,
        success=_("Đã ký số của cơ quan; người yêu cầu nhận bản điện tử đã ký số."),
        back=seal_queue.after_seal(
            request,
            redirect("civil_registry:extract_copy_detail", pk=copy.pk),
            may_open_fallback=services.can_view_registers(actor),
        ),
    )


@login_required
@require_GET
def extract_copy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    if not services.can_view_registers(actor):
        raise PermissionDenied
    copy = services.get_extract_copy_for(user=actor, pk=pk)
    return render(
        request,
        "civil_registry/extract_copy_detail.html",
        {
            "copy": copy,
            "entry": copy.entry,
            "title": kinds.spec_for(copy.entry.kind).title,
            **signing_context(actor, copy),
        },
    )


def _signed_file(target: CivilEntry | ExtractCopy) -> FileResponse:
    document = signing.signed_document(target)
    if document is None:
        raise Http404
    return stored_file_response(document.file, content_type="application/pdf", as_attachment=True)


def _signed_target(actor: User, model: type[CivilEntry | ExtractCopy], pk: int):
    """Staff who read the registers get the entry or copy they may read; the văn thư, who
    does not, only her own unit's one, for its signed file."""
    if services.can_view_registers(actor):
        if model is CivilEntry:
            return services.get_entry_for(user=actor, pk=pk)
        return services.get_extract_copy_for(user=actor, pk=pk)
    return signing.target_for_sealer(actor=actor, model=model, pk=pk)


@login_required
@require_GET
def certificate_signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _signed_file(_signed_target(_actor(request), CivilEntry, pk))


@login_required
@require_GET
def extract_signed_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _signed_file(_signed_target(_actor(request), ExtractCopy, pk))
