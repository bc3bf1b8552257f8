"""Writing, verifying and reading the hash-chained audit trail."""

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.i18n import official_text
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditChain
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.request_context import current_ip_address
from xaso.core.search import search_filter

GLOBAL_CHAIN = "global"
GENESIS_HASH = "0" * 64

# Floats at or above this magnitude are written by Python in exponent form ("1e+16"), but
# PostgreSQL's jsonb gives them back as integers ("10000000000000000"), which would change
# the hash after the round trip. They are stored as integers from the start.
_EXPONENT_FLOAT = 1e16


def chain_key_for(unit: AdministrativeUnit | None) -> str:
    """The key of the chain that holds `unit`'s events ("global" for events without a unit)."""
    return f"unit:{unit.pk}" if unit is not None else GLOBAL_CHAIN


def _integral_floats_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) >= _EXPONENT_FLOAT:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_int(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_int(item) for item in value]
    return value


def _canonical(data: Any) -> Any:
    """The JSON value exactly as SQLite and PostgreSQL will give it back."""
    return _integral_floats_as_int(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))


def _canonical_ip(value: str | None) -> str | None:
    """The address as the database stores it, or None.

    PostgreSQL's `inet` (and Django's GenericIPAddressField on save) rewrite IPv6 addresses
    in compressed lower-case form and store "" as NULL; hashing the raw value would make
    such events fail verification. An unparseable value is dropped rather than failing the
    change being audited (PostgreSQL would refuse it).
    """
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


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
    or roll back together (a rollback also undoes the chain head, so no gap is left).
    Locks the chain head row (select_for_update) while appending. `unit` defaults to the
    actor's unit; `ip_address` to the current request's address.
    """
    if unit is None and actor is not None:
        unit = actor.unit
    key = chain_key_for(unit)
    # The stored texts (target's str(), lazy labels in `data`) are written in Vietnamese,
    # whatever the acting user's screen language: the log is an official record.
    with transaction.atomic(), official_text():
        chain = AuditChain.objects.select_for_update().filter(key=key).first()
        if chain is None:
            # The unit's first event: create the head (race-safe), then lock it.
            AuditChain.objects.get_or_create(key=key)
            chain = AuditChain.objects.select_for_update().get(key=key)
        event = AuditEvent(
            chain_key=key,
            sequence=chain.last_sequence + 1,
            unit=unit,
            actor=actor,
            actor_name=(actor_name or (str(actor) if actor is not None else ""))[:150],
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:255] if target is not None else "",
            data=_canonical(data or {}),
            ip_address=_canonical_ip(
                ip_address if ip_address is not None else current_ip_address()
            ),
            # Read after taking the lock, so timestamps follow the sequence order.
            created_at=timezone.now(),
            previous_hash=chain.last_hash,
        )
        event.hash = compute_event_hash(event)
        event.save(force_insert=True)
        AuditChain.objects.filter(pk=chain.pk).update(
            last_sequence=event.sequence, last_hash=event.hash
        )
    return event


# --- Verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    chain_key: str
    sequence: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    chain_key: str
    events: int
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_chain(key: str) -> Iterator[AuditEvent]:
    yield from (
        AuditEvent.objects.filter(chain_key=key).order_by("sequence").iterator(chunk_size=2000)
    )


def check_chain(key: str) -> ChainReport:
    """Recompute one chain; report edited, deleted or reordered events and a moved head.

    Detects: a changed field of any event (its hash no longer matches), a deleted event
    (a gap in the sequence and a broken link), events swapped or renumbered (the sequence
    is part of the hash), and a deleted last event (the chain head still counts it).
    The hash is not keyed: someone able to rewrite the whole chain and its head can
    forge it; this check catches partial edits, mistakes and careless tampering.
    """
    problems: list[ChainProblem] = []
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for event in _iter_chain(key):
        count += 1
        if event.sequence != expected_sequence:
            problems.append(
                ChainProblem(
                    key,
                    expected_sequence,
                    _("Thiếu sự kiện số %(first)s đến %(last)s.")
                    % {"first": expected_sequence, "last": event.sequence - 1},
                )
            )
        if event.previous_hash != expected_previous:
            problems.append(
                ChainProblem(
                    key,
                    event.sequence,
                    _("Mã băm của sự kiện liền trước không khớp (sự kiện bị xóa hoặc đổi thứ tự)."),
                )
            )
        if compute_event_hash(event) != event.hash:
            problems.append(ChainProblem(key, event.sequence, _("Nội dung sự kiện đã bị sửa đổi.")))
        expected_previous = event.hash
        expected_sequence = event.sequence + 1
    last_sequence = expected_sequence - 1
    head = AuditChain.objects.filter(key=key).first()
    if head is None:
        if count:
            problems.append(
                ChainProblem(key, last_sequence, _("Không tìm thấy đầu chuỗi nhật ký."))
            )
    elif head.last_sequence != last_sequence:
        problems.append(
            ChainProblem(
                key,
                head.last_sequence,
                _("Đầu chuỗi ghi %(head)s sự kiện nhưng chỉ tìm thấy %(found)s.")
                % {"head": head.last_sequence, "found": last_sequence},
            )
        )
    elif head.last_hash != expected_previous:
        problems.append(
            ChainProblem(
                key,
                head.last_sequence,
                _("Mã băm ở đầu chuỗi không khớp với sự kiện cuối cùng."),
            )
        )
    return ChainReport(chain_key=key, events=count, problems=problems)


def verify_chain(key: str) -> list[ChainProblem]:
    """The problems of one chain (empty when it is intact)."""
    return check_chain(key).problems


def verify_unit_chain(unit: AdministrativeUnit | None) -> ChainReport:
    """Check the chain of `unit`'s events (the global chain for None)."""
    return check_chain(chain_key_for(unit))


