"""Gap-free legal numbers (xaso/core/numbering.py)."""

import threading

import pytest
from django.db import connections
from django.db import transaction

from xaso.core.models import AdministrativeUnit
from xaso.core.models import NumberCounter
from xaso.core.numbering import allocate_number


class _RollbackError(Exception):
    pass


def _allocate(unit: AdministrativeUnit, register: str = "dossier", period: str = "2026") -> int:
    with transaction.atomic():
        return allocate_number(unit=unit, register=register, period=period)


def test_numbers_follow_each_other_from_one(commune: AdministrativeUnit) -> None:
    assert [_allocate(commune) for _ in range(3)] == [1, 2, 3]
    counter = NumberCounter.objects.get(unit=commune, register="dossier", period="2026")
    assert counter.last_number == 3


def test_each_unit_register_and_period_has_its_own_series(
    commune: AdministrativeUnit, other_commune: AdministrativeUnit
) -> None:
    # given
    assert [_allocate(commune), _allocate(commune)] == [1, 2]

    # when / then
    assert _allocate(other_commune) == 1
    assert _allocate(commune, register="outgoing_document") == 1
    assert _allocate(commune, period="2027") == 1
    assert _allocate(commune) == 3
    assert _allocate(other_commune) == 2
    assert sorted(
        NumberCounter.objects.values_list("unit__code", "register", "period", "last_number")
    ) == [
        (16750, "dossier", "2026", 2),
        (16777, "dossier", "2026", 3),
        (16777, "dossier", "2027", 1),
        (16777, "outgoing_document", "2026", 1),
    ]


def test_a_rolled_back_transaction_gives_its_number_back(commune: AdministrativeUnit) -> None:
    assert _allocate(commune) == 1
    taken_inside: list[int] = []

    def numbered_change_that_fails() -> None:
        with transaction.atomic():
            taken_inside.append(allocate_number(unit=commune, register="dossier", period="2026"))
            raise _RollbackError

    with pytest.raises(_RollbackError):
        numbered_change_that_fails()

    assert taken_inside == [2]
    assert _allocate(commune) == 2
    assert NumberCounter.objects.get(unit=commune).last_number == 2


def test_a_rolled_back_first_number_leaves_no_counter(commune: AdministrativeUnit) -> None:
    def numbered_change_that_fails() -> None:
        with transaction.atomic():
            allocate_number(unit=commune, register="dossier", period="2026")
            raise _RollbackError

    with pytest.raises(_RollbackError):
        numbered_change_that_fails()

    assert not NumberCounter.objects.filter(unit=commune).exists()
    assert _allocate(commune) == 1


@pytest.mark.django_db(transaction=True)
def test_refuses_to_run_outside_a_transaction(commune: AdministrativeUnit) -> None:
    # transaction=True: no test-wide atomic block, so autocommit is really on here.
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        allocate_number(unit=commune, register="dossier", period="2026")
    assert not NumberCounter.objects.filter(unit=commune).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_allocations_are_unique_and_gap_free(commune: AdministrativeUnit) -> None:
    threads_count, per_thread = 8, 25
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_count)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                number = _allocate(commune)
                with lock:
                    results.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            # Each thread got its own connection; close it so the test DB can be dropped.
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == list(range(1, threads_count * per_thread + 1))
    assert NumberCounter.objects.get(unit=commune).last_number == threads_count * per_thread
