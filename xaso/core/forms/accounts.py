"""Forms of account management by the unit administrator (input parsing only; the rules are
in xaso.core.services.accounts)."""

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.forms.auth import NEW_PASSWORD_HELP
from xaso.core.forms.auth import validate_new_password
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.services.accounts import AccountStatus
from xaso.core.services.accounts import assignable_positions


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PositionsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class AccountForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Địa chỉ e-mail không hợp lệ.")},
        help_text=_("Dùng để gửi liên kết đặt mật khẩu."),
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    job_title = forms.CharField(
        label=_("Chức vụ ghi trên văn bản"),
        max_length=150,
        required=False,
        help_text=_("Ví dụ: Phó Chủ tịch UBND xã."),
    )
    positions = PositionsField(
        label=_("Chức danh"),
        queryset=None,
        error_messages={
            "required": _("Chọn ít nhất một chức danh."),
            "invalid_choice": _("Chức danh không hợp lệ."),
            "invalid_pk_value": _("Chức danh không hợp lệ."),
        },
    )

    def __init__(self, *args: Any, unit: AdministrativeUnit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["positions"].queryset = assignable_positions(unit)  # type: ignore[attr-defined]


class AccountCreateForm(AccountForm):
    class PasswordMode:
        SET = "set"
        EMAIL = "email"

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[
            UnicodeUsernameValidator(
                message=_("Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _")
            )
        ],
        help_text=_("Không dấu cách, ví dụ: nguyenvanan."),
    )
    password_mode = forms.ChoiceField(
        label=_("Mật khẩu ban đầu"),
        choices=[
            (PasswordMode.SET, _("Đặt mật khẩu ban đầu ngay bây giờ")),
            (PasswordMode.EMAIL, _("Gửi e-mail để người dùng tự đặt mật khẩu")),
        ],
        initial=PasswordMode.SET,
        widget=forms.RadioSelect,
    )
    password1 = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=NEW_PASSWORD_HELP,
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "full_name",
        "email",
        "phone",
        "job_title",
        "positions",
        "password_mode",
        "password1",
        "password2",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mode = cleaned.get("password_mode")
        if mode == self.PasswordMode.EMAIL:
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", _("Cần e-mail để gửi liên kết đặt mật khẩu."))
            cleaned["password1"] = cleaned["password2"] = ""
        elif mode == self.PasswordMode.SET:
            password1 = cleaned.get("password1")
            password2 = cleaned.get("password2")
            if not password1:
                self.add_error("password1", _("Nhập mật khẩu ban đầu."))
            elif password1 != password2:
                self.add_error("password2", _("Hai mật khẩu không giống nhau."))
            else:
                # Checked against the new person's name and username, as on every change.
                candidate = User(
                    username=cleaned.get("username", ""),
                    full_name=cleaned.get("full_name", ""),
                    email=cleaned.get("email", ""),
                )
                try:
                    validate_new_password(password1, candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class AccountFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Họ tên, tên đăng nhập, e-mail…")}
        ),
    )
    position = forms.ChoiceField(label=_("Chức danh"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (AccountStatus.ACTIVE, _("Đang hoạt động")),
            (AccountStatus.DISABLED, _("Đã vô hiệu hóa")),
            (AccountStatus.LOCKED, _("Đang bị khóa tạm thời")),
        ],
    )

    def __init__(self, *args: Any, unit: AdministrativeUnit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [  # type: ignore[attr-defined]
            ("", _("Tất cả")),
            *((position.code, position.name) for position in assignable_positions(unit)),
        ]
