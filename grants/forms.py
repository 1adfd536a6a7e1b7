"""The granting pages' forms: the henkilötunnus search, a new customer, the decision (service,
contents and amounts, validity, decision number and date), a change with its reason, and closing
with a reason from the list. They validate and convert what was typed; the rules are the
services' (grants.services), whose refusals ``show_refusal`` puts on the field they name."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import DecimalCommaField, FinnishDateField, TextField
from core.validators import normalise_henkilotunnus, validate_henkilotunnus
from grants.models import CloseReason
from grants.services import REASON_MAX_LENGTH, Granted, NewCustomer
from vouchers.models import Language, ServiceContent, VoucherContent, VoucherKind


class HenkilotunnusField(forms.CharField):
    """A henkilötunnus as people type it (spaces ignored, lower-case letters accepted), checked
    with python-stdnum (core.validators)."""

    default_error_messages = {"required": _("Anna henkilötunnus.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Henkilötunnus"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.validators.append(validate_henkilotunnus)

    def to_python(self, value):
        return normalise_henkilotunnus(super().to_python(value)).upper()

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


def show_refusal(form, error) -> None:
    """A service's refusal on the field it names (``error.params["field"]``), else on the form."""
    field = error.params.get("field")
    form.add_error(field if field in form.fields else None, error.message)


class CustomerSearchForm(forms.Form):
    henkilotunnus = HenkilotunnusField(help_text=_("Esimerkiksi 010190-123A."))


