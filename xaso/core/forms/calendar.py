"""Forms of the working-day calendar pages: input parsing only, the rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.models import CalendarOverride
from xaso.core.services.calendar import FIRST_YEAR
from xaso.core.services.calendar import LAST_YEAR

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Loại điều chỉnh"),
        choices=CalendarOverride.Kind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=255,
        help_text=_("Ví dụ: Nghỉ bù ngày Quốc khánh; Làm bù cho ngày 31/8."),
    )
    legal_reference = forms.CharField(
        label=_("Văn bản quyết định"),
        max_length=255,
        help_text=_("Số, ngày và cơ quan ban hành văn bản (thông báo, quyết định)."),
    )


class CalendarYearApproveForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR, widget=forms.HiddenInput
    )
    legal_reference = forms.CharField(
        label=_("Căn cứ đối chiếu"),
        max_length=255,
        help_text=_("Văn bản công bố lịch nghỉ lễ, Tết của năm đã dùng để đối chiếu."),
    )


class DeadlineForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        input_formats=[DATETIME_LOCAL_FORMAT, "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )
    working_days = forms.IntegerField(
        label=_("Số ngày làm việc"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_("0 = trả kết quả trong ngày."),
    )
    working_hours = forms.DecimalField(
        label=_("hoặc số giờ làm việc"),
        required=False,
        min_value=0,
        max_value=2000,
        decimal_places=2,
    )
    first_day_is_receipt_day = forms.BooleanField(
        label=_("Tính ngày tiếp nhận là ngày thứ nhất"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_days = cleaned.get("working_days") is not None
        has_hours = cleaned.get("working_hours") is not None
        if has_days == has_hours and not self.errors:
            raise forms.ValidationError(
                _("Hãy nhập số ngày làm việc hoặc số giờ làm việc (chỉ một trong hai).")
            )
        return cleaned
