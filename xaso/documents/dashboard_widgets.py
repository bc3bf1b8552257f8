"""Home-page widgets of the documents app (imported by DocumentsConfig.ready()).

- My documents: what waits for me (to handle, to assign, to sign), overdue first.
- Leaders and the office: documents waiting per person, overdue, average processing time
  and the share of incoming documents handled electronically this year.
"""

from typing import Any

from django.utils import timezone

from xaso.core.dashboard import Widget
from xaso.core.dashboard import register_widget
from xaso.core.models import User
from xaso.documents import selectors


def build_my_documents(user: User) -> dict[str, Any] | None:
    if user.unit_id is None:
        return None
    now = timezone.now()
    inbox = selectors.inbox_for(user=user)
    counts = {
        "to_handle": inbox.count(),
        "overdue": inbox.filter(due_at__lt=now).count(),
        "to_assign": selectors.presented_to(user=user).count(),
        "to_sign": selectors.outgoing_for(user)
        .filter(unit_id=user.unit_id, signer=user, status__in=["in_review", "approved"])
        .count(),
    }
    if not any(counts.values()):
        return None
    return {"counts": counts}


def build_document_overview(user: User) -> dict[str, Any] | None:
    if user.unit_id is None:
        return None
    stats = selectors.stats_for(user=user, year=timezone.localdate().year)
    if not stats.incoming_total:
        return None
    return {"stats": stats, "loads": selectors.pending_per_official(user=user)[:8]}


register_widget(
    Widget(
        "documents_mine",
        "documents/_widget_mine.html",
        build_my_documents,
        permission="documents.handle_documents",
        order=20,
    )
)
register_widget(
    Widget(
        "documents_overview",
        "documents/_widget_overview.html",
        build_document_overview,
        permission="documents.assign_documents",
        order=21,
    )
)
