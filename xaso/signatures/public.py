"""The per-address limit of the public signature check (page and API)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from xaso.core.middleware import client_ip


def allow_public_check(request: HttpRequest) -> bool:
    """Count one public check of the caller's address; False past the limit (checking is
    expensive, so the public page shares the lookup page's per-address limit)."""
    window = settings.XASO_LOOKUP_RATE_WINDOW_SECONDS
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    key = f"xaso:signature-check:{digest}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count <= settings.XASO_LOOKUP_RATE_LIMIT
