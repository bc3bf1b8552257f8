"""The one-stop home-page widget: the official's dossiers by due time (imported by
DossiersConfig.ready())."""

from typing import Any

from xaso.core.dashboard import Widget
from xaso.core.dashboard import register_widget
from xaso.core.models import User
from xaso.dossiers.services.processing import inbox_for


def build_dossier_inbox(user: User) -> dict[str, Any] | None:
    """Counts of the user's active steps (overdue, due today, due soon, later) and of the
    consultations waiting for their answer; hidden when there is nothing."""
    if user.unit_id is None:
        return None
    inbox = inbox_for(user=user)
    if not inbox.total:
        return None
    return {
        "counts": inbox.counts,
        "waiting": inbox.waiting_count,
        "consultations": len(inbox.consultations),
    }


register_widget(
    Widget("dossier_inbox", "dossiers/_processing_widget.html", build_dossier_inbox, order=10)
)
