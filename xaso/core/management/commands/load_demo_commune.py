"""`manage.py load_demo_commune`: the demo commune and its logins (refused in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.utils import timezone

from xaso.core.demo import DEMO_ACCOUNTS
from xaso.core.demo import DEMO_PASSWORD
from xaso.core.demo import load_demo_commune


class Command(BaseCommand):
    help = "Tạo xã minh họa và các tài khoản mẫu (không chạy khi XASO_PRODUCTION bật)."

    def handle(self, *args: object, **options: object) -> None:
        if settings.XASO_PRODUCTION:
            raise CommandError(
                "Từ chối tạo dữ liệu minh họa: hệ thống đang ở chế độ vận hành thật "
                "(XASO_PRODUCTION=true)."
            )
        commune, users = load_demo_commune(today=timezone.localdate())
        positions = {a.username: a.job_title for a in DEMO_ACCOUNTS}
        self.stdout.write(
            f"Xã minh họa: {commune.name}, {commune.parent.name} (mã {commune.gso_code})"
        )
        self.stdout.write(f"Mật khẩu chung của các tài khoản mẫu: {DEMO_PASSWORD}")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {positions[user.username]}")
