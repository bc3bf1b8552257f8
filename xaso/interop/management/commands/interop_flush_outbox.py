"""Enqueue delivery of every edXML package in the outbox that is due (run from cron: a job
lost with a worker is then picked up again)."""

from django.core.management.base import BaseCommand

from xaso.interop.tasks import flush_outbox


class Command(BaseCommand):
    help = "Đưa các gói tin đến hạn gửi lại vào hàng đợi."

    def handle(self, *args, **options):
        count = flush_outbox.call()
        self.stdout.write(f"{count} gói tin")
