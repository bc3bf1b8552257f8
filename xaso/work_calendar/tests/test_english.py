"""The week page in English: "Chủ trì" is who chairs a meeting here (msgctxt "meeting chair"),
not the lead handler of a document."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from xaso.core.testing import compiled_catalogues
from xaso.work_calendar.tests.conftest import WEEK

pytestmark = pytest.mark.django_db

WEEK_URL = f"/lich-cong-tac/?tuan={WEEK.isoformat()}"


@pytest.mark.parametrize(("language", "header"), [("en", "Chaired by"), ("vi", "Chủ trì")])
def test_week_table_names_the_chair(client_as, published_week, official, language, header):
    client = client_as(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    with compiled_catalogues():
        response = client.get(WEEK_URL)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<th scope="col">{header}</th>' in response.text


def test_week_pdf_is_printed_in_vietnamese_from_an_english_session(
    client_as, published_week, official
):
    """The printed week is an official paper (xaso/core/i18n.py); the page stays English."""
    client = client_as(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with compiled_catalogues():
        page = client.get(WEEK_URL)
        response = client.get(f"/lich-cong-tac/tuan/{WEEK.isoformat()}/lich-tuan.pdf")

    assert page["Content-Language"] == "en"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "LỊCH CÔNG TÁC TUẦN 50" in text
    assert "Chủ trì" in text
    assert "Chaired by" not in text
    assert "SOCIALIST REPUBLIC" not in text.upper()
