"""PSOP's middleware: the user's language, PSOP's own error pages also under DEBUG, and the login
page as a whole page for an htmx request of a logged-out user.

The user's language comes from the language cookie only.

Finnish (settings.LANGUAGE_CODE) is everybody's language until the user picks another one in the
header's language form (Django's ``set_language`` view, which writes the cookie). The browser's
Accept-Language is deliberately ignored: many Finnish users have English browsers. Django's
LocaleMiddleware would consult it, hence this one.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url
from django.urls import Resolver404, get_resolver
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

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


class HtmxLoginRedirectMiddleware:
    """An htmx request of a logged-out user (an expired session) goes to the login page as a whole page.

    ``login_required`` answers such a request with a redirect to the login page, which the browser
    follows inside the XMLHttpRequest: htmx would swap the whole login page, header and all, into the
    panel. This middleware turns that redirect into ``HX-Redirect``: htmx loads the login page as the
    page, and its ``next`` is the page the user was on (``HX-Current-URL``, path and query only, and
    only when it is on this host), so that logging in returns there. A history restore is left alone:
    htmx swaps its answer into the whole body and reads no ``HX-Redirect``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true"
            and response.status_code in (301, 302)
            and not request.user.is_authenticated
        ):
            login_url = resolve_url(settings.LOGIN_URL)
            if urlsplit(response.get("Location", "")).path == login_url:
                next_url = self.current_page(request)
                redirect = HttpResponseClientRedirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
                patch_vary_headers(redirect, ("HX-Request",))
                return redirect
        return response

    @staticmethod
    def current_page(request) -> str | None:
        """The path and query of the page the htmx request came from, if it is on this host."""
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc != request.get_host() or not current.path.startswith("/") or current.path.startswith("//"):
            return None
        if current.path == resolve_url(settings.LOGIN_URL):
            return None
        return f"{current.path}?{current.query}" if current.query else current.path
