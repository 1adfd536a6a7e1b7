"""The voucher number is one rule (vouchers.validators): 1–20 digits 0–9, asked by the model's check
constraint, the URL converter, the lookup form, the event import and the API."""

import pytest
from django.core.exceptions import ValidationError

from api.schemas import ReservationIn
from events.forms import EventRowForm
from vouchers.converters import VoucherNumberConverter
from vouchers.forms import VoucherNumberForm
from vouchers.models import Voucher
from vouchers.validators import VOUCHER_NUMBER_PATTERN, VOUCHER_NUMBER_REGEX, is_voucher_number, validate_voucher_number


@pytest.mark.parametrize("number", ["1", "1001", "0" * 20])
def test_is_voucher_number__one_to_twenty_digits__yes(number):
    assert is_voucher_number(number)


@pytest.mark.parametrize("number", ["", "1" * 21, "12a", "١٢٣", " 1", "1\n", None])
def test_is_voucher_number__anything_else__no(number):
    assert not is_voucher_number(number)


@pytest.mark.parametrize(
    ("number", "message"),
    [("1" * 21, "Ostovoiman numero on enintään 20 numeroa pitkä."), ("12a", "Ostovoiman numerossa voi olla vain numeroita.")],
)
def test_validate_voucher_number__too_long_or_not_digits__its_own_message(number, message):
    with pytest.raises(ValidationError) as refused:
        validate_voucher_number(number)
    assert refused.value.messages == [message]


def test_every_place_asks_the_same_rule():
    constraint = next(c for c in Voucher._meta.constraints if c.name == "voucher_number_digits")
    assert constraint.condition.children == [("number__regex", VOUCHER_NUMBER_PATTERN)]
    assert VoucherNumberConverter.regex == VOUCHER_NUMBER_REGEX
    assert validate_voucher_number in VoucherNumberForm.base_fields["numero"].validators
    assert [v for v in EventRowForm.base_fields["ostovoima"].validators if type(v) is type(validate_voucher_number)]
    assert ReservationIn.model_json_schema()["properties"]["voucher_number"]["pattern"] == VOUCHER_NUMBER_PATTERN