class CustomerForm(forms.Form):
    """A new person in the register (the decision letter is sent to this address)."""

    etunimi = TextField(label=_("Etunimi"), max_length=100)
    sukunimi = TextField(label=_("Sukunimi"), max_length=100)
    henkilotunnus = HenkilotunnusField()
    kotikunta = TextField(label=_("Kotikunta"), max_length=100)
    lahiosoite = TextField(label=_("Lähiosoite"), max_length=200, required=False)
    postinumero = forms.RegexField(label=_("Postinumero"), regex=r"^\d{5}$", required=False, max_length=10,
                                   error_messages={"invalid": _("Postinumero on viisi numeroa.")})
    postitoimipaikka = TextField(label=_("Postitoimipaikka"), max_length=100, required=False)
    asiointikieli = forms.ChoiceField(label=_("Asiointikieli"), choices=Language.choices, initial=Language.FINNISH,
                                      help_text=_("Päätös tulostuu suomeksi tai ruotsiksi asiointikielen mukaan."))
    puhelin = TextField(label=_("Puhelin"), max_length=40, required=False)
    sahkoposti = forms.EmailField(label=_("Sähköposti"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "uusi_%s")  # beside the search form's henkilötunnus on one page
        super().__init__(*args, **kwargs)

    def person(self) -> NewCustomer:
        data = self.cleaned_data
        return NewCustomer(
            first_name=data["etunimi"], last_name=data["sukunimi"], henkilotunnus=data["henkilotunnus"],
            municipality=data["kotikunta"], street_address=data["lahiosoite"], postal_code=data["postinumero"],
            post_office=data["postitoimipaikka"], language=data["asiointikieli"], phone=data["puhelin"],
            email=data["sahkoposti"],
        )


# --- a decision's contents: one row of fields per content of the service ---------------------------


@dataclass
class ContentRow:
    """One content's fields, for the template: the amount (a quantity, or a balance voucher's
    euros), its period and the voucher's value per unit (where the voucher pays by unit)."""

    content: ServiceContent
    amount: forms.BoundField
    period: forms.BoundField | None
    value: forms.BoundField | None


class ContentRowsMixin:
    """Adds ``maara_<id>``, ``jakso_<id>`` and ``arvo_<id>`` for each content of ``service``; an
    empty amount grants nothing of that content."""

    def add_content_fields(self, service, contents) -> None:
        self.service = service
        self.contents = list(contents)
        self.balance = service is not None and service.kind == VoucherKind.BALANCE
        by_unit = service is not None and service.kind in (VoucherKind.SERVICE_VOUCHER,)
        for content in self.contents:
            if self.balance:
                self.fields[f"maara_{content.pk}"] = DecimalCommaField(
                    label=_("Euromäärä (€)"), required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
            else:
                self.fields[f"maara_{content.pk}"] = DecimalCommaField(
                    label=_("Määrä (%(unit)s)") % {"unit": content.get_unit_display()}, required=False,
                    min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
                self.fields[f"jakso_{content.pk}"] = forms.ChoiceField(
                    label=_("Jakso"), choices=VoucherContent.Period.choices, initial=VoucherContent.Period.MONTH,
                    required=False)
            if by_unit:
                self.fields[f"arvo_{content.pk}"] = DecimalCommaField(
                    label=_("Setelin arvo / yksikkö (€)"), required=False, min_value=Decimal("0"),
                    max_digits=10, decimal_places=2)

    def content_rows(self) -> list[ContentRow]:
        def bound(name):
            return self[name] if name in self.fields else None

        return [ContentRow(content=c, amount=self[f"maara_{c.pk}"], period=bound(f"jakso_{c.pk}"),
                           value=bound(f"arvo_{c.pk}")) for c in self.contents]

    def clean(self):
        data = super().clean()
        self.clean_content_rows(data)
        return data

    def clean_content_rows(self, data) -> None:
        for content in self.contents:
            value = data.get(f"arvo_{content.pk}")
            if value is not None and data.get(f"maara_{content.pk}") is None and f"maara_{content.pk}" not in self.errors:
                self.add_error(f"maara_{content.pk}", _("Anna myönnetty määrä, tai jätä setelin arvo tyhjäksi."))

    def granted(self) -> list[Granted]:
        data, rows = self.cleaned_data, []
        for content in self.contents:
            amount = data.get(f"maara_{content.pk}")
            if amount is None:
                continue
            if self.balance:
                rows.append(Granted(content_id=content.pk, amount=amount))
            else:
                rows.append(Granted(content_id=content.pk, quantity=amount, unit_value=data.get(f"arvo_{content.pk}"),
                                    period=data.get(f"jakso_{content.pk}") or VoucherContent.Period.VALIDITY))
        return rows


def content_initial(voucher) -> dict:
    """The change form's rows as the voucher grants them now."""
    initial = {}
    for row in voucher.contents.all():
        amount = row.amount if row.quantity is None else _whole(row.quantity)
        initial[f"maara_{row.content_id}"] = amount
        initial[f"jakso_{row.content_id}"] = row.period
        initial[f"arvo_{row.content_id}"] = row.unit_value
    return initial


def _whole(value: Decimal) -> Decimal:
    """10.00 hours as 10, 7.50 as 7.50."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


class GrantForm(ContentRowsMixin, forms.Form):
    """"Myönnä ostovoima": the service (of the user's organiser), its contents and amounts,
    validity and the decision. The content rows are the chosen service's."""

    palvelu = forms.ModelChoiceField(label=_("Palvelu"), queryset=None, empty_label=_("Valitse palvelu"),
                                     error_messages={"required": _("Valitse palvelu."),
                                                     "invalid_choice": _("Valitse palvelu listasta.")})
    voimassa_alkaen = FinnishDateField(label=_("Voimassa alkaen"))
    voimassa_asti = FinnishDateField(label=_("Voimassa asti"))
    paatoksen_numero = TextField(label=_("Päätöksen numero"), max_length=60)
    paatoksen_paivamaara = FinnishDateField(label=_("Päätöksen päivämäärä"))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palvelu"].queryset = services
        start = today()
        self.fields["voimassa_alkaen"].initial = start
        self.fields["voimassa_asti"].initial = _a_year_from(start)
        self.fields["paatoksen_paivamaara"].initial = start
        service = self._chosen_service(services)
        contents = ServiceContent.objects.filter(service=service).order_by("name") if service else []
        self.add_content_fields(service, contents)

    def _chosen_service(self, services):
        source = self.data if self.is_bound else self.initial
        chosen = source.get("palvelu")
        if not chosen or not str(chosen).isdigit():
            return None
        return services.filter(pk=int(chosen)).first()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"service": data["palvelu"], "contents": self.granted(), "valid_from": data["voimassa_alkaen"],
                "valid_to": data["voimassa_asti"], "decision_number": data["paatoksen_numero"],
                "decision_date": data["paatoksen_paivamaara"]}


def _a_year_from(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class ChangeForm(ContentRowsMixin, forms.Form):
    """"Muuta myöntöä": validity and the contents' amounts (the whole new set: an emptied amount
    removes the content), with a reason."""

    voimassa_alkaen = FinnishDateField(label=_("Voimassa alkaen"))
    voimassa_asti = FinnishDateField(label=_("Voimassa asti"))
    perustelu = TextField(label=_("Perustelu"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                          help_text=_("Miksi myöntöä muutetaan. Perustelu näkyy muutoshistoriassa."),
                          error_messages={"required": _("Kirjoita muutoksen perustelu.")})

    def __init__(self, *args, voucher, **kwargs):
        kwargs.setdefault("initial", {"voimassa_alkaen": voucher.valid_from, "voimassa_asti": voucher.valid_to,
                                      **content_initial(voucher)})
        super().__init__(*args, **kwargs)
        self.add_content_fields(voucher.service, ServiceContent.objects.filter(service=voucher.service).order_by("name"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"valid_from": data["voimassa_alkaen"], "valid_to": data["voimassa_asti"], "contents": self.granted(),
                "reason": data["perustelu"]}


class CloseForm(forms.Form):
    """"Sulje ostovoima": the closing day and its reason from the list (a text for "Muu syy")."""

    suljettu = FinnishDateField(
        label=_("Sulkemispäivä"),
        help_text=_("Ostovoiman viimeinen voimassaolopäivä. Sulkeminen päättää myös asiakkuuden ja palveluvarauksen."),
    )
    syy = forms.ChoiceField(label=_("Sulkemisen syy"), choices=[("", _("Valitse syy")), *CloseReason.choices],
                            error_messages={"required": _("Valitse sulkemisen syy.")})
    perustelu = TextField(label=_("Lisätieto"), max_length=REASON_MAX_LENGTH, required=False,
                          widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Pakollinen, kun syy on Muu syy."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suljettu"].initial = today

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"closed_on": data["suljettu"], "close_reason": data["syy"], "reason": data["perustelu"]}
