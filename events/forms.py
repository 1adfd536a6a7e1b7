"""Forms for events. They validate and convert input; the rules live in events.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import FinnishDateField
from events.models import CreditReason
from vouchers.models import VoucherContent, VoucherKind


def _decimal_field(label, *, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class EventForm(forms.Form):
    """Date, content (the reserved one), quantity — or euros on a balance voucher — and a note."""

    paivamaara = FinnishDateField(label=_("Päivämäärä"))
    sisalto = forms.ModelChoiceField(label=_("Palvelusisältö"), queryset=VoucherContent.objects.none(), empty_label=None)
    maara = _decimal_field(_("Määrä"))
    lisatieto = forms.CharField(label=_("Lisätieto"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sisalto"].queryset = VoucherContent.objects.filter(pk=reservation.voucher_content_id).select_related("content")
        self.fields["sisalto"].label_from_instance = lambda row: row.content.name
        self.fields["sisalto"].initial = reservation.voucher_content_id
        self.fields["paivamaara"].initial = today()
        if reservation.voucher.kind == VoucherKind.BALANCE:
            self.fields["maara"].label = _("Summa (€)")
        else:
            unit = reservation.voucher_content.content.get_unit_display()
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


class RejectForm(forms.Form):
    perustelu = forms.CharField(
        label=_("Hylkäyksen perustelu"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Kirjoita hylkäyksen perustelu; palveluntuottaja näkee sen.")},
    )


class CreditForm(forms.Form):
    syykoodi = forms.ChoiceField(label=_("Syykoodi"), choices=[("", "—"), *CreditReason.choices])
    selite = forms.CharField(
        label=_("Selite palveluntuottajalle"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita hyvityksen selite; palveluntuottaja näkee sen.")},
    )
    maara = _decimal_field(_("Hyvitettävä määrä (tyhjä = koko tapahtuma)"), required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"reason_code": data["syykoodi"], "explanation": data["selite"], "quantity": data["maara"]}
