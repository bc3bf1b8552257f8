"""Idempotency-Key handling for API writes."""

import pytest
from django.test import RequestFactory

from xaso.core.idempotency import IdempotencyConflictError
from xaso.core.idempotency import run_idempotent
from xaso.core.models import IdempotencyRecord
from xaso.core.models import NumberCounter
from xaso.core.numbering import allocate_number


def _request(user, key):
    request = (
        RequestFactory().post("/api/x", HTTP_IDEMPOTENCY_KEY=key)
        if key
        else RequestFactory().post("/api/x")
    )
    request.user = user
    return request


def test_same_key_replays_the_first_response_and_writes_once(clerk, commune):
    def write():
        number = allocate_number(unit=commune, register="test", period="2026")
        return 201, {"number": number}

    first = run_idempotent(_request(clerk, "k-1"), scope="test", payload={"a": 1}, write=write)
    second = run_idempotent(_request(clerk, "k-1"), scope="test", payload={"a": 1}, write=write)
    third = run_idempotent(_request(clerk, "k-2"), scope="test", payload={"a": 1}, write=write)

    assert first == (201, {"number": 1})
    assert second == (201, {"number": 1})
    assert third == (201, {"number": 2})
    assert NumberCounter.objects.get(unit=commune, register="test").last_number == 2


def test_same_key_with_another_body_is_refused(clerk, commune):
    run_idempotent(_request(clerk, "k"), scope="test", payload={"a": 1}, write=lambda: (201, {}))

    with pytest.raises(IdempotencyConflictError):
        run_idempotent(
            _request(clerk, "k"), scope="test", payload={"a": 2}, write=lambda: (201, {})
        )

    assert IdempotencyRecord.objects.count() == 1


def test_keys_are_per_user(clerk, chairman, commune):
    calls = []

    def write():
        calls.append(1)
        return 201, {"n": len(calls)}

    run_idempotent(_request(clerk, "k"), scope="test", payload={}, write=write)
    run_idempotent(_request(chairman, "k"), scope="test", payload={}, write=write)

    assert len(calls) == 2


def test_failed_write_leaves_no_record(clerk, commune):
    def write():
        allocate_number(unit=commune, register="test", period="2026")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_idempotent(_request(clerk, "k"), scope="test", payload={}, write=write)

    assert not IdempotencyRecord.objects.exists()
    assert not NumberCounter.objects.filter(register="test", last_number__gt=0).exists()


def test_without_header_every_call_writes(clerk, commune):
    calls = []
    run_idempotent(
        _request(clerk, ""), scope="test", payload={}, write=lambda: (calls.append(1), (201, {}))[1]
    )
    run_idempotent(
        _request(clerk, ""), scope="test", payload={}, write=lambda: (calls.append(1), (201, {}))[1]
    )

    assert len(calls) == 2
    assert not IdempotencyRecord.objects.exists()
