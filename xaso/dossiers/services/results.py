"""The end of a dossier: the result recorded, fees collected on a receipt, the result
returned at the desk or by post, and the dossier closed early, on time or late.

Every write runs in one transaction that locks the dossier row first
(`select_for_update`), so two officers at two desks cannot both return the same dossier
or over-collect its fee; each writes a dossier event (the legal history) and an audit
event. Refused actions raise before anything is written.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit import record_audit_event
from xaso.core.audit_labels import register_audit_labels
from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.services.calendar import calendar_for_unit
from xaso.dossiers import deadlines
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierEvent
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import FeePayment
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import Result
from xaso.dossiers.money import format_amount

FEE_RECEIPT_REGISTER = "fee_receipt"
RETURN_METHODS = (DeliveryMethod.DESK, DeliveryMethod.POST)
# What a result file may be: the signed PDF or a scan of the paper result.
RESULT_FILE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}

register_audit_labels(
    {
        "dossier.result_recorded": gettext_lazy("Ghi nhận kết quả giải quyết hồ sơ"),
        "dossier.result_corrected": gettext_lazy("Sửa kết quả giải quyết hồ sơ"),
        "dossier.fee_collected": gettext_lazy("Thu phí, lệ phí và cấp biên lai"),
        "dossier.fee_requoted": gettext_lazy("Xác định lại phí, lệ phí phải nộp"),
        "dossier.result_returned": gettext_lazy("Trả kết quả giải quyết hồ sơ"),
        "dossier.rated": gettext_lazy("Người dân đánh giá mức độ hài lòng"),
    }
)


class DossierClosedError(DomainError):
    code = "dossier_closed"


class WrongStatusError(DomainError):
    code = "wrong_status"


class FeeNotPaidError(DomainError):
    code = "fee_not_paid"


class ResultMissingError(DomainError):
    code = "result_missing"


@dataclass(frozen=True)
class FeeSummary:
    due: int
    paid: int

    @property
    def outstanding(self) -> int:
        return max(self.due - self.paid, 0)


def fee_summary(dossier: Dossier) -> FeeSummary:
    """What the applicant must pay and has paid for `dossier` (đồng)."""
    paid = dossier.payments.aggregate(total=Sum("amount"))["total"] or 0
    return FeeSummary(due=dossier.fee_due, paid=paid)


def _lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked until the transaction ends, with its current values."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("unit", "applicant", "current_step")
        .get(pk=dossier.pk)
    )


def _check_unit(actor: User, dossier: Dossier) -> None:
    if actor.unit_id is None or actor.unit_id != dossier.unit_id:
        raise PermissionDenied


def _check_open(dossier: Dossier) -> None:
    if dossier.is_closed:
        raise DossierClosedError(
            _("Hồ sơ đã kết thúc (%(status)s); không thể thay đổi.")
            % {"status": dossier.get_status_display()}
        )


def _holds_current_step(actor: User, dossier: Dossier) -> bool:
    """Whether `actor` has taken the dossier's active step (claimed it, or was assigned)."""
    step = dossier.current_step
    return (
        step is not None
        and step.status == DossierStep.Status.ACTIVE
        and step.assignee_id is not None
        and step.assignee_id == actor.pk
    )


def can_record_result(actor: User, dossier: Dossier) -> bool:
    """Whether `actor` may record (or correct) the result of `dossier` now.

    When the result is ready: any holder of process_dossier or approve_dossier of the unit.
    Before that: only the official who holds the dossier's current step (the processing
    official drafting the result, or the leader signing it; an unclaimed step must be
    claimed first, as for every processing action). Never once closed.
    """
    if not (
        actor.has_perm("dossiers.process_dossier") or actor.has_perm("dossiers.approve_dossier")
    ):
        return False
    if actor.unit_id is None or actor.unit_id != dossier.unit_id or dossier.is_closed:
        return False
    if dossier.status == Dossier.Status.RESULT_READY:
        return True
    return _holds_current_step(actor, dossier)


def _validate_result_file(file: UploadedFile) -> None:
    name = (file.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    signatures = RESULT_FILE_SIGNATURES.get(extension)
    if file.size > settings.XASO_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Tệp lớn quá %(size)s MB.")
                % {"size": settings.XASO_UPLOAD_MAX_BYTES // (1024 * 1024)}
            }
        )
    head = file.read(8)
    file.seek(0)
    if signatures is None or not head.startswith(signatures):
        raise ValidationError({"file": _("Tệp kết quả phải là PDF, PNG hoặc JPEG.")})


