"""The API's typed bodies and answers (pydantic, through django-ninja): the OpenAPI schema is made
from these. Money is a decimal string in euros, dates ISO dates (Helsinki calendar days)."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from core.errors import ErrorCode
from core.validators import INVISIBLE_CHARACTERS, clean_text
from vouchers.validators import VOUCHER_NUMBER_PATTERN

# Strict types (issue 28, item 8): an id is a JSON integer (not true, not "1"), a quantity a string
# of ASCII digits (not "１" nor "1_000"), a date an ISO date string of the years 1900–2100, a
# yes/no a JSON boolean. The schema says each of these, so a client learns it from openapi.json.
# No control characters (PostgreSQL stores no NUL); free text as the pages' forms clean it:
# without direction controls and zero-width characters, and without spaces at its ends.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _cleaned(value: str) -> str:
    return clean_text(value).strip()


def _client_id(value: str) -> str:
    """A recording system's id as typed: no direction controls or zero-width characters (they
    would make two ids look alike), not blank, no spaces at its ends."""
    if any(character in INVISIBLE_CHARACTERS for character in value):
        raise PydanticCustomError("string_pattern_mismatch", "invisible characters")
    value = value.strip()
    if not value:
        raise PydanticCustomError("missing", "blank")
    return value


def _quantity(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def _day_text(value):
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("date_type", "not an ISO date")
    return value


def _day_in_range(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(str(ErrorCode.DATE_OUT_OF_RANGE), "outside 1900–2100")
    return value


Text = Annotated[str, StringConstraints(max_length=2000, pattern=PRINTABLE), AfterValidator(_cleaned)]
# A voucher number: the same rule as the pages and the database (vouchers.validators).
Number = Annotated[str, StringConstraints(pattern=VOUCHER_NUMBER_PATTERN)]
ClientId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"),
    AfterValidator(_client_id),
    Field(description="1–100 merkkiä, ei pelkkiä välilyöntejä eikä ohjaus- tai suuntamerkkejä"),
]
ID_MAX = 2**63 - 1
# In a JSON body: an integer, strictly (true and "1" are refused).
Id = Annotated[int, Field(strict=True, ge=1, le=ID_MAX)]
# In a path: ASCII digits only (not "１" nor "1_000").
PathId = Annotated[int, BeforeValidator(lambda value: _ascii_digits(value)), Field(ge=1, le=ID_MAX)]
QUANTITY_PATTERN = r"^-?[0-9]{1,8}([.,][0-9]{1,2})?$"
Quantity = Annotated[
    str,
    StringConstraints(pattern=QUANTITY_PATTERN),
    AfterValidator(_quantity),
    Field(description="Merkkijono: numerot 0–9, enintään kahdeksan ennen ja kaksi jälkeen desimaalipilkun tai -pisteen, "
                      "esim. \"2,5\""),
]
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
Day = Annotated[
    dt.date,
    BeforeValidator(_day_text),
    AfterValidator(_day_in_range),
    Field(description="VVVV-KK-PP, vuodet 1900–2100", json_schema_extra={"pattern": DAY_PATTERN}),
]
Yes = Annotated[bool, Field(strict=True)]


def _ascii_digits(value):
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise PydanticCustomError("int_parsing", "not ASCII digits")
    return value


class Error(Schema):
    code: str = Field(description="Pysyvä virhekoodi (palveluiden DomainError-koodi)")
    message: str = Field(description="Selitys suomeksi")
    field: str | None = Field(None, description="Kenttä, jota virhe koskee")


class CustomerOut(Schema):
    first_name: str
    last_name: str
    henkilotunnus: str = Field(description="Peitetty: syntymäaika ja ****")
    municipality: str


class VoucherContentOut(Schema):
    id: int = Field(description="Setelin palvelusisällön tunniste (content_id palveluvarauksessa)")
    content: str
    unit: str
    quantity: Decimal | None
    amount: Decimal | None
    unit_value: Decimal | None
    period: str


class DecisionOut(Schema):
    """The decision a voucher was granted by (shown to the voucher's organiser only)."""

    decision_number: str
    decision_date: dt.date | None
    decision_id: str | None = Field(description="Asiakastietojärjestelmän päätöstunniste")
    granted_on: dt.date | None


class VoucherOut(Schema):
    number: str
    kind: str
    service: str
    organiser: str
    valid_from: dt.date
    valid_to: dt.date
    closed_on: dt.date | None
    ends_on: dt.date = Field(description="Viimeinen voimassaolopäivä: valid_to tai sulkemispäivä, jos aiempi")
    state: Literal["avoin", "paattynyt", "suljettu"] = Field(
        description="Tänään: avoin; päättynyt (valid_to on mennyt, ostovoimaa ei suljettu); suljettu (closed_on)"
    )
    customer: CustomerOut
    contents: list[VoucherContentOut]
    decision: DecisionOut | None = Field(
        None, description="Päätös: vain ostovoiman myöntäneen palvelunjärjestäjän avaimelle, muille tyhjä")


class ReservationIn(Schema):
    voucher_number: Number
    content_id: Id = Field(description="Setelin palvelusisältö (VoucherOut.contents[].id)")
    terms_accepted: Yes = Field(description="Sopimusehdot ja sopimussuhteen muodostuminen hyväksytty")
    event_text: Text = ""
    unit_id: Id | None = Field(None, description="Palveluntuottajaosa; oletuksena yrityksen oletusosa")
    provider_id: Id | None = Field(None, description="Palvelunjärjestäjä: palveluntuottaja, jonka puolesta varataan")


class ReservationOut(Schema):
    id: int
    voucher_number: str
    content_id: int
    content: str
    provider_id: int
    provider: str
    unit_id: int
    unit: str
    event_text: str
    on_behalf: bool
    created_at: dt.datetime
    ends_on: dt.date = Field(description="Varauksen oma päättymispäivä tai ostovoiman viimeinen voimassaolopäivä, jos aiempi")


class ReservationPage(Schema):
    items: list[ReservationOut]
    next_cursor: str | None = Field(description="Seuraavan sivun cursor; tyhjä, kun sivuja ei ole enempää")


class EventIn(Schema):
    client_id: ClientId | None = Field(None, description="Asiakasjärjestelmän oma tunniste; sama tunniste kirjataan kerran")
    reservation_id: Id
    date: Day
    quantity: Quantity = Field(description="Määrä (saldo-ostovoimalla euroina)")
    content_id: Id | None = None
    note: Text = ""


class BulkEventIn(EventIn):
    client_id: ClientId


class BulkIn(Schema):
    events: list[BulkEventIn] = Field(min_length=1, max_length=1000)


class EventOut(Schema):
    id: int
    client_id: str | None
    reservation_id: int
    voucher_number: str
    date: dt.date
    quantity: Decimal
    unit_price: Decimal
    total: Decimal
    voucher_share: Decimal
    customer_share: Decimal
    status: str
    review_reason: str
    credit_of: int | None
    reason_code: str
    explanation: str
    updated_at: dt.datetime


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class BulkRow(Schema):
    client_id: str
    result: Literal["created", "refused", "already_recorded"]
    event_id: int | None = None
    status: str | None = None
    code: str | None = None
    message: str | None = None


class BulkOut(Schema):
    created: int
    refused: int
    already_recorded: int
    results: list[BulkRow]


class CustomershipIn(Schema):
    voucher_number: Number
    office_id: Id
    start_date: Day | None = None
    end_date: Day | None = None
    locked_until: Day | None = None
    approvals_accepted: Yes


class CustomershipEndIn(Schema):
    end_date: Day
    reason: Text = ""


class CustomershipOut(Schema):
    id: int
    voucher_number: str
    provider_id: int
    provider: str
    office_id: int
    office: str
    start_date: dt.date
    end_date: dt.date = Field(
        description="Viimeinen voimassaolopäivä: oma loppupäivä tai ostovoiman viimeinen voimassaolopäivä, jos aiempi"
    )
    locked_until: dt.date
    on_behalf: bool


class PaymentOut(Schema):
    run_id: int
    organiser: str
    month: dt.date
    status: str
    provider_id: int
    provider: str
    amount: Decimal


class RunOut(Schema):
    run_id: int
    month: dt.date
    status: str
    total: Decimal
    payments: list[PaymentOut]


class PaymentsOut(Schema):
    runs: list[RunOut] = Field(description="Palvelunjärjestäjälle: maksatusajot")
    payments: list[PaymentOut] = Field(description="Palveluntuottajalle: omat maksut")


class LineOut(Schema):
    id: int
    provider_id: int
    voucher_number: str | None
    event_id: int | None
    customership_id: int | None
    days: int | None
    for_month: dt.date | None
    amount: Decimal


class LinePage(Schema):
    items: list[LineOut]
    next_cursor: str | None
