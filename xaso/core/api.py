"""Kernel API: who am I, units I may read, working-day calculations."""

from ninja import Router

router = Router(tags=["core"])
