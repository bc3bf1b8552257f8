"""Forms of the unit pages: HTML input parsing only; the rules live in services/units.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.core.models.units import agency_identifier_validator

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# Browsers send <input type="date"> as ISO; the widget must render ISO back.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitSettingsForm(forms.Form):
    morning_start = forms.TimeField(label=_("Giờ bắt đầu buổi sáng"), widget=TIME_WIDGET)
    morning_end = forms.TimeField(label=_("Giờ kết thúc buổi sáng"), widget=TIME_WIDGET)
    afternoon_start = forms.TimeField(label=_("Giờ bắt đầu buổi chiều"), widget=TIME_WIDGET)
    afternoon_end = forms.TimeField(label=_("Giờ kết thúc buổi chiều"), widget=TIME_WIDGET)
    saturday_morning_service = forms.BooleanField(
        label=_("Tiếp nhận hồ sơ sáng thứ Bảy"), required=False
    )
    cutoff_time = forms.TimeField(
        label=_("Giờ chuyển hồ sơ sang ngày làm việc sau"),
        widget=TIME_WIDGET,
        help_text=_(
            "Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo (mặc định 15:00)."
        ),
    )
    cutoff_inclusive = forms.BooleanField(
        label=_("Hồ sơ nhận đúng giờ chuyển cũng tính sang ngày sau"), required=False
    )

    @classmethod
    def for_unit(cls, unit: AdministrativeUnit, data: object = None) -> "UnitSettingsForm":
        initial = {
            name: getattr(unit, name)
            for name in (
                "morning_start",
                "morning_end",
                "afternoon_start",
                "afternoon_end",
                "saturday_morning_service",
                "cutoff_time",
                "cutoff_inclusive",
            )
        }
        return cls(data=data, initial=initial)


class AgencyIdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mã định danh"),
        max_length=35,
        validators=[agency_identifier_validator],
        help_text=_("Theo QĐ 20/2020/QĐ-TTg, ví dụ 000.00.00.H41 hoặc H41.16777."),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Hiệu lực đến ngày"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Để trống nếu mã còn hiệu lực."),
    )
    note = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=255, required=False)

    @classmethod
    def for_identifier(
        cls, agency_identifier: AgencyIdentifier, data: object = None
    ) -> "AgencyIdentifierForm":
        initial = {
            "identifier": agency_identifier.identifier,
            "valid_from": agency_identifier.valid_from,
            "valid_until": agency_identifier.valid_until,
            "note": agency_identifier.note,
        }
        return cls(data=data, initial=initial)


class CommuneSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm xã, phường"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên hoặc mã xã")}),
    )
