"""Changes to the register's vouchers. Closing writes one row: whatever hangs on the voucher
(its reservation, its customership) derives its effective end from ``Voucher.closed_on``."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from vouchers.errors import DomainError
from vouchers.formats import format_day
from vouchers.models import Provider, ProviderUnit, Voucher
from vouchers.permissions import membership_of


@transaction.atomic
def voucher_close(*, user, voucher: Voucher, closed_on: dt.date, request=None) -> Voucher:
    """Organiser staff close their own organiser's voucher on ``closed_on`` (its last valid day).

    Its customership and reservation end on the same date, derived from ``closed_on``."""
    membership = membership_of(user)
    if membership is None or not membership.is_organiser or membership.organiser_id != voucher.organiser_id:
        raise DomainError("not_allowed", _("Vain ostovoiman myöntänyt palvelunjärjestäjä voi sulkea ostovoiman."))
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.closed_on is not None:
        raise DomainError(
            "already_closed",
            _("Ostovoima on jo suljettu %(day)s.") % {"day": format_day(voucher.closed_on)},
            closed_on=voucher.closed_on,
        )
    if not voucher.valid_from <= closed_on <= voucher.valid_to:
        raise DomainError(
            "closed_outside_validity",
            _("Sulkemispäivän on oltava ostovoiman voimassaoloaikana %(start)s–%(end)s.")
            % {"start": format_day(voucher.valid_from), "end": format_day(voucher.valid_to)},
        )
    voucher.closed_on = closed_on
    voucher.full_clean()
    voucher.save(update_fields=["closed_on"])
    audit_log(
        user=user,
        action="change",
        what=f"Ostovoima {voucher.number}: suljettu {format_day(closed_on)}",
        customer_id=voucher.customer_id,
        request=request,
        organisation=str(membership.organisation),
    )
    return voucher


@transaction.atomic
def provider_ensure_default_unit(*, provider) -> ProviderUnit:
    """Every provider has a default unit: the company itself. Create it when missing.

    The partial unique constraint providerunit_one_default_per_provider keeps it to one."""
    Provider.objects.select_for_update().get(pk=provider.pk)
    unit = ProviderUnit.objects.filter(provider=provider, is_default=True).first()
    if unit is None:
        name = provider.name
        if ProviderUnit.objects.filter(provider=provider, name=name).exists():
            name = f"{provider.name} (oletus)"
        unit = ProviderUnit.objects.create(provider=provider, name=name, is_default=True)
    return unit
