"""`manage.py load_demo_exchange`: the demo commune and province as exchange peers over
loopback, or, with `--province-url`, the commune wired to the province deployment of
`make run-province` (refused in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from xaso.interop.demo import load_demo_exchange


class Command(BaseCommand):
    help = "Thiết lập liên thông văn bản minh họa giữa xã và tỉnh (không chạy khi XASO_PRODUCTION bật)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province-url",
            default="",
            help="Địa chỉ nhận gói tin của hệ thống cấp tỉnh riêng (make run-province), "
            "ví dụ http://127.0.0.1:8001/lien-thong/edxml/",
        )

    def handle(self, *args, **options):
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo dữ liệu minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        url = options["province_url"].strip()
        if url and not url.startswith(("http://", "https://")):
            raise CommandError(f"Địa chỉ không hợp lệ: {url}")
        commune, province = load_demo_exchange(province_url=url)
        where = url or "cùng hệ thống"
        self.stdout.write(f"Liên thông minh họa: {commune.name} ↔ {province.name} ({where})")
