"""Documents benchmark: register search latency (median, p95) at 200,000 documents.

Generates a commune's incoming register of N documents (default 200,000, spread over
four years, realistic issuers, types and subjects), then times what the register page
and the API do for one search: the filtered, ordered first page (50 rows) and its count.
Also times the full register page through the Django test client and the arrival-number
allocation of one registration. Runs on SQLite by default,
on PostgreSQL when DATABASE_URL names a scratch database.

    .venv/bin/python benchmarks/documents.py [--documents 200000] [--runs 60]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

VN = datetime.timezone(datetime.timedelta(hours=7))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ISSUERS = [
    "UBND tỉnh Nghệ An",
    "Sở Tư pháp tỉnh Nghệ An",
    "Sở Nội vụ tỉnh Nghệ An",
    "Sở Tài chính tỉnh Nghệ An",
    "Công an tỉnh Nghệ An",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế tỉnh Nghệ An",
    "Bảo hiểm xã hội tỉnh Nghệ An",
    "Ban Chỉ huy Quân sự tỉnh",
    "Sở Nông nghiệp và Môi trường",
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh Nghệ An",
]
TYPES = [
    ("cong_van", ""),
    ("quyet_dinh", "QĐ"),
    ("ke_hoach", "KH"),
    ("thong_bao", "TB"),
    ("bao_cao", "BC"),
    ("giay_moi", "GM"),
    ("chi_thi", "CT"),
]
TOPICS = [
    "kiểm tra công tác hộ tịch",
    "triển khai chuyển đổi số",
    "phòng chống thiên tai và tìm kiếm cứu nạn",
    "tổ chức Đại hội thể dục thể thao",
    "tiêm chủng mở rộng",
    "quản lý đất đai và xây dựng",
    "thu ngân sách nhà nước",
    "tuyển chọn công dân nhập ngũ",
    "cải cách hành chính",
    "bảo vệ môi trường nông thôn",
    "giảm nghèo bền vững",
    "phòng cháy chữa cháy",
    "an toàn giao thông dịp Tết",
    "bồi dưỡng cán bộ, công chức",
    "vệ sinh an toàn thực phẩm",
]
VERBS = ["Về việc", "V/v", "Triển khai", "Hướng dẫn", "Báo cáo kết quả", "Đôn đốc"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(label: str, func: Callable[[int], object], runs: int) -> dict:
    func(0)  # warm the caches once, as a running server has them
    samples = []
    for index in range(runs):
        start = time.perf_counter()
        func(index)
        samples.append((time.perf_counter() - start) * 1000)
    median, p95 = statistics.median(samples), percentile(samples, 0.95)
    print(f"{label:<62} median {median:8.2f} ms   p95 {p95:8.2f} ms   n={runs}")
    return {"label": label, "median_ms": median, "p95_ms": p95, "runs": runs}


def generate(n_documents: int) -> None:
    from xaso.core.models import AdministrativeUnit
    from xaso.core.models import NumberCounter
    from xaso.core.models import User
    from xaso.core.search import normalize_search_text
    from xaso.documents.models import IncomingDocument

    unit = AdministrativeUnit.objects.communes().get(code=16777)
    clerk = User.objects.get(username="vanthu")
    existing = IncomingDocument.objects.filter(unit=unit).count()
    if existing >= n_documents:
        return
    rng = random.Random(30)
    years = [2023, 2024, 2025, 2026]
    per_year = n_documents // len(years) + 1
    batch: list[IncomingDocument] = []
    start = time.perf_counter()
    for i in range(existing, n_documents):
        year = years[i // per_year]
        number_in_year = i % per_year + 1
        arrived = datetime.datetime(year, 1, 2, 8, 0, tzinfo=VN) + datetime.timedelta(
            minutes=int(number_in_year * 525_000 / per_year)
        )
        doc_type, abbr = TYPES[rng.randrange(len(TYPES))]
        issuer = ISSUERS[rng.randrange(len(ISSUERS))]
        issuer_abbr = "".join(word[0] for word in issuer.split()[:3]).upper()
        notation = f"{abbr}-{issuer_abbr}" if abbr else f"{issuer_abbr}-VP"
        subject = (
            f"{VERBS[rng.randrange(len(VERBS))]} {TOPICS[rng.randrange(len(TOPICS))]} "
            f"năm {year} (đợt {rng.randint(1, 12)})"
        )
        document = IncomingDocument(
            unit=unit,
            arrival_year=year,
            arrival_number=number_in_year,
            arrived_at=arrived,
            medium="electronic" if rng.random() < 0.85 else "paper",
            issuing_body=issuer,
            code_number=str(rng.randint(1, 3000)),
            code_notation=notation,
            document_date=arrived.date() - datetime.timedelta(days=rng.randint(0, 3)),
            doc_type=doc_type,
            subject=subject,
            registered_by=clerk,
            status="done" if rng.random() < 0.97 else "assigned",
        )
        document.search_text = normalize_search_text(
            f"{subject} {issuer} {document.number_notation} {notation.replace('-', ' ')}"
        )
        batch.append(document)
        if len(batch) == 5000:
            IncomingDocument.objects.bulk_create(batch, batch_size=5000)
            batch = []
    IncomingDocument.objects.bulk_create(batch, batch_size=5000)
    for year in years:
        last = (
            IncomingDocument.objects.filter(unit=unit, arrival_year=year)
            .order_by("-arrival_number")
            .values_list("arrival_number", flat=True)
            .first()
        )
        NumberCounter.objects.update_or_create(
            unit=unit,
            register="documents.incoming",
            period=str(year),
            defaults={"last_number": last or 0},
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load; without statistics the planner
        # guesses and the numbers would describe a fresh restore, not a running system.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_incomingdocument")
    print(f"generated {n_documents - existing:,} documents in {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="xaso-bench-docs-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/documents.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db import transaction
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_demo_commune", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    generate(args.documents)

    from xaso.core.models import User
    from xaso.core.numbering import allocate_number
    from xaso.documents import selectors

    clerk = User.objects.get(username="vanthu")
    print(
        f"XãSố documents benchmark — {connection.vendor}, "
        f"{selectors.incoming_for(clerk).count():,} incoming documents"
    )

    def page(flt: selectors.RegisterFilter) -> None:
        queryset = selectors.search_incoming(user=clerk, flt=flt)
        list(queryset[:50])
        selectors.capped_count(queryset)

    words = ["chuyen doi so", "ho tich", "dai hoi the thao", "phong chay", "tiem chung"]
    bodies = ["cong an", "so tu phap", "bao hiem xa hoi", "thanh tra", "so y te"]
    results = [
        measure(
            "search by words in subject/issuer (all years, page+count)",
            lambda i: page(selectors.RegisterFilter(query=words[i % 5])),
            args.runs,
        ),
        measure(
            "search by words within one year (page+count)",
            lambda i: page(selectors.RegisterFilter(query=words[i % 5], year=2026)),
            args.runs,
        ),
        measure(
            "search by number/notation '123/QĐ-…' (page+count)",
            lambda i: page(selectors.RegisterFilter(number_notation=f"{100 + i}/")),
            args.runs,
        ),
        measure(
            "search by issuing body + date range (page+count)",
            lambda i: page(
                selectors.RegisterFilter(
                    issuing_body=bodies[i % 5],
                    date_from=datetime.date(2025, 3, 1),
                    date_to=datetime.date(2025, 6, 30),
                )
            ),
            args.runs,
        ),
        measure(
            "register of the current year, first page (page+count)",
            lambda i: page(selectors.RegisterFilter(year=2026)),
            args.runs,
        ),
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clerk)

    def get_page(index: int) -> None:
        response = client.get("/van-ban/den/", {"q": words[index % 5]})
        if response.status_code != 200:
            raise RuntimeError(f"register page answered {response.status_code}")

    results.append(
        measure(
            "GET /van-ban/den/?q=… (whole page through Django)",
            get_page,
            max(10, args.runs // 2),
        )
    )

    def allocate(_index: int) -> None:
        with transaction.atomic():
            allocate_number(unit=clerk.unit, register="documents.bench", period="2026")

    results.append(measure("allocate_number (arrival number, row lock)", allocate, args.runs))


if __name__ == "__main__":
    main()
