"""Load the shipped procedure catalog (xaso/dossiers/data/procedures.json) into a commune.

    manage.py load_procedures --unit 16777

Goes through the same import service as the unit administrator's import page, so the
records are validated first and nothing is saved on any error. Idempotent: procedures
already loaded and unchanged are left alone; changed ones are updated by code.
Procedures whose legal time is unknown in the domain notes are loaded inactive (see
each record's time_limit_note) until the unit confirms them.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from xaso.core.models import AdministrativeUnit
from xaso.dossiers import catalog_io

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "procedures.json"


class Command(BaseCommand):
    help = "Nạp danh mục thủ tục hành chính mẫu vào một xã (theo mã đơn vị GSO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã GSO của xã, phường (5 chữ số).")
        parser.add_argument(
            "--file", default=str(DEFAULT_FILE), help="Tệp JSON hoặc XLSX (mặc định: tệp mẫu)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = int(options["unit"])
        except ValueError as exc:
            raise CommandError(f"Mã đơn vị không hợp lệ: {options['unit']}") from exc
        unit = AdministrativeUnit.objects.communes().filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không có xã, phường mã {code:05d} trong danh mục đơn vị.")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        try:
            result = catalog_io.import_file(
                actor=None, unit=unit, filename=path.name, content=content
            )
        except catalog_io.CatalogImportError as exc:
            raise CommandError("\n".join(["Không nạp được danh mục:", *exc.errors])) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{unit.name} ({unit.gso_code}): thêm {len(result.created)}, "
                f"cập nhật {len(result.updated)}, giữ nguyên {len(result.unchanged)} thủ tục."
            )
        )
