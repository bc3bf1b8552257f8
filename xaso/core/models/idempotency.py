"""Stored responses of API writes sent with an Idempotency-Key header."""

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """One (user, scope, key): the first request's fingerprint and its response.

    A retried request with the same key gets the stored response instead of a second
    write; the same key with a different body is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
