"""Forms for events. They validate and convert input; the rules live in events.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import DecimalCommaField, FinnishDateField, TextField
from events.models import CreditReason
from vouchers.models import VoucherContent, VoucherKind
from vouchers.validators import VoucherNumberValidator


def _decimal_field(label, *, required=True):
    # A decimal comma or point in every language (core.forms.DecimalCommaField).
    return DecimalCommaField(label=label, required=required, max_digits=10, decimal_places=2)


class EventForm(forms.Form):
    """Date, content (the reserved one), quantity — or euros on a balance voucher — and a note."""

    paivamaara = FinnishDateField(label=_("Päivämäärä"))
    sisalto = forms.ModelChoiceField(label=_("Palvelusisältö"), queryset=VoucherContent.objects.none(), empty_label=None)
    maara = _decimal_field(_("Määrä"))
    lisatieto = TextField(label=_("Lisätieto"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    # Sent by the "Kirjaa silti" button after the warning that the event exceeds what was granted.
    kirjaa_silti = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        content, field = reservation.voucher_content, self.fields["sisalto"]
        field.queryset = VoucherContent.objects.filter(pk=content.pk).select_related("content")
        field.label_from_instance = lambda row: row.content.name
        field.initial = content.pk
        # The one option, from the reservation already loaded: rendering the select would otherwise
        # query the queryset twice (Select.use_required_attribute and the options). Validation still
        # checks a posted content against the queryset.
        field.widget.choices = [(content.pk, field.label_from_instance(content))]
        self.fields["paivamaara"].initial = today()
        if reservation.voucher.kind == VoucherKind.BALANCE:
            self.fields["maara"].label = _("Summa (€)")
        else:
            unit = content.content.get_unit_display()
            self.fields["maara"].label = _("Määrä (%(unit)s)") % {"unit": unit}

    @classmethod
    def for_event(cls, event, data=None):
        initial = {
            "paivamaara": event.date,
            "sisalto": event.reservation.voucher_content_id,
            "maara": event.quantity,
            "lisatieto": event.note,
        }
        return cls(data, reservation=event.reservation, initial=initial)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["paivamaara"],
            "content_id": data["sisalto"].pk,
            "quantity": data["maara"],
            "note": data["lisatieto"],
        }

    @property
    def over_grant_confirmed(self) -> bool:
        """The user saw the over-grant warning and chose "Kirjaa silti"."""
        return bool(self.cleaned_data.get("kirjaa_silti"))


class RejectForm(forms.Form):
    perustelu = TextField(
        label=_("Hylkäyksen perustelu"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Kirjoita hylkäyksen perustelu; palveluntuottaja näkee sen.")},
    )


class CreditForm(forms.Form):
    syykoodi = forms.ChoiceField(label=_("Syykoodi"), choices=[("", "—"), *CreditReason.choices])
    selite = TextField(
        label=_("Selite palveluntuottajalle"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita hyvityksen selite; palveluntuottaja näkee sen.")},
    )
    maara = _decimal_field(_("Hyvitettävä määrä (tyhjä = koko tapahtuma)"), required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"reason_code": data["syykoodi"], "explanation": data["selite"], "quantity": data["maara"]}


# --- "Tuo tapahtumia": events from a file ---------------------------------------------------------


class EventRowForm(forms.Form):
    """One row of an imported file: the voucher's number, then the event form's own fields, so
    that a row's date, quantity and note are cleaned exactly as the form cleans what a person types.
    The content is the reservation's own (the event form offers no other)."""

    ostovoima = forms.CharField(
        strip=False,
        validators=[VoucherNumberValidator(_("Ostovoiman numero on 1–20 numeroa."))],
        error_messages={"required": _("Anna ostovoiman numero.")},
    )
    paivamaara = EventForm.base_fields["paivamaara"]
    maara = EventForm.base_fields["maara"]
    lisatieto = EventForm.base_fields["lisatieto"]

    @classmethod
    def clean_row(cls, cells: dict) -> tuple[dict, dict[str, list[str]]]:
        """(cleaned values, messages by field) of one row: what ``is_valid`` would give, by the
        same fields, without copying them into a form for each row (an import cleans 10,000)."""
        cleaned, errors = {}, {}
        for name, field in cls.base_fields.items():
            try:
                cleaned[name] = field.clean(cells.get(name, ""))
            except ValidationError as error:
                errors[name] = error.messages
        return cleaned, errors


class EventImportForm(forms.Form):
    """The file; organiser users also pick the provider on whose behalf they record."""

    tiedosto = forms.FileField(
        label=_("Tiedosto (CSV tai XLSX)"),
        help_text=_("Mallipohjan sarakkeet; CSV puolipisteellä eroteltuna ja desimaalipilkulla, kuten Excel sen tallentaa."),
        error_messages={"required": _("Valitse tiedosto."), "empty": _("Tiedosto on tyhjä.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    palveluntuottaja = forms.ModelChoiceField(
        label=_("Palveluntuottaja, jonka puolesta kirjataan"),
        queryset=None,
        empty_label=_("– Valitse palveluntuottaja –"),
        error_messages={"required": _("Valitse palveluntuottaja."), "invalid_choice": _("Valitse palveluntuottaja.")},
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is None:
            del self.fields["palveluntuottaja"]
        else:
            self.fields["palveluntuottaja"].queryset = providers

    @property
    def provider_id(self) -> int | None:
        provider = self.cleaned_data.get("palveluntuottaja")
        return provider.pk if provider is not None else None


class EventImportSaveForm(forms.Form):
    """"Tallenna": the previewed rows (signed by the server) and the all-or-nothing choice."""

    aineisto = forms.CharField(widget=forms.HiddenInput)
    # A choice of two, each worded as what happens (issue 23, item 10); without an answer, the
    # good rows are saved, as before.
    GOOD_ROWS, ALL_OR_NOTHING = "kelvolliset", "kaikki"
    tallennus = forms.ChoiceField(
        label=_("Mitä tallennetaan?"),
        choices=[
            (GOOD_ROWS, _("Tallenna kelvolliset rivit ja ohita virheelliset")),
            (ALL_OR_NOTHING, _("Tallenna vain, jos kaikki rivit kelpaavat")),
        ],
        widget=forms.RadioSelect,
        initial=GOOD_ROWS,
        required=False,
    )

    def all_or_nothing(self) -> bool:
        return self.cleaned_data.get("tallennus") == self.ALL_OR_NOTHING
