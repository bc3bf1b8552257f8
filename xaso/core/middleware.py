"""Request-wide context for services: the client address used by the audit trail."""

from collections.abc import Callable

from django.http import HttpRequest
from django.http import HttpResponse

from xaso.core.request_context import reset_current_ip_address
from xaso.core.request_context import set_current_ip_address


def client_ip(request: HttpRequest) -> str | None:
    """The client address as django-axes resolves it (honours the proxy settings)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_ip_address(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_current_ip_address(token)


class VietnameseFirstMiddleware:
    """Vietnamese unless the user chose another language (cookie set by /i18n/setlang/).

    Commune computers often run English-language browsers; the UI language of XãSố must
    not follow the browser's Accept-Language header. Placed before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
