"""Kernel models, re-exported so callers write `from xaso.core.models import User`."""

from xaso.core.models.audit import AuditChain
from xaso.core.models.audit import AuditEvent
from xaso.core.models.calendar import CalendarOverride
from xaso.core.models.calendar import CalendarYear
from xaso.core.models.counters import NumberCounter
from xaso.core.models.idempotency import IdempotencyRecord
from xaso.core.models.units import AdministrativeUnit
from xaso.core.models.units import AgencyIdentifier
from xaso.core.models.users import ApiToken
from xaso.core.models.users import Position
from xaso.core.models.users import User

__all__ = [
    "AdministrativeUnit",
    "AgencyIdentifier",
    "ApiToken",
    "AuditChain",
    "AuditEvent",
    "CalendarOverride",
    "CalendarYear",
    "IdempotencyRecord",
    "NumberCounter",
    "Position",
    "User",
]
