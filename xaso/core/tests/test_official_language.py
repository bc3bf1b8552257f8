"""The official-language helpers (xaso/core/i18n.py): official texts are Vietnamese even when
the acting user's screens are in English, and the user's language is restored afterwards."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from xaso.core.i18n import official
from xaso.core.i18n import official_call
from xaso.core.i18n import official_language
from xaso.core.testing import compiled_catalogues

HEADING = gettext_lazy("Cộng hòa xã hội chủ nghĩa Việt Nam")
COMMITTEE = gettext_lazy("ỦY BAN NHÂN DÂN %(name)s")


@pytest.fixture(autouse=True)
def english():
    with compiled_catalogues(), translation.override("en"):
        yield


def test_official_gives_the_vietnamese_text_on_an_english_screen():
    assert str(HEADING) == "Socialist Republic of Viet Nam"  # the screen's language

    assert official(HEADING) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert official(COMMITTEE, {"name": "XÃ QUỲ CHÂU"}) == "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU"
    assert translation.get_language() == "en"


def test_official_renders_lazy_values_in_vietnamese_too():
    text = official(gettext_lazy("%(what)s đã ký"), {"what": HEADING})

    assert text == "Cộng hòa xã hội chủ nghĩa Việt Nam đã ký"


def test_official_call_and_decorator_run_in_vietnamese_and_restore_the_language():
    @official_language
    def heading_then_fail():
        raise ValueError(str(HEADING))

    assert official_call(lambda: f"{HEADING} ({translation.get_language()})") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam (vi)"
    )
    with pytest.raises(ValueError, match="Cộng hòa xã hội chủ nghĩa Việt Nam"):
        heading_then_fail()
    assert translation.get_language() == "en"
