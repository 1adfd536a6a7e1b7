"""Form fields shared by the apps, and how every form field is rendered."""

import datetime as dt
import html
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.forms.widgets import ChoiceWidget
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_DATE, LATEST_DATE
from core.money import parse_decimal
from core.validators import USERNAME_MAX_LENGTH, clean_text, normalise_username, validate_username


class FinnishDateField(forms.DateField):
    """A date typed as 7.12.2026 (or 2026-12-07), within 1900–2100, in a text input: a native date
    input shows the browser's locale ("12/07/2026") while the product writes 7.12.2026, so the
    field is a text input in d.M.yyyy with the product's own parsing, as HDS's date input is
    (issue 23, item 6).

    The range keeps absurd dates (year 9999) out of the domain, where date arithmetic
    on them would overflow."""

    widget = forms.DateInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("pp.kk.vvvv"), "maxlength": 10},
        format="%-d.%-m.%Y",
    )
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


class TextField(forms.CharField):
    """A name or a free text a person types (a unit's or an office's name, a reservation's text,
    a note): direction controls and zero-width characters are taken out before validation
    (core.validators.clean_text), so that what is stored shows as it reads. Every free-text
    field of the product's forms is one of these."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


# The Django admin's registers take names too: ``formfield_overrides = ADMIN_TEXT`` makes every text
# column's field a TextField (a column with choices keeps its choice field).
ADMIN_TEXT = {models.CharField: {"form_class": TextField}, models.TextField: {"form_class": TextField}}


class UsernameField(forms.CharField):
    """A new username: NFKC-normalised, then ASCII letters, digits and ``. - _ @`` only
    (core.validators.validate_username), at most 150 characters."""

    default_error_messages = {"required": _("Anna käyttäjätunnus.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", USERNAME_MAX_LENGTH)
        kwargs.setdefault("help_text", _("Kirjaimia a–z, numeroita ja merkkejä . - _ @"))
        super().__init__(**kwargs)
        self.validators.append(validate_username)

    def to_python(self, value):
        value = super().to_python(value)
        # Normalising a very long value costs time and cannot make it valid (NFKC does not shorten).
        return value if len(value) > USERNAME_MAX_LENGTH else normalise_username(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}


class DecimalCommaField(forms.DecimalField):
    """An amount or a quantity typed with a decimal comma or a decimal point, in every language
    (``12,50``, ``12.50``, ``1 234,50``; core.money.parse_decimal), shown in the active language.
    A text input with a decimal keypad: a ``type="number"`` input refuses a comma in some browsers."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Anna luku, esimerkiksi 12,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No type="number" step/min/max (DecimalField's): the text input keeps the comma.
        attrs = super().widget_attrs(widget)
        return {key: value for key, value in attrs.items() if key not in ("step", "min", "max")}

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_decimal(value)
        return super().to_python(value)


class MonthField(forms.Field):
    """A calendar month typed as 11/2026 or 11.2026 (or 2026-11) in a text input, shown as 11/2026
    (not a native month input: it follows the browser's locale, "November 2026"); its value is the
    month's first day, within 1900–2100."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("kk/vvvv"),
                                    "maxlength": 10})
    default_error_messages = {"invalid": _("Anna kuukausi muodossa kk/vvvv, esimerkiksi 11/2026.")}

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if text in self.empty_values:
            return None
        if isinstance(text, dt.date):
            return text.replace(day=1)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})[./](\d{4})", text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        try:
            first = dt.date(int(year), int(month), 1)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not EARLIEST_DATE <= first <= LATEST_DATE:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return first

    def prepare_value(self, value):
        return f"{value.month}/{value.year}" if isinstance(value, dt.date) else value


SEARCH_MAX_LENGTH = 100


def search_term(params) -> str:
    """The list search (?haku=) as typed: trimmed, at most SEARCH_MAX_LENGTH characters,
    without NUL characters (PostgreSQL text cannot hold them)."""
    return params.get("haku", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]


class QuickSelect(forms.Select):
    """A select that writes its options in Python instead of one template include per option:
    the same HTML as Django's select, for lists of hundreds of choices (an organiser's ~600
    providers took 40 ms to render through the templates). Option groups are not supported.

    ``label_field``: for a model choice field whose rows show as that field (their ``str()``), the
    rows are read as (pk, label) pairs instead of as model instances: 487 providers, 7.5 -> 2.5 ms."""

    def __init__(self, attrs=None, choices=(), *, label_field=None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _options(self):
        choices = self.choices
        if self.label_field and isinstance(choices, ModelChoiceIterator):
            empty = [] if choices.field.empty_label is None else [("", choices.field.empty_label)]
            return [*empty, *choices.queryset.values_list("pk", self.label_field)]
        return choices

    def render(self, name, value, attrs=None, renderer=None):
        chosen, found = set(self.format_value(value)), False
        options = []
        for option_value, label in self._options():
            text = "" if option_value is None else str(option_value)
            selected = not found and text in chosen
            found = found or selected
            # html.escape is what django.utils.html.escape does, without its lazy-string wrapper.
            options.append(
                f'<option value="{html.escape(text)}"{" selected" if selected else ""}>{html.escape(str(label))}</option>'
            )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe("".join(options)))


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
