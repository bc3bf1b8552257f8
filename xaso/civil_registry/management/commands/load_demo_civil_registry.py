"""Demo registers for the demo commune: a few births and a marriage, each received at the
counter, prepared by the justice official and approved by the chairman (the real path).

    manage.py load_demo_civil_registry

Idempotent: does nothing when the demo commune's registers already hold entries. Needs
load_demo_commune and load_procedures first.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.utils import timezone

from xaso.applicants.models import Applicant
from xaso.civil_registry import services
from xaso.civil_registry.models import CivilEntry
from xaso.core.models import User
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import processing
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier

DEMO_UNIT = 16777


def _births(today: datetime.date) -> list[dict[str, Any]]:
    return [
        {
            "child_full_name": name,
            "sex": sex,
            "date_of_birth": (today - datetime.timedelta(days=days)).isoformat(),
            "place_of_birth": "Trạm Y tế xã Quỳ Châu, tỉnh Nghệ An",
            "ethnicity": "Thái",
            "nationality": "Việt Nam",
            "mother_full_name": mother,
            "father_full_name": father,
            "declarant_relation": "Mẹ",
        }
        for name, sex, days, mother, father in (
            ("Lương Minh Khôi", "male", 12, "Nguyễn Thị An", "Lương Văn Tâm"),
            ("Vi Thị Ngọc", "female", 30, "Lò Thị Mai", "Vi Văn Hùng"),
            ("Hà Gia Bảo", "male", 95, "Nguyễn Thị Lan", "Hà Văn Sơn"),
        )
    ]


MARRIAGE = {
    "husband_full_name": "Trần Văn Nam",
    "husband_date_of_birth": "1998-05-01",
    "husband_residence": "Bản Hạnh Tiến, xã Quỳ Châu",
    "wife_full_name": "Lò Thị Hương",
    "wife_date_of_birth": "2000-07-09",
    "wife_residence": "Bản Na Pà, xã Quỳ Châu",
}


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu sổ hộ tịch cho xã mẫu (đi đủ đường tiếp nhận – lập tờ – phê duyệt)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.username: u for u in User.objects.filter(unit__code=DEMO_UNIT)}
        missing = {"motcua", "tuphap", "chutich"} - set(users)
        if missing:
            raise CommandError("Hãy chạy load_demo_commune trước.")
        unit = users["motcua"].unit
        if CivilEntry.objects.filter(unit=unit).exists():
            self.stdout.write("Sổ hộ tịch mẫu đã có dữ liệu.")
            return
        today = timezone.localdate()
        plan = [("1.001193", data) for data in _births(today)] + [("1.000894", MARRIAGE)]
        for code, declared in plan:
            procedure = Procedure.objects.filter(unit=unit, code=code, is_active=True).first()
            if procedure is None:
                raise CommandError(f"Chưa có thủ tục {code}: hãy chạy load_procedures trước.")
            name = declared.get("mother_full_name") or declared["husband_full_name"]
            applicant, _created = Applicant.objects.get_or_create(
                unit=unit, full_name=name, id_number="", defaults={"phone": "0912000111"}
            )
            dossier = receive_dossier(
                actor=users["motcua"],
                data=ReceptionData(
                    procedure=procedure,
                    applicant=applicant,
                    channel="direct",
                    delivery_method="desk",
                    declared_data=declared,
                    documents=[ReceivedDocument(name="Tờ khai", is_original=True)],
                ),
            )
            services.prepare_registration(
                actor=users["tuphap"],
                dossier=dossier,
                data=services.form_initial(dossier=dossier),
            )
            dossier = processing.claim_step(actor=users["tuphap"], dossier=dossier)
            dossier = processing.forward_dossier(actor=users["tuphap"], dossier=dossier)
            dossier = processing.claim_step(actor=users["chutich"], dossier=dossier)
            processing.approve_dossier(actor=users["chutich"], dossier=dossier)
        self.stdout.write(f"Đã ghi {len(plan)} việc hộ tịch mẫu vào sổ.")
