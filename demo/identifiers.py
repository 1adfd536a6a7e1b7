"""Valid Finnish identifiers for training and test data (checksums computed, never real persons).

Individual numbers 900–999 are the range used for test identities.
"""

import datetime as dt

_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CENTURY_SIGN = {18: "+", 19: "-", 20: "A"}


def make_henkilotunnus(birth_date: dt.date, individual: int) -> str:
    if not 2 <= individual <= 999:
        raise ValueError("individual number must be 002–999")
    ddmmyy = birth_date.strftime("%d%m%y")
    check = _HETU_CHECK[int(f"{ddmmyy}{individual:03d}") % 31]
    return f"{ddmmyy}{_CENTURY_SIGN[birth_date.year // 100]}{individual:03d}{check}"


def make_business_id(base: int) -> str:
    """A Y-tunnus from a seven-digit base; bases whose check digit would be 1 are moved on."""
    while True:
        digits = f"{base:07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
        if remainder != 1:
            return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
        base += 1
