"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_DATE, LATEST_DATE


class FinnishDateField(forms.DateField):
    """A date typed as 31.12.2026 or picked as 2026-12-31, within 1900–2100.

    The range keeps absurd dates (year 9999) out of the domain, where date arithmetic
    on them would overflow."""

    widget = forms.DateInput(attrs={"type": "date", "min": "1900-01-01", "max": "2100-12-31"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
    default_error_messages = {
        "required": _("Anna päivämäärä."),
        "invalid": _("Anna päivämäärä muodossa pp.kk.vvvv."),
        "out_of_range": _("Päivämäärän on oltava vuosien 1900–2100 välillä."),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


SEARCH_MAX_LENGTH = 100


def search_term(params) -> str:
    """The list search (?haku=) as typed: trimmed, at most SEARCH_MAX_LENGTH characters,
    without NUL characters (PostgreSQL text cannot hold them)."""
    return params.get("haku", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
