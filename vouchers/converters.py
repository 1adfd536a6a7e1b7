from vouchers.validators import VOUCHER_NUMBER_REGEX


class VoucherNumberConverter:
    """A voucher number in a URL (vouchers.validators). Anything else is a 404."""

    regex = VOUCHER_NUMBER_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
