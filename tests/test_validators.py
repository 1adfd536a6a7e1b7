import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.validators import mask_henkilotunnus, validate_business_id, validate_henkilotunnus
from demo.identifiers import make_business_id, make_henkilotunnus


@pytest.mark.parametrize("value", ["131052-308T", "010101A900R"])
def test_validate_henkilotunnus__valid_codes__accepted(value):
    validate_henkilotunnus(value)


@pytest.mark.parametrize(
    "value",
    ["131052-308U", "131052308T", "320152-308T", "", "abcdefghijk", "131052-308T1", "x" * 10_000],
)
def test_validate_henkilotunnus__invalid__refused_in_finnish(value):
    with pytest.raises(ValidationError) as caught:
        validate_henkilotunnus(value)
    assert "ei ole kelvollinen" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["2077474-0", "0737546-2"])
def test_validate_business_id__valid__accepted(value):
    validate_business_id(value)


@pytest.mark.parametrize("value", ["2077474-1", "207747-0", "", "ABCDEFG-H"])
def test_validate_business_id__invalid__refused(value):
    with pytest.raises(ValidationError):
        validate_business_id(value)


def test_make_henkilotunnus__produces_valid_codes_in_every_century():
    for birth in (dt.date(1899, 12, 31), dt.date(1952, 10, 13), dt.date(2001, 1, 1)):
        for individual in (2, 900, 999):
            validate_henkilotunnus(make_henkilotunnus(birth, individual))


def test_make_business_id__produces_valid_ids():
    for base in range(2400000, 2400200):
        validate_business_id(make_business_id(base))


def test_mask_henkilotunnus__hides_individual_number_and_check():
    assert mask_henkilotunnus("131052-308T") == "131052-****"
