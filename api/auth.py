"""Authorization: Bearer <key>. The key's technical user becomes ``request.user`` and acts with its
organisation's permissions (organisations.permissions.act_for_api_key); each request counts
against the key's rate limit."""

from functools import wraps

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api import services
from api.models import ORGANISER_ONLY
from core.errors import DomainError, ErrorCode
from organisations import permissions


class ApiKeyAuth(HttpBearer):
    openapi_description = "Organisaation API-avain: Authorization: Bearer psop_…"

    def authenticate(self, request, token):
        key = services.api_key_authenticate(token)
        if key is None:
            return None
        services.rate_limit_hit(key)  # raises RateLimited: 429 with Retry-After
        request.user = key.user
        request.api_key = key
        return key


def needs(scope: str):
    """The operation needs this scope of the key (``permissions.key_has_scope``; else 403 ``scope_missing``).
    An organiser-only scope's operations (``api.models.ORGANISER_ONLY``) do not exist for a provider's
    key: 404, as an address that does not exist, whatever its scopes (the one 403/404 policy)."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if scope in ORGANISER_ONLY and not permissions.is_organiser(request.user):
                raise DomainError(ErrorCode.NOT_FOUND, _("Osoitetta ei ole."))
            if not permissions.key_has_scope(request.api_key, scope):
                raise DomainError(ErrorCode.SCOPE_MISSING, _("API-avaimella ei ole tähän tarvittavaa oikeutta."))
            return func(request, *args, **kwargs)

        wrapper.psop_scope = scope
        return wrapper

    return decorator
