from django import forms
from django.utils.translation import gettext_lazy as _

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
