"""Diacritics-insensitive search that behaves the same on SQLite and PostgreSQL.

Records keep a normalized copy of their searchable text (lower case, no tone marks,
"đ" → "d"); queries are normalized the same way and matched word by word. This avoids
PostgreSQL's `unaccent` extension (needs superuser) and SQLite's ASCII-only `LIKE`.
"""

import unicodedata
from functools import reduce
from operator import and_
from typing import TypeVar

from django.db.models import Model
from django.db.models import Q
from django.db.models import QuerySet

M = TypeVar("M", bound=Model)

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def normalize_search_text(text: str | None) -> str:
    """Return `text` lower-cased, without diacritics, with single spaces.

    >>> normalize_search_text("Nguyễn  Văn Đạt")
    'nguyen van dat'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


def search_filter(field: str, query: str | None) -> Q:
    """A `Q` that matches records whose normalized `field` contains every word of `query`.

    An empty query matches everything.
    """
    words = normalize_search_text(query).split()
    if not words:
        return Q()
    return reduce(and_, (Q(**{f"{field}__contains": word}) for word in words))


def apply_search(
    queryset: "QuerySet[M]", query: str | None, field: str = "search_text"
) -> "QuerySet[M]":
    """Filter `queryset` by `query` on its normalized `field`."""
    return queryset.filter(search_filter(field, query))
