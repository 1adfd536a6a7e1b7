"""Money is Decimal, in euros and cents, rounded half-up."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


NBSP = "\u00a0"  # no-break space: between thousands, and between the amount and "€"


def format_euros(value, language: str = "fi") -> str:
    """An amount as people read it in ``language``: ``53 577,57 €`` in Finnish and Swedish (a
    no-break space between thousands and before the sign, a decimal comma), ``€53,577.57`` in
    English. Rounded half-up to cents; None is ""."""
    if value is None or value == "":
        return ""
    if (language or "fi").split("-")[0] == "en":
        amount = format_amount(value, "en")
        return f"-€{amount[1:]}" if amount.startswith("-") else f"€{amount}"
    return f"{format_amount(value, language)}{NBSP}€"


def format_amount(value, language: str = "fi") -> str:
    """The figure of ``format_euros`` without the sign: ``53 577,57`` (``53,577.57`` in English)."""
    amount = to_cents(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):,.2f}".split(".")
    if (language or "fi").split("-")[0] == "en":
        return f"{sign}{whole}.{cents}"
    return f"{sign}{whole.replace(',', NBSP)},{cents}"


def format_quantity(value, language: str = "fi") -> str:
    """A quantity as the template filter ``floatformat:"-2"`` writes it, without its cost: a whole
    number without decimals (``12``), else two decimals rounded half-up (``12,50``; ``12.50`` in
    English), no grouping. None is ""."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        text = "%d" % int(value)
    else:
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
        text = f"{abs(rounded) if not rounded else rounded:f}"
    if (language or "fi").split("-")[0] == "en":
        return text
    return text.replace(".", ",")


def parse_decimal(text: str) -> str:
    """A typed amount in the form Python's Decimal reads: a decimal comma or point in any
    language, spaces (also no-break ones) and, beside a decimal point, commas between thousands
    ignored. ``1 234,50``, ``1234.5`` and ``1,234.50`` are all ``1234.50``."""
    text = "".join(str(text).split()).replace(NBSP, "").replace("\u202f", "").replace("\u2212", "-")
    if "," in text and "." in text:
        # Both: the last one is the decimal separator, the other groups thousands.
        group = "," if text.rfind(".") > text.rfind(",") else "."
        text = text.replace(group, "")
    return text.replace(",", ".")
