"""`make bench`: latency of the kernel's hot paths, median and p95 (never part of `make test`).

Runs against a throw-away SQLite database (or DATABASE_URL when set to a scratch database).
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(label: str, func: Callable[[], object], runs: int) -> None:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(f"{label:<55} median {statistics.median(samples):8.3f} ms   p95 {p95:8.3f} ms   n={runs}")


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="xaso-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from xaso.core import working_days
    from xaso.core.models import AdministrativeUnit
    from xaso.core.models import User
    from xaso.core.search import apply_search
    from xaso.core.services.calendar import calendar_for_unit

    unit = AdministrativeUnit.objects.communes().get(code=16777)
    calendar = calendar_for_unit(unit)
    tz = datetime.timezone(datetime.timedelta(hours=7))
    received = datetime.datetime(2026, 2, 13, 15, 1, tzinfo=tz)

    print(f"XãSố benchmarks — {django.db.connection.vendor}")
    measure(
        "calendar_for_unit (DB: overrides + approved years)", lambda: calendar_for_unit(unit), 200
    )
    measure(
        "add_working_days(5) across Tết 2026",
        lambda: working_days.add_working_days(calendar, received, 5),
        2000,
    )
    measure(
        "add_working_hours(20) across Tết 2026",
        lambda: working_days.add_working_hours(calendar, received, 20),
        2000,
    )

    first = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    middle = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Đức"]
    last = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Tâm", "Yến", "Ánh", "Hạnh"]
    n_users = 20_000
    if User.objects.count() < n_users:
        users = []
        for i in range(n_users):
            name = f"{first[i % 10]} {middle[(i // 10) % 6]} {last[(i // 60) % 12]} {i}"
            user = User(username=f"bench{i}", full_name=name, unit=unit)
            user.refresh_search_text()
            users.append(user)
        User.objects.bulk_create(users, batch_size=2000)
    queries = ["nguyen van an", "dang thi hanh", "ho duc yen", "le minh", "tam 199"]
    index = iter(range(10**9))
    measure(
        f"account search, {n_users:,} accounts, 20 rows",
        lambda: list(apply_search(User.objects.all(), queries[next(index) % 5])[:20]),
        100,
    )


if __name__ == "__main__":
    main()
