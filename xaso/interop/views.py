"""The endpoint other agencies deliver edXML packages to.

Not a staff page: the caller is a peer system, authenticated by its token
(`Authorization: Bearer …`, one per peer agency, `Peer`), never by a session; the token
also decides which unit the package is for. CSRF does not apply (no cookies are used).
"""

import logging

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xaso.interop import services
from xaso.interop.models import PackageKind

logger = logging.getLogger(__name__)


def _refusal(status: int, messages: list[str]) -> JsonResponse:
    payload = {"message": _("Gói tin bị từ chối."), "errors": messages}
    if status != 401:
        # The package was read and refused: status 02 từ chối tiếp nhận (documents.md
        # §9.5), which the sender records for the recipient with the reasons.
        payload["status_code"] = "02"
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _token(request: HttpRequest) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    limit = settings.XASO_EDXML_MAX_PACKAGE_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _refusal(
            413,
            [
                _("Gói tin dài %(size)d byte, vượt giới hạn %(max)d byte.")
                % {"size": declared, "max": limit}
            ],
        )
    # Read the stream directly: request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
    data = request.read(limit + 1)
    if len(data) > limit:
        return _refusal(413, [_("Gói tin vượt giới hạn %(max)d byte.") % {"max": limit}])
    try:
        reception = services.receive_package(token=_token(request), data=data)
    except services.ReceptionError as exc:
        logger.info("edXML package refused (%s): %s", exc.status, exc)
        return _refusal(exc.status, exc.messages)
    inbound = reception.inbound
    if inbound.kind == PackageKind.DOCUMENT:
        response = HttpResponse(
            bytes(inbound.answer), content_type="application/xml; charset=utf-8"
        )
    else:
        response = JsonResponse(
            {"message": _("Đã nhận trạng thái."), "status_code": inbound.answer_code},
            json_dumps_params={"ensure_ascii": False},
        )
    response["X-Edxml-Replayed"] = "1" if reception.replayed else "0"
    return response
