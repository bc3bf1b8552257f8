"""`load_demo_exchange`: the demo commune and province exchange a package over HTTP."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from xaso.core.models import AdministrativeUnit
from xaso.interop import services
from xaso.interop.edxml import types as t
from xaso.interop.models import InboundPackage
from xaso.interop.models import Peer
from xaso.interop.tests.factories import make_package

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_peers_exchange_over_loopback(live_server):
    with override_settings(XASO_PUBLIC_BASE_URL=live_server.url):
        call_command("load_demo_commune", verbosity=0)
        call_command("load_demo_exchange", verbosity=0)
        call_command("load_demo_exchange", verbosity=0)  # idempotent
    assert Peer.objects.count() == 2
    commune = AdministrativeUnit.objects.get(code=16777)
    province = AdministrativeUnit.objects.get(code=40)
    package = make_package(
        from_=t.Organization(organ_id="H41.16777"),
        to=[t.Organization(organ_id="000.00.00.H41")],
    )
    [outbound] = services.send_document(unit=commune, package=package)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.answer_code) == ("delivered", "01")
    assert InboundPackage.objects.get().unit == province


@override_settings(XASO_PRODUCTION=True)
def test_demo_exchange_refused_in_production():
    with pytest.raises(CommandError, match="XASO_PRODUCTION"):
        call_command("load_demo_exchange")
    assert not Peer.objects.exists()
