"""Verify the hash chains of the audit trail; fail (non-zero exit) when one is broken.

Meant for a nightly job and for inspections: `manage.py verify_audit [--unit 16777]`.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from xaso.core.audit import all_chain_keys
from xaso.core.audit import chain_key_for
from xaso.core.audit import check_chain
from xaso.core.models import AdministrativeUnit


def _unit_from_gso_code(value: str) -> AdministrativeUnit:
    # Province and commune codes overlap as integers (40 is Nghệ An and also a commune
    # code range), so the written length decides, as GSO prints them: 1–2 digits for a
    # province, 3–5 for a commune.
    text = value.strip()
    if not text.isdigit() or len(text) > 5:
        raise CommandError(f"Mã đơn vị không hợp lệ: {value!r} (mã GSO gồm 2 hoặc 5 chữ số).")
    level = (
        AdministrativeUnit.Level.PROVINCE if len(text) <= 2 else AdministrativeUnit.Level.COMMUNE
    )
    unit = AdministrativeUnit.objects.filter(level=level, code=int(text)).first()
    if unit is None:
        raise CommandError(f"Không tìm thấy đơn vị có mã {text}.")
    return unit


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của nhật ký hệ thống (chuỗi mã băm): phát hiện sự kiện bị "
        "sửa, xóa hoặc đổi thứ tự. Thoát với mã lỗi khi có chuỗi bị phá vỡ."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--unit",
            metavar="MÃ_GSO",
            help="Chỉ kiểm tra nhật ký của một đơn vị (mã tỉnh 2 chữ số, mã xã 5 chữ số).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"]:
            unit = _unit_from_gso_code(options["unit"])
            keys = [chain_key_for(unit)]
            self.stdout.write(f"Đơn vị: {unit.name} ({unit.gso_code})")
        else:
            keys = all_chain_keys()
        events = 0
        broken = 0
        problems = 0
        for key in keys:
            report = check_chain(key)
            events += report.events
            if report.ok:
                continue
            broken += 1
            problems += len(report.problems)
            for problem in report.problems:
                self.stdout.write(
                    self.style.ERROR(
                        f"[{problem.chain_key}] #{problem.sequence}: {problem.message}"
                    )
                )
        self.stdout.write(
            f"Đã kiểm tra {len(keys)} chuỗi, {events} sự kiện; {broken} chuỗi có lỗi, "
            f"{problems} bất thường."
        )
        if broken:
            raise CommandError(f"Nhật ký không toàn vẹn: {broken} chuỗi có lỗi.")
        self.stdout.write(self.style.SUCCESS("Nhật ký toàn vẹn."))
