"""Reusable test helpers; imported by every app's tests (never by production code).

`assert_isolation` is the tenancy check each view and API route must pass:
right unit + right role → allowed; right unit + wrong role → 403; a user of another
unit → 404 (no existence leak); anonymous → login redirect (pages) or 401 (API).
"""

import io
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from xaso.core.models import User


@dataclass
class IsolationCase:
    """One URL addressing a record (or page) of one unit, and the users to try it with.

    - `allowed`: a user of the record's unit holding the needed position.
    - `wrong_role`: a user of the same unit without it (None when every staff member may).
    - `other_unit`: a user of another unit holding the same positions as `allowed`.
    - `other_unit_status`: 404 for URLs naming a record. For pages that show "my unit's"
      data (no record in the URL) pass 200 and a `hidden_text` that must not appear.
    """

    url: str
    allowed: User
    other_unit: User
    wrong_role: User | None = None
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    api: bool = False
    allowed_status: int | tuple[int, ...] = (200, 302)
    other_unit_status: int = 404
    hidden_text: str | None = None
    content_type: str | None = None
    # Called before each request, e.g. to recreate a record the allowed request deleted.
    before_each: Callable[[], None] | None = None


def _request(client: Client, case: IsolationCase) -> Any:
    if case.before_each:
        case.before_each()
    kwargs: dict[str, Any] = {}
    if case.method != "get":
        if case.content_type:
            kwargs["content_type"] = case.content_type
        return getattr(client, case.method)(case.url, case.data, **kwargs)
    return client.get(case.url, case.data)


def _statuses(value: int | tuple[int, ...]) -> tuple[int, ...]:
    return value if isinstance(value, tuple) else (value,)


def assert_isolation(case: IsolationCase) -> None:
    """Run the four tenancy checks on `case`; the allowed request runs last."""
    anonymous = _request(Client(), case)
    if case.api:
        assert anonymous.status_code == 401, f"anonymous {case.url}: {anonymous.status_code}"
    else:
        assert anonymous.status_code == 302, f"anonymous {case.url}: {anonymous.status_code}"
        assert "/dang-nhap/" in anonymous["Location"], anonymous["Location"]

    if case.wrong_role is not None:
        client = Client()
        client.force_login(case.wrong_role)
        response = _request(client, case)
        assert response.status_code == 403, f"wrong role {case.url}: {response.status_code}"

    client = Client()
    client.force_login(case.other_unit)
    response = _request(client, case)
    assert response.status_code == case.other_unit_status, (
        f"other unit {case.url}: {response.status_code}"
    )
    if case.hidden_text is not None:
        assert case.hidden_text not in response.content.decode(), (
            f"other unit {case.url} shows {case.hidden_text!r}"
        )

    client = Client()
    client.force_login(case.allowed)
    response = _request(client, case)
    assert response.status_code in _statuses(case.allowed_status), (
        f"allowed {case.url}: {response.status_code}"
    )


@contextmanager
def compiled_catalogues() -> Iterator[None]:
    """Compile the .mo files (generated, git-ignored) when missing or stale, reload gettext,
    and restore the active language at the end: the locale middleware activates the
    request's language in the test's thread."""
    po_path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        call_command("compile_catalogs", stdout=io.StringIO())
        trans_real._translations = {}
        trans_real._default = None
    with translation.override(settings.LANGUAGE_CODE):
        yield
