"""`manage.py load_demo_exchange`: the demo commune and province as exchange peers over
loopback (refused in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from xaso.interop.demo import load_demo_exchange


class Command(BaseCommand):
    help = "Thiết lập liên thông văn bản minh họa giữa xã và tỉnh (không chạy khi XASO_PRODUCTION bật)."

    def handle(self, *args, **options):
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo dữ liệu minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        commune, province = load_demo_exchange()
        self.stdout.write(f"Liên thông minh họa: {commune.name} ↔ {province.name}")
