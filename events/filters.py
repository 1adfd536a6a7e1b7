"""Filters of the "Ostovoimat" / "Saldo-ostovoimat" tabs and of the organiser's review queue."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds, today
from core.filters import ListFilterSet, MonthFilter, choice_filter
from events.models import Event, EventStatus
from organisations import permissions
from vouchers.models import VoucherState, voucher_in_force_during_q, voucher_state_q
from vouchers.selectors import providers_acted_for, service_choices

INVALID_CHOICE = {"invalid_choice": _("Valitse vaihtoehto luettelosta.")}


class _ProviderAndService(ListFilterSet):
    """Service (of the tab's kinds) for everyone, provider for organiser users only."""

    def __init__(self, data=None, *args, user, kinds=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["palvelu"].queryset = service_choices(kinds, user=user)
        if permissions.is_organiser(user):
            self.filters["palveluntuottaja"].queryset = providers_acted_for(organiser_id=permissions.organiser_id_of(user))
        else:
            del self.filters["palveluntuottaja"]


class VoucherTabFilter(_ProviderAndService):
    """The tabs' rows are reservations: their provider, their voucher's service, whether the
    voucher is open today, whether it is valid in a month, and "only those with events waiting
    for review" (the review queue's partial index holds few rows)."""

    palveluntuottaja = choice_filter(_("Palveluntuottaja"), field_name="provider")
    palvelu = choice_filter(_("Palvelu"), field_name="voucher__service")
    tila = django_filters.ChoiceFilter(label=_("Tila"), choices=VoucherState.choices, empty_label=_("Kaikki"),
                                       method="filter_state", error_messages=INVALID_CHOICE)
    kuukausi = MonthFilter(label=_("Voimassa kuukautena"), method="filter_month")
    tarkastettavat = django_filters.BooleanFilter(
        label=_("Vain tarkastettavat"), method="filter_review", widget=forms.CheckboxInput,
        help_text=_("Ostovoimat, joilla on palvelunjärjestäjän tarkastusta odottavia tapahtumia."),
    )

    def filter_state(self, queryset, name, value):
        return queryset.filter(voucher_state_q(value, today()))

    def filter_month(self, queryset, name, value):
        return queryset.filter(voucher_in_force_during_q(*month_bounds(value)))

    def filter_review(self, queryset, name, value):
        if not value:
            return queryset
        waiting = Event.objects.filter(status=EventStatus.UNDER_REVIEW).values("reservation_id")
        return queryset.filter(pk__in=waiting)


class ReviewFilter(_ProviderAndService):
    """The organiser's review queue: provider, service and the month of the event's date."""

    palveluntuottaja = choice_filter(_("Palveluntuottaja"), field_name="reservation__provider")
    palvelu = choice_filter(_("Palvelu"), field_name="reservation__voucher__service")
    kuukausi = MonthFilter(label=_("Tapahtumakuukausi"), method="filter_month")

    def filter_month(self, queryset, name, value):
        first, last = month_bounds(value)
        return queryset.filter(date__gte=first, date__lte=last)
