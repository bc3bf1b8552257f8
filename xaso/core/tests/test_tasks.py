"""Background jobs run through the real database backend and the real worker command."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from xaso.core.tasks import send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_task_backend():
    # django-tasks resets its backends when TASKS changes (setting_changed signal).
    with override_settings(TASKS=DB_TASKS):
        yield


@pytest.mark.django_db(transaction=True)
def test_enqueued_email_is_stored_then_sent_by_the_worker(database_task_backend):
    # given a job enqueued through the database backend
    result = send_email.enqueue(
        subject="Thông báo", body="Nội dung", recipients=["canbo@example.test"]
    )

    # then it waits in the database and nothing is sent yet
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "READY"
    assert mail.outbox == []

    # when the worker drains the queue
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    # then the mail went out once and the job is recorded as done
    assert [m.subject for m in mail.outbox] == ["Thông báo"]
    assert mail.outbox[0].to == ["canbo@example.test"]
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_worker_runs_each_job_once_even_when_started_twice(database_task_backend):
    for n in range(3):
        send_email.enqueue(subject=f"Thư {n}", body="x", recipients=["a@example.test"])

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert sorted(m.subject for m in mail.outbox) == ["Thư 0", "Thư 1", "Thư 2"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


@pytest.mark.django_db
def test_reference_data_survives_transactional_tests():
    # Runs in random order with the worker tests above: the national list must still be there.
    from xaso.core.models import AdministrativeUnit
    from xaso.core.models import Position

    assert AdministrativeUnit.objects.communes().count() == 3321
    assert Position.objects.count() == 11
