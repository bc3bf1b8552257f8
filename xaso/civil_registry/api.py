"""Civil registry API (/api/v1/ho-tich/): search and read register entries, start an
extract-copy dossier (2.000635) for an entry, read an issued copy.

Same rules and services as the pages: no permission → 403, another unit's record → 404,
bad data → 400 with the Vietnamese messages. Starting an extract dossier is idempotent
with the `Idempotency-Key` header (a retry does not receive a second dossier).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpRequest
from ninja import Field
from ninja import Query
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.applicants.models import Applicant
from xaso.civil_registry import services
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import Kind
from xaso.core.idempotency import run_idempotent
from xaso.core.models import User
from xaso.dossiers.services.reception import RECEIVE_PERMISSION

router = Router(tags=["ho-tich"])
MAX_RESULTS = 100


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not services.can_view_registers(user):
        raise PermissionDenied
    return user


class EntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    register_year: int
    book_number: int
    entry_number: int
    main_name: str
    main_date_of_birth: datetime.date | None
    other_names: str
    registered_on: datetime.date
    version: int
    is_late: bool


class VersionOut(Schema):
    number: int
    data: dict[str, Any]
    reason: str
    changed_at: datetime.datetime


class EntryDetailOut(EntryOut):
    data: dict[str, Any]
    dossier_code: str
    fee_exempt_reason: str
    versions: list[VersionOut]


def _entry_out(entry: CivilEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "register_year": entry.register.year,
        "book_number": entry.register.book_number,
        "entry_number": entry.entry_number,
        "main_name": entry.main_name,
        "main_date_of_birth": entry.main_date_of_birth,
        "other_names": entry.other_names,
        "registered_on": entry.registered_on,
        "version": entry.version,
        "is_late": entry.is_late,
    }


class EntryFilter(Schema):
    q: str = Field("", max_length=200, description="Họ tên, tên cha mẹ, ngày sinh hoặc số/năm")
    kind: Kind | None = None
    year: int | None = Field(None, ge=1900, le=2999)


@router.get("/entries", response=list[EntryOut], summary="Tìm việc hộ tịch trong sổ")
def entry_list(request: HttpRequest, filters: Query[EntryFilter]) -> list[dict[str, Any]]:
    user = _user(request)
    entries = services.search_entries(
        user=user, query=filters.q, kind=filters.kind or "", year=filters.year
    ).order_by("-registered_on", "-pk")[:MAX_RESULTS]
    return [_entry_out(entry) for entry in entries]


@router.get("/entries/{pk}", response=EntryDetailOut, summary="Một việc hộ tịch và các phiên bản")
def entry_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    entry = services.get_entry_for(user=_user(request), pk=pk)
    return {
        **_entry_out(entry),
        "data": entry.data,
        "dossier_code": entry.dossier.code if entry.dossier_id else "",
        "fee_exempt_reason": entry.fee_exempt_reason,
        "versions": [
            {
                "number": version.number,
                "data": version.data,
                "reason": version.reason,
                "changed_at": version.changed_at,
            }
            for version in entry.versions.order_by("number")
        ],
    }


class ExtractRequestIn(Schema):
    applicant_id: int
    copies: int = Field(1, ge=1, le=20)
    fee_exemption: str = Field(
        "", max_length=300, description="Lý do miễn lệ phí (Điều 11 Luật Hộ tịch), nếu có"
    )


class ExtractRequestOut(Schema):
    dossier_id: int
    code: str
    fee_due: int


@router.post(
    "/entries/{pk}/extract-copies",
    response={201: ExtractRequestOut},
    summary="Tiếp nhận hồ sơ cấp bản sao trích lục (2.000635) cho một việc hộ tịch",
)
def extract_request(request: HttpRequest, pk: int, payload: ExtractRequestIn) -> Status[Any]:
    user = _user(request)
    if not user.has_perm(RECEIVE_PERMISSION):
        raise PermissionDenied
    entry = services.get_entry_for(user=user, pk=pk)
    if entry.unit_id != user.unit_id:
        raise Http404
    applicant = Applicant.objects.filter(pk=payload.applicant_id, unit_id=user.unit_id).first()
    if applicant is None:
        raise Http404

    def write() -> tuple[int, dict[str, Any]]:
        dossier = services.start_extract_dossier(
            actor=user,
            entry=entry,
            applicant=applicant,
            copies=payload.copies,
            fee_exemption=payload.fee_exemption,
        )
        return 201, {"dossier_id": dossier.pk, "code": dossier.code, "fee_due": dossier.fee_due}

    return Status(
        *run_idempotent(
            request,
            scope=f"civil_registry.extract_request:{entry.pk}",
            payload=payload.model_dump(mode="json"),
            write=write,
        )
    )


class ExtractCopyOut(Schema):
    id: int
    serial_number: int
    year: int
    issued_on: datetime.date
    copies: int
    entry_id: int
    dossier_code: str
    verify_url: str


@router.get("/extract-copies/{pk}", response=ExtractCopyOut, summary="Một bản sao trích lục đã cấp")
def extract_copy_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    copy = services.get_extract_copy_for(user=_user(request), pk=pk)
    return {
        "id": copy.pk,
        "serial_number": copy.serial_number,
        "year": copy.year,
        "issued_on": copy.issued_on,
        "copies": copy.copies,
        "entry_id": copy.entry_id,
        "dossier_code": copy.dossier.code if copy.dossier_id else "",
        "verify_url": services.verification_url(copy.token),
    }
