"""Filter pieces the lists share (django-filter): the month filter, the filter sets' Finnish
defaults and the select of "Kaikki" and a model's rows. The rows to choose from are the apps'
selectors' (``vouchers.selectors.service_choices``, ``providers_acted_for``)."""

import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds
from core.forms import MonthField, QuickSelect


class MonthFilter(django_filters.Filter):
    """A month picked as 2026-11 or typed as 11/2026 (core.forms.MonthField); the filter set's
    ``method`` gets the month's first day."""

    field_class = MonthField


class ListFilterSet(django_filters.FilterSet):
    """A list's filters, read from the query string: invalid input is the form's Finnish error
    message and an empty list (never a 500); ``defaults`` fill what the query does not say."""

    defaults: dict[str, str] = {}

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        for name, value in self.defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, *args, **kwargs)

    @property
    def results(self):
        """The filtered queryset; none when the filters' input is not valid."""
        return self.qs if self.is_valid() else self.queryset.none()

    def kept(self) -> dict[str, str]:
        """The filters as typed, for the sort and pagination links."""
        return {name: self.data.get(name, "") for name in self.filters if self.data.get(name, "") != self.defaults.get(name, "")}


def month_time_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end) moments in Helsinki."""
    start, end = month_bounds(first)
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone))


def choice_filter(label, *, field_name, queryset=None, method=None):
    """A select with "Kaikki" first; an id that is not among the choices is the form's message.
    The choices (providers, services) show as their name."""
    return django_filters.ModelChoiceFilter(
        label=label, field_name=field_name, queryset=queryset, method=method, empty_label=_("Kaikki"),
        widget=QuickSelect(label_field="name"),
        error_messages={"invalid_choice": _("Valitse vaihtoehto luettelosta.")},
    )