@transaction.atomic
def record_result(
    *,
    actor: User,
    dossier: Dossier,
    number: str,
    issued_on: datetime.date,
    signer_name: str,
    summary: str,
    file: UploadedFile | None = None,
) -> Result:
    """Record the result document (number, signing date, signer, file), or correct it.

    Allowed per `can_record_result`. Raises PermissionDenied otherwise, DossierClosedError
    on a closed dossier, ValidationError for bad data; nothing is written then.
    """
    _check_unit(actor, dossier)
    dossier = _lock(dossier)
    _check_open(dossier)
    if not can_record_result(actor, dossier):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not number.strip():
        errors.setdefault("number", []).append(_("Hãy nhập số, ký hiệu của kết quả."))
    if not signer_name.strip():
        errors.setdefault("signer_name", []).append(_("Hãy nhập họ tên người ký."))
    received_on = timezone.localtime(dossier.received_at).date()
    if issued_on > timezone.localdate():
        errors.setdefault("issued_on", []).append(_("Ngày ký không thể sau hôm nay."))
    elif issued_on < received_on:
        errors.setdefault("issued_on", []).append(_("Ngày ký không thể trước ngày tiếp nhận."))
    if errors:
        raise ValidationError(errors)
    if file is not None:
        _validate_result_file(file)

    now = timezone.now()
    result = Result.objects.filter(dossier=dossier).first()
    is_correction = result is not None
    if result is None:
        result = Result(dossier=dossier, recorded_at=now, recorded_by=actor)
    result.number = number.strip()
    result.issued_on = issued_on
    result.signer_name = signer_name.strip()
    result.summary = summary.strip()
    result.recorded_at = now
    result.recorded_by = actor
    sha256 = ""
    if file is not None:
        sha256 = hashlib.sha256(file.read()).hexdigest()
        file.seek(0)
        result.file = file
        # A new file is unsigned: its digital signatures start over (result_signing.py).
        result.original_file = ""
        result.signed_at = result.signed_by = None
        result.sealed_at = result.sealed_by = None
        result.verification = None
    result.full_clean(exclude=["file", "original_file"])
    result.save()
    data = {"number": result.number, "issued_on": issued_on.isoformat()}
    if sha256:
        data["file_sha256"] = sha256
    DossierEvent.objects.create(
        dossier=dossier,
        action="result_corrected" if is_correction else "result_recorded",
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        created_at=now,
        data=data,
        is_public=not is_correction,
    )
    record_audit_event(
        action="dossier.result_corrected" if is_correction else "dossier.result_recorded",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, **data},
    )
    return result


@transaction.atomic
def requote_fee(
    *, actor: User, dossier: Dossier, fee_due: int, fee_exemption: str = "", fee_basis: str = ""
) -> Dossier:
    """Correct the fee quoted at reception once processing shows what is really due (e.g.
    hộ tịch, Luật Hộ tịch Đ11: free when registered on time, the HĐND rate when late).

    Free (0) needs its reason in `fee_exemption`. Refuses a closed dossier and a due below
    what was already collected (nothing changes). Writes the dossier event and the audit row
    when the quote changes; an unchanged quote writes nothing.
    """
    if not (
        actor.has_perm("dossiers.process_dossier") or actor.has_perm("dossiers.approve_dossier")
    ):
        raise PermissionDenied
    _check_unit(actor, dossier)
    given = dossier
    dossier = _lock(dossier)
    _check_open(dossier)
    fee_exemption = fee_exemption.strip()[:300]
    fee_basis = fee_basis.strip()[:300]
    if fee_due < 0:
        raise ValidationError({"fee_due": [_("Số tiền phí, lệ phí không được âm.")]})
    paid = fee_summary(dossier).paid
    if paid > fee_due:
        raise DomainError(
            _(
                "Hồ sơ đã nộp %(paid)s đồng, nhiều hơn số phải nộp xác định lại (%(due)s đồng): "
                "cần xử lý khoản đã thu trước khi xác định lại phí, lệ phí."
            )
            % {"paid": format_amount(paid), "due": format_amount(fee_due)},
            code="fee_paid_above_due",
        )
    before = (dossier.fee_due, dossier.fee_exemption, dossier.fee_basis)
    after = (fee_due, fee_exemption if fee_due == 0 else "", fee_basis)
    if before == after:
        return dossier
    dossier.fee_due, dossier.fee_exemption, dossier.fee_basis = after
    dossier.save(update_fields=["fee_due", "fee_exemption", "fee_basis", "updated_at"])
    # The caller's instance too: an approval hook's dossier is saved again by the approval.
    given.fee_due, given.fee_exemption, given.fee_basis = after
    data = {
        "from": before[0],
        "to": fee_due,
        "exemption": dossier.fee_exemption,
        "basis": dossier.fee_basis,
    }
    DossierEvent.objects.create(
        dossier=dossier,
        action="fee_requoted",
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        note=dossier.fee_exemption or dossier.fee_basis,
        created_at=timezone.now(),
        data=data,
        is_public=False,
    )
    record_audit_event(
        action="dossier.fee_requoted",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, **data},
    )
    return dossier


