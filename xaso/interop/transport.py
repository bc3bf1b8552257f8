"""HTTP delivery of a package to a peer's endpoint (another XãSố or a gateway stand-in).

The protocol between deployments: `POST {endpoint}` with the package bytes as
`application/xml`, `Authorization: Bearer {token}`. 200 = stored (a document is answered
with a status package), 4xx = refused for good (a JSON body lists the reasons),
5xx / 408 / 429 / network errors = try again later.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Whatever the peer answers, never read more than this.
MAX_ANSWER_BYTES = 1024 * 1024


class DeliveryError(Exception):
    pass


class RetryableDeliveryError(DeliveryError):
    pass


class PermanentDeliveryError(DeliveryError):
    """Refused for good; `status_code` is the edXML status the peer named (02), if any."""

    def __init__(self, message: str, status_code: str = ""):
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _payload(body: bytes) -> dict:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _reason(body: bytes, status: int) -> str:
    payload = _payload(body)
    if payload:
        errors = payload.get("errors") or [payload.get("message", "")]
        return f"HTTP {status}: " + "; ".join(str(error) for error in errors if error)[:2000]
    return f"HTTP {status}"


def _status_code(body: bytes) -> str:
    code = str(_payload(body).get("status_code", ""))
    return code if len(code) == 2 and code.isdigit() else ""


def post_package(*, url: str, token: str, data: bytes) -> Answer:
    if not url.startswith(("http://", "https://")):
        raise PermanentDeliveryError(
            _("Địa chỉ nhận gói tin không hợp lệ: %(url)s") % {"url": url[:200]}
        )
    request = urllib.request.Request(  # noqa: S310 — scheme checked above
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/xml; charset=utf-8",
            "Authorization": f"Bearer {token}",
            "Accept": "application/xml, application/json",
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.XASO_INTEROP_TIMEOUT_SECONDS
        ) as response:
            return Answer(
                status=response.status,
                content_type=response.headers.get("Content-Type", ""),
                body=response.read(MAX_ANSWER_BYTES),
            )
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_ANSWER_BYTES)
        reason = _reason(body, exc.code)
        if exc.code in (408, 429) or exc.code >= 500:
            raise RetryableDeliveryError(reason) from exc
        raise PermanentDeliveryError(reason, status_code=_status_code(body)) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise RetryableDeliveryError(str(getattr(exc, "reason", exc))[:500]) from exc
