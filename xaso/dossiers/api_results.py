"""Results API: record the result, collect a fee, return the result.

Same rules and services as the pages (xaso/dossiers/views/results.py): no permission →
403, another unit's dossier → 404, a refused action → 422 with a stable `code` and the
Vietnamese `detail` (400 for bad data). Writes are idempotent with the `Idempotency-Key`
header: a retried request with the same key replays the first answer and writes once
(no second receipt number, no second return).
"""

import datetime
from typing import Any
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja import Status

from xaso.core.idempotency import run_idempotent
from xaso.core.models import User
from xaso.core.tenancy import get_writable_or_404
from xaso.dossiers import money
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import FeePayment
from xaso.dossiers.services import results

router = Router(tags=["mot-cua: ket-qua"])
RECORD_PERMISSIONS = ("dossiers.process_dossier", "dossiers.approve_dossier")
RETURN_PERMISSION = "dossiers.return_result"


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _require_any(user: User, permissions: tuple[str, ...]) -> None:
    if not any(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def _dossier(user: User, pk: int) -> Dossier:
    return get_writable_or_404(
        Dossier.objects.select_related("unit", "applicant", "current_step"), user, pk=pk
    )


class ResultRecordIn(Schema):
    number: str = Field(max_length=100)
    issued_on: datetime.date
    signer_name: str = Field(max_length=200)
    summary: str = ""


class ResultOut(Schema):
    dossier_id: int
    code: str
    number: str
    issued_on: datetime.date
    signer_name: str
    summary: str
    recorded_at: datetime.datetime


@router.post("/results/dossiers/{pk}/result", response={200: ResultOut}, summary="Ghi nhận kết quả")
def result_record(request: HttpRequest, pk: int, payload: ResultRecordIn) -> Status[Any]:
    user = _user(request)
    _require_any(user, RECORD_PERMISSIONS)
    dossier = _dossier(user, pk)

    def write() -> tuple[int, dict[str, Any]]:
        result = results.record_result(actor=user, dossier=dossier, **payload.model_dump())
        body = ResultOut(
            dossier_id=dossier.pk,
            code=dossier.code,
            number=result.number,
            issued_on=result.issued_on,
            signer_name=result.signer_name,
            summary=result.summary,
            recorded_at=result.recorded_at,
        )
        return 200, body.model_dump(mode="json")

    return Status(
        *run_idempotent(
            request,
            scope=f"dossiers.result_record:{dossier.pk}",
            payload=payload.model_dump(mode="json"),
            write=write,
        )
    )


class FeeCollectIn(Schema):
    amount: int = Field(gt=0, description="Số tiền (đồng)")
    method: Literal["cash", "transfer", "online"]
    payer_name: str = Field(max_length=200)
    reference: str = Field(
        "", max_length=100, description="Mã giao dịch (bắt buộc khi chuyển khoản)"
    )


class FeePaymentOut(Schema):
    id: int
    dossier_id: int
    receipt_number: str
    amount: int
    amount_in_words: str
    method: str
    payer_name: str
    reference: str
    paid_at: datetime.datetime
    outstanding: int = Field(description="Số còn phải nộp sau khoản này (đồng)")


@router.post(
    "/results/dossiers/{pk}/fees", response={201: FeePaymentOut}, summary="Thu phí, lệ phí"
)
def fee_collect(request: HttpRequest, pk: int, payload: FeeCollectIn) -> Status[Any]:
    user = _user(request)
    _require_any(user, (RETURN_PERMISSION,))
    dossier = _dossier(user, pk)

    def write() -> tuple[int, dict[str, Any]]:
        payment: FeePayment = results.collect_fee(
            actor=user, dossier=dossier, **payload.model_dump()
        )
        body = FeePaymentOut(
            id=payment.pk,
            dossier_id=dossier.pk,
            receipt_number=payment.receipt_number,
            amount=payment.amount,
            amount_in_words=money.amount_in_words(payment.amount),
            method=payment.method,
            payer_name=payment.payer_name,
            reference=payment.reference,
            paid_at=payment.paid_at,
            outstanding=results.fee_summary(dossier).outstanding,
        )
        return 201, body.model_dump(mode="json")

    return Status(
        *run_idempotent(
            request,
            scope=f"dossiers.fee_collect:{dossier.pk}",
            payload=payload.model_dump(mode="json"),
            write=write,
        )
    )


class ResultReturnIn(Schema):
    method: Literal["desk", "post"]
    returned_to: str = Field("", max_length=200)
    postal_tracking_number: str = Field("", max_length=60)


class ResultReturnOut(Schema):
    id: int
    code: str
    status: str
    returned_at: datetime.datetime
    returned_to: str
    postal_tracking_number: str
    closed_at: datetime.datetime
    timing_outcome: str = Field(description="early, on_time, late")


@router.post(
    "/results/dossiers/{pk}/return", response={200: ResultReturnOut}, summary="Trả kết quả"
)
def result_return(request: HttpRequest, pk: int, payload: ResultReturnIn) -> Status[Any]:
    user = _user(request)
    _require_any(user, (RETURN_PERMISSION,))
    dossier = _dossier(user, pk)

    def write() -> tuple[int, dict[str, Any]]:
        returned = results.return_result(actor=user, dossier=dossier, **payload.model_dump())
        body = ResultReturnOut(
            id=returned.pk,
            code=returned.code,
            status=returned.status,
            returned_at=returned.returned_at,
            returned_to=returned.returned_to,
            postal_tracking_number=returned.postal_tracking_number,
            closed_at=returned.closed_at,
            timing_outcome=returned.timing_outcome,
        )
        return 200, body.model_dump(mode="json")

    return Status(
        *run_idempotent(
            request,
            scope=f"dossiers.result_return:{dossier.pk}",
            payload=payload.model_dump(mode="json"),
            write=write,
        )
    )
