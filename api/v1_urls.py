"""The REST API's URLs under /api/v1/ (psop/urls.py), in the namespace "api-v1" that django-ninja
reverses its docs' schema URL in; any other address under /api/v1/ is a JSON 404."""

from django.http import JsonResponse
from django.urls import re_path
from django.utils.translation import gettext as _

from api.errors import error_body
from api.main import api
from core.errors import ErrorCode

ninja_urls, _app, app_name = api.urls


def unknown(request, rest=""):
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, _("Osoitetta ei ole.")), status=ErrorCode.NOT_FOUND.status)


urlpatterns = [*ninja_urls, re_path(r"^(?P<rest>.*)$", unknown, name="unknown")]
