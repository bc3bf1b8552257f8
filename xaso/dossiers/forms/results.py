"""Forms of the end of a dossier: result, fee, return, and the rating statistics period.

Parsing only; the rules (who, when, how much) live in xaso/dossiers/services/results.py.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import FeePayment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ResultRecordForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu kết quả"), max_length=100)
    issued_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    signer_name = forms.CharField(label=_("Người ký"), max_length=200)
    summary = forms.CharField(
        label=_("Nội dung kết quả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("Tệp kết quả (PDF đã ký hoặc bản quét)"),
        required=False,
        help_text=_("PDF, PNG hoặc JPEG. Để trống nếu giữ tệp đã có."),
    )


class FeeCollectForm(forms.Form):
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1)
    method = forms.ChoiceField(
        label=_("Hình thức nộp"),
        choices=[
            (FeePayment.Method.CASH, FeePayment.Method.CASH.label),
            (FeePayment.Method.TRANSFER, FeePayment.Method.TRANSFER.label),
        ],
        widget=forms.RadioSelect,
        initial=FeePayment.Method.CASH,
    )
    payer_name = forms.CharField(label=_("Họ tên người nộp tiền"), max_length=200)
    reference = forms.CharField(
        label=_("Mã giao dịch (khi chuyển khoản)"), max_length=100, required=False
    )


class ResultReturnForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Hình thức trả kết quả"),
        choices=[
            (DeliveryMethod.DESK, DeliveryMethod.DESK.label),
            (DeliveryMethod.POST, DeliveryMethod.POST.label),
        ],
        widget=forms.RadioSelect,
        initial=DeliveryMethod.DESK,
    )
    returned_to = forms.CharField(
        label=_("Người nhận kết quả"),
        max_length=200,
        required=False,
        help_text=_("Họ tên người trực tiếp nhận (người nộp hoặc người được ủy quyền)."),
    )
    postal_tracking_number = forms.CharField(
        label=_("Mã bưu gửi (khi trả qua bưu chính)"), max_length=60, required=False
    )


def current_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter holding `today` (TT 01/2018 reports by quarter)."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = datetime.date(today.year, first_month, 1)
    end_month = first_month + 3
    if end_month > 12:
        end = datetime.date(today.year, 12, 31)
    else:
        end = datetime.date(today.year, end_month, 1) - datetime.timedelta(days=1)
    return start, end


class RatingPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), widget=DateInput(), required=False)
    date_to = forms.DateField(label=_("Đến ngày"), widget=DateInput(), required=False)

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period; the current quarter where a bound is missing or invalid."""
        start, end = current_quarter(timezone.localdate())
        if self.is_valid():
            start = self.cleaned_data["date_from"] or start
            end = self.cleaned_data["date_to"] or end
        return start, end

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data
