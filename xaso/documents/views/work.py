"""My documents to handle, overdue documents, and pending work per official (leaders)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xaso.documents import selectors
from xaso.documents.services import handling
from xaso.documents.views.common import actor_of
from xaso.documents.views.common import require

TRACK = ("documents.assign_documents", "documents.view_document_registers")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, handling.HANDLE_PERMISSION, handling.ASSIGN_PERMISSION)
    return render(
        request,
        "documents/inbox.html",
        {
            "documents": selectors.inbox_for(user=actor),
            "presented": selectors.presented_to(user=actor),
            "drafts_to_sign": selectors.outgoing_for(actor)
            .filter(unit_id=actor.unit_id, signer=actor, status__in=["in_review", "approved"])
            .order_by("submitted_at"),
            "received": selectors.outgoing_for(actor)
            .filter(distributions__user=actor, distributions__delivered_at__isnull=False)
            .order_by("-released_at")[:20],
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *TRACK)
    return render(
        request,
        "documents/overdue.html",
        {"documents": selectors.overdue(user=actor).prefetch_related("handlers__user")},
    )


@login_required
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, *TRACK)
    return render(
        request,
        "documents/pending.html",
        {
            "loads": selectors.pending_per_official(user=actor),
            "stats": selectors.stats_for(user=actor, year=timezone.localdate().year),
        },
    )
