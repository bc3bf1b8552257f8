"""Fee due at reception from a procedure's fee rules (pure: no ORM).

A rule is fixed per case, per page (optionally a lower rate from a given page on, and a
cap per copy: TT 226/2016/TT-BTC for chứng thực: 2,000 đ/page, 1,000 đ/page from page 3,
at most 200,000 đ per copy) or per copy. A rule applies to every channel, to paper
dossiers (in person, postal, authorised person) or to online dossiers only, because fees
belong to the channel (procedures.md §3: 1.004222 costs less online).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

PER_CASE = "case"
PER_PAGE = "page"
PER_COPY = "copy"

ANY_CHANNEL = "any"
DIRECT_CHANNEL = "direct"
ONLINE_CHANNEL = "online"

# Dossier channels (models.Channel values) → the fee channel that prices them.
_FEE_CHANNEL = {
    "direct": DIRECT_CHANNEL,
    "postal": DIRECT_CHANNEL,
    "authorised": DIRECT_CHANNEL,
    "online": ONLINE_CHANNEL,
}


class FeeRuleLike(Protocol):
    name: str
    amount: int
    basis: str
    reduced_amount: int | None
    reduced_from: int | None
    cap: int | None
    channel: str


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int
    basis: str
    unit_amount: int
    units: int


@dataclass(frozen=True)
class FeeQuote:
    lines: tuple[FeeLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def needs_pages(self) -> bool:
        return any(line.basis == PER_PAGE for line in self.lines)

    @property
    def needs_copies(self) -> bool:
        return any(line.basis in (PER_PAGE, PER_COPY) for line in self.lines)


def applies_to(rule: FeeRuleLike, dossier_channel: str) -> bool:
    return rule.channel == ANY_CHANNEL or rule.channel == _FEE_CHANNEL.get(dossier_channel)


def per_copy_page_fee(rule: FeeRuleLike, pages: int) -> int:
    """Fee of one copy of `pages` pages under a per-page rule, with the reduced rate and cap."""
    pages = max(pages, 0)
    if rule.reduced_amount is not None and rule.reduced_from:
        full_pages = min(pages, rule.reduced_from - 1)
        amount = full_pages * rule.amount + (pages - full_pages) * rule.reduced_amount
    else:
        amount = pages * rule.amount
    return min(amount, rule.cap) if rule.cap is not None else amount


def compute_fee(
    rules: Iterable[FeeRuleLike], *, channel: str, pages: int = 1, copies: int = 1
) -> FeeQuote:
    """The fee lines due for a dossier of `channel` with `pages` pages per copy and `copies`.

    Rules of another channel are left out. Exemptions are not decided here: the counter
    records the reason and the fee due becomes 0 (procedures.md §1).
    """
    copies = max(copies, 1)
    lines = []
    for rule in rules:
        if not applies_to(rule, channel):
            continue
        if rule.basis == PER_PAGE:
            unit_amount = per_copy_page_fee(rule, pages)
            lines.append(FeeLine(rule.name, unit_amount * copies, rule.basis, unit_amount, copies))
        elif rule.basis == PER_COPY:
            unit_amount = min(rule.amount, rule.cap) if rule.cap is not None else rule.amount
            lines.append(FeeLine(rule.name, unit_amount * copies, rule.basis, unit_amount, copies))
        else:
            lines.append(FeeLine(rule.name, rule.amount, PER_CASE, rule.amount, 1))
    return FeeQuote(lines=tuple(lines))
