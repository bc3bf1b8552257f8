"""Diacritics-insensitive search that behaves the same on SQLite and PostgreSQL.

Records keep a normalized copy of their searchable text (lower case, no tone marks,
"đ" → "d", single spaces); queries are normalized the same way and matched word by word.
This avoids PostgreSQL's `unaccent` extension (needs superuser) and SQLite's ASCII-only
`LIKE`.

Matching is by **word prefix**: every word of the query must begin a word of the text, in
any order. "nguyen an" finds "Nguyễn Văn An" and also "Nguyễn Văn Anh" (people type names
incrementally, so a prefix must match), but "an" does not find "Trần Thị Lan" or "Thanh":
a plain substring match would return most of a unit's staff for a two-letter query.
"""

import unicodedata
from functools import reduce
from operator import and_
from typing import TypeVar

from django.db.models import Model
from django.db.models import Q
from django.db.models import QuerySet

M = TypeVar("M", bound=Model)

# "đ" is a letter of its own in Unicode (no decomposition into d + mark), so NFD alone
# would keep it; "ð" is the look-alike some keyboards and OCR produce.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def normalize_search_text(text: str | None) -> str:
    """Return `text` lower-cased, without diacritics, with single spaces.

    Accepts NFC (precomposed) and NFD (decomposed) input alike.

    >>> normalize_search_text("Nguyễn  Văn Đạt")
    'nguyen van dat'
    """
    if not text:
        return ""
    # casefold before stripping marks: casefolding can itself produce combining marks
    # ("İ" → "i" + U+0307), which must then be stripped too.
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL).casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.split())


def search_filter(field: str, query: str | None, *, separator: str = " ") -> Q:
    """A `Q` matching records whose normalized `field` has a word starting with each query word.

    `separator` is the word separator of the stored text: a space for `search_text`
    fields, "_" for the national list's `codename` ("xa_quy_chau"). An empty query
    matches everything.
    """
    words = normalize_search_text(query).split()
    if not words:
        return Q()
    return reduce(
        and_,
        (
            Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": separator + word})
            for word in words
        ),
    )


def apply_search(
    queryset: "QuerySet[M]", query: str | None, field: str = "search_text"
) -> "QuerySet[M]":
    """Filter `queryset` by `query` on its normalized `field` (word-prefix match)."""
    return queryset.filter(search_filter(field, query))
