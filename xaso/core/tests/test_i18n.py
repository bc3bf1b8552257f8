"""The English catalogue (docs/adr/0001): complete, and actually used by the pages.

Message ids are Vietnamese; `locale/en/LC_MESSAGES/django.po` carries the English UI. A new
msgid left untranslated (or fuzzy) after `makemessages -l en` fails this suite.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import pgettext

from xaso.core import testing

LOGIN_URL = "/dang-nhap/"
PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture
def compiled_catalogues() -> Iterator[None]:
    with testing.compiled_catalogues():
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize(
    ("chosen", "heading"),
    [("en", "<h1>Sign in</h1>"), ("vi", "<h1>Đăng nhập</h1>")],
)
def test_login_page_follows_the_chosen_language(chosen: str, heading: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = chosen

    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert response["Content-Language"] == chosen
    assert f'<html lang="{chosen}">' in response.text
    assert heading in response.text


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues")
def test_browser_language_does_not_switch_the_ui_away_from_vietnamese() -> None:
    response = Client().get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi"
    assert "<h1>Đăng nhập</h1>" in response.text


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues")
def test_language_switch_sets_english_then_back() -> None:
    client = Client()

    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    english = client.get(LOGIN_URL)
    client.post("/i18n/setlang/", {"language": "vi", "next": LOGIN_URL})
    vietnamese = client.get(LOGIN_URL)

    assert "<h1>Sign in</h1>" in english.text
    assert "<h1>Đăng nhập</h1>" in vietnamese.text


def test_english_catalogue_is_complete() -> None:
    po = polib.pofile(str(PO_PATH))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert len(po) > 0
    assert untranslated == [], f"msgids without English translation: {untranslated}"
    assert fuzzy == [], f"fuzzy entries to check and unflag: {fuzzy}"
    assert po.metadata.get("Language") == "en"


def test_english_translations_keep_placeholders() -> None:
    wrong = []
    for entry in polib.pofile(str(PO_PATH)):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wrong.extend(
            entry.msgid for text in translations if set(PLACEHOLDER.findall(text)) != expected
        )
    assert wrong == [], f"translations whose %(name)s placeholders differ: {wrong}"


# (context, msgid, English). Passed as variables so that makemessages does not list this file.
HOMONYMS = [
    ("meeting chair", "Chủ trì", "Chaired by"),
    ("document handling role", "Chủ trì", "Lead"),
    ("button", "Duyệt", "Approve"),
    ("who approved and when", "Duyệt", "Approved"),
    ("button", "Trình duyệt", "Submit for approval"),
    ("outgoing document status", "Trình duyệt", "Submitted for approval"),
    ("work file", "Hồ sơ", "Work file"),
    ("one-stop dossier", "Hồ sơ", "Dossier"),
    ("one-stop dossiers", "Hồ sơ", "Dossiers"),
]


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize(("context", "msgid", "english"), HOMONYMS)
def test_msgids_with_two_meanings_have_one_english_text_per_context(
    context: str, msgid: str, english: str
) -> None:
    with translation.override("en"):
        assert pgettext(context, msgid) == english
    # Vietnamese, the msgid language, is the same whatever the context.
    assert pgettext(context, msgid) == msgid


def test_english_plural_forms_differ() -> None:
    """An ngettext entry whose two English forms are the same was translated by copy."""
    po = polib.pofile(str(PO_PATH))
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    same = [
        entry.msgid
        for entry in po
        if entry.msgid_plural and entry.msgstr_plural[0] == entry.msgstr_plural[1]
    ]
    assert same == [], f"plural entries with one English form for both: {same}"
