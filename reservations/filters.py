"""The "Palveluvaraukset" list's filters: provider (organiser users), service, state and month."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.filters import ListFilterSet, MonthFilter, choice_filter, month_time_bounds
from organisations import permissions
from vouchers.selectors import providers_acted_for, service_choices

STATES = [("voimassa", _("Voimassa")), ("paattyneet", _("Päättyneet")), ("kaikki", _("Kaikki"))]


class ReservationFilter(ListFilterSet):
    defaults = {"tila": "voimassa"}

    palveluntuottaja = choice_filter(_("Palveluntuottaja"), field_name="provider")
    palvelu = choice_filter(_("Palvelu"), field_name="voucher__service")
    tila = django_filters.ChoiceFilter(label=_("Tila"), choices=STATES, empty_label=None, method="filter_state",
                                       error_messages={"invalid_choice": _("Valitse vaihtoehto luettelosta.")})
    kuukausi = MonthFilter(label=_("Voimassa kuukautena"), method="filter_month")

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["palvelu"].queryset = service_choices(user=user)
        if permissions.is_organiser(user):
            self.filters["palveluntuottaja"].queryset = providers_acted_for(organiser_id=permissions.organiser_id_of(user))
        else:  # a provider user sees its own reservations only
            del self.filters["palveluntuottaja"]

    def filter_state(self, queryset, name, value):
        day = today()
        if value == "voimassa":
            return queryset.in_force_on(day)
        if value == "paattyneet":
            return queryset.ended_before(day)
        return queryset

    def filter_month(self, queryset, name, value):
        """In force on some day of the month: made before it ended, not ended before it began."""
        _start, end = month_time_bounds(value)
        return queryset.in_force_on(value).filter(created_at__lt=end)
