"""Idempotent API writes: `Idempotency-Key` header → the same response, one write."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from xaso.core.exceptions import DomainError
from xaso.core.models import IdempotencyRecord
from xaso.core.models import User

HEADER = "Idempotency-Key"


class IdempotencyConflictError(DomainError):
    code = "idempotency_key_reused"


def run_idempotent(
    request: HttpRequest,
    *,
    scope: str,
    payload: Any,
    write: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run `write` once per (user, scope, Idempotency-Key); replay its response after.

    Without the header the write simply runs. The record is inserted in the same
    transaction as the write, so a concurrent retry waits on the unique index and then
    replays the committed response; a failed write leaves no record and may be retried.
    Returns (status code, JSON-ready body).
    """
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return write()
    if len(key) > 200:
        raise ValidationError(_("Idempotency-Key dài quá 200 ký tự."))
    user: User = request.user  # type: ignore[assignment]
    fingerprint = hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode()
    ).hexdigest()
    existing = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            status, body = write()
            IdempotencyRecord.objects.create(
                user=user,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                status_code=status,
                response=json.loads(json.dumps(body, default=str)),
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
        return _replay(existing, fingerprint)
    return status, body


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, Any]:
    if record.fingerprint != fingerprint:
        raise IdempotencyConflictError(
            _("Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác.")
        )
    return record.status_code, record.response
