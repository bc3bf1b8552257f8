"""Scoped reads of the signatures app."""

from django.db.models import Q
from django.db.models import QuerySet

from xaso.core.models import User
from xaso.signatures.models import TrustAnchor
from xaso.signatures.models import UserCertificate
from xaso.signatures.models import VerificationRecord


def trust_anchors_for(*, user: User) -> QuerySet[TrustAnchor]:
    """The anchors trusted in the user's unit: its own and the global ones."""
    if not user.unit_id:
        return TrustAnchor.objects.none()
    return TrustAnchor.objects.filter(Q(unit_id=user.unit_id) | Q(unit__isnull=True)).order_by(
        "unit_id", "kind", "common_name"
    )


def certificates_of(*, user: User) -> QuerySet[UserCertificate]:
    return UserCertificate.objects.filter(user=user, unit_id=user.unit_id)


def verifications_for(*, user: User) -> QuerySet[VerificationRecord]:
    return VerificationRecord.objects.readable_by(user).select_related("checked_by")


def latest_verification(*, user: User, sha256: str) -> VerificationRecord | None:
    """The newest stored report of a file (by hash) that `user` may read, for other apps'
    document and dossier pages."""
    return verifications_for(user=user).filter(sha256=sha256).first()
