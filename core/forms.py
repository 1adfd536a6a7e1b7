"""Form fields shared by the apps, and how every form field is rendered."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import ChoiceWidget
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


class BoundField(forms.BoundField):
    """A field as templates/forms/field.html shows it. Django already puts ``aria-invalid`` and
    ``aria-describedby`` (``<id>_helptext``, ``<id>_error``) on the widget, or on the fieldset
    of a radio group; this adds what the template and the error summary need besides."""

    @property
    def marked_optional(self) -> bool:
        """"(valinnainen)" after the label: an optional field in a form that has required ones
        (a search form, every field optional, marks none)."""
        if self.field.required:
            return False
        return any(field.required for field in self.form.fields.values() if not field.widget.is_hidden)

    @property
    def anchor_id(self) -> str:
        """What the error summary links to: the input, or the first option of a radio group."""
        widget = self.field.widget
        if widget.use_fieldset and isinstance(widget, ChoiceWidget):
            return widget.id_for_label(self.auto_id, "0")
        return self.id_for_label or self.auto_id


class FormRenderer(TemplatesSetting):
    """settings.FORM_RENDERER: every form and field of the product through one template each,
    found in templates/ like any other template."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BoundField
