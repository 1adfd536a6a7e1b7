"""The REST API's URLs under /api/v1/ (psop/urls.py), in the namespace "api-v1" that django-ninja
reverses its docs' schema URL in; any other address under /api/v1/ is a JSON 404, and a method an
address does not take a JSON 405 with its ``Allow`` (django-ninja's own is text/html)."""

from functools import wraps

from django.http import JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _

from api.errors import error_body
from api.main import api
from core.errors import ErrorCode

ninja_urls, _app, app_name = api.urls


def unknown(request, rest=""):
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, _("Osoitetta ei ole.")), status=ErrorCode.NOT_FOUND.status)


def json_405(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != ErrorCode.METHOD_NOT_ALLOWED.status or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        answer = JsonResponse(
            error_body(ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.METHOD_NOT_ALLOWED.message),
            status=ErrorCode.METHOD_NOT_ALLOWED.status,
        )
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer

    return wrapper


def _with_json_405(pattern):
    if not isinstance(pattern, URLPattern):
        return pattern
    return URLPattern(pattern.pattern, json_405(pattern.callback), pattern.default_args, pattern.name)


urlpatterns = [*map(_with_json_405, ninja_urls), re_path(r"^(?P<rest>.*)$", unknown, name="unknown")]
