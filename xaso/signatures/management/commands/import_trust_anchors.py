"""`manage.py import_trust_anchors FILE...`: import root/intermediate CA certificates trusted
by every unit (e.g. the government CA's and the licensed public CAs' roots), or by one unit
with --unit. Files already imported are reported and skipped."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from xaso.core.exceptions import DomainError
from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.signatures import services


class Command(BaseCommand):
    help = "Nhập chứng thư gốc/trung gian tin cậy (PEM hoặc DER) cho toàn hệ thống."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Tệp chứng thư .pem/.cer/.crt/.der")
        parser.add_argument(
            "--admin",
            help="Tên đăng nhập quản trị đơn vị: nhập cho đơn vị của người này thay vì toàn hệ thống",
        )

    def handle(self, *args: object, **options: object) -> None:
        actor = None
        if options["admin"]:
            actor = User.objects.filter(username=options["admin"]).first()
            if actor is None or not isinstance(actor.unit, AdministrativeUnit):
                raise CommandError(f"Không có quản trị đơn vị “{options['admin']}”.")
        failures = 0
        for name in options["files"]:  # type: ignore[union-attr]
            path = Path(str(name))
            try:
                anchor = services.import_trust_anchor(
                    actor=actor, data=path.read_bytes(), for_all_units=actor is None
                )
            except OSError as error:
                failures += 1
                self.stderr.write(f"{path}: không đọc được tệp ({error.strerror}).")
            except DomainError as refusal:
                if refusal.code != "duplicate":
                    failures += 1
                self.stderr.write(f"{path}: {refusal.message}")
            else:
                self.stdout.write(
                    f"{path}: đã nhập {anchor.get_kind_display()} “{anchor.common_name}”."
                )
        if failures:
            raise CommandError(f"{failures} tệp không nhập được.")
