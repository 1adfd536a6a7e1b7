from django import template

from customers.selectors import voucher_customerships as select_voucher_customerships
from customers.services import customership_refusal

register = template.Library()


@register.simple_tag(takes_context=True)
def voucher_customerships(context, voucher):
    """What the voucher card shows of the voucher's customerships to the requesting user, and
    why it does not offer "Luo asiakkuus" (``create_refusal``, None when it does)."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    info = select_voucher_customerships(user=user, voucher=voucher)
    info.create_refusal = customership_refusal(user=user, voucher=voucher, customerships=info)
    return info
