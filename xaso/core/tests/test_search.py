"""Diacritics-insensitive, word-prefix search (xaso/core/search.py).

What is promised: every word of the query must begin a word of the stored text, in any
order, ignoring case, tone marks and đ/d. So "an" finds "An" and "Anh" (a prefix) but not
"Lan" or "Thanh" (inside a word).
"""

import unicodedata

import pytest
from django.db.models import Q

from xaso.core.models import AdministrativeUnit
from xaso.core.models import User
from xaso.core.search import apply_search
from xaso.core.search import normalize_search_text
from xaso.core.search import search_filter
from xaso.core.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Đặng", "dang"),
        ("đặng thị Đào", "dang thi dao"),
        ("NGUYỄN văn AN", "nguyen van an"),
        ("  Nguyễn   Văn\tAn \n", "nguyen van an"),
        ("Xã Quỳ Châu", "xa quy chau"),
        ("Phường Hòa Khánh", "phuong hoa khanh"),
        ("Thuỷ Thủy", "thuy thuy"),
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_normalize_search_text(text: str | None, expected: str) -> None:
    assert normalize_search_text(text) == expected


def test_normalize_search_text_is_the_same_for_nfc_and_nfd_input() -> None:
    nfc = unicodedata.normalize("NFC", "Nguyễn Thị Ánh Đào")
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Đào")
    assert nfc != nfd

    assert normalize_search_text(nfc) == "nguyen thi anh dao"
    assert normalize_search_text(nfd) == "nguyen thi anh dao"


def test_empty_query_matches_everything() -> None:
    assert search_filter("search_text", "") == Q()
    assert search_filter("search_text", "  ") == Q()
    assert search_filter("search_text", None) == Q()


@pytest.fixture
def people(commune: AdministrativeUnit) -> dict[str, User]:
    names = {
        "an": "Nguyễn Văn An",
        "anh": "Nguyễn Văn Anh",
        "lan": "Trần Thị Lan",
        "thanh": "Lê Thanh Bình",
        "dung": "Đỗ Thị Dung",
        "dao": "Phạm Đào",
    }
    return {
        key: UserFactory(unit=commune, username=f"user_{key}", full_name=name)
        for key, name in names.items()
    }


def _found(query: str) -> set[str]:
    return set(
        apply_search(User.objects.filter(username__startswith="user_"), query).values_list(
            "username", flat=True
        )
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen van an", {"user_an", "user_anh"}),
        ("Nguyễn Văn An", {"user_an", "user_anh"}),
        ("NGUYEN an", {"user_an", "user_anh"}),
        ("an nguyen", {"user_an", "user_anh"}),
        ("van anh", {"user_anh"}),
        ("an", {"user_an", "user_anh"}),
        ("nguyen van anh", {"user_anh"}),
        ("lan", {"user_lan"}),
        ("thanh", {"user_thanh"}),
        ("đỗ", {"user_dung"}),
        ("do dung", {"user_dung"}),
        ("DO", {"user_dung"}),
        ("dao", {"user_dao"}),
        ("Đào", {"user_dao"}),
        ("nguyen thi", set()),
        ("xyz", set()),
    ],
)
def test_apply_search_on_user_names(
    people: dict[str, User], query: str, expected: set[str]
) -> None:
    assert _found(query) == expected


def test_a_query_inside_a_word_does_not_match(people: dict[str, User]) -> None:
    # "an" is inside "Lan" and "Thanh", "hanh" inside "Thanh": substring matches are not wanted.
    assert "user_lan" not in _found("an")
    assert "user_thanh" not in _found("an")
    assert _found("hanh") == set()


def test_search_by_username_and_email_prefix(people: dict[str, User]) -> None:
    assert _found("user_dao") == {"user_dao"}
    assert _found("user_dao@example") == {"user_dao"}


def test_search_on_codename_with_underscore_separator(commune: AdministrativeUnit) -> None:
    nghe_an = AdministrativeUnit.objects.filter(parent=commune.parent)

    found = nghe_an.filter(search_filter("codename", "quy chau", separator="_"))

    assert list(found.values_list("name", flat=True)) == ["Xã Quỳ Châu"]
