"""API authentication: the browser session (with CSRF) or a personal bearer token."""

import hashlib
import secrets

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie
from ninja.security import HttpBearer
from ninja.security import django_auth

from xaso.core.models import ApiToken
from xaso.core.models import User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with the clear value (shown only once)."""
    clear = "xaso_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(clear), prefix=clear[5:13]
    )
    return token, clear


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


session_auth: APIKeyCookie = django_auth
session_or_token_auth = [BearerTokenAuth(), session_auth]
