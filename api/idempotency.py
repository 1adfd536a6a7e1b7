"""Idempotency-Key on every POST: the first answer is kept with the key and a hash of the request;
a retry with the same key and body gets that answer again and changes nothing, also when the
first answer was lost after its commit. The claim, the change and the kept answer are one
transaction, so a failure keeps nothing and a retry runs afresh."""

import re
from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from api import services
from api.errors import domain_error_body, status_of
from core.errors import DomainError, ErrorCode

HEADER = "Idempotency-Key"
KEY_MAX = services.IDEMPOTENCY_KEY_MAX
# Visible ASCII characters, a space only between them (the schema declares the same).
KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"


def _respond(request, result) -> HttpResponse:
    from api.main import api  # the API's own JSON renderer (api.main imports the routers, which import this)

    if isinstance(result, HttpResponse):
        return result
    status, data = result
    return api.create_response(request, data, status=status)


def idempotent(func):
    """Wrap a POST operation that returns ``(status, data)``: refusals (DomainError) become their
    JSON answer here, so that they are kept and repeated too."""

    @wraps(func)
    def wrapper(request, *args, **kwargs):
        def answer():
            try:
                return _respond(request, func(request, *args, **kwargs))
            except DomainError as error:
                return _respond(request, (status_of(error), domain_error_body(error)))

        key = request.headers.get(HEADER)
        if key is None:
            return answer()
        if len(key) > KEY_MAX or not re.fullmatch(KEY_PATTERN, key):
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_INVALID,
                _("Idempotency-Key on 1–%(limit)s näkyvää merkkiä.") % {"limit": KEY_MAX},
                field=HEADER,
            )
        with transaction.atomic():
            earlier = services.idempotent_claim(key=request.api_key, idempotency_key=key, request=request)
            if earlier is not None:
                response = HttpResponse(earlier.body, status=earlier.status_code, content_type="application/json")
                response["Idempotent-Replayed"] = "true"
                return response
            response = answer()
            services.idempotent_store(
                key=request.api_key, idempotency_key=key, status_code=response.status_code,
                body=response.content.decode(),
            )
            return response

    return wrapper
