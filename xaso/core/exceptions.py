"""Domain errors with stable codes, mapped to Vietnamese messages in forms and API."""


class DomainError(Exception):
    """A business rule refused the operation. `code` is stable for API clients."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
