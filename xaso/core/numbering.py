"""Gap-free legal numbers: one locked counter row per (unit, register, period)."""

from django.db import transaction
from django.db.models import F

from xaso.core.models import AdministrativeUnit
from xaso.core.models import NumberCounter


def allocate_number(*, unit: AdministrativeUnit, register: str, period: str) -> int:
    """Return the next number of the series and reserve it.

    Must run inside the transaction that creates the numbered record: the counter row
    stays locked until that transaction ends, and a rollback gives the number back, so
    numbers never repeat or skip (no database sequences: they skip on rollback).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number() must be called inside transaction.atomic()")
    locked = NumberCounter.objects.select_for_update()
    try:
        counter = locked.get(unit=unit, register=register, period=period)
    except NumberCounter.DoesNotExist:
        # First number of the series: create the row (get_or_create is race-safe through
        # the unique constraint), then lock it like every later call does.
        NumberCounter.objects.get_or_create(unit=unit, register=register, period=period)
        counter = locked.get(unit=unit, register=register, period=period)
    NumberCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    return counter.last_number + 1
