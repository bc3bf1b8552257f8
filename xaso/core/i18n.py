"""The language of official texts: always Vietnamese, whatever the acting user's UI language.

The English catalogue is for the screens only (docs/adr/0001). A Vietnamese administration's
papers are in Vietnamese (Luật Ban hành văn bản QPPL; ND 30/2020 on văn bản hành chính), so
everything that leaves the screen goes through here:

- printed or exported papers (PDF forms, certificates, registers, XLSX books): `render_pdf`
  renders its template under `official_text()`, and the views/services that build a paper's
  context are decorated with `@official_language` so labels computed before the template
  (choice labels, `gettext` calls) are Vietnamese too;
- texts stored in the database (history notes, fee basis, exemption reasons, audit labels)
  or sent to another agency or a citizen (transfer statuses, e-mails, SMS, signature
  reasons): written with `official(...)` or inside `with official_text():`.

Otherwise an official who switched the footer to EN would print "PEOPLE'S COMMITTEE OF …"
or store an English note that every other reader then sees.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec
from typing import TypeVar

from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")

# Also the platform's default language (LANGUAGE_CODE in config/settings/base.py).
OFFICIAL_LANGUAGE = "vi"


def official_text() -> translation.override:
    """Context manager activating Vietnamese for the block (a new one per use: an
    `override` instance keeps the previous language, so it is not shared between calls)."""
    return translation.override(OFFICIAL_LANGUAGE)


def official_language(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: `func` (a view printing a paper, a builder of its context) runs in Vietnamese.

    Errors raised inside (404, 403) leave the block, so their pages keep the user's language.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with official_text():
            return func(*args, **kwargs)

    return wrapper


def official(text: object, values: dict[str, object] | None = None) -> str:
    """`text` (a lazy translation) as a str in Vietnamese, %-formatted with `values` if given
    (lazy values, e.g. choice labels, are rendered in Vietnamese too).

    Use it where a translated string is stored or sent: evaluate it here, not later in
    whatever language the reader happens to use.
    """
    with official_text():
        return str(text) % values if values is not None else str(text)


def official_call(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`func(*args, **kwargs)` evaluated in Vietnamese (a text built from several pieces)."""
    with official_text():
        return func(*args, **kwargs)
