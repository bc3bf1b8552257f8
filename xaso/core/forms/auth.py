"""Forms of login, the second factor, passwords and personal API tokens.

They subclass Django's auth forms so the password check always goes through `authenticate()`
(which django-axes watches) and Django's password validators.
"""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from xaso.core.models import User
from xaso.core.services.accounts import change_own_password
from xaso.core.services.accounts import send_templated_email

NEW_PASSWORD_HELP = _(
    "Ít nhất 10 ký tự, không quá giống tên đăng nhập hay họ tên, không phải mật khẩu phổ "
    "biến và không chỉ gồm chữ số."
)

# Django 5.2 reworded some validator messages and its Vietnamese catalogue still carries the
# old wording, so those errors would show in English. Errors are matched by their stable code.
PASSWORD_ERROR_MESSAGES = {
    "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)s ký tự."),
    "password_too_similar": _("Mật khẩu quá giống %(verbose_name)s."),
    "password_too_common": _("Mật khẩu này quá phổ biến, dễ bị đoán."),
    "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
}


def vietnamese_password_errors(error: ValidationError) -> ValidationError:
    """`error` from Django's password validators, with each known message in Vietnamese."""
    errors = []
    for item in error.error_list:
        message = PASSWORD_ERROR_MESSAGES.get(item.code or "")
        errors.append(
            ValidationError(message, code=item.code, params=item.params) if message else item
        )
    return ValidationError(errors)


def validate_new_password(password: str, user: User | None) -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), with Vietnamese messages."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise vietnamese_password_errors(error) from error


class VietnamesePasswordMixin:
    """Runs the password validators through `validate_new_password`."""

    cleaned_data: dict[str, Any]

    def validate_password_for_user(
        self,
        user: User,
        password_field_name: str = "password2",  # noqa: S107 (a field name)
    ) -> None:
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                validate_new_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, error)  # type: ignore[attr-defined]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _(
            "Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống của đơn vị."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Mật khẩu")

    def get_invalid_login_error(self) -> ValidationError:
        """Say "disabled" instead of "wrong password" only to whoever knows the password.

        Django's backend refuses inactive users before comparing passwords, so the form
        cannot tell the two cases apart without this check; the failed attempt has already
        been counted by django-axes either way.
        """
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        account = User.objects.filter(username=username).first() if username else None
        if account is not None and not account.is_active and account.check_password(password):
            return ValidationError(self.error_messages["inactive"], code="inactive")
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực 6 chữ số"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Mở ứng dụng xác thực trên điện thoại và nhập mã đang hiển thị."),
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people type it the same way.
        code = "".join(self.cleaned_data["code"].split())
        RegexValidator(r"^\d{6}$", _("Mã xác thực gồm đúng 6 chữ số."))(code)
        return code


class XasoPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Địa chỉ e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={"invalid": _("Địa chỉ e-mail không hợp lệ.")},
    )

    def get_users(self, email: str) -> Any:
        """Active accounts with this address, including those whose password is not set yet.

        Django skips unusable passwords (meant for single sign-on); here an unusable password
        only means "created by the administrator, password not chosen yet", and this form is
        how such a person gets started.
        """
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if user.email.casefold() == email.casefold()
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the e-mail on the background task instead of sending it in the request."""
        send_templated_email(
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
            recipient=to_email,
        )


def _vietnamese_new_password_fields(form: forms.Form) -> None:
    form.fields["new_password1"].label = _("Mật khẩu mới")
    form.fields["new_password1"].help_text = NEW_PASSWORD_HELP
    form.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
    form.fields["new_password2"].help_text = ""


class XasoSetPasswordForm(VietnamesePasswordMixin, SetPasswordForm):
    """The form behind the e-mailed link (forgotten password, new account)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _vietnamese_new_password_fields(self)

    def save(self, commit: bool = True) -> User:
        return change_own_password(
            user=self.user, password=self.cleaned_data["new_password1"], by_reset_link=True
        )


class XasoPasswordChangeForm(VietnamesePasswordMixin, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        _vietnamese_new_password_fields(self)

    def save(self, commit: bool = True) -> User:
        return change_own_password(user=self.user, password=self.cleaned_data["new_password1"])


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        help_text=_("Ghi rõ khóa dùng cho việc gì, ví dụ: “Kết nối phần mềm kế toán”."),
    )
