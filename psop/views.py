import sys

from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))


def page_not_found(request, exception=None):
    """The 404 handler: PSOP's own Finnish page (templates/404.html), also under DEBUG through
    ``ErrorPageMiddleware``."""
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """The 403 handler: PSOP's own page (templates/403.html), also under DEBUG."""
    return render(request, "403.html", status=403)
