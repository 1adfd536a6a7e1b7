"""The PSOP support contacts shown with "Ostovoiman tietoja ei löydy" (the seed's problem section)."""

from django import template

from vouchers.selectors import support_contacts as select_support_contacts

register = template.Library()


@register.simple_tag(takes_context=True)
def support_contacts(context):
    """The requesting user's own organisers with their support contacts (never the voucher's)."""
    request = context.get("request")
    if request is None:
        return []
    return list(select_support_contacts(request.user).only("name", "support_contact"))
