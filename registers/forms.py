"""Forms of the registers' pages. They validate and convert what is typed (dates d.M.yyyy, prices
with a decimal comma); the rules are registers.services'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DecimalCommaField, FinnishDateField, TextField
from core.validators import validate_business_id
from vouchers.models import ContentUnit, VoucherKind


class ServiceForm(forms.Form):
    nimi = TextField(label=_("Nimi"), max_length=200)
    setelilaji = forms.ChoiceField(label=_("Setelilaji"), choices=VoucherKind.choices)


class ServiceRenameForm(forms.Form):
    nimi = TextField(label=_("Nimi"), max_length=200)


class ContentForm(forms.Form):
    nimi = TextField(label=_("Nimi"), max_length=200)
    yksikko = forms.ChoiceField(label=_("Yksikkö"), choices=ContentUnit.choices)


class ValidityForm(forms.Form):
    alkaa = FinnishDateField(label=_("Voimassa alkaen"))
    paattyy = FinnishDateField(label=_("Voimassa asti"), required=False,
                               help_text=_("Tyhjä: toistaiseksi voimassa."))

    def clean(self):
        data = super().clean()
        start, end = data.get("alkaa"), data.get("paattyy")
        if start and end and end < start:
            self.add_error("paattyy", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
        return data


class AgreementForm(ValidityForm):
    ytunnus = forms.CharField(label=_("Palveluntuottajan Y-tunnus"), max_length=20,
                              validators=[validate_business_id], help_text=_("Esimerkiksi 1234567-8."))
    palvelu = forms.ModelChoiceField(label=_("Palvelu"), queryset=None, empty_label=_("Valitse palvelu"))
    field_order = ["ytunnus", "palvelu", "alkaa", "paattyy"]

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palvelu"].queryset = services

    def clean_ytunnus(self):
        return self.cleaned_data["ytunnus"].strip()


class PriceListForm(ValidityForm):
    """A price list's name, validity and a unit price per content of the service (``hinta_<id>``;
    blank: the list does not price it)."""

    nimi = TextField(label=_("Nimi"), max_length=200)
    field_order = ["nimi", "alkaa", "paattyy"]

    def __init__(self, *args, contents, prices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = list(contents)
        prices = prices or {}
        for content in self.contents:
            self.fields[self.price_field(content)] = DecimalCommaField(
                label=f"{content.name} ({content.get_unit_display()})", required=False, min_value=Decimal("0"),
                max_digits=10, decimal_places=2, initial=prices.get(content.pk),
            )

    @staticmethod
    def price_field(content) -> str:
        return f"hinta_{content.pk}"

    def price_fields(self):
        return [self[self.price_field(content)] for content in self.contents]

    def prices(self) -> list[tuple]:
        """[(content, unit price or None)] as typed."""
        return [(content, self.cleaned_data.get(self.price_field(content))) for content in self.contents]
