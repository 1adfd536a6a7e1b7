import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string


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
