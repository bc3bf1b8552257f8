"""One-stop benchmark: a commune with 100,000 dossiers, served by gunicorn, loaded over HTTP.

Reports (JSON + a short table): receptions per second through the real reception API
(code, deadline, audit), public lookup and inbox-list latency (median, p95), the same
run's baseline of a no-database request (/healthz), and the peak memory (VmHWM) of each
server process. Runs on SQLite by default, on PostgreSQL when DATABASE_URL names one.

    .venv/bin/python benchmarks/onestop.py [--dossiers 100000] [--seconds 20] [--json out.json]
"""

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("BENCH_PORT", "8799"))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def setup_database(n_dossiers: int) -> dict:
    """Migrate, load the demo commune and its procedures, generate the dossiers."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    call_command("load_procedures", unit=16777, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123

    from xaso.applicants.models import Applicant
    from xaso.core.api_auth import issue_api_token
    from xaso.core.models import AdministrativeUnit
    from xaso.core.models import User
    from xaso.dossiers.models import Dossier
    from xaso.dossiers.models import Procedure

    unit = AdministrativeUnit.objects.communes().get(code=16777)
    counter = User.objects.get(username="motcua")
    official = User.objects.get(username="tuphap")
    procedures = list(Procedure.objects.filter(unit=unit, is_active=True).prefetch_related("steps"))
    identifier = unit.agency_identifier_on(timezone.localdate())

    existing = Dossier.objects.filter(unit=unit).count()
    if existing < n_dossiers:
        rng = random.Random(42)
        n_applicants = max(1, n_dossiers // 5)
        if Applicant.objects.filter(unit=unit).count() < n_applicants:
            applicants = []
            for i in range(n_applicants):
                a = Applicant(
                    unit=unit,
                    full_name=f"Nguyễn Văn Bench {i}",
                    id_number=f"040{rng.randint(0, 1)}{rng.randint(60, 99)}{i:06d}",
                    phone=f"09{i:08d}",
                )
                a.refresh_search_text()
                applicants.append(a)
            Applicant.objects.bulk_create(applicants, batch_size=5000, ignore_conflicts=True)
        applicant_ids = list(Applicant.objects.filter(unit=unit).values_list("id", flat=True))
        start = timezone.now() - datetime.timedelta(days=365)
        batch_dossiers: list[Dossier] = []
        for i in range(existing, n_dossiers):
            received = start + datetime.timedelta(minutes=5 * i % (365 * 24 * 60))
            local = timezone.localtime(received)
            day = f"{local:%y%m%d}"
            procedure = procedures[i % len(procedures)]
            due = received + datetime.timedelta(days=5)
            batch_dossiers.append(
                Dossier(
                    unit=unit,
                    code=f"{identifier}-{day}-B{i:07d}",
                    book_year=local.year,
                    book_number=1_000_000 + i,
                    procedure=procedure,
                    applicant_id=applicant_ids[i % len(applicant_ids)],
                    channel="direct",
                    delivery_method="desk",
                    # A commune closes almost everything: 2 % of the year's dossiers are open.
                    status="in_progress" if rng.random() < 0.02 else "returned",
                    received_at=received,
                    received_by=counter,
                    counting_start=received,
                    original_due_at=due,
                    due_at=due,
                )
            )
            if len(batch_dossiers) == 5000:
                _flush(batch_dossiers, official)
                batch_dossiers = []
        _flush(batch_dossiers, official)

    lookup_dossier = (
        Dossier.objects.filter(unit=unit)
        .select_related("applicant")
        .order_by("pk")[n_dossiers // 2]
    )
    _, token = issue_api_token(user=counter, name="bench")
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(official.pk)
    session["_auth_user_backend"] = "xaso.core.auth_backends.PositionBackend"
    session["_auth_user_hash"] = official.get_session_auth_hash()
    session.create()
    procedure = (
        next(p for p in procedures if p.code == "2.000815")
        if any(p.code == "2.000815" for p in procedures)
        else procedures[0]
    )
    return {
        "token": token,
        "session": session.session_key,
        "lookup_code": lookup_dossier.code,
        "lookup_digits": lookup_dossier.applicant.phone[-4:],
        "procedure_code": procedure.code,
        "dossiers": Dossier.objects.filter(unit=unit).count(),
    }


def _flush(dossiers: list, official) -> None:
    """Save a batch with one processing step and one event each (4 officials share
    the open steps; a quarter go to the justice official whose inbox is measured)."""
    from xaso.dossiers.models import Dossier
    from xaso.dossiers.models import DossierEvent
    from xaso.dossiers.models import DossierStep

    if not dossiers:
        return
    created = Dossier.objects.bulk_create(dossiers, batch_size=5000)
    steps = []
    events = []
    for n, dossier in enumerate(created):
        active = dossier.status != "returned"
        steps.append(
            DossierStep(
                dossier=dossier,
                order=2,
                name="Thẩm định",
                kind="processing",
                assignee=official if n % 4 == 0 else None,
                status="active" if active else "done",
                started_at=dossier.received_at,
                due_at=dossier.due_at,
                finished_at=None if active else dossier.due_at,
            )
        )
        events.append(
            DossierEvent(
                dossier=dossier,
                action="received",
                to_status="received",
                created_at=dossier.received_at,
            )
        )
    DossierStep.objects.bulk_create(steps, batch_size=5000)
    DossierEvent.objects.bulk_create(events, batch_size=5000)


class Server:
    def __init__(self, env: dict) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "3",
                "--threads",
                "2",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = request("GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def peak_memory_mb(self) -> list[float]:
        """VmHWM (peak resident set) of the master and each worker, in MB."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        peaks = []
        for pid in pids:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            peaks.extend(
                round(int(line.split()[1]) / 1024, 1) for line in lines if line.startswith("VmHWM:")
            )
        return peaks

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


