"""Background jobs of the exchange (docs/adr/0002-background-jobs.md).

The outbox row is the durable state (status, attempts, next attempt, last error); a job
only says "try this row now". A lost job is harmless: `flush_outbox` (run it from cron or
`manage.py interop_flush_outbox`) re-enqueues every row that is due. Receivers are
idempotent, so a package delivered twice (worker killed after the POST) is stored once.
"""

from typing import Any

from django.utils import timezone
from django_tasks import task

from xaso.interop import services

# Rerunning failed document handlers: 1 min, 2 min, 4 min … like deliveries.
MAX_HANDLER_ATTEMPTS = 8


@task()
def deliver_package(outbound_id: int) -> dict[str, Any]:
    """Try to deliver one outbox package; on a temporary failure enqueue the next try."""
    result = services.attempt_delivery(outbound_id=outbound_id)
    if result.retry_at is not None and deliver_package.get_backend().supports_defer:
        deliver_package.using(run_after=result.retry_at).enqueue(outbound_id=outbound_id)
    return {
        "status": result.status,
        "retry_at": result.retry_at.isoformat() if result.retry_at else None,
    }


@task()
def flush_outbox() -> int:
    """Enqueue a delivery for every pending package that is due; returns how many."""
    ids = list(services.due_outbound().values_list("pk", flat=True))
    for outbound_id in ids:
        deliver_package.enqueue(outbound_id=outbound_id)
    return len(ids)


@task()
def rerun_document_handlers(inbound_id: int, attempt: int = 1) -> dict[str, Any]:
    handled = services.rerun_handlers(inbound_id=inbound_id)
    if not handled and attempt < MAX_HANDLER_ATTEMPTS:
        job = rerun_document_handlers
        # Only with a queue that can wait (the immediate backend of tests would loop).
        if job.get_backend().supports_defer:
            job.using(run_after=timezone.now() + services.retry_delay(attempt)).enqueue(
                inbound_id=inbound_id, attempt=attempt + 1
            )
    return {"handled": handled, "attempt": attempt}
