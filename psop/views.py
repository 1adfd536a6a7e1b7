import sys

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import ErrorCode
from core.requests import too_large_message


@require_GET
@never_cache
def health(request):
    """``/terveys/``, the health check of load balancers and the floor of ``make bench``: no login,
    one indexed query (the first content type by primary key, through the ORM like every page) and
    a small template. A database that cannot be reached raises, and ``server_error`` answers 503."""
    # Django's own table: psop wires the apps by string and reaches none of their models.
    ContentType.objects.only("pk").order_by("pk").first()
    return render(request, "health.html")


def server_error(request):
    """The 500 handler: a database that cannot be reached answers 503 with a clear Finnish page.

    Django calls this for any uncaught exception, also one raised by a middleware (the
    session middleware saves to the database), so one place covers the whole stack.
    Connections are health-checked (CONN_HEALTH_CHECKS): once the database is back,
    the next request reconnects without a restart.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        if _is_api(request):
            response = _api_error(ErrorCode.UNAVAILABLE, _("Palvelu ei ole hetkeen käytettävissä. Yritä hetken kuluttua uudelleen."))
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    if _is_api(request):
        return _api_error(ErrorCode.SERVER_ERROR, _("Palvelussa tapahtui odottamaton virhe. Tallennetut tiedot ovat tallessa."))
    return HttpResponseServerError(render_to_string("500.html"))


def bad_request(request, exception=None):
    """The 400 handler: what Django refuses before any view (a malformed or oversized body, a bad
    Host): PSOP's own Finnish page, never Django's English "Bad Request (400)"; JSON on the API, where
    a body past DATA_UPLOAD_MAX_MEMORY_SIZE is 413."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _api_error(ErrorCode.TOO_LARGE, too_large_message())
        return _api_error(ErrorCode.BAD_REQUEST, _("Virheellinen pyyntö."))
    return HttpResponseBadRequest(render_to_string("400.html"))


def _is_api(request) -> bool:
    return request is not None and request.path.startswith("/api/")


def _api_error(code: ErrorCode, message: str) -> JsonResponse:
    """The API's error body (api/errors.py: ``code`` and ``message``), for answers made outside it,
    with the code's status."""
    return JsonResponse({"code": str(code), "message": str(message)}, status=code.status,
                        json_dumps_params={"ensure_ascii": False})


def page_not_found(request, exception=None):
    """The 404 handler: PSOP's own Finnish page (templates/404.html), also under DEBUG through
    ``ErrorPageMiddleware``."""
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """The 403 handler: PSOP's own page (templates/403.html), also under DEBUG."""
    return render(request, "403.html", status=403)
