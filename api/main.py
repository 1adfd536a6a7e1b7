"""The REST API, version 1, at /api/v1/ (django-ninja): OpenAPI 3 at /api/v1/openapi.json, the
interactive docs at /api/v1/docs from the vendored Swagger UI (no CDN). Thin: each operation
calls the same selectors and services as the pages, as the key's technical user."""

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.auth import ApiKeyAuth
from api.errors import domain_error_body, error_body, retry_after, status_of, validation_body
from api.services import RateLimited
from core.errors import DomainError, ErrorCode
from core.requests import too_large_message

class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Finnish as it is: "löydy", not "l\u00f6ydy"


api = NinjaAPI(
    title="PSOP API",
    version="1",
    description=(
        "Palvelusetelit ja ostopalvelut: palveluntuottajien ja palvelunjärjestäjien asiakasjärjestelmien "
        "rajapinta. Samat säännöt ja sama lokitus kuin sivuilla. Tunnistus: organisaation API-avain "
        "(Authorization: Bearer psop_…). Jokainen POST hyväksyy Idempotency-Key-otsakkeen."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api-v1",
    renderer=Renderer(),
)


@api.exception_handler(DomainError)
def _domain_error(request, error):
    return api.create_response(request, domain_error_body(error), status=status_of(error))


@api.exception_handler(ValidationError)
def _validation_error(request, error):
    return api.create_response(request, validation_body(error.errors), status=422)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, error):
    body = error_body(ErrorCode.UNAUTHORIZED, _("API-avain puuttuu, on tuntematon tai peruttu."))
    response = api.create_response(request, body, status=ErrorCode.UNAUTHORIZED.status)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request, error):
    body = error_body(ErrorCode.RATE_LIMITED, _("Liian monta pyyntöä; yritä uudelleen %(seconds)s sekunnin kuluttua.")
                      % {"seconds": error.retry_after})
    return retry_after(api.create_response(request, body, status=ErrorCode.RATE_LIMITED.status), error.retry_after)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, error):
    return api.create_response(request, error_body(ErrorCode.TOO_LARGE, too_large_message()), status=ErrorCode.TOO_LARGE.status)


@api.exception_handler(DatabaseError)
def _database_error(request, error):
    """An outage answers JSON too (a broken query is still a 500, through the same handler)."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        raise error
    body = error_body(ErrorCode.UNAVAILABLE, _("Palvelu ei ole hetkeen käytettävissä. Yritä hetken kuluttua uudelleen."))
    return retry_after(api.create_response(request, body, status=ErrorCode.UNAVAILABLE.status), 30)


@api.exception_handler(HttpError)
def _http_error(request, error):
    if error.status_code == 400:  # django-ninja could not read the body
        body = error_body(ErrorCode.INVALID_JSON, _("Pyynnön runko ei ole kelvollista JSONia."))
    else:
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(error.status_code, ErrorCode.ERROR)
        body = error_body(code, _("Virheellinen pyyntö."))
    return api.create_response(request, body, status=error.status_code)


from api.routers import customers, customerships, events, payments, reservations, vouchers  # noqa: E402

api.add_router("/vouchers", vouchers.router)
api.add_router("/reservations", reservations.router)
api.add_router("/events", events.router)
api.add_router("/customerships", customerships.router)
api.add_router("/payments", payments.router)
api.add_router("/customers", customers.router)
