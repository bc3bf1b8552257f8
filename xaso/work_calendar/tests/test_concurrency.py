"""Parallel edits and publications on PostgreSQL: revision numbers never repeat or skip,
and the last revision always shows the last change."""

import contextlib
import threading

import pytest
from django.db import connection

from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import PublishedRevision

THREADS = 6
ROUNDS = 4


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_changes_and_publications(published_week, office, chairman):
    week = published_week.week
    event = CalendarEvent.objects.filter(week=week).order_by("date").first()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    published: list[int] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for round_ in range(ROUNDS):
                services.update_event(
                    actor=office, event=event, data={"place": f"Phòng {index}-{round_}"}
                )
                # NothingToPublish: another leader's publication already holds this change.
                with contextlib.suppress(services.NothingToPublishError):
                    published.append(services.publish_week(actor=chairman, week=week).number)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(PublishedRevision.objects.filter(week=week).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert sorted(published) == numbers[1:]
    event.refresh_from_db()
    week.refresh_from_db()
    latest = PublishedRevision.objects.get(week=week, number=numbers[-1])
    assert latest.events[0]["place"] == event.place
    assert not week.has_unpublished_changes
