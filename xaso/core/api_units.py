"""Kernel API: the caller, the units they may read, and their unit's audit trail.

One output schema per operation (no reuse), so a field added for one endpoint never leaks
into another. Authentication is global (session or bearer token, config/api.py).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query
from ninja import Router
from ninja import Schema
from ninja.pagination import PageNumberPagination
from ninja.pagination import paginate

from xaso.core import audit
from xaso.core.audit_labels import audit_action_label
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AuditEvent
from xaso.core.tenancy import readable_units

router = Router(tags=["core"])


class MeUnitOut(Schema):
    id: int
    code: str
    name: str
    level: str


class MePositionOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    unit: MeUnitOut | None
    positions: list[MePositionOut]
    permissions: list[str]


@router.get("/me", response=MeOut, summary="Tài khoản đang gọi API")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    unit = user.unit
    return {
        "username": user.username,
        "full_name": user.full_name,
        "unit": (
            {"id": unit.pk, "code": unit.gso_code, "name": unit.name, "level": unit.level}
            if unit is not None
            else None
        ),
        "positions": [{"code": p.code, "name": p.name} for p in user.positions.all()],
        "permissions": sorted(user.get_all_permissions()),
    }


class UnitListItemOut(Schema):
    id: int
    level: str
    code: str
    name: str
    division_type: str
    parent_id: int | None
    is_hosted: bool

    @staticmethod
    def resolve_code(obj: AdministrativeUnit) -> str:
        return obj.gso_code


@router.get("/units", response=list[UnitListItemOut], summary="Các đơn vị được phép xem")
def list_units(request: HttpRequest) -> list[AdministrativeUnit]:
    return list(readable_units(request.user).order_by("level", "code"))


class UnitDetailOut(Schema):
    id: int
    level: str
    code: str
    name: str
    division_type: str
    parent_id: int | None
    parent_name: str | None
    is_hosted: bool
    agency_identifier: str
    saturday_morning_service: bool
    morning_start: datetime.time
    morning_end: datetime.time
    afternoon_start: datetime.time
    afternoon_end: datetime.time
    cutoff_time: datetime.time
    cutoff_inclusive: bool


@router.get("/units/{pk}", response=UnitDetailOut, summary="Một đơn vị")
def get_unit(request: HttpRequest, pk: int) -> dict[str, object]:
    unit = readable_units(request.user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return {
        "id": unit.pk,
        "level": unit.level,
        "code": unit.gso_code,
        "name": unit.name,
        "division_type": unit.division_type,
        "parent_id": unit.parent_id,
        "parent_name": unit.parent.name if unit.parent else None,
        "is_hosted": unit.is_hosted,
        "agency_identifier": unit.agency_identifier_on(timezone.localdate()),
        "saturday_morning_service": unit.saturday_morning_service,
        "morning_start": unit.morning_start,
        "morning_end": unit.morning_end,
        "afternoon_start": unit.afternoon_start,
        "afternoon_end": unit.afternoon_end,
        "cutoff_time": unit.cutoff_time,
        "cutoff_inclusive": unit.cutoff_inclusive,
    }


class AuditEventFilterIn(Schema):
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class AuditEventOut(Schema):
    id: int
    sequence: int
    created_at: datetime.datetime
    action: str
    action_label: str
    actor_id: int | None
    actor_name: str
    target_type: str
    target_id: str
    target_repr: str
    ip_address: str | None
    data: dict
    hash: str
    previous_hash: str

    @staticmethod
    def resolve_action_label(obj: AuditEvent) -> str:
        return audit_action_label(obj.action)


@router.get("/audit/events", response=list[AuditEventOut], summary="Nhật ký hệ thống của đơn vị")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_audit_events(
    request: HttpRequest, filters: Query[AuditEventFilterIn]
) -> QuerySet[AuditEvent]:
    if not request.user.has_perm("core.view_audit_trail"):
        raise PermissionDenied
    events = audit.filter_audit_events(
        audit.audit_events_for(user=request.user),
        action=filters.action,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return events.order_by("-created_at", "-sequence")
