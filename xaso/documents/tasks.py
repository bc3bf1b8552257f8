"""Background jobs of the documents app. Thin: one call, idempotent."""

from django_tasks import task

from xaso.documents.services.reminders import send_reminders


@task()
def send_document_reminders() -> int:
    """Remind officials of documents due by the next working day or overdue (once a day).

    Enqueued daily by `manage.py send_document_reminders` (cron or a systemd timer) and
    run by `db_worker`.
    """
    return send_reminders()
