"""Keeping personal data out of caches and logs.

- ``NoStoreMiddleware``: every answer to a signed-in user (pages, htmx fragments, exports) carries
  ``Cache-Control: no-store``, so that no browser or proxy cache keeps a copy of personal data.
- ``MaskHenkilotunnusFilter``: a logging filter on every handler that replaces anything shaped like a
  henkilötunnus (``140129-901C``, any century sign) in the log line with ``******-****`` and drops the
  query string of a request line (access logs of runserver and gunicorn: searches carry names).
"""

import logging
import re

from django.utils.cache import add_never_cache_headers

# Day, month, year, century sign (+, -, A–F, U–Y), individual number, check character.
HENKILOTUNNUS = re.compile(r"(?<![0-9A-Za-z])\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y](?![0-9A-Za-z])")
MASK = "******-****"


def mask_henkilotunnus(text: str) -> str:
    return HENKILOTUNNUS.sub(MASK, text)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


# The query string of a request line ("GET /loki/?asiakas=Virtanen HTTP/1.1"): searches carry names.
QUERY_STRING = re.compile(r"(\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^\s?\"]*)\?[^\s\"]*")


def clean_log_line(text: str) -> str:
    """No henkilötunnus and no query string of a request line."""
    return mask_henkilotunnus(QUERY_STRING.sub(r"\1", text))


class MaskHenkilotunnusFilter(logging.Filter):
    """Cleans the formatted message in place (``clean_log_line``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logged as it is
            return True
        cleaned = clean_log_line(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
