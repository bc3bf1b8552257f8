"""Applicant factories."""

import datetime

import factory
from factory.django import DjangoModelFactory

from xaso.applicants.models import Applicant


class ApplicantFactory(DjangoModelFactory[Applicant]):
    class Meta:
        model = Applicant
        skip_postgeneration_save = True

    kind = Applicant.Kind.PERSON
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị An {n}")
    # Nghệ An prefix 040, century/sex digit 1 (female, 1900s), born 1990.
    id_number = factory.Sequence(lambda n: f"040190{n:06d}")
    date_of_birth = datetime.date(1990, 5, 17)
    sex = Applicant.Sex.FEMALE
    address = "Bản Hạnh Tiến, xã Quỳ Châu, tỉnh Nghệ An"
    phone = factory.Sequence(lambda n: f"0912{n:06d}")
    email = ""

    @factory.post_generation
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            self.save(update_fields=["search_text"])
