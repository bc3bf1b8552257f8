"""Demo exchange for `make run`: the demo commune and its province exchange edXML packages
over loopback (this deployment's own endpoint), as two agencies would. Idempotent."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xaso.core.demo import DEMO_COMMUNE_CODE
from xaso.core.demo import DEMO_PROVINCE_CODE
from xaso.core.models import AdministrativeUnit
from xaso.core.models import AgencyIdentifier
from xaso.interop import services

# Nghệ An's identifier as seen in published packages (documents.md §9.1, M); the post-2025
# value is Unknown and administrators enter the real one.
DEMO_PROVINCE_IDENTIFIER = "000.00.00.H41"
# Demo tokens only (refused in production, like every demo data).
COMMUNE_TO_PROVINCE_TOKEN = "demo-xa-gui-tinh"  # noqa: S105
PROVINCE_TO_COMMUNE_TOKEN = "demo-tinh-gui-xa"  # noqa: S105


@transaction.atomic
def load_demo_exchange() -> tuple[AdministrativeUnit, AdministrativeUnit]:
    commune = AdministrativeUnit.objects.get(code=DEMO_COMMUNE_CODE)
    province = AdministrativeUnit.objects.get(code=DEMO_PROVINCE_CODE)
    if not province.agency_identifiers.exists():
        AgencyIdentifier.objects.create(
            unit=province,
            identifier=DEMO_PROVINCE_IDENTIFIER,
            valid_from=datetime.date(2025, 7, 1),
            note="Dữ liệu minh họa",
        )
    today = timezone.localdate()
    endpoint = settings.XASO_PUBLIC_BASE_URL.rstrip("/") + "/lien-thong/edxml/"
    services.add_peer(
        unit=commune,
        organ_id=province.agency_identifier_on(today),
        name=f"UBND {province.name}",
        endpoint_url=endpoint,
        outbound_token=COMMUNE_TO_PROVINCE_TOKEN,
        inbound_token=PROVINCE_TO_COMMUNE_TOKEN,
    )
    services.add_peer(
        unit=province,
        organ_id=commune.agency_identifier_on(today),
        name=f"UBND {commune.name}",
        endpoint_url=endpoint,
        outbound_token=PROVINCE_TO_COMMUNE_TOKEN,
        inbound_token=COMMUNE_TO_PROVINCE_TOKEN,
    )
    return commune, province
