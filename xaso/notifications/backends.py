"""Where messages go: SMS backends chosen by `XASO_SMS_BACKEND`, e-mail through Django's mail.

Every backend raises `RetryableSendError` for a failure that may pass on a later try
(network, timeout, the gateway's 5xx, 408, 429) and `PermanentSendError` for one that will
not (4xx: bad number, bad token, refused content). The jobs in `tasks.py` retry the first
and record the second as a failed job. Settings are read when a backend is built, never at
import time, so `override_settings` and a restart-free change of the environment both work.
"""

import abc
import http.client
import json
import smtplib
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from typing import TextIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_SMS_BACKEND = "xaso.notifications.backends.ConsoleSmsBackend"


class SendError(Exception):
    """A message could not be delivered."""


class RetryableSendError(SendError):
    """Try again later: the failure is likely temporary."""


class PermanentSendError(SendError):
    """Do not try again: the same request would fail the same way."""


class BaseSmsBackend(abc.ABC):
    """Sends one SMS. Subclasses implement `send` and return the gateway's message id (or "")."""

    @abc.abstractmethod
    def send(self, *, to: str, message: str) -> str:
        """Deliver `message` to `to`; raise RetryableSendError or PermanentSendError."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: writes each SMS to standard output."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, message: str) -> str:
        self.stream.write(f"[SMS → {to}] {message}\n")
        self.stream.flush()
        return ""


class MemorySmsBackend(BaseSmsBackend):
    """Tests: keeps each SMS in `MemorySmsBackend.outbox`, like Django's locmem mail outbox."""

    outbox: list[dict[str, str]] = []

    def send(self, *, to: str, message: str) -> str:
        self.outbox.append({"to": to, "message": message})
        return f"memory-{len(self.outbox)}"


class FileSmsBackend(BaseSmsBackend):
    """Development: appends each SMS as one JSON line to `XASO_SMS_FILE_PATH`."""

    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path if path is not None else settings.XASO_SMS_FILE_PATH)

    def send(self, *, to: str, message: str) -> str:
        line = json.dumps(
            {"to": to, "message": message, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return ""


class HttpSmsGatewayBackend(BaseSmsBackend):
    """An SMS gateway spoken to over HTTP(S).

    Protocol: `POST <XASO_SMS_GATEWAY_URL>` with `Authorization: Bearer <token>` and the JSON
    body `{"to": "...", "message": "...", "sender": "..."}`; any 2xx means accepted, and a
    JSON answer with an `id` gives the gateway's message id. Adapters for a vendor's own
    protocol subclass this and override `build_request`/`parse_response`.
    """

    # Statuses worth retrying: the gateway (or something before it) is busy or failing.
    RETRYABLE_STATUSES = frozenset({408, 425, 429})

    def __init__(
        self,
        *,
        url: str | None = None,
        token: str | None = None,
        sender: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url if url is not None else settings.XASO_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.XASO_SMS_GATEWAY_TOKEN
        self.sender = sender if sender is not None else settings.XASO_SMS_SENDER
        self.timeout = timeout

    def build_request(self, *, to: str, message: str) -> urllib.request.Request:
        if not self.url.startswith(("https://", "http://")):
            raise PermanentSendError("XASO_SMS_GATEWAY_URL must be an http(s) URL")
        body = json.dumps(
            {"to": to, "message": message, "sender": self.sender}, ensure_ascii=False
        ).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The scheme is checked above: never file:// or a custom scheme.
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310

    def parse_response(self, payload: bytes) -> str:
        try:
            data: Any = json.loads(payload or b"{}")
        except ValueError:
            return ""
        return str(data.get("id", "")) if isinstance(data, dict) else ""

    def send(self, *, to: str, message: str) -> str:
        request = self.build_request(to=to, message=message)
        try:
            # build_request() accepts only http(s) URLs.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            detail = f"SMS gateway answered HTTP {exc.code}"
            if exc.code >= 500 or exc.code in self.RETRYABLE_STATUSES:
                raise RetryableSendError(detail) from exc
            raise PermanentSendError(detail) from exc
        except (OSError, http.client.HTTPException) as exc:
            # URLError (refused, DNS), timeouts and dropped connections are all OSErrors.
            raise RetryableSendError(f"SMS gateway unreachable: {exc}") from exc
        return self.parse_response(payload)


def get_sms_backend() -> BaseSmsBackend:
    """The SMS backend named by `XASO_SMS_BACKEND` (a dotted path to a class)."""
    path = getattr(settings, "XASO_SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    return import_string(path)()


# SMTP reply codes below 500 are temporary (RFC 5321 §4.2.1).
_PERMANENT_SMTP_CODE = 500


def deliver_email(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail through Django's mail (`XASO_EMAIL_URL`).

    Refused recipients and 5xx answers are permanent; lost connections, timeouts and 4xx
    answers are retryable.
    """
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentSendError(f"recipient refused: {to}") from exc
    except smtplib.SMTPResponseException as exc:
        detail = f"mail server answered {exc.smtp_code}"
        if exc.smtp_code >= _PERMANENT_SMTP_CODE:
            raise PermanentSendError(detail) from exc
        raise RetryableSendError(detail) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RetryableSendError(f"mail server unreachable: {exc}") from exc
