"""Catalog and dossier factories: a procedure comes with a preset four-step process."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from xaso.core.models import Position
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcedureField
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import RequiredDocument


class ProcedureFieldFactory(DjangoModelFactory[ProcedureField]):
    class Meta:
        model = ProcedureField
        django_get_or_create = ("code",)

    code = "G15-HT"
    name = "Hộ tịch"


class ProcedureFactory(DjangoModelFactory[Procedure]):
    """A 5-working-day procedure (kết hôn) by default, with reception → justice official
    → chairman → return, budgets adding up to 40 working hours."""

    class Meta:
        model = Procedure
        django_get_or_create = ("unit", "code")
        skip_postgeneration_save = True

    code = "1.000894"
    name = "Đăng ký kết hôn"
    field = factory.SubFactory(ProcedureFieldFactory)
    implementing_agency = "Ủy ban nhân dân cấp xã"
    time_limit_kind = Procedure.TimeLimitKind.WORKING_DAYS
    time_limit_value = Decimal(5)
    result_name = "Giấy chứng nhận kết hôn"
    result_code = "KQ.G15.000032"

    @factory.post_generation
    def with_process(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        self.refresh_search_text()
        if not create:
            return
        self.save(update_fields=["search_text"])
        if extracted is False or self.steps.exists():
            return
        total = self.time_limit_hours or Decimal(8)
        plan = [
            (1, "Tiếp nhận hồ sơ", ProcessStep.Kind.RECEPTION, "counter_officer", Decimal(0)),
            (
                2,
                "Thẩm định, trình ký",
                ProcessStep.Kind.PROCESSING,
                "justice_civil_status",
                total - 12,
            ),
            (3, "Lãnh đạo phê duyệt", ProcessStep.Kind.APPROVAL, "chairman", Decimal(8)),
            (4, "Trả kết quả", ProcessStep.Kind.RETURN, "counter_officer", Decimal(4)),
        ]
        positions = {p.code: p for p in Position.objects.all()}
        for order, name, kind, position, hours in plan:
            ProcessStep.objects.create(
                procedure=self,
                order=order,
                name=name,
                kind=kind,
                position=positions[position],
                budget_hours=max(hours, Decimal(0)),
            )
        RequiredDocument.objects.create(
            procedure=self, order=1, name="Tờ khai đăng ký", originals=1, form_name="Tờ khai"
        )
        RequiredDocument.objects.create(
            procedure=self, order=2, name="Giấy tờ tùy thân", originals=0, copies=1
        )


class FeeRuleFactory(DjangoModelFactory[FeeRule]):
    class Meta:
        model = FeeRule

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Lệ phí"
    amount = 10000
