"""`manage.py create_demo_pki`: demo CA, PKCS#12 files and SoftHSM tokens for the demo
commune's signers (refused in production; idempotent; skips tokens without SoftHSM2)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from xaso.core.models import AdministrativeUnit
from xaso.signatures.demo import create_demo_pki


class Command(BaseCommand):
    help = (
        "Tạo CA minh họa, tệp khóa PKCS#12 và thiết bị ký số mô phỏng (SoftHSM2) cho các "
        "tài khoản mẫu (không chạy khi XASO_PRODUCTION bật)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", type=int, default=16777, help="Mã đơn vị hành chính")
        parser.add_argument(
            "--directory", default=str(settings.VAR_DIR / "pki"), help="Thư mục lưu khóa"
        )
        parser.add_argument("--no-tokens", action="store_true", help="Không tạo SoftHSM token")

    def handle(self, *args: object, **options: object) -> None:
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo khóa minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        unit = AdministrativeUnit.objects.filter(
            code=options["unit"], level=AdministrativeUnit.Level.COMMUNE
        ).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        conf = None if options["no_tokens"] else Path(settings.XASO_SOFTHSM2_CONF)
        create_demo_pki(
            directory=Path(str(options["directory"])),
            unit=unit,
            softhsm_conf=conf,
            write=self.stdout.write,
        )
