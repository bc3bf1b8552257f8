"""HTML input of the civil registry pages (parsing only; the rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.civil_registry.models import BIRTH_FIELDS
from xaso.civil_registry.models import BirthEntry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class BirthEntryForm(forms.ModelForm):
    """The birth registration form (tờ khai checked by the justice official)."""

    checked = forms.BooleanField(
        label=_("Tôi đã kiểm tra, đối chiếu các thông tin trên với giấy tờ của hồ sơ"),
        required=True,
    )

    class Meta:
        model = BirthEntry
        fields = BIRTH_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "mother_date_of_birth": DateInput(),
            "father_date_of_birth": DateInput(),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The service decides what is required (with the law's messages).
        for name in ("mother_full_name", "father_full_name"):
            self.fields[name].required = False

    def entry_data(self) -> dict[str, object]:
        return {name: self.cleaned_data.get(name) for name in BIRTH_FIELDS}


class BirthCorrectionForm(BirthEntryForm):
    """The same fields, pre-filled with the current values, plus the reason."""

    reason = forms.CharField(label=_("Lý do cải chính"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["checked"]


class RegisterSearchForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2999, required=False)
    q = forms.CharField(
        label=_("Tìm theo tên con, tên cha mẹ hoặc ngày sinh"), required=False, max_length=200
    )
