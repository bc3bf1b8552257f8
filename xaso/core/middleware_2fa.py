"""Administrators must use two-factor when XASO_REQUIRE_2FA_FOR_ADMINS is on."""

from collections.abc import Callable
from urllib.parse import urlencode
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from xaso.core.models import Position
from xaso.core.services.accounts import confirmed_totp_device

# Pages an unverified administrator still needs: to log in, prove the code, enrol, leave.
EXEMPT_URL_NAMES = ("core:login", "core:login_otp", "core:otp_setup", "core:logout")


class TwoFactorEnforcementMiddleware:
    """Send a unit administrator whose session is not OTP-verified to the code page (device
    enrolled) or to enrolment (none yet), on every page but login, logout, the OTP pages and
    static files.

    Needs AuthenticationMiddleware and django_otp's OTPMiddleware before it. The setting is
    read per request, so override_settings and a restart-free change both work.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = self._redirect_target(request)
        if target is None:
            return self.get_response(request)
        # HTMX would swap the target page into a fragment; make the browser navigate instead.
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(target)
        return redirect(target)

    def _redirect_target(self, request: HttpRequest) -> str | None:
        if not settings.XASO_REQUIRE_2FA_FOR_ADMINS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        if self._is_exempt(request.path):
            return None
        if not user.holds(Position.Code.UNIT_ADMIN):
            return None
        if confirmed_totp_device(user) is None:
            return reverse("core:otp_setup")
        return f"{reverse('core:login_otp')}?{urlencode({'next': request.get_full_path()})}"

    @staticmethod
    def _is_exempt(path: str) -> bool:
        static_prefix = urlsplit(settings.STATIC_URL or "/static/").path
        if not static_prefix.startswith("/"):
            static_prefix = "/" + static_prefix
        if path.startswith(static_prefix):
            return True
        return path in {reverse(name) for name in EXEMPT_URL_NAMES}
