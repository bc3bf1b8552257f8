"""The văn thư's home-page widget: how many signed files wait for the organisation's
signature (imported by SignaturesConfig.ready())."""

from typing import Any

from xaso.core.dashboard import Widget
from xaso.core.dashboard import register_widget
from xaso.core.models import User
from xaso.signatures import seal_queue
from xaso.signatures.services import SEAL_PERMISSION


def build_seal_queue(user: User) -> dict[str, Any] | None:
    """Hidden when nothing waits."""
    count = len(seal_queue.pending_seals(user))
    return {"count": count} if count else None


register_widget(
    Widget(
        "seal_queue",
        "signatures/_seal_queue_widget.html",
        build_seal_queue,
        permission=SEAL_PERMISSION,
        order=15,
    )
)
