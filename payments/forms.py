"""The month of a payment run, typed as 3/2028 or 3.2028 (or 2028-03) in a text input (not a native
month input, which follows the browser's locale)."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[./](?P<year>\d{4})$"),
)
FIRST_YEAR = 2000


class RunStartForm(forms.Form):
    kuukausi = forms.CharField(
        label=_("Kuukausi"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("kk/vvvv"), "autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Päättynyt kuukausi, esim. 2/2028."),
        error_messages={"required": _("Valitse maksatuksen kuukausi.")},
    )

    def clean_kuukausi(self) -> dt.date:
        text = self.cleaned_data["kuukausi"].strip()
        for pattern in MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month = int(match["year"]), int(match["month"])
                if 1 <= month <= 12 and year >= FIRST_YEAR:
                    return dt.date(year, month, 1)
        raise forms.ValidationError(_("Anna kuukausi muodossa kk/vvvv, esim. 2/2028."), code="invalid")


class RunActionForm(forms.Form):
    toiminto = forms.ChoiceField(
        choices=[
            ("hyvaksy", _("Hyväksy maksatus")),
            ("maksettu", _("Merkitse maksetuksi")),
            ("uudelleen", _("Käynnistä uudelleen")),
        ],
        error_messages={"required": _("Tuntematon toiminto."), "invalid_choice": _("Tuntematon toiminto.")},
    )
    # Approving and marking paid cannot be undone: the first POST asks, naming the month and the sum;
    # only the second, with vahvista=1 from that question's form, does it (issue 23, item 4).
    vahvista = forms.BooleanField(required=False)

    IRREVERSIBLE = ("hyvaksy", "maksettu")

    def needs_confirmation(self) -> bool:
        return self.cleaned_data["toiminto"] in self.IRREVERSIBLE and not self.cleaned_data["vahvista"]
