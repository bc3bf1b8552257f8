"""Test data factories for the kernel (units come from the real national list)."""

import factory
from factory.django import DjangoModelFactory

from xaso.core.models import AdministrativeUnit
from xaso.core.models import Position
from xaso.core.models import User

TEST_PASSWORD = "Mat-khau-thu-nghiem-2026"


def real_unit(code: int, *, level: str = AdministrativeUnit.Level.COMMUNE) -> AdministrativeUnit:
    """A unit of the national list (loaded by migration 0002), marked as hosted."""
    unit = AdministrativeUnit.objects.get(level=level, code=code)
    if not unit.is_hosted:
        unit.is_hosted = True
        unit.save(update_fields=["is_hosted"])
    return unit


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password(TEST_PASSWORD)
    unit = None

    @factory.post_generation
    def positions(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            self.save(update_fields=["search_text"])
        if create and extracted:
            self.positions.set(Position.objects.filter(code__in=extracted))