def all_chain_keys() -> list[str]:
    keys = set(AuditChain.objects.values_list("key", flat=True)) | set(
        AuditEvent.objects.values_list("chain_key", flat=True).distinct()
    )
    return sorted(keys)


def verify_all_chains() -> tuple[int, list[ChainProblem]]:
    """Verify every chain; return (events checked, problems)."""
    checked = 0
    problems: list[ChainProblem] = []
    for key in all_chain_keys():
        report = check_chain(key)
        checked += report.events
        problems.extend(report.problems)
    return checked, problems


# --- Reading (selectors) ------------------------------------------------------------------


def audit_events_for(*, user: User) -> models.QuerySet[AuditEvent]:
    """The events `user` may read in the audit pages: those of their own unit only.

    Province supervisors do not see their communes' trails; a platform superuser without a
    unit sees the global chain (sign-in failures of unknown accounts and the like).
    """
    if not user.is_authenticated or not user.is_active:
        return AuditEvent.objects.none()
    if user.unit_id is None:
        if user.is_superuser:
            return AuditEvent.objects.filter(unit__isnull=True)
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(unit_id=user.unit_id)


def get_audit_event_for(*, user: User, pk: int) -> AuditEvent:
    """One event of the user's unit; 404 for any other unit's event."""
    try:
        return audit_events_for(user=user).select_related("actor", "unit").get(pk=pk)
    except AuditEvent.DoesNotExist as exc:
        raise Http404 from exc


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_audit_events(
    queryset: models.QuerySet[AuditEvent],
    *,
    action: str = "",
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    target: str = "",
    ip_address: str = "",
) -> models.QuerySet[AuditEvent]:
    """Narrow `queryset`; dates are whole days of the local time zone, both ends included.

    `actor` matches the acting account's name, username or e-mail diacritics-insensitively
    (word prefix) and, for events without an account (e.g. a failed sign-in), the
    recorded name as typed. `ip_address` matches a prefix ("10.0.").
    """
    if action:
        queryset = queryset.filter(action=action)
    if actor.strip():
        queryset = queryset.filter(
            search_filter("actor__search_text", actor)
            | Q(actor__isnull=True, actor_name__icontains=actor.strip())
        )
    if date_from:
        queryset = queryset.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        queryset = queryset.filter(
            created_at__lt=_local_midnight(date_to + datetime.timedelta(days=1))
        )
    if target.strip():
        text = target.strip()
        queryset = queryset.filter(
            Q(target_repr__icontains=text) | Q(target_id=text) | Q(target_type__icontains=text)
        )
    if ip_address.strip():
        queryset = queryset.filter(ip_address__startswith=ip_address.strip())
    return queryset


def actions_present(queryset: models.QuerySet[AuditEvent]) -> list[str]:
    """The distinct action codes of `queryset`, sorted (for the action filter)."""
    return sorted(set(queryset.order_by().values_list("action", flat=True).distinct()))
