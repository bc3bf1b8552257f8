"""A one-stop officer whose screens are in English still prints the legal forms in Vietnamese
and stores Vietnamese texts (xaso/core/i18n.py); the desk pages stay in English."""

import pytest
from django.conf import settings

from xaso.core.testing import compiled_catalogues
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import ReceptionNotice
from xaso.dossiers.tests.test_reception_views import _data
from xaso.dossiers.tests.test_reception_views import _docs
from xaso.dossiers.tests.test_reception_views import _monday_morning  # noqa: F401 (autouse)
from xaso.dossiers.tests.test_reception_views import _pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_counter(client_as, counter_officer):
    client = client_as(counter_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with compiled_catalogues():
        yield client


def assert_no_english_heading(text: str) -> None:
    assert "SOCIALIST REPUBLIC" not in text.upper()
    assert "PEOPLE'S COMMITTEE" not in text.upper()
    assert "Independence" not in text


def test_receipt_prints_in_vietnamese_while_the_desk_is_in_english(
    english_counter, procedure, applicant
):
    english_counter.post("/mot-cua/tiep-nhan/", _data(procedure, applicant=applicant))
    dossier = Dossier.objects.get()

    page = english_counter.get(f"/mot-cua/tiep-nhan/da-tiep-nhan/{dossier.pk}/")
    text = _pdf_text(english_counter.get(f"/mot-cua/ho-so/{dossier.pk}/giay-tiep-nhan.pdf"))

    assert page["Content-Language"] == "en"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    # Computed by the view before the template (service texts): Vietnamese too.
    assert "Thời gian giải quyết hồ sơ theo quy định là: 05 ngày làm việc" in text
    assert "Đăng ký nhận kết quả tại: Bộ phận Một cửa, Xã Quỳ Châu" in text
    assert_no_english_heading(text)


def test_supplement_notice_stores_and_prints_the_default_reason_in_vietnamese(
    english_counter, procedure, applicant
):
    identity = _docs(procedure)[1]
    data = _data(procedure, applicant=applicant, action="incomplete")
    del data[f"doc_{identity.pk}_received"]

    response = english_counter.post("/mot-cua/tiep-nhan/", data)

    notice = ReceptionNotice.objects.get()
    assert response.status_code == 302
    assert notice.reason == "Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục."
    page = english_counter.get(response["Location"])
    assert page["Content-Language"] == "en"
    text = _pdf_text(english_counter.get(f"/mot-cua/phieu/{notice.pk}.pdf"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục." in text
    assert_no_english_heading(text)
