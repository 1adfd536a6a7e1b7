"""Object checks of the access module for templates: ``{% if voucher|closable_by:request.user %}``."""

from django import template

from organisations import permissions

register = template.Library()


@register.filter
def closable_by(voucher, user) -> bool:
    return permissions.can_close_voucher(user, voucher)
