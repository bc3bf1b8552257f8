"""The "Hộ tịch" section of a person's page in the applicant directory: the entries the
person appears in (child, parent, spouse, deceased, declarant…), for those who may read
the civil-status registers, and only the registers of the viewer's own unit.
Registered with the applicants app in AppConfig.ready()."""

from typing import Any

from xaso.applicants.extensions import ApplicantSection
from xaso.applicants.extensions import register_applicant_section
from xaso.applicants.models import Applicant
from xaso.civil_registry import kinds
from xaso.civil_registry import services
from xaso.civil_registry.models import EntryPerson
from xaso.core.models import User

ROW_LIMIT = 50


def entry_rows_for(*, user: User, applicant: Applicant) -> list[dict[str, Any]] | None:
    """(entry, role label) rows of `applicant` the user may read, newest first; None
    without the right to read the registers."""
    if not services.can_view_registers(user) or user.unit_id is None:
        return None
    readable = services.entries_for(user=user).filter(unit_id=user.unit_id)
    links = (
        EntryPerson.objects.filter(applicant=applicant, unit_id=user.unit_id, entry__in=readable)
        .select_related("entry", "entry__register")
        .order_by("-entry__registered_on", "-entry__pk", "pk")[:ROW_LIMIT]
    )
    rows = []
    for link in links:
        labels = {role.role: role.label for role in kinds.spec_for(link.entry.kind).roles}
        rows.append({"entry": link.entry, "role": str(labels.get(link.role, link.role))})
    return rows


def _build(user: User, applicant: Applicant) -> dict[str, Any] | None:
    rows = entry_rows_for(user=user, applicant=applicant)
    return None if rows is None else {"rows": rows}


register_applicant_section(
    ApplicantSection(
        name="civil_registry",
        template="civil_registry/_applicant_entries.html",
        build=_build,
        order=50,
    )
)
