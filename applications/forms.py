"""Forms of hakeutuminen. They validate and convert what is typed (a Y-tunnus by python-stdnum,
prices with a decimal comma, dates d.M.yyyy); the rules are applications.services'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fi import ytunnus

from applications.models import OfficeLanguage, Pricing
from core.forms import DecimalCommaField, FinnishDateField, TextField, UsernameField
from core.validators import validate_business_id

OFFICE_ROWS = 3


def _price_field(label: str, initial=None, required=False) -> DecimalCommaField:
    return DecimalCommaField(label=label, required=required, min_value=Decimal("0"), max_digits=10,
                             decimal_places=2, initial=initial)


class ContentPricesMixin:
    """A unit price per content of the service (``hinta_<id>``)."""

    def add_price_fields(self, contents, prices=None, required=False):
        self.contents = list(contents)
        prices = prices or {}
        for content in self.contents:
            self.fields[f"hinta_{content.pk}"] = _price_field(
                f"{content.name} ({content.get_unit_display()})", prices.get(content.pk), required)

    def price_fields(self):
        return [self[f"hinta_{content.pk}"] for content in self.contents]

    def prices(self) -> dict:
        return {content.pk: self.cleaned_data.get(f"hinta_{content.pk}") for content in self.contents}


class RulebookServiceForm(forms.Form):
    palvelu = forms.ModelChoiceField(label=_("Palvelu"), queryset=None, empty_label=_("Valitse palvelu"),
                                     error_messages={"required": _("Valitse palvelu."),
                                                     "invalid_choice": _("Valitse palvelu.")})

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palvelu"].queryset = services


class RulebookForm(ContentPricesMixin, forms.Form):
    yleinen = TextField(label=_("Yleinen osa"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 10}),
                        help_text=_("Markdown: # otsikko, * luettelo, **lihavointi**, [linkki](https://…)."))
    palveluosa = TextField(label=_("Palvelukohtainen osa"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 10}))
    alkaa = FinnishDateField(label=_("Voimassa alkaen"))
    hyvaksyttava = FinnishDateField(
        label=_("Palveluntuottajien hyväksyttävä viimeistään"), required=False,
        help_text=_("Palveluntuottajan sopimus päättyy tänä päivänä, jos se ei ole hyväksynyt versiota. Tyhjä: "
                    "hyväksyntää ei vaadita."))
    hinnoittelu = forms.ChoiceField(label=_("Hinnoittelu"), choices=Pricing.choices, widget=forms.RadioSelect)
    liite = forms.FileField(label=_("Liite (PDF, enintään 10 Mt)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}))

    def __init__(self, *args, contents, prices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_price_fields(contents, prices, required=True)
        for field in self.price_fields():
            field.field.error_messages["required"] = _("Anna hinta.")


class SignUpForm(forms.Form):
    ytunnus = forms.CharField(label=_("Y-tunnus"), max_length=20, help_text=_("Esimerkiksi 1234567-8."),
                              error_messages={"required": _("Anna yrityksen Y-tunnus.")})
    yritys = TextField(label=_("Yrityksen nimi"), max_length=200,
                       error_messages={"required": _("Anna yrityksen nimi.")})
    yhteyshenkilo = TextField(label=_("Yhteyshenkilö"), max_length=200,
                              error_messages={"required": _("Anna yhteyshenkilön nimi.")})
    sahkoposti = forms.EmailField(label=_("Sähköposti"), max_length=254,
                                  error_messages={"required": _("Anna sähköpostiosoite."),
                                                  "invalid": _("Anna kelvollinen sähköpostiosoite.")},
                                  help_text=_("Lähetämme osoitteeseen vahvistuslinkin."))

    def clean_ytunnus(self):
        value = ytunnus.compact(self.cleaned_data["ytunnus"].strip())
        if len(value) == 8 and "-" not in value:
            value = f"{value[:7]}-{value[7]}"
        validate_business_id(value)
        return value


class ConfirmForm(forms.Form):
    kayttajatunnus = UsernameField(label=_("Käyttäjätunnus"))
    salasana = forms.CharField(label=_("Salasana"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Vähintään 12 merkkiä; ei pelkkiä numeroita eikä yleinen salasana."),
                               error_messages={"required": _("Anna salasana.")})
    salasana2 = forms.CharField(label=_("Salasana uudelleen"), max_length=128, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": _("Anna salasana uudelleen.")})

    def clean(self):
        data = super().clean()
        if data.get("salasana") and data.get("salasana2") and data["salasana"] != data["salasana2"]:
            self.add_error("salasana2", _("Salasanat eivät ole samat."))
        return data


class NewApplicationForm(forms.Form):
    jarjestaja = forms.ModelChoiceField(label=_("Palvelunjärjestäjä"), queryset=None,
                                        empty_label=_("Valitse palvelunjärjestäjä"),
                                        error_messages={"required": _("Valitse palvelunjärjestäjä."),
                                                        "invalid_choice": _("Valitse palvelunjärjestäjä.")})
    palvelu = forms.ModelChoiceField(label=_("Palvelu"), queryset=None, empty_label=_("Valitse palvelu"),
                                     error_messages={"required": _("Valitse palvelu."),
                                                     "invalid_choice": _("Valitse palvelu.")})

    def __init__(self, *args, organisers, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jarjestaja"].queryset = organisers
        self.fields["palvelu"].queryset = services


class ApplicationForm(ContentPricesMixin, forms.Form):
    """The application's details, OFFICE_ROWS offices (an empty row is left out) and, where the
    organiser lets providers price, a price per content."""

    yhteyshenkilo = TextField(label=_("Yhteyshenkilö"), max_length=200, required=False)
    sahkoposti = forms.EmailField(label=_("Sähköposti"), max_length=254, required=False,
                                  error_messages={"invalid": _("Anna kelvollinen sähköpostiosoite.")})
    puhelin = TextField(label=_("Puhelin"), max_length=40, required=False)
    soteri = TextField(label=_("Soteri-rekisterin tunnus"), max_length=60, required=False,
                       help_text=_("Palveluntuottajan rekisteröinti valvontalain mukaiseen Soteri-rekisteriin tähän palveluun."))

    def __init__(self, *args, contents=(), prices=None, offices=(), priced=False, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices)
        self.office_rows = []
        for index in range(max(OFFICE_ROWS, len(offices))):
            office = offices[index] if index < len(offices) else None
            prefix = f"toimipaikka_{index}"
            self.fields[f"{prefix}_nimi"] = TextField(label=_("Toimipaikan nimi"), max_length=200, required=False,
                                                      initial=office.name if office else None)
            self.fields[f"{prefix}_osoite"] = TextField(label=_("Katuosoite"), max_length=200, required=False,
                                                        initial=office.street_address if office else None)
            self.fields[f"{prefix}_kunta"] = TextField(label=_("Kunta"), max_length=100, required=False,
                                                       initial=office.municipality if office else None)
            self.fields[f"{prefix}_kielet"] = forms.MultipleChoiceField(
                label=_("Palvelukielet"), choices=OfficeLanguage.choices, required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=office.languages.split(",") if office and office.languages else ["fi"])
            self.office_rows.append([self[f"{prefix}_{part}"] for part in ("nimi", "osoite", "kunta", "kielet")])
        self.add_price_fields(contents if priced else (), prices)

    def clean(self):
        data = super().clean()
        for index in range(len(self.office_rows)):
            prefix = f"toimipaikka_{index}"
            name = data.get(f"{prefix}_nimi")
            if not name and (data.get(f"{prefix}_osoite") or data.get(f"{prefix}_kunta")):
                self.add_error(f"{prefix}_nimi", _("Anna toimipaikan nimi."))
            if name:
                if not data.get(f"{prefix}_osoite"):
                    self.add_error(f"{prefix}_osoite", _("Anna toimipaikan katuosoite."))
                if not data.get(f"{prefix}_kunta"):
                    self.add_error(f"{prefix}_kunta", _("Anna toimipaikan kunta."))
                if not data.get(f"{prefix}_kielet"):
                    self.add_error(f"{prefix}_kielet", _("Valitse vähintään yksi palvelukieli."))
        return data

    def offices(self) -> list[tuple]:
        rows = []
        for index in range(len(self.office_rows)):
            prefix = f"toimipaikka_{index}"
            if self.cleaned_data.get(f"{prefix}_nimi"):
                rows.append((self.cleaned_data[f"{prefix}_nimi"], self.cleaned_data[f"{prefix}_osoite"],
                             self.cleaned_data[f"{prefix}_kunta"], tuple(self.cleaned_data[f"{prefix}_kielet"])))
        return rows


class AttachmentForm(forms.Form):
    liite = forms.FileField(label=_("Liite (PDF, JPEG tai PNG, enintään 10 Mt)"), max_length=300,
                            error_messages={"required": _("Valitse tiedosto."), "empty": _("Liite on tyhjä."),
                                            "invalid": _("Valitse tiedosto.")},
                            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class SendForm(forms.Form):
    saantokirja = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1,
                                     error_messages={"required": _("Virheellinen pyyntö.")})
    hyvaksyn = forms.BooleanField(label=_("Olen lukenut ja hyväksyn sääntökirjan"), required=False)


class ReviewForm(forms.Form):
    ACTIONS = [("hyvaksy", _("Hyväksy")), ("hylkaa", _("Hylkää")), ("taydenna", _("Pyydä täydennystä"))]
    toiminto = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    alkaa = FinnishDateField(label=_("Sopimus voimassa alkaen"), required=False)
    paattyy = FinnishDateField(label=_("Sopimus voimassa asti"), required=False,
                               help_text=_("Tyhjä: toistaiseksi voimassa."))
    perustelu = TextField(label=_("Hylkäyksen perustelu"), max_length=2000, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}))
    taydennys = TextField(label=_("Mitä hakemuksesta puuttuu"), max_length=2000, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("toiminto") == "hyvaksy":
            if not data.get("alkaa"):
                self.add_error("alkaa", _("Anna päivämäärä."))
            elif data.get("paattyy") and data["paattyy"] < data["alkaa"]:
                self.add_error("paattyy", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
        return data


class FilterForm(forms.Form):
    tila = forms.ChoiceField(required=False)
    palvelu = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
