class VoucherNumberConverter:
    """A voucher number in a URL: 1–20 digits, like Voucher.number. Anything else is a 404."""

    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
