"""Public API (no login): the dossier lookup, with the same second factor and the same
per-address limit as the lookup page (xaso/portal/lookup.py)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.portal import lookup

router = Router(tags=["cong-khai"], auth=None)


class DossierLookupIn(Schema):
    code: str = Field(max_length=60, description="Mã hồ sơ (in trên Giấy tiếp nhận)")
    digits: str = Field(
        min_length=4, max_length=4, description="4 số cuối số điện thoại hoặc CCCD của người nộp"
    )


class TimelineEntryOut(Schema):
    at: datetime.datetime
    label: str
    step_name: str


class DossierLookupOut(Schema):
    code: str
    procedure_name: str
    unit_name: str
    applicant_name: str = Field(description="Họ tên đã che (ví dụ: Nguyễn T. A.)")
    status: str
    status_label: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    returned_at: datetime.datetime | None
    timing_outcome_label: str
    current_step_name: str
    timeline: list[TimelineEntryOut]


class LookupErrorOut(Schema):
    code: str
    detail: str


@router.post(
    "/dossiers/lookup",
    response={200: DossierLookupOut, 404: LookupErrorOut, 429: LookupErrorOut},
    auth=None,
    summary="Tra cứu tình trạng hồ sơ (công khai)",
)
def dossier_lookup(request: HttpRequest, payload: DossierLookupIn) -> Status[Any]:
    if not lookup.allow_attempt(request):
        return Status(429, {"code": "rate_limited", "detail": str(lookup.RATE_LIMITED_MESSAGE)})
    dossier = lookup.find_dossier(payload.code, payload.digits)
    if dossier is None:
        # The same answer for an unknown code and for wrong digits.
        return Status(404, {"code": "not_found", "detail": str(lookup.NOT_FOUND_MESSAGE)})
    return Status(200, lookup.public_view(dossier))
