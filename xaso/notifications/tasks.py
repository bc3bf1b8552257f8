"""Background jobs that message applicants, with retries (docs/adr/0002-background-jobs.md).

A retryable failure (network, gateway 5xx, SMTP 4xx) schedules a new job with a growing
delay (`run_after`), at most MAX_ATTEMPTS attempts in all, then the job fails and stays in
the queue table as the record. A permanent failure (gateway 4xx, refused address) is not
retried. The job rows are the durable state: each retry is its own row carrying the
attempt number and only the channels still to send, so a retry never repeats an e-mail or
SMS that already went out. A worker killed in the middle of a job may send it again when
the row is picked up again (at-least-once, as every queue without a two-phase commit to
the gateway).
"""

import datetime
import logging
import unicodedata
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from xaso.dossiers import notifications as dossier_notifications
from xaso.dossiers.models import Dossier
from xaso.notifications.backends import PermanentSendError
from xaso.notifications.backends import RetryableSendError
from xaso.notifications.backends import deliver_email
from xaso.notifications.backends import get_sms_backend

logger = logging.getLogger(__name__)

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)

MAX_ATTEMPTS = 5
# Delay before attempt n+1: 1 min, 5 min, 25 min, 2 h 05 (then the job fails).
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
RETRY_BACKOFF_FACTOR = 5
MAX_RETRY_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    return min(FIRST_RETRY_DELAY * RETRY_BACKOFF_FACTOR ** (attempt - 1), MAX_RETRY_DELAY)


def _schedule_retry(
    job: Task, *, attempt: int, error: RetryableSendError, **kwargs: Any
) -> str | None:
    """Enqueue attempt `attempt + 1` of `job` after the backoff delay; raise `error` when the
    attempts are used up (the job then fails and its row keeps the error). Returns when the
    retry runs (ISO time, for the job's return value), None when at once.

    Backends without deferred jobs (the immediate backend of tests) run the retry at once.
    """
    if attempt >= MAX_ATTEMPTS:
        raise error
    run_after = None
    if job.get_backend().supports_defer:
        run_after = timezone.now() + retry_delay(attempt)
        job = job.using(run_after=run_after)
    logger.warning(
        "%s attempt %d failed (%s); retry %s", job.name, attempt, error, run_after or "now"
    )
    job.enqueue(attempt=attempt + 1, **kwargs)
    return run_after.isoformat() if run_after else None


def sms_text(message: str) -> str:
    """The SMS as sent: without diacritics when XASO_SMS_STRIP_DIACRITICS is on.

    Accented text goes out as Unicode (UCS-2): 70 characters per SMS part instead of 160,
    so the same notice costs two to three times as much; gateways may also restrict it.
    """
    if not settings.XASO_SMS_STRIP_DIACRITICS:
        return message
    text = message.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _send_sms_now(*, to: str, message: str) -> str:
    return get_sms_backend().send(to=to, message=sms_text(message))


@task()
def send_sms(to: str, message: str, attempt: int = 1) -> dict[str, Any]:
    """Send one SMS through the configured backend, retrying temporary failures."""
    try:
        message_id = _send_sms_now(to=to, message=message)
    except RetryableSendError as exc:
        run_after = _schedule_retry(send_sms, attempt=attempt, error=exc, to=to, message=message)
        return {"status": "retry", "attempt": attempt, "retry_at": run_after}
    except PermanentSendError:
        logger.exception("SMS to %s refused (attempt %d)", to, attempt)
        raise
    return {"status": "sent", "attempt": attempt, "message_id": message_id}


@task()
def send_dossier_notification(
    dossier_id: int, kind: str, channels: list[str] | None = None, attempt: int = 1
) -> dict[str, Any]:
    """Message the applicant of a dossier about `kind` by e-mail and/or SMS.

    Loads the dossier and composes the texts at send time
    (`xaso.dossiers.notifications.compose_message`). `channels` is None for every channel
    the applicant has an address for; a retry names only the channels that failed.
    Returns the outcome per channel; a dossier deleted meanwhile is skipped.
    """
    dossier = (
        Dossier.objects.select_related("applicant", "unit", "procedure")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        return {"status": "dossier_missing"}
    applicant = dossier.applicant
    addresses = {EMAIL: applicant.email.strip(), SMS: applicant.phone.strip()}
    wanted = list(channels) if channels is not None else [c for c in CHANNELS if addresses[c]]
    message = dossier_notifications.compose_message(dossier, kind)

    outcome: dict[str, Any] = {"attempt": attempt}
    to_retry: list[str] = []
    retry_error: RetryableSendError | None = None
    refused: list[str] = []
    for channel in wanted:
        address = addresses.get(channel, "")
        if not address:
            outcome[channel] = "no_address"
            continue
        try:
            if channel == EMAIL:
                deliver_email(to=address, subject=message.subject, body=message.body)
            else:
                _send_sms_now(to=address, message=message.sms)
        except RetryableSendError as exc:
            outcome[channel] = "retry"
            to_retry.append(channel)
            retry_error = exc
        except PermanentSendError as exc:
            logger.error("dossier %s: %s notice by %s refused: %s", dossier_id, kind, channel, exc)
            outcome[channel] = "failed"
            refused.append(f"{channel}: {exc}")
        else:
            outcome[channel] = "sent"
    if retry_error is not None:
        outcome["retry_at"] = _schedule_retry(
            send_dossier_notification,
            attempt=attempt,
            error=retry_error,
            dossier_id=dossier_id,
            kind=kind,
            channels=to_retry,
        )
    if refused:
        # Fail the job so the refusal is visible in the queue table; nothing is retried.
        raise PermanentSendError("; ".join(refused))
    return outcome
