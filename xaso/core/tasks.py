"""Background jobs of the kernel. Tasks are thin: primitives in, one call, idempotent."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, recipients: list[str], html_body: str = "") -> int:
    """Send one e-mail (password reset, account notices). Returns the number sent.

    Enqueue it with `transaction.on_commit(lambda: send_email.enqueue(...))` so a
    rolled-back change never sends mail.
    """
    return send_mail(
        subject=subject,
        message=body,
        from_email=None,
        recipient_list=recipients,
        html_message=html_body or None,
    )
