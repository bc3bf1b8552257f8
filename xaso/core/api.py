"""Kernel API: who am I, units I may read, working-day calculations."""

from ninja import Router

from xaso.core.api_calendar import router as calendar_router
from xaso.core.api_units import router as units_router

router = Router(tags=["core"])
router.add_router("/calendar", calendar_router)
router.add_router("", units_router)
