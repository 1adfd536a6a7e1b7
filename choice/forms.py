"""The public comparison's question, read from the query string (a shareable address): which
organiser and service, the voucher's value per unit, the filters and the order.

A plain form rather than django-filter's FilterSet: the rows are the cached comparison
(vouchers.comparison), a list, not a queryset to filter."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DecimalCommaField, QuickSelect, TextField
from organisations.models import Organiser, ServiceLanguage
from vouchers.models import ServiceContent

MAX_VOUCHER_VALUE = Decimal("100000")
INVALID_CHOICE = {"invalid_choice": _("Valitse vaihtoehto luettelosta.")}


class Order:
    OWN_SHARE = "omavastuu"
    PRICE = "hinta"
    NAME = "nimi"
    CHOICES = [(OWN_SHARE, _("Omavastuu")), (PRICE, _("Hinta")), (NAME, _("Nimi"))]


class ComparisonForm(forms.Form):
    """Every field optional (none marked so): an organiser, then a service, makes a comparison."""

    jarjestaja = forms.ModelChoiceField(
        label=_("Palvelunjärjestäjä"), queryset=Organiser.objects.order_by("name"), empty_label=_("Valitse"), required=False,
        widget=QuickSelect(label_field="name"), error_messages=INVALID_CHOICE,
    )
    palvelu = forms.ModelChoiceField(
        label=_("Palvelu"), queryset=None, required=False, empty_label=_("Valitse"),
        widget=QuickSelect(label_field="name"), error_messages=INVALID_CHOICE,
    )
    sisalto = forms.ModelChoiceField(
        label=_("Palvelusisältö"), queryset=ServiceContent.objects.none(), required=False, empty_label=None,
        widget=QuickSelect(label_field="name"), error_messages=INVALID_CHOICE,
    )
    arvo = DecimalCommaField(
        label=_("Setelin arvo / yksikkö (€)"), required=False, max_digits=8, decimal_places=2,
        help_text=_("Palvelusetelipäätöksessäsi kerrottu arvo, esimerkiksi 38,50."),
        error_messages={
            "invalid": _("Anna setelin arvo euroina, esimerkiksi 38,50."),
            "max_digits": _("Setelin arvon on oltava suurempi kuin 0 ja enintään 100 000 €."),
            "max_whole_digits": _("Setelin arvon on oltava suurempi kuin 0 ja enintään 100 000 €."),
            "max_decimal_places": _("Anna setelin arvo sentin tarkkuudella, esimerkiksi 38,50."),
        },
    )
    kunta = TextField(label=_("Kunta"), max_length=100, required=False)
    kieli = forms.ChoiceField(label=_("Palvelukieli"), choices=[("", _("Kaikki")), *ServiceLanguage.choices],
                              required=False, error_messages=INVALID_CHOICE)
    jarjestys = forms.ChoiceField(label=_("Järjestys"), choices=Order.CHOICES, required=False,
                                  error_messages=INVALID_CHOICE)

    def __init__(self, data=None, *, services, contents=None, **kwargs):
        """``services``: those of the chosen organiser one may compare; ``contents``: the chosen
        service's contents (the view asks the selectors, the form only offers them)."""
        super().__init__(data, **kwargs)
        self.fields["palvelu"].queryset = services
        if contents is not None:
            self.fields["sisalto"].queryset = contents

    def clean_arvo(self):
        value = self.cleaned_data.get("arvo")
        if value is not None and not Decimal("0") < value <= MAX_VOUCHER_VALUE:
            raise ValidationError(_("Setelin arvon on oltava suurempi kuin 0 ja enintään 100 000 €."), code="range")
        return value


class DeclineForm(forms.Form):
    """The provider's reason for not taking the customer: the customer reads it."""

    perustelu = TextField(label=_("Perustelu asiakkaalle"), max_length=1000,
                          error_messages={"required": _("Kirjoita perustelu; asiakas näkee sen.")})
