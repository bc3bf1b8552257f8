"""Register an agency a unit exchanges edXML packages with, and print the token it must use.

    manage.py interop_add_peer --unit 16777 --organ-id H55.242 --name "UBND xã B" \
        --url https://xaso.b.example.vn/lien-thong/edxml/ --outbound-token <token B gave us>
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from xaso.core.models import AdministrativeUnit
from xaso.interop import services


class Command(BaseCommand):
    help = "Thiết lập liên thông với một cơ quan; in mã truy cập cơ quan đó dùng để gửi đến."

    def add_arguments(self, parser):
        parser.add_argument("--unit", type=int, required=True, help="mã đơn vị hành chính")
        parser.add_argument("--organ-id", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--url", default="", help="địa chỉ nhận gói tin của cơ quan đó")
        parser.add_argument("--outbound-token", default="", help="mã truy cập cơ quan đó cấp")
        parser.add_argument("--inbound-token", default=None, help="mặc định: sinh ngẫu nhiên")

    def handle(self, *args, **options):
        unit = AdministrativeUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị {options['unit']}.")
        try:
            peer, token = services.add_peer(
                unit=unit,
                organ_id=options["organ_id"],
                name=options["name"],
                endpoint_url=options["url"],
                outbound_token=options["outbound_token"],
                inbound_token=options["inbound_token"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{peer.organ_id}: {token}")
