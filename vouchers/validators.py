"""THE voucher number rule: 1–20 digits. The model's column and check constraint, the URL
converter, the lookup form, the event import's form and the API's schema all use it."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

VOUCHER_NUMBER_MAX_LENGTH = 20
# Digits 0–9 only: not \d, which also matches other scripts' digits ("١٢٣").
VOUCHER_NUMBER_REGEX = rf"[0-9]{{1,{VOUCHER_NUMBER_MAX_LENGTH}}}"
VOUCHER_NUMBER_PATTERN = rf"^{VOUCHER_NUMBER_REGEX}$"
_VOUCHER_NUMBER = re.compile(VOUCHER_NUMBER_REGEX)


def is_voucher_number(value) -> bool:
    return isinstance(value, str) and _VOUCHER_NUMBER.fullmatch(value) is not None


@deconstructible
class VoucherNumberValidator:
    """Refuses what is not a voucher number: by default a number too long and one with other
    characters than digits each with their own message; a form may say both in one ``message``."""

    too_long = _("Ostovoiman numero on enintään 20 numeroa pitkä.")
    not_digits = _("Ostovoiman numerossa voi olla vain numeroita.")

    def __init__(self, message=None):
        self.message = message

    def __call__(self, value):
        if is_voucher_number(value):
            return
        if self.message is not None:
            raise ValidationError(self.message, code="invalid")
        if len(value) > VOUCHER_NUMBER_MAX_LENGTH:
            raise ValidationError(self.too_long, code="max_length")
        raise ValidationError(self.not_digits, code="invalid")

    def __eq__(self, other):
        return isinstance(other, VoucherNumberValidator) and self.message == other.message


validate_voucher_number = VoucherNumberValidator()
