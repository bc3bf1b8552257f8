"""`manage.py load_demo_province`: this deployment becomes the demo province (Nghệ An) of
`make run-province`, with the demo commune's deployment as its exchange peer (refused in
production; idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from xaso.core.demo import DEMO_PASSWORD
from xaso.interop.demo import DEMO_PROVINCE_ACCOUNTS
from xaso.interop.demo import DemoSetupError
from xaso.interop.demo import load_demo_province


class Command(BaseCommand):
    help = (
        "Tạo tỉnh minh họa (một cửa, cán bộ, khóa ký của cơ quan) và liên thông với xã minh "
        "họa ở hệ thống khác (không chạy khi XASO_PRODUCTION bật)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--commune-url",
            default="http://127.0.0.1:8000/lien-thong/edxml/",
            help="Địa chỉ nhận gói tin của hệ thống cấp xã (make run)",
        )
        parser.add_argument(
            "--pki-directory",
            default=str(settings.VAR_DIR / "province" / "pki"),
            help="Thư mục khóa ký minh họa của tỉnh",
        )
        parser.add_argument(
            "--shared-ca",
            default=str(settings.VAR_DIR / "pki" / "ca"),
            help="Thư mục CA minh họa dùng chung với hệ thống cấp xã",
        )
        parser.add_argument("--no-tokens", action="store_true", help="Không tạo SoftHSM token")

    def handle(self, *args: object, **options: object) -> None:
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo dữ liệu minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        url = str(options["commune_url"]).strip()
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"Địa chỉ không hợp lệ: {url}")
        try:
            province, users = load_demo_province(
                commune_url=url,
                pki_directory=Path(str(options["pki_directory"])),
                shared_ca=Path(str(options["shared_ca"])),
                softhsm_conf=None if options["no_tokens"] else Path(settings.XASO_SOFTHSM2_CONF),
                write=self.stdout.write,
            )
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        titles = {account.username: account.job_title for account in DEMO_PROVINCE_ACCOUNTS}
        self.stdout.write(f"Tỉnh minh họa: {province.name}; liên thông với xã tại {url}")
        self.stdout.write(f"Mật khẩu chung của các tài khoản mẫu: {DEMO_PASSWORD}")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {titles.get(user.username, '')}")
