from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import FinnishDateField
from vouchers.validators import VOUCHER_NUMBER_MAX_LENGTH, validate_voucher_number


class VoucherNumberField(forms.CharField):
    """A voucher number as people type it: spaces anywhere (also grouping spaces) are ignored."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split())


class VoucherNumberForm(forms.Form):
    """The number of a voucher (ostovoiman / palvelusetelin numero)."""

    numero = VoucherNumberField(
        label=_("Ostovoiman numero"),
        strip=True,
        error_messages={"required": _("Syötä ostovoiman numero.")},
        validators=[validate_voucher_number],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": VOUCHER_NUMBER_MAX_LENGTH}
        ),
    )


class VoucherCloseForm(forms.Form):
    suljettu = FinnishDateField(
        label=_("Sulkemispäivä"),
        help_text=_("Ostovoiman viimeinen voimassaolopäivä. Sulkeminen päättää myös asiakkuuden ja palveluvarauksen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suljettu"].initial = today

    def service_kwargs(self) -> dict:
        """The cleaned data under the names ``voucher_close`` takes."""
        return {"closed_on": self.cleaned_data["suljettu"]}
