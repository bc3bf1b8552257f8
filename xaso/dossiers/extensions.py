"""Links from a dossier page to other apps' work on it (e.g. the civil-status register).

Other apps register their links in `AppConfig.ready()`; the one-stop app never imports
them (docs/architecture.md, import rules).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from xaso.core.models import User
from xaso.dossiers.models import Dossier


@dataclass(frozen=True)
class DossierLink:
    label: str | Promise
    url_name: str  # reversed with the dossier's pk
    procedure_codes: frozenset[str]
    permission: str
    # Extra condition, e.g. "not registered yet"; None means always while the dossier is open.
    condition: Callable[[Dossier], bool] | None = None


_LINKS: dict[str, DossierLink] = {}


def register_dossier_link(link: DossierLink) -> None:
    _LINKS[link.url_name] = link


def dossier_links_for(*, user: User, dossier: Dossier) -> list[dict[str, Any]]:
    """The links `user` may follow from `dossier` (own unit, open dossier, permission)."""
    if user.unit_id != dossier.unit_id or dossier.is_closed:
        return []
    links = []
    for link in _LINKS.values():
        if dossier.procedure.code not in link.procedure_codes:
            continue
        if not user.has_perm(link.permission):
            continue
        if link.condition is not None and not link.condition(dossier):
            continue
        links.append({"label": link.label, "url": reverse(link.url_name, args=[dossier.pk])})
    return links
