from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.forms import FinnishDateField


class AuditSearchForm(forms.Form):
    """Search of the audit log by customer, user and time."""

    asiakas = forms.CharField(
        label=_("Asiakas (nimi tai henkilötunnus)"), required=False, max_length=100, strip=True
    )
    kayttaja = forms.CharField(label=_("Käyttäjätunnus"), required=False, max_length=150, strip=True)
    alkaen = FinnishDateField(label=_("Alkaen"), required=False)
    asti = FinnishDateField(label=_("Asti"), required=False)
    # Not personal: a filter of the kind of entry (issue 13, item 9).
    toimenpide = forms.ChoiceField(
        label=_("Toimenpide"), required=False, choices=[("", _("Kaikki")), *AuditEntry.Action.choices],
        error_messages={"invalid_choice": _("Valitse vaihtoehto luettelosta.")},
    )
