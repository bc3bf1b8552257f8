"""One-stop API: one sub-router per area, mounted at /api/v1/."""

from ninja import Router

router = Router(tags=["mot-cua"])
