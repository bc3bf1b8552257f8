"""Forms of the applicant directory (input parsing only; the rules live in services.py)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.applicants import cccd
from xaso.applicants.cccd import QrIdentity
from xaso.applicants.models import Applicant
from xaso.applicants.services import ApplicantData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ApplicantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo họ tên, số CCCD hoặc số điện thoại"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class QrScanForm(forms.Form):
    """The scanner field: a barcode scanner types the QR text and presses Enter."""

    qr = forms.CharField(
        label=_("Quét mã QR trên thẻ CCCD gắn chip"),
        required=False,
        max_length=1000,
        help_text=_(
            "Đặt con trỏ vào ô này rồi quét: máy quét tự điền và nhấn Enter. "
            "Dữ liệu đọc được chỉ để điền nhanh, cán bộ vẫn phải đối chiếu với thẻ."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApplicantForm(forms.Form):
    """Who the applicant is; CCCD rules are checked again by the service."""

    kind = forms.ChoiceField(
        label=_("Loại"), choices=Applicant.Kind.choices, initial=Applicant.Kind.PERSON
    )
    full_name = forms.CharField(label=_("Họ và tên / tên tổ chức"), max_length=200)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số. Với tổ chức: mã số thuế hoặc mã số doanh nghiệp."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"),
        choices=[("", _("— Chưa rõ —")), *Applicant.Sex.choices],
        required=False,
    )
    address = forms.CharField(label=_("Nơi thường trú / địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    old_id_number = forms.CharField(label=_("Số CMND cũ"), max_length=20, required=False)
    id_issued_on = forms.DateField(
        label=_("Ngày cấp CCCD"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Applicant.Kind.PERSON and data.get("id_number"):
            problems = cccd.cccd_problems(
                data["id_number"],
                date_of_birth=data.get("date_of_birth"),
                sex=data.get("sex", ""),
                today=timezone.localdate(),
            )
            if problems:
                self.add_error("id_number", problems)
        return data

    def to_data(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            kind=data["kind"],
            full_name=data["full_name"],
            id_number=data["id_number"],
            old_id_number=data["old_id_number"],
            id_issued_on=data["id_issued_on"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            address=data["address"],
            phone=data["phone"],
            email=data["email"],
        )


def initial_from_applicant(applicant: Applicant) -> dict[str, Any]:
    return {name: getattr(applicant, name) for name in ApplicantForm.base_fields}


def initial_from_post(data: Any, *, prefix: str | None = None) -> dict[str, Any]:
    """The posted applicant values as `initial` (re-render without showing errors)."""
    start = f"{prefix}-" if prefix else ""
    return {name: data.get(start + name, "") for name in ApplicantForm.base_fields}


def merge_qr(initial: dict[str, Any], identity: QrIdentity) -> dict[str, Any]:
    """`initial` overwritten by what the QR holds (empty QR fields keep the typed values)."""
    merged = {**initial, "kind": Applicant.Kind.PERSON}
    for name in (
        "id_number",
        "old_id_number",
        "full_name",
        "date_of_birth",
        "sex",
        "address",
        "id_issued_on",
    ):
        value = getattr(identity, name)
        if value:
            merged[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return merged
