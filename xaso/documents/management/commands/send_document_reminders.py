"""Enqueue today's deadline reminders of incoming documents (run daily from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from xaso.documents.tasks import send_document_reminders


class Command(BaseCommand):
    help = "Đưa vào hàng đợi việc nhắc hạn giải quyết văn bản đến (chạy hằng ngày)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_document_reminders.enqueue()
        self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