@transaction.atomic
def collect_fee(
    *,
    actor: User,
    dossier: Dossier,
    amount: int,
    method: str,
    payer_name: str,
    reference: str = "",
) -> FeePayment:
    """Collect a fee for `dossier` and issue the receipt (biên lai) number.

    The receipt number is gap-free per unit per year (register "fee_receipt"), allocated
    under the counter's row lock in this transaction. Refuses closed dossiers, dossiers
    without a fee, and amounts above what is still due (DomainError / ValidationError);
    PermissionDenied without return_result or across units.
    """
    if not actor.has_perm("dossiers.return_result"):
        raise PermissionDenied
    _check_unit(actor, dossier)
    dossier = _lock(dossier)
    _check_open(dossier)
    fees = fee_summary(dossier)
    if fees.due == 0:
        raise DomainError(_("Hồ sơ này không phải nộp phí, lệ phí."), code="no_fee_due")
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors.setdefault("amount", []).append(_("Số tiền phải lớn hơn 0."))
    elif amount > fees.outstanding:
        errors.setdefault("amount", []).append(
            _("Số tiền vượt quá số còn phải nộp (%(outstanding)s đồng).")
            % {"outstanding": format_amount(fees.outstanding)}
        )
    if method not in FeePayment.Method.values:
        errors.setdefault("method", []).append(_("Hình thức nộp tiền không hợp lệ."))
    elif method != FeePayment.Method.CASH and not reference.strip():
        errors.setdefault("reference", []).append(
            _("Hãy nhập mã giao dịch của khoản chuyển khoản, thanh toán trực tuyến.")
        )
    if not payer_name.strip():
        errors.setdefault("payer_name", []).append(_("Hãy nhập họ tên người nộp tiền."))
    if errors:
        raise ValidationError(errors)

    paid_at = timezone.now()
    year = timezone.localtime(paid_at).year
    number = allocate_number(unit=dossier.unit, register=FEE_RECEIPT_REGISTER, period=str(year))
    payment = FeePayment(
        dossier=dossier,
        amount=amount,
        method=method,
        receipt_number=f"{number:07d}/{year}",
        payer_name=payer_name.strip(),
        reference=reference.strip(),
        paid_at=paid_at,
        collected_by=actor,
    )
    payment.full_clean()
    payment.save()
    data = {"receipt_number": payment.receipt_number, "amount": amount, "method": method}
    DossierEvent.objects.create(
        dossier=dossier,
        action="fee_collected",
        from_status=dossier.status,
        to_status=dossier.status,
        actor=actor,
        created_at=paid_at,
        data=data,
        is_public=False,
    )
    record_audit_event(
        action="dossier.fee_collected",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, **data},
    )
    return payment


def _finish_return_steps(
    *, dossier: Dossier, actor: User, returned_at: datetime.datetime, cal
) -> DossierStep | None:
    """Close the process's return step (the last hand-over on the control slip)."""
    finished = None
    steps = dossier.steps.filter(
        kind=ProcessStep.Kind.RETURN,
        status__in=[DossierStep.Status.PENDING, DossierStep.Status.ACTIVE],
    )
    for step in steps:
        step.status = DossierStep.Status.DONE
        step.started_at = step.started_at or dossier.result_ready_at or returned_at
        step.finished_at = returned_at
        step.finished_by = actor
        if step.assignee_id is None:
            step.assignee = actor
        if step.due_at is not None:
            step.timing_outcome = deadlines.timing_outcome(
                finished_at=returned_at, due_at=step.due_at, cal=cal
            )
        step.save()
        finished = step
    return finished


