from django import template

from customers.selectors import voucher_customerships as select_voucher_customerships

register = template.Library()


@register.simple_tag(takes_context=True)
def voucher_customerships(context, voucher):
    """What the voucher card shows of the voucher's customerships to the requesting user."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return select_voucher_customerships(user=user, voucher=voucher)
