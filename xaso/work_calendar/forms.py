"""Forms of the work calendar; choices of people are limited to the user's own unit."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import User

UNKNOWN_PERSON = _("Người này không có trong danh sách cán bộ của đơn vị.")


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.username


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.username


class EventForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Giờ kết thúc"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    chair = StaffChoiceField(
        label=pgettext_lazy("meeting chair", "Chủ trì"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_PERSON},
    )
    chair_text = forms.CharField(
        label=_("Chủ trì (người ngoài danh sách)"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: lãnh đạo cấp tỉnh; để trống nếu đã chọn ở trên."),
    )
    participants = StaffMultipleChoiceField(
        label=_("Cán bộ tham dự"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_PERSON, "invalid_pk_value": UNKNOWN_PERSON},
    )
    participants_text = forms.CharField(
        label=_("Thành phần khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Đại biểu, cơ quan, bản/thôn mời dự (ghi tự do)."),
    )
    preparation = forms.CharField(
        label=_("Chuẩn bị (nội dung, người chuẩn bị)"), max_length=300, required=False
    )

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(unit_id=unit_id, is_active=True).order_by("full_name")
        self.fields["chair"].queryset = staff
        self.fields["participants"].queryset = staff

    def event_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["participants"] = list(data.get("participants") or [])
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không đưa vào lịch"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Gộp vào sự kiện"))


class PublishForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú điều chỉnh (nếu có)"), max_length=300, required=False)