@transaction.atomic
def return_result(
    *,
    actor: User,
    dossier: Dossier,
    returned_to: str,
    method: str,
    postal_tracking_number: str = "",
    returned_at: datetime.datetime | None = None,
) -> Dossier:
    """Hand the result to the applicant (desk) or to the post, and close the dossier.

    Only from RESULT_READY, with the result recorded and every fee paid. Sets RETURNED,
    returned_at = closed_at, and the timing outcome against the due time (early when
    returned before the due day, ND 61/2018 Đ20). Raises PermissionDenied without
    return_result or across units, WrongStatusError / ResultMissingError /
    FeeNotPaidError / ValidationError otherwise; nothing is written then.
    """
    if not actor.has_perm("dossiers.return_result"):
        raise PermissionDenied
    _check_unit(actor, dossier)
    dossier = _lock(dossier)
    if dossier.status == Dossier.Status.RETURNED:
        raise WrongStatusError(_("Hồ sơ đã được trả kết quả trước đó."))
    _check_open(dossier)
    if dossier.status != Dossier.Status.RESULT_READY:
        raise WrongStatusError(
            _("Hồ sơ chưa có kết quả để trả (trạng thái: %(status)s).")
            % {"status": dossier.get_status_display()}
        )
    result = Result.objects.filter(dossier=dossier).first()
    if result is not None and result.signed_at is not None and result.sealed_at is None:
        # ND 30/2020 Đ5: without the organisation's signature the result has no legal value.
        raise ResultMissingError(
            _(
                "Kết quả đã được người có thẩm quyền ký số nhưng chưa có chữ ký số của cơ quan; "
                "hãy ký số của cơ quan trước khi trả."
            )
        )
    if result is None:
        raise ResultMissingError(
            _(
                "Chưa ghi nhận kết quả (số, ngày ký, người ký) của hồ sơ; hãy ghi nhận trước khi trả."
            )
        )
    fees = fee_summary(dossier)
    if fees.outstanding:
        raise FeeNotPaidError(
            _(
                "Người nộp còn phải nộp %(outstanding)s đồng phí, lệ phí (phải nộp %(due)s, "
                "đã nộp %(paid)s). Hãy thu phí và cấp biên lai trước khi trả kết quả."
            )
            % {
                "outstanding": format_amount(fees.outstanding),
                "due": format_amount(fees.due),
                "paid": format_amount(fees.paid),
            }
        )
    errors: dict[str, list[str]] = {}
    returned_to = returned_to.strip()
    postal_tracking_number = postal_tracking_number.strip()
    if method not in RETURN_METHODS:
        errors.setdefault("method", []).append(
            _("Hãy chọn trả tại Bộ phận Một cửa hoặc qua bưu chính.")
        )
    elif method == DeliveryMethod.DESK:
        if not returned_to:
            errors.setdefault("returned_to", []).append(_("Hãy nhập họ tên người nhận kết quả."))
        postal_tracking_number = ""
    elif not postal_tracking_number:
        errors.setdefault("postal_tracking_number", []).append(
            _("Hãy nhập mã bưu gửi do doanh nghiệp bưu chính cấp.")
        )
    if errors:
        raise ValidationError(errors)
    if method == DeliveryMethod.POST and not returned_to:
        returned_to = dossier.applicant.full_name

    returned_at = returned_at or timezone.now()
    cal = calendar_for_unit(dossier.unit)
    outcome = deadlines.timing_outcome(finished_at=returned_at, due_at=dossier.due_at, cal=cal)
    previous_status = dossier.status
    step = _finish_return_steps(dossier=dossier, actor=actor, returned_at=returned_at, cal=cal)
    dossier.status = Dossier.Status.RETURNED
    dossier.returned_at = returned_at
    dossier.returned_to = returned_to
    dossier.postal_tracking_number = postal_tracking_number
    dossier.closed_at = returned_at
    dossier.timing_outcome = outcome
    dossier.current_step = None
    dossier.save(
        update_fields=[
            "status",
            "returned_at",
            "returned_to",
            "postal_tracking_number",
            "closed_at",
            "timing_outcome",
            "current_step",
            "updated_at",
        ]
    )
    data = {"method": method, "timing_outcome": outcome}
    if postal_tracking_number:
        data["postal_tracking_number"] = postal_tracking_number
    DossierEvent.objects.create(
        dossier=dossier,
        action="result_returned",
        from_status=previous_status,
        to_status=dossier.status,
        step=step,
        actor=actor,
        created_at=returned_at,
        data=data,
    )
    record_audit_event(
        action="dossier.result_returned",
        actor=actor,
        target=dossier,
        data={"code": dossier.code, "returned_to": returned_to, **data},
    )
    return dossier
