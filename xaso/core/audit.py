"""Writing and verifying the hash-chained audit trail."""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db import transaction
from django.utils import timezone

from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditChain
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.request_context import current_ip_address

GLOBAL_CHAIN = "global"


def _chain_key(unit: AdministrativeUnit | None) -> str:
    return f"unit:{unit.pk}" if unit is not None else GLOBAL_CHAIN


def _canonical(data: Any) -> Any:
    """The JSON value exactly as the database will give it back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def compute_event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's recorded fields and the previous event's hash."""
    payload = {
        "chain": event.chain_key,
        "sequence": event.sequence,
        "unit": event.unit_id,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "data": event.data,
        "ip": event.ip_address,
        "at": event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "previous": event.previous_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def record_audit_event(
    *,
    action: str,
    actor: User | None = None,
    unit: AdministrativeUnit | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to its unit's chain, inside the caller's transaction.

    Call it from the service that makes the change, so the event and the change commit
    or roll back together. Locks the chain head row (select_for_update) while appending.
    `unit` defaults to the actor's unit; `ip_address` to the current request's address.
    """
    if unit is None and actor is not None:
        unit = actor.unit
    key = _chain_key(unit)
    with transaction.atomic():
        AuditChain.objects.get_or_create(key=key)
        chain = AuditChain.objects.select_for_update().get(key=key)
        event = AuditEvent(
            chain_key=key,
            sequence=chain.last_sequence + 1,
            unit=unit,
            actor=actor,
            actor_name=actor_name or (str(actor) if actor is not None else ""),
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:255] if target is not None else "",
            data=_canonical(data or {}),
            ip_address=ip_address if ip_address is not None else current_ip_address(),
            # Truncated to microseconds so the stored value hashes the same after a round trip.
            created_at=timezone.now(),
            previous_hash=chain.last_hash,
        )
        event.hash = compute_event_hash(event)
        event.save(force_insert=True)
        AuditChain.objects.filter(pk=chain.pk).update(
            last_sequence=event.sequence, last_hash=event.hash
        )
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain_key: str
    sequence: int
    message: str


def _iter_chain(key: str) -> Iterator[AuditEvent]:
    yield from (
        AuditEvent.objects.filter(chain_key=key).order_by("sequence").iterator(chunk_size=2000)
    )


def verify_chain(key: str) -> list[ChainProblem]:
    """Recompute one chain; report edited, deleted or reordered events and a moved head."""
    problems: list[ChainProblem] = []
    expected_previous = "0" * 64
    expected_sequence = 1
    for event in _iter_chain(key):
        if event.sequence != expected_sequence:
            problems.append(
                ChainProblem(
                    key,
                    expected_sequence,
                    f"missing events {expected_sequence}..{event.sequence - 1}",
                )
            )
        if event.previous_hash != expected_previous:
            problems.append(ChainProblem(key, event.sequence, "previous hash does not match"))
        if compute_event_hash(event) != event.hash:
            problems.append(ChainProblem(key, event.sequence, "content was modified"))
        expected_previous = event.hash
        expected_sequence = event.sequence + 1
    head = AuditChain.objects.filter(key=key).first()
    if head is not None and head.last_sequence != expected_sequence - 1:
        problems.append(
            ChainProblem(
                key,
                head.last_sequence,
                f"chain head says {head.last_sequence} events, found {expected_sequence - 1}",
            )
        )
    return problems


def verify_all_chains() -> tuple[int, list[ChainProblem]]:
    """Verify every chain; return (events checked, problems)."""
    keys = set(AuditChain.objects.values_list("key", flat=True)) | set(
        AuditEvent.objects.values_list("chain_key", flat=True).distinct()
    )
    problems: list[ChainProblem] = []
    for key in sorted(keys):
        problems.extend(verify_chain(key))
    return AuditEvent.objects.count(), problems
