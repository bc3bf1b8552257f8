"""Reads of the applicant directory, always scoped to the acting user's own unit.

Applicants are personal data: even a province supervisor sees only the directory of the
unit they work in (no cross-unit reading), and another unit's record answers 404.
"""

import re

from django.db.models import QuerySet

from xaso.applicants.cccd import normalize_cccd
from xaso.applicants.models import Applicant
from xaso.core.models import User
from xaso.core.search import apply_search
from xaso.core.tenancy import get_writable_or_404

# A query made only of digits and separators is an ID or phone number typed with spaces.
_NUMBER_QUERY = re.compile(r"^[\d\s.\-]+$")


def list_applicants_for(*, user: User, query: str = "") -> QuerySet[Applicant]:
    """The user's unit's applicants matching `query`, by name, CCCD or phone.

    Names match word by word from the start of each word, diacritics-insensitively
    ("nguyen thi an" finds "Nguyễn Thị An"); numbers match from their first digit, with
    spaces and dots ignored ("0912 345" finds 0912345678).
    """
    queryset = Applicant.objects.writable_by(user)
    query = (query or "").strip()
    if _NUMBER_QUERY.match(query):
        query = normalize_cccd(query)
    return apply_search(queryset, query).order_by("full_name", "pk")


def get_applicant_for(*, user: User, pk: int) -> Applicant:
    """One applicant of the user's unit; Http404 for any other unit's record."""
    return get_writable_or_404(Applicant.objects, user, pk=pk)


def find_applicant_by_id_number(*, user: User, id_number: str) -> Applicant | None:
    """The applicant of the user's unit holding this CCCD (same number → same person)."""
    number = normalize_cccd(id_number)
    if not number:
        return None
    return Applicant.objects.writable_by(user).filter(id_number=number).first()
