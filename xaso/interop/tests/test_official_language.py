"""A province desk whose screens are in English still sends Vietnamese to the commune: the
transfer statuses, the signature's reason and the delivery note (xaso/core/i18n.py)."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from xaso.core.testing import compiled_catalogues
from xaso.dossiers.models import Dossier
from xaso.interop.models import DossierTransfer
from xaso.interop.tests.test_dossier_transfer_pages import PASSPHRASE
from xaso.interop.tests.test_dossier_transfer_pages import TO_COMMUNE
from xaso.interop.tests.test_dossier_transfer_pages import TO_PROVINCE
from xaso.interop.tests.test_dossier_transfer_pages import _deliver
from xaso.interop.tests.test_dossier_transfer_pages import _post_transfer
from xaso.interop.tests.test_dossier_transfer_pages import _to_result
from xaso.interop.tests.test_dossier_transfer_pages import pair  # noqa: F401 (fixture)
from xaso.interop.tests.test_dossier_transfer_pages import province_key  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def signature_reasons(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    fields = reader.get_fields() or {}
    return [
        str(field["/V"].get_object().get("/Reason"))
        for field in fields.values()
        if field.get("/FT") == "/Sig" and field.get("/V") is not None
    ]


@override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False)
def test_an_english_province_desk_sends_the_commune_vietnamese_texts(
    pair,  # noqa: F811
    client_as,
    province_key,  # noqa: F811
):
    _post_transfer(client_as(pair.official), pair)
    _deliver(pair.commune, TO_PROVINCE)
    with compiled_catalogues():
        with translation.override("en"):  # the province's officials work in English
            dossier = _to_result(pair)
        client = client_as(pair.p_counter)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(reverse("interop:dossier_transfer_status", args=[dossier.pk]))
        sent = client.post(
            reverse("interop:dossier_send_result", args=[dossier.pk]),
            {
                "method": "pkcs12",
                "key_file": SimpleUploadedFile("to-chuc.p12", province_key),
                "passphrase": PASSPHRASE,
            },
        )

    assert page["Content-Language"] == "en"
    assert sent.status_code == 302
    province_dossier = Dossier.objects.get(pk=dossier.pk)
    assert province_dossier.status == "returned"
    peer_name = DossierTransfer.objects.get(direction="in").peer.name
    assert province_dossier.returned_to == f"Bộ phận Một cửa {peer_name} (liên thông)"
    _deliver(pair.province, TO_COMMUNE)
    link = DossierTransfer.objects.get(direction="out")
    descriptions = list(link.statuses.order_by("pk").values_list("description", flat=True))
    assert descriptions == [
        "Đang giải quyết.",
        "Đã có kết quả giải quyết, chờ gửi về.",
        "Đã nhận kết quả số 15/GP",
    ]
    with link.result_file.open("rb") as handle:
        reasons = signature_reasons(handle.read())
    assert reasons == [f"Kết quả giải quyết hồ sơ {dossier.code}"]
