"""Query count and time per request, for ``make bench`` only (``PSOP_BENCH=1``; off by default).

The middleware wraps every other one, so the session's and the authentication's queries count
too. It answers with ``X-PSOP-Queries`` (how many SQL statements the request ran on the default
connection) and ``Server-Timing`` (``app``: the whole request in Django, ``db``: in the database).
"""

import time

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            counted["queries"] += 1
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counted["seconds"] += time.perf_counter() - start

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - start) * 1000
        response["X-PSOP-Queries"] = str(counted["queries"])
        response["Server-Timing"] = f"app;dur={app_ms:.2f}, db;dur={counted['seconds'] * 1000:.2f}"
        return response
