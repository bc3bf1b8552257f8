"""The current request's client address, for audit events written deep in services.

A context variable (not a module global) so threads and async tasks each see their own.
"""

from contextvars import ContextVar

_ip_address: ContextVar[str | None] = ContextVar("xaso_ip_address", default=None)


def set_current_ip_address(ip: str | None) -> object:
    return _ip_address.set(ip)


def reset_current_ip_address(token: object) -> None:
    _ip_address.reset(token)  # type: ignore[arg-type]


def current_ip_address() -> str | None:
    return _ip_address.get()
