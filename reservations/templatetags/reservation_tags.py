"""What the voucher card shows about a voucher's reservation (the card belongs to vouchers;
this slot to reservations, so vouchers need not import reservations)."""

from django import template

from organisations import permissions
from reservations.selectors import reservation_of_voucher
from reservations.services import reservation_refusal

register = template.Library()


@register.simple_tag(takes_context=True)
def voucher_reservation_state(context, voucher):
    """``reservation``, whether the viewer may see its holder, and why the viewer cannot reserve (if so)."""
    user = context["request"].user
    reservation = reservation_of_voucher(voucher)
    may_see_holder = reservation is not None and permissions.may_see_reservation_holder(user, reservation)
    refusal = None if reservation is not None else reservation_refusal(user=user, voucher=voucher, existing=None)
    return {
        "reservation": reservation,
        "may_see_holder": may_see_holder,
        "refusal": refusal,
        "can_reserve": reservation is None and refusal is None,
    }
