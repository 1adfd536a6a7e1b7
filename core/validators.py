"""Finnish identifiers, validated with python-stdnum.

Individual numbers 900–999 are accepted: they are temporary codes and the test
identities of the training data (DVV's range for test persons).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fi import hetu, ytunnus


def normalise_henkilotunnus(value: str) -> str:
    return hetu.compact(value or "")


def validate_henkilotunnus(value: str) -> None:
    try:
        hetu.validate(value, allow_temporary=True)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Henkilötunnus %(value)s ei ole kelvollinen."), code="invalid_henkilotunnus", params={"value": value}
        ) from None


def validate_business_id(value: str) -> None:
    try:
        ytunnus.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Y-tunnus %(value)s ei ole kelvollinen."), code="invalid_business_id", params={"value": value}
        ) from None


def mask_henkilotunnus(value: str) -> str:
    """Show the birth date part only: 010190-123A -> 010190-****."""
    if len(value) != 11:
        return "****"
    return value[:7] + "****"