_local = threading.local()


def request(
    method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.HTTPException, OSError):
        _local.conn = None
        conn.close()
        raise


def latency(
    label: str,
    method: str,
    path: str,
    n: int,
    headers: dict | None = None,
    ok: int = 200,
    body: bytes | None = None,
) -> dict:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        status, response = request(method, path, body, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        if status != ok:
            raise RuntimeError(f"{label}: HTTP {status} {response[:200]!r}")
    return {
        "label": label,
        "n": n,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
    }


def throughput(label: str, seconds: float, threads: int, make_request) -> dict:
    stop = time.time() + seconds
    counts = [0] * threads
    errors: list[str] = []

    def run(index: int) -> None:
        n = 0
        while time.time() < stop:
            status, body = make_request(index, n)
            n += 1
            if status in (200, 201):
                counts[index] += 1
            else:
                errors.append(f"{status} {body[:200]!r}")
        _local.conn = None

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    return {
        "label": label,
        "threads": threads,
        "seconds": round(elapsed, 1),
        "ok": sum(counts),
        "per_second": round(sum(counts) / elapsed, 1),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", default=str(ROOT / "var" / "bench-onestop.json"))
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="xaso-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/onestop.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("XASO_LOOKUP_RATE_LIMIT", "1000000")
    os.environ.setdefault("XASO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    t0 = time.perf_counter()
    data = setup_database(args.dossiers)
    setup_seconds = round(time.perf_counter() - t0, 1)
    vendor = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"

    env = {**os.environ}
    results: dict = {
        "database": vendor,
        "dossiers": data["dossiers"],
        "setup_seconds": setup_seconds,
    }
    with Server(env) as server:
        auth = {"Authorization": f"Bearer {data['token']}"}
        cookie = {"Cookie": f"sessionid={data['session']}"}
        results["baseline"] = latency("GET /healthz (no database)", "GET", "/healthz", 300)
        lookup_body = json.dumps(
            {"code": data["lookup_code"], "digits": data["lookup_digits"]}
        ).encode()
        results["lookup"] = latency(
            "public lookup (API)",
            "POST",
            "/api/v1/public/dossiers/lookup",
            300,
            headers={"Content-Type": "application/json"},
            body=lookup_body,
        )
        results["inbox"] = latency(
            "inbox list (justice official)", "GET", "/mot-cua/viec-cua-toi/", 100, headers=cookie
        )

        def receive(index: int, n: int):
            body = json.dumps(
                {
                    "procedure_code": data["procedure_code"],
                    "applicant": {
                        "full_name": f"Nguyễn Thị Tải {index}-{n}",
                        "id_number": "",
                        "phone": f"0988{index:02d}{n:04d}"[:10],
                    },
                    "channel": "direct",
                    "delivery_method": "desk",
                    "documents": [{"name": "Tờ khai", "is_original": True, "quantity": 1}],
                }
            ).encode()
            return request("POST", RECEIVE_PATH, body, {**auth, "Content-Type": "application/json"})

        results["reception"] = throughput(
            "receptions over HTTP (API)", args.seconds, args.threads, receive
        )
        results["server_peak_rss_mb"] = server.peak_memory_mb()

    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"\nOne-stop benchmark — {vendor}, {results['dossiers']:,} dossiers (setup {setup_seconds} s)"
    )
    for key in ("baseline", "lookup", "inbox"):
        r = results[key]
        print(f"  {r['label']:<40} median {r['median_ms']:8.2f} ms   p95 {r['p95_ms']:8.2f} ms")
    r = results["reception"]
    print(
        f"  {r['label']:<40} {r['per_second']:8.1f} /s   ({r['ok']} in {r['seconds']} s, {r['threads']} threads, {r['errors']} errors)"
    )
    if r["first_error"]:
        print(f"    first error: {r['first_error']}")
    print(f"  server peak RSS per process (MB): {results['server_peak_rss_mb']}")
    print(f"  JSON: {args.json}")


RECEIVE_PATH = "/api/v1/mot-cua/tiep-nhan"

if __name__ == "__main__":
    main()
