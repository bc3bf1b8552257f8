"""The signing forms offer the labels of the tokens plugged in, read through PKCS#11."""

import pytest
from django.urls import reverse

from xaso.signatures.forms import SigningKeyForm
from xaso.signatures.signing import visible_token_labels

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _list_tokens(settings):
    settings.XASO_PKCS11_LIST_TOKENS = True


def test_tokens_plugged_in_are_listed_by_the_library(softhsm_token):
    labels = visible_token_labels()
    assert {"chutich-test", "vanthu-test"} <= set(labels)


def test_a_missing_library_lists_nothing(tmp_path):
    assert visible_token_labels(str(tmp_path / "khong-co.so")) == []


def test_the_key_form_offers_the_labels_in_a_datalist(softhsm_token):
    html = str(SigningKeyForm()["token_label"])
    assert 'list="id_token_label-tokens"' in html
    assert '<datalist id="id_token_label-tokens">' in html
    assert '<option value="chutich-test">' in html
    assert '<option value="vanthu-test">' in html


def test_the_sign_page_offers_the_labels(client_as, chairman, softhsm_token):
    page = client_as(chairman).get(reverse("signatures:sign")).content.decode()
    assert '<option value="chutich-test">' in page


def test_without_a_token_library_the_label_is_typed(settings, tmp_path):
    settings.XASO_PKCS11_LIB = str(tmp_path / "khong-co.so")
    html = str(SigningKeyForm()["token_label"])
    assert "<datalist" not in html
    assert 'name="token_label"' in html


def test_listing_can_be_turned_off(settings, softhsm_token):
    settings.XASO_PKCS11_LIST_TOKENS = False
    assert "<datalist" not in str(SigningKeyForm()["token_label"])
