"""Sections other apps add to a person's page in the applicant directory (e.g. the
civil-status entries the person appears in).

Other apps register their sections in `AppConfig.ready()`; the directory never imports
them (docs/architecture.md, import rules: applicants is below the other domain apps).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xaso.applicants.models import Applicant
from xaso.core.models import User


@dataclass(frozen=True)
class ApplicantSection:
    name: str
    template: str  # rendered with `section` (what `build` gave) and `applicant`
    # (viewer, person) → the section's context, or None when the viewer may not see it
    # (no permission, another unit). It must scope its own queries to the viewer's unit.
    build: Callable[[User, Applicant], dict[str, Any] | None]
    order: int = 100


_SECTIONS: dict[str, ApplicantSection] = {}


def register_applicant_section(section: ApplicantSection) -> None:
    _SECTIONS[section.name] = section


def sections_for(*, user: User, applicant: Applicant) -> list[dict[str, Any]]:
    """The sections `user` may see on `applicant`'s page, in order."""
    if user.unit_id is None or user.unit_id != applicant.unit_id:
        return []
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda item: (item.order, item.name)):
        context = section.build(user, applicant)
        if context is not None:
            shown.append({"template": section.template, "context": context})
    return shown
