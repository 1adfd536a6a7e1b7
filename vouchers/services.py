"""Changes to the register's vouchers. Closing writes one row: whatever hangs on the voucher
(its reservation, its customership) derives its effective end from ``Voucher.closed_on``."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.dates import format_day
from core.errors import DomainError, ErrorCode
from organisations import permissions
from vouchers.models import Voucher


@transaction.atomic
def voucher_close(*, user, voucher: Voucher, closed_on: dt.date, request=None) -> Voucher:
    """Organiser staff close their own organiser's voucher, of any kind, on ``closed_on`` (its last valid day).

    Its customership and reservation end on the same date, derived from ``closed_on``."""
    if not permissions.can_close_voucher(user, voucher):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain ostovoiman myöntänyt palvelunjärjestäjä voi sulkea ostovoiman."))
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.closed_on is not None:
        raise DomainError(
            ErrorCode.ALREADY_CLOSED,
            _("Ostovoima on jo suljettu %(day)s.") % {"day": format_day(voucher.closed_on)},
            closed_on=voucher.closed_on,
        )
    if not voucher.valid_from <= closed_on <= voucher.valid_to:
        raise DomainError(
            ErrorCode.CLOSED_OUTSIDE_VALIDITY,
            _("Sulkemispäivän on oltava ostovoiman voimassaoloaikana %(start)s–%(end)s.")
            % {"start": format_day(voucher.valid_from), "end": format_day(voucher.valid_to)},
        )
    voucher.closed_on = closed_on
    voucher.full_clean()
    voucher.save(update_fields=["closed_on"])
    audit_log(
        user=user,
        action="change",
        code="voucher_closed",
        params={"number": voucher.number, "day": format_day(closed_on)},
        customer_id=voucher.customer_id,
        organiser_id=voucher.organiser_id,
        request=request,
        organisation=permissions.organisation_name(user),
    )
    return voucher
