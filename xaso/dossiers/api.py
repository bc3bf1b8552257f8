"""One-stop API: one sub-router per area, mounted at /api/v1/."""

from ninja import Router

router = Router(tags=["mot-cua"])
router.add_router("", "xaso.dossiers.api_processing.router")
router.add_router("", "xaso.dossiers.api_reception.router")
router.add_router("", "xaso.dossiers.api_results.router")
router.add_router("", "xaso.dossiers.api_catalog.router")
