"""Every error of the API as JSON: a stable ``code`` (the DomainError codes of the services), the
Finnish ``message`` and, for bad input, the ``field``. Never a 500 for bad input."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.errors import DomainError, ErrorCode


def status_of(error: DomainError) -> int:
    """The HTTP status of a refusal, as its code declares it (core.errors.ErrorCode)."""
    return error.code.status


def error_body(code: ErrorCode, message: str, *, field: str | None = None, **extra) -> dict:
    body = {"code": str(code), "message": str(message)}
    if field:
        body["field"] = field
    body.update(extra)
    return body


def domain_error_body(error: DomainError) -> dict:
    extra = {key: value for key, value in error.params.items() if key in ("event_id", "reservation_id")}
    return error_body(error.code, error.message, field=error.params.get("field"), **extra)


def validation_body(errors: list) -> dict:
    """Pydantic's errors as one Finnish answer naming each field."""
    fields = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header", "payload")]
        fields.append({"field": ".".join(location) or None, "message": _validation_message(error)})
    first = next((item["field"] for item in fields if item["field"]), None)
    return error_body(ErrorCode.INVALID, _("Tarkista tiedot."), field=first, errors=fields)


def _validation_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("Pakollinen tieto puuttuu.")
    if kind.startswith(("int_", "decimal_", "float_")) or kind in ("int_type", "decimal_type"):
        return _("Anna kelvollinen luku.")
    if kind == ErrorCode.DATE_OUT_OF_RANGE:
        return str(ErrorCode.DATE_OUT_OF_RANGE.message)
    if kind.startswith(("date_", "datetime_")):
        return _("Anna päivämäärä muodossa VVVV-KK-PP.")
    if kind.startswith("bool"):
        return _("Anna true tai false.")
    if kind in ("string_too_long", "too_long"):
        return _("Tieto on liian pitkä.")
    if kind in ("string_too_short", "too_short"):
        return _("Tieto on liian lyhyt.")
    if kind == "string_pattern_mismatch":
        return _("Tiedossa on merkkejä, joita ei voi tallentaa.")
    if kind in ("literal_error", "enum"):
        return _("Valitse sallittu arvo.")
    if kind == "greater_than":
        return _("Anna nollaa suurempi luku.")
    if kind == "extra_forbidden":
        return _("Tuntematon tieto.")
    if kind == "json_invalid":
        return _("Pyynnön runko ei ole kelvollista JSONia.")
    return _("Virheellinen tieto.")


def retry_after(response: HttpResponse, seconds: int) -> HttpResponse:
    response["Retry-After"] = str(seconds)
    return response
