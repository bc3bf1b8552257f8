"""Template helpers of the result / fee / return partial (dossiers/_dossier_results.html)."""

from django import template

from xaso.core.models import User
from xaso.dossiers import money
from xaso.dossiers.models import Dossier
from xaso.dossiers.services import result_signing
from xaso.dossiers.services import results
from xaso.signatures.forms import SigningKeyForm

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """1250000 → "1.250.000" (figures as Vietnamese documents write them)."""
    return money.format_amount(amount or 0)


@register.filter
def amount_in_words(amount: int | None) -> str:
    return money.amount_in_words(amount or 0)


@register.simple_tag
def fee_summary(dossier: Dossier) -> results.FeeSummary:
    """`{% fee_summary dossier as fees %}` → fees.due, fees.paid, fees.outstanding."""
    return results.fee_summary(dossier)


@register.simple_tag
def may_record_result(user: User, dossier: Dossier) -> bool:
    return results.can_record_result(user, dossier)


@register.simple_tag
def may_sign_result(user: User, dossier: Dossier) -> bool:
    return result_signing.can_sign(user, dossier)


@register.simple_tag
def may_seal_result(user: User, dossier: Dossier) -> bool:
    return result_signing.can_seal(user, dossier)


@register.simple_tag
def signing_key_form() -> SigningKeyForm:
    return SigningKeyForm()
