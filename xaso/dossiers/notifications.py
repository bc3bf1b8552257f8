"""Notices to the applicant (e-mail and SMS) at the moments the law names.

ND 61/2018 Đ17 (reception, supplement request) and Đ19.9 (new due time) ask the one-stop
to tell the applicant; the result being ready completes the set. Services call
`notify_applicant` inside their transaction; the job is enqueued only after the commit and
sends later, with retries (xaso/notifications/tasks.py), so a rolled-back change never
messages anyone and a slow SMS gateway never slows the desk.

This module and `xaso.notifications.tasks` import each other as modules (the job composes
its texts here at send time, and this module enqueues the job); both use
`from package import module` so either may be imported first.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Dossier
from xaso.dossiers.money import format_amount
from xaso.notifications import tasks as notification_tasks

RECEIVED = "received"
SUPPLEMENT_REQUESTED = "supplement_requested"
DUE_EXTENDED = "due_extended"
RESULT_READY = "result_ready"
KINDS = (RECEIVED, SUPPLEMENT_REQUESTED, DUE_EXTENDED, RESULT_READY)

# Query parameter of the public lookup page that pre-fills the dossier code (receipt QR).
LOOKUP_CODE_PARAM = "ma"


def public_lookup_url(code: str) -> str:
    """Absolute URL of the public lookup page with `code` filled in (QR codes, messages)."""
    base = settings.XASO_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{reverse('portal:lookup')}?{urlencode({LOOKUP_CODE_PARAM: code})}"


def notify_applicant(*, dossier: Dossier, kind: str) -> None:
    """Tell the applicant about `kind` by e-mail and/or SMS once the transaction commits.

    `kind` is one of KINDS. Call it inside the transaction that makes the change; nothing
    is queued when the applicant has neither e-mail nor phone. Enqueue errors after the
    commit are logged, never raised (the change itself has already been saved).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    applicant = dossier.applicant
    if not (applicant.email or applicant.phone):
        return
    dossier_id = dossier.pk
    transaction.on_commit(
        lambda: notification_tasks.send_dossier_notification.enqueue(
            dossier_id=dossier_id, kind=kind
        ),
        robust=True,
    )


@dataclass(frozen=True)
class DossierMessage:
    subject: str
    body: str
    sms: str


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y")


def compose_message(dossier: Dossier, kind: str) -> DossierMessage:
    """The e-mail subject and body and the SMS text for `kind`, from the dossier as it is now.

    Holds no personal data beyond the applicant's own name (the message goes to them).
    """
    with override(settings.LANGUAGE_CODE):
        return _compose(dossier, kind)


def _compose(dossier: Dossier, kind: str) -> DossierMessage:
    values = {
        "name": dossier.applicant.full_name,
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "unit": dossier.unit.name,
        "received": _when(dossier.received_at),
        "due": _when(dossier.due_at),
        "link": public_lookup_url(dossier.code),
    }
    greeting = _("Kính gửi Ông/Bà %(name)s,") % values
    footer = (
        _(
            "Tra cứu tình trạng hồ sơ tại %(link)s bằng mã hồ sơ và 4 số cuối số điện thoại "
            "hoặc số định danh cá nhân (CCCD) của Ông/Bà."
        )
        % values
    )
    signature = _("Bộ phận Một cửa — %(unit)s") % values
    if kind == RECEIVED:
        subject = _("Đã tiếp nhận hồ sơ %(code)s") % values
        text = (
            _(
                "Bộ phận Một cửa %(unit)s đã tiếp nhận hồ sơ %(procedure)s của Ông/Bà lúc "
                "%(received)s.\nMã hồ sơ: %(code)s.\nThời gian hẹn trả kết quả: %(due)s."
            )
            % values
        )
        sms = _("%(unit)s: đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s. Tra cứu: %(link)s")
    elif kind == SUPPLEMENT_REQUESTED:
        supplement = dossier.supplements.order_by("-requested_at").first()
        items = "\n".join(f"- {item}" for item in (supplement.items if supplement else []))
        subject = _("Hồ sơ %(code)s cần bổ sung, hoàn thiện") % values
        text = (
            _(
                "Hồ sơ %(procedure)s (mã %(code)s) của Ông/Bà cần được bổ sung, hoàn thiện "
                "trước khi tiếp tục giải quyết."
            )
            % values
        )
        if supplement is not None:
            text += "\n" + _("Lý do: %(reason)s") % {"reason": supplement.reason}
            if items:
                text += "\n" + _("Giấy tờ cần bổ sung:") + "\n" + items
            if supplement.guidance:
                text += "\n" + _("Hướng dẫn: %(guidance)s") % {"guidance": supplement.guidance}
        text += "\n" + _(
            "Thời gian giải quyết được tính lại từ khi Bộ phận Một cửa nhận đủ hồ sơ bổ sung."
        )
        sms = _("%(unit)s: hồ sơ %(code)s cần bổ sung, hoàn thiện. Chi tiết: %(link)s")
    elif kind == DUE_EXTENDED:
        extension = dossier.extensions.order_by("-created_at").first()
        subject = _("Hẹn lại thời gian trả kết quả hồ sơ %(code)s") % values
        text = (
            _(
                "Bộ phận Một cửa %(unit)s xin lỗi Ông/Bà vì hồ sơ %(procedure)s (mã %(code)s) "
                "chưa giải quyết được đúng hẹn.\nThời gian hẹn trả kết quả mới: %(due)s."
            )
            % values
        )
        if extension is not None:
            text += "\n" + _("Lý do: %(reason)s") % {"reason": extension.reason}
        sms = _("%(unit)s xin lỗi: hồ sơ %(code)s được hẹn trả lại vào %(due)s. Tra cứu: %(link)s")
    elif kind == RESULT_READY:
        subject = _("Hồ sơ %(code)s đã có kết quả") % values
        text = _("Hồ sơ %(procedure)s (mã %(code)s) của Ông/Bà đã có kết quả.") % values
        if dossier.delivery_method == DeliveryMethod.POST:
            text += "\n" + _("Kết quả sẽ được gửi đến Ông/Bà qua dịch vụ bưu chính.")
        elif dossier.delivery_method == DeliveryMethod.ONLINE:
            text += "\n" + _("Kết quả được trả bản điện tử; Bộ phận Một cửa sẽ gửi đến Ông/Bà.")
        else:
            text += "\n" + _("Mời Ông/Bà đến Bộ phận Một cửa %(unit)s để nhận kết quả.") % values
        outstanding = dossier_outstanding_fee(dossier)
        if outstanding:
            text += "\n" + _("Phí, lệ phí cần nộp khi nhận kết quả: %(amount)s đồng.") % {
                "amount": format_amount(outstanding)
            }
        sms = _("%(unit)s: hồ sơ %(code)s đã có kết quả. Tra cứu: %(link)s")
    else:
        raise ValueError(f"unknown notification kind {kind!r}")
    body = "\n\n".join([greeting, text, footer, signature])
    return DossierMessage(subject=subject, body=body, sms=sms % values)


def dossier_outstanding_fee(dossier: Dossier) -> int:
    """Fee still to be paid: what is due minus what has been collected (never negative)."""
    paid = sum(payment.amount for payment in dossier.payments.all())
    return max(dossier.fee_due - paid, 0)
