"""Record the OrganId (QĐ 20/2020) a hosted unit uses in edXML packages."""

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from xaso.core.models import AdministrativeUnit
from xaso.interop.edxml.rules import ORGAN_ID_RE
from xaso.interop.models import AgencyCode


class Command(BaseCommand):
    help = "Gán mã định danh cơ quan (QĐ 20/2020) cho một đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("--unit", type=int, required=True)
        parser.add_argument("--organ-id", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, **options):
        unit = AdministrativeUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị {options['unit']}.")
        if not ORGAN_ID_RE.fullmatch(options["organ_id"]):
            raise CommandError(
                "Mã định danh chỉ gồm dấu chấm, chữ số, chữ in hoa; tối đa 35 ký tự."
            )
        code, _created = AgencyCode.objects.update_or_create(
            organ_id=options["organ_id"], defaults={"unit": unit, "organ_name": options["name"]}
        )
        self.stdout.write(str(code))
