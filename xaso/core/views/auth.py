"""Login (password, then the TOTP code when the user has one), lockout page, logout, own
profile, passwords and two-factor enrolment.

The password step is Django's LoginView, so every attempt goes through `authenticate()` and
django-axes counts failures (per username and, separately, per address).
"""

import base64
import time
from typing import Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from xaso.core.forms.accounts import add_service_errors
from xaso.core.forms.auth import ApiTokenForm
from xaso.core.forms.auth import LoginForm
from xaso.core.forms.auth import OtpCodeForm
from xaso.core.forms.auth import XasoPasswordChangeForm
from xaso.core.forms.auth import XasoPasswordResetForm
from xaso.core.forms.auth import XasoSetPasswordForm
from xaso.core.models import Position
from xaso.core.models import User
from xaso.core.services.accounts import check_totp_code
from xaso.core.services.accounts import confirm_two_factor
from xaso.core.services.accounts import confirmed_totp_device
from xaso.core.services.accounts import create_api_token
from xaso.core.services.accounts import disable_two_factor
from xaso.core.services.accounts import revoke_api_token
from xaso.core.services.accounts import start_totp_enrolment

# Session key of a login whose password was right and whose code is still due.
PENDING_LOGIN_KEY = "xaso_pending_login"
# The code must follow the password within this time, or the password is asked again.
PENDING_LOGIN_SECONDS = 5 * 60


def lockout_minutes() -> int:
    cool_off = get_cool_off()
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def lockout_message() -> str:
    return _(
        "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau "
        "%(minutes)s phút hoặc liên hệ quản trị đơn vị."
    ) % {"minutes": lockout_minutes()}


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the Vietnamese lockout page, status 429.

    django-axes 8 calls it as (request, original_response, credentials) and falls back to
    (request, credentials) for older callables; the page needs neither, so both orders work.
    """
    return render(
        request,
        "core/auth/lockout.html",
        {"lockout_message": lockout_message(), "minutes": lockout_minutes()},
        status=429,
    )


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Step 1: username and password. Users with a confirmed TOTP device go on to step 2
    without being logged in yet."""

    form_class = LoginForm
    template_name = "core/auth/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if confirmed_totp_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user_id": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "started_at": time.time(),
        }
        return redirect("core:login_otp")


def _pending_login(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The half-finished login of this session, if still fresh and the account still active."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending:
        return None
    if time.time() - pending.get("started_at", 0) > PENDING_LOGIN_SECONDS:
        del request.session[PENDING_LOGIN_KEY]
        messages.warning(request, _("Quá thời gian nhập mã xác thực. Vui lòng đăng nhập lại."))
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None:
        del request.session[PENDING_LOGIN_KEY]
        return None
    return user, pending


@sensitive_post_parameters("code")
@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code. Also verifies an already logged-in session that is not yet
    verified (an administrator sent here by TwoFactorEnforcementMiddleware)."""
    pending = None
    if request.user.is_authenticated:
        user: User = request.user  # type: ignore[assignment]
        next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
        if user.is_verified():  # type: ignore[attr-defined]
            return redirect(next_url)
    else:
        found = _pending_login(request)
        if found is None:
            return redirect("core:login")
        user, pending = found
        next_url = pending["next"]
    device = confirmed_totp_device(user)
    if device is None:
        if pending is None:
            return redirect("core:otp_setup")
        # The administrator reset two-factor meanwhile: the password alone now suffices.
        del request.session[PENDING_LOGIN_KEY]
        auth_login(request, user, backend=pending["backend"])
        return redirect(next_url)

    # Code guesses count as failed logins, so the same lockout bounds them.
    credentials = {"username": user.get_username(), "stage": "otp"}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return lockout_response(request, credentials)

    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if check_totp_code(user=user, device=device, code=form.cleaned_data["code"]):
            if pending is not None:
                del request.session[PENDING_LOGIN_KEY]
                # Read by the login audit handler; django_otp.login below stores the device.
                user.otp_device = device  # type: ignore[attr-defined]
                auth_login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            return redirect(next_url)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(
        request,
        "core/auth/login_otp.html",
        {"form": form, "pending_user": user, "next": next_url if pending is None else ""},
    )


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET since 5.0, so a link cannot log anyone out)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Own data, positions, two-factor status and personal API tokens (created here)."""
    user: User = request.user  # type: ignore[assignment]
    token_form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and token_form.is_valid():
        token, clear = create_api_token(user=user, name=token_form.cleaned_data["name"])
        # Shown in this response only; the database keeps its hash.
        new_token = {"name": token.name, "value": clear}
        token_form = ApiTokenForm()
    return render(
        request,
        "core/auth/profile.html",
        {
            "account": user,
            "positions": user.positions.all(),
            "device": confirmed_totp_device(user),
            "session_verified": user.is_verified(),  # type: ignore[attr-defined]
            "tokens": user.api_tokens.all(),
            "token_form": token_form,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = revoke_api_token(user=request.user, token_id=pk)  # type: ignore[arg-type]
    messages.success(request, _("Đã thu hồi khóa API “%(name)s”.") % {"name": token.name})
    return redirect("core:profile")


def _qr_svg(data: str) -> str:
    # segno draws modules only (the URL never becomes markup), so the SVG is safe inline.
    return mark_safe(  # noqa: S308
        segno.make(data, error="m").svg_inline(scale=5, dark="#1d2630", light="#ffffff")
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@sensitive_post_parameters("code")
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP app (QR code or typed secret, confirmed by a code) or disable it."""
    user: User = request.user  # type: ignore[assignment]
    device = confirmed_totp_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if device is None:
                device = confirm_two_factor(user=user, code=form.cleaned_data["code"])
                # This session proved the code: count it as verified right away.
                django_otp.login(request, device)
                messages.success(request, _("Đã bật xác thực hai lớp."))
                return redirect("core:profile")
            disable_two_factor(user=user, code=form.cleaned_data["code"])
            messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("core:otp_setup")
        except ValidationError as error:
            add_service_errors(form, error)
    context: dict[str, Any] = {
        "form": form,
        "device": device,
        "required": settings.XASO_REQUIRE_2FA_FOR_ADMINS and user.holds(Position.Code.UNIT_ADMIN),
    }
    if device is None:
        enrolment = start_totp_enrolment(user=user)
        context["qr_svg"] = _qr_svg(enrolment.config_url)
        context["secret"] = _grouped(base64.b32encode(enrolment.bin_key).decode())
    return render(request, "core/auth/otp_setup.html", context)


@method_decorator(login_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = XasoPasswordChangeForm
    template_name = "core/auth/password_change.html"
    success_url = reverse_lazy("core:profile")

    def form_valid(self, form: XasoPasswordChangeForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers "sent", whether or not the address belongs to an account."""

    form_class = XasoPasswordResetForm
    template_name = "core/auth/password_reset.html"
    subject_template_name = "core/auth/password_reset_subject.html"
    email_template_name = "core/auth/password_reset_email.html"
    success_url = reverse_lazy("core:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = XasoSetPasswordForm
    template_name = "core/auth/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/auth/password_reset_complete.html"
