"""Errors of the edXML package: one exception listing every problem found in a package."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem: the element (path inside the package, e.g. `MessageHeader/To[2]/OrganId`)
    and a Vietnamese message for the clerk or the sending agency."""

    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.element}: {self.message}" if self.element else self.message


class EdxmlError(Exception):
    """A package that cannot be built, parsed or trusted. `problems` lists every problem
    found (not only the first), so the sender can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class EdxmlValidationError(EdxmlError):
    """The package breaks QCVN 102:2016 (+ SĐ1:2022) rules: a missing element, a value too
    long, a bad identifier, code or date."""


class UnsafeXmlError(EdxmlError):
    """The bytes are refused before their content is looked at: too large, malformed, a
    DOCTYPE or entity declaration (XXE, "billion laughs"), too deep."""


class SignatureError(EdxmlError):
    """The XML signature is missing, uses a refused algorithm, or does not match the
    package (tampered after signing)."""
