"""`manage.py load_demo_work_calendar`: a published current week for the demo commune."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.urls import reverse
from django.utils import timezone

from xaso.core.demo import DEMO_COMMUNE_CODE
from xaso.core.models import AdministrativeUnit
from xaso.work_calendar.demo import load_demo_work_calendar


class Command(BaseCommand):
    help = (
        "Tạo và công bố lịch công tác tuần hiện tại cho xã minh họa (chạy sau load_demo_commune)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", type=int, default=DEMO_COMMUNE_CODE)

    def handle(self, *args: object, **options: object) -> None:
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo dữ liệu minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        unit = AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, code=options["unit"]
        ).first()
        if unit is None or not unit.staff.filter(username="vanphong").exists():
            raise CommandError("Chưa có xã minh họa: hãy chạy load_demo_commune trước.")
        revision, screen, created = load_demo_work_calendar(unit=unit, today=timezone.localdate())
        state = "Đã công bố" if created else "Đã có"
        self.stdout.write(
            f"{state} lịch công tác tuần từ {revision.week.start:%d/%m/%Y} "
            f"({len(revision.events)} sự kiện)."
        )
        base = settings.XASO_PUBLIC_BASE_URL.rstrip("/")
        public = reverse("work_calendar_public:week", args=[unit.code])
        self.stdout.write(f"  Trang công khai: {base}{public}")
        self.stdout.write(
            f"  Màn hình ti vi:  {base}{reverse('work_calendar:tv', args=[screen.token])}"
        )
