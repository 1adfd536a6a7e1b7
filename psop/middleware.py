"""PSOP's middleware: the user's language, and PSOP's own error pages also under DEBUG.

The user's language comes from the language cookie only.

Finnish (settings.LANGUAGE_CODE) is everybody's language until the user picks another one in the
header's language form (Django's ``set_language`` view, which writes the cookie). The browser's
Accept-Language is deliberately ignored: many Finnish users have English browsers. Django's
LocaleMiddleware would consult it, hence this one.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, get_resolver
from django.utils import translation
from django.utils.cache import patch_vary_headers

from psop.views import page_not_found, permission_denied


def language_from_cookie(request) -> str:
    """The language code of the cookie if it is one of settings.LANGUAGES, else the default."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code in {language for language, _name in settings.LANGUAGES}:
        return code
    return settings.LANGUAGE_CODE


def _in_language(language, chunks):
    """A streaming response's body is made after the middleware returns: make it in the language too."""
    with translation.override(language):
        yield from chunks


class CookieLocaleMiddleware:
    """Activate the cookie's language for the request (and set ``request.LANGUAGE_CODE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_from_cookie(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # Back to the default, so that nothing after the request (the next test, a task in
            # this thread) runs in this user's language.
            translation.deactivate()
        if response.streaming and not getattr(response, "is_async", False):
            response.streaming_content = _in_language(language, response.streaming_content)
        # The same URL answers in another language for another cookie: caches must know.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ErrorPageMiddleware:
    """PSOP's own 404 and 403 pages (in the user's language) in every mode.

    Without DEBUG Django already answers with ``handler404``/``handler403``; with DEBUG it shows its
    English technical 404 page instead. This middleware answers an ``Http404`` or
    ``PermissionDenied`` from a view with the project's pages, and under DEBUG also an address that
    matches no URL pattern (Django resolves it outside the middleware's reach, so it is resolved
    here first; without DEBUG the handler does it and this costs nothing).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404:
                return page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # The handlers of psop/urls.py, so that every mode answers with the same pages.
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
