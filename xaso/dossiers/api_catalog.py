"""Catalog and statistics API: the caller's unit's procedures, import, statistics summary.

Thin: each operation calls one service or selector. One output schema per operation.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.core.idempotency import run_idempotent
from xaso.dossiers import catalog_io
from xaso.dossiers import reports
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import catalog

router = Router(tags=["mot-cua"])


def _number(value: Decimal) -> float:
    return float(value)


class ProcedureListFilterIn(Schema):
    q: str = ""
    field: str = ""
    active: bool | None = None


class ProcedureListItemOut(Schema):
    id: int
    code: str
    name: str
    field_code: str
    field_name: str
    time_limit_kind: str
    time_limit_value: float
    online_level: str
    is_active: bool


@router.get(
    "/catalog/procedures",
    response=list[ProcedureListItemOut],
    summary="Thủ tục hành chính của đơn vị",
)
def list_procedures(
    request: HttpRequest, filters: Query[ProcedureListFilterIn]
) -> list[dict[str, Any]]:
    procedures = catalog.list_procedures_for(
        user=request.user, query=filters.q, is_active=filters.active
    )
    if filters.field:
        procedures = procedures.filter(field__code=filters.field)
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "field_code": p.field.code,
            "field_name": p.field.name,
            "time_limit_kind": p.time_limit_kind,
            "time_limit_value": _number(p.time_limit_value),
            "online_level": p.online_level,
            "is_active": p.is_active,
        }
        for p in procedures
    ]


class ProcedureDocumentOut(Schema):
    name: str
    originals: int
    copies: int
    is_mandatory: bool
    form_name: str
    has_form_file: bool


class ProcedureFeeOut(Schema):
    name: str
    amount: int
    basis: str
    reduced_amount: int | None
    reduced_from: int | None
    cap: int | None
    channel: str
    note: str


class ProcedureStepOut(Schema):
    order: int
    name: str
    kind: str
    position: str | None
    assignee: str | None
    budget_hours: float


class ProcedureDetailOut(Schema):
    id: int
    code: str
    name: str
    field_code: str
    field_name: str
    level: str
    implementing_agency: str
    time_limit_kind: str
    time_limit_value: float
    time_limit_hours: float
    time_limit_note: str
    fee_note: str
    fee_exemptions: str
    result_name: str
    result_code: str
    legal_basis: str
    conditions: str
    online_level: str
    is_active: bool
    source: str
    budget_message: str
    process_problems: list[str]
    documents: list[ProcedureDocumentOut]
    fees: list[ProcedureFeeOut]
    steps: list[ProcedureStepOut]


@router.get(
    "/catalog/procedures/{pk}",
    response=ProcedureDetailOut,
    summary="Một thủ tục: thành phần hồ sơ, phí, quy trình",
)
def get_procedure(request: HttpRequest, pk: int) -> dict[str, Any]:
    procedure: Procedure = catalog.get_procedure_for(user=request.user, pk=pk)
    process = catalog.process_view(procedure)
    return {
        "id": procedure.pk,
        "code": procedure.code,
        "name": procedure.name,
        "field_code": procedure.field.code,
        "field_name": procedure.field.name,
        "level": procedure.level,
        "implementing_agency": procedure.implementing_agency,
        "time_limit_kind": procedure.time_limit_kind,
        "time_limit_value": _number(procedure.time_limit_value),
        "time_limit_hours": _number(procedure.time_limit_hours),
        "time_limit_note": procedure.time_limit_note,
        "fee_note": procedure.fee_note,
        "fee_exemptions": procedure.fee_exemptions,
        "result_name": procedure.result_name,
        "result_code": procedure.result_code,
        "legal_basis": procedure.legal_basis,
        "conditions": procedure.conditions,
        "online_level": procedure.online_level,
        "is_active": procedure.is_active,
        "source": procedure.source,
        "budget_message": process.summary.message if process.summary and process.steps else "",
        "process_problems": process.problems,
        "documents": [
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "is_mandatory": d.is_mandatory,
                "form_name": d.form_name,
                "has_form_file": bool(d.form_file),
            }
            for d in procedure.required_documents.order_by("order")
        ],
        "fees": [
            {
                "name": f.name,
                "amount": f.amount,
                "basis": f.basis,
                "reduced_amount": f.reduced_amount,
                "reduced_from": f.reduced_from,
                "cap": f.cap,
                "channel": f.channel,
                "note": f.note,
            }
            for f in procedure.fee_rules.order_by("pk")
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "kind": s.kind,
                "position": s.position.code if s.position else None,
                "assignee": s.assignee.username if s.assignee else None,
                "budget_hours": _number(s.budget_hours),
            }
            for s in process.steps
        ],
    }


class CatalogImportOut(Schema):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


@router.post(
    "/catalog/import",
    response={200: CatalogImportOut},
    summary="Nhập danh mục thủ tục (JSON)",
    description=(
        "Thân yêu cầu là danh sách thủ tục theo định dạng của tệp xuất JSON. Kiểm tra toàn "
        "bộ trước khi ghi; có lỗi thì trả 400 với danh sách lỗi và không lưu gì. Thủ tục trùng "
        "mã được cập nhật. Cần quyền quản lý danh mục. Hỗ trợ header Idempotency-Key."
    ),
)
def import_procedures(request: HttpRequest) -> Status:
    user = request.user
    if not user.has_perm(catalog.MANAGE_CATALOG) or user.unit is None:
        raise PermissionDenied
    body = request.body

    def write() -> tuple[int, dict[str, list[str]]]:
        result = catalog_io.import_catalog(
            actor=user, unit=user.unit, records=catalog_io.parse_json(body)
        )
        return 200, {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }

    status, result = run_idempotent(
        request, scope="catalog.import", payload=body.decode("utf-8", "replace"), write=write
    )
    return Status(status, result)


class StatisticsFilterIn(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    unit_id: int | None = None


class StatisticsSummaryOut(Schema):
    unit_id: int
    unit_name: str
    date_from: datetime.date
    date_to: datetime.date
    as_of: datetime.datetime
    received: int
    finished: int
    early: int
    on_time: int
    late: int
    in_progress: int
    in_progress_within: int
    in_progress_overdue: int
    withdrawn_or_stopped: int
    on_time_rate: float | None
    early_rate: float | None
    late_rate: float | None
    average_working_hours: float | None
    average_calendar_days: float | None


@router.get(
    "/reports/statistics",
    response=StatisticsSummaryOut,
    summary="Thống kê giải quyết hồ sơ của một kỳ (chỉ số 2.1, 2.2)",
)
def statistics_summary(request: HttpRequest, filters: Query[StatisticsFilterIn]) -> dict[str, Any]:
    if not request.user.has_perm(reports.VIEW_ALL_DOSSIERS):
        raise PermissionDenied
    unit = reports.get_report_unit_for(user=request.user, unit_pk=filters.unit_id)
    date_to = filters.date_to or timezone.localdate()
    date_from = filters.date_from or datetime.date(date_to.year, 1, 1)
    if date_from > date_to:
        raise ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
    stats = reports.compute_statistics(unit=unit, date_from=date_from, date_to=date_to)
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "date_from": date_from,
        "date_to": date_to,
        "as_of": stats.as_of,
        **reports.summary_dict(stats),
    }
