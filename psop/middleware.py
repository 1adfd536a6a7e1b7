from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.http import HttpResponse


class DatabaseUnavailableMiddleware:
    """Answer a clear Finnish 503 page when the database cannot be reached.

    Connections are health-checked (CONN_HEALTH_CHECKS), so once the database is
    back the next request reconnects without a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            html = render_to_string("503.html", {"request": request})
            response = HttpResponse(html, status=503)
            response["Retry-After"] = "30"
            return response
        return None
