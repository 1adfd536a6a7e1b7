"""``{% load money %}``: ``{{ amount|euros }}`` writes an amount in the active language
(``53 577,57 €`` in Finnish and Swedish, ``€53,577.57`` in English); see core.money.format_euros.
Registered as a template library in settings (core is not an app)."""

from django import template
from django.utils.translation import get_language

from core.money import format_euros

register = template.Library()


@register.filter
def euros(value) -> str:
    try:
        return format_euros(value, get_language() or "fi")
    except (ArithmeticError, TypeError, ValueError):  # not an amount: shown as it is
        return "" if value is None else str(value)
