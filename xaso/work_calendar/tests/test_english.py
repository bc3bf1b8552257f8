"""The week page in English: "Chủ trì" is who chairs a meeting here (msgctxt "meeting chair"),
not the lead handler of a document."""

import pytest
from django.conf import settings

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
