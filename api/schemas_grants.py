"""The typed bodies and answers of granting (the client system's interface, issue 22): a decision
(the customer by henkilötunnus, the service, the contents, validity and the decision's own
number, date and id), a change, a closing, a customer lookup and up to 1,000 decisions at once.
Strict as the rest of the API: no fields it does not know, strings bounded as their columns,
amounts decimal strings."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from api.schemas import PRINTABLE, ClientId, Day, DecisionOut, Id, VoucherContentOut, _cleaned
from grants.models import CloseReason
from grants.services import MAX_CONTENTS, REASON_MAX_LENGTH
from vouchers.models import Language, VoucherContent

BULK_MAX = 1000


def _text(max_length: int, *, min_length: int = 0):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=PRINTABLE),
                     AfterValidator(_cleaned)]


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise PydanticCustomError("greater_than", "not above zero")
    return value


def _euros(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


# A henkilötunnus as written (the check digit is the service's: python-stdnum); never in a URL.
Henkilotunnus = Annotated[
    str, StringConstraints(min_length=11, max_length=11, pattern=r"^[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]$"),
    Field(description="Henkilötunnus, esim. 010170-902L (tarkiste tarkistetaan)"),
]
AMOUNT_PATTERN = r"^[0-9]{1,8}([.,][0-9]{1,2})?$"
# Not negative; a quantity above zero. Strings, as a quantity of an event is ("2,5" or "2.5").
Amount = Annotated[
    str, StringConstraints(pattern=AMOUNT_PATTERN), AfterValidator(_euros),
    Field(description="Merkkijono: numerot 0–9, enintään kahdeksan ennen ja kaksi jälkeen desimaalipilkun tai -pisteen"),
]
Quantity = Annotated[Amount, AfterValidator(_positive)]
DecisionId = Annotated[ClientId, Field(description="Asiakastietojärjestelmän päätöksen tunniste (1–100 merkkiä): "
                                                  "sama päätös kahdesti on yksi ostovoima")]
Reason = Annotated[_text(REASON_MAX_LENGTH, min_length=1), Field(description="Perustelu (enintään 500 merkkiä)")]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    """The person: found by henkilötunnus; the other fields make a new customer (and are not
    used for a person already in the register)."""

    henkilotunnus: Henkilotunnus
    first_name: _text(100) = ""
    last_name: _text(100) = ""
    municipality: _text(100) = ""
    street_address: _text(200) = ""
    postal_code: _text(10) = ""
    post_office: _text(100) = ""
    language: Literal[tuple(Language.values)] = Field(Language.FINNISH, description="Asiointikieli: fi, sv tai other")
    phone: _text(40) = ""
    email: _text(254) = ""


class GrantedIn(Strict):
    """One content of the decision: by ``content_id`` (the service's content) or by its name."""

    content_id: Id | None = Field(None, description="Palvelusisällön tunniste (palvelun sisältö)")
    content: _text(200) | None = Field(None, description="Palvelusisällön nimi, jos tunnistetta ei anneta")
    quantity: Quantity | None = Field(None, description="Myönnetty määrä (tunteja, käyntejä, vuorokausia) jaksossa")
    amount: Amount | None = Field(None, description="Myönnetty euromäärä (saldo-ostovoima)")
    unit_value: Amount | None = Field(None, description="Setelin arvo yksikköä kohden (€)")
    period: Literal[tuple(VoucherContent.Period.values)] = Field(
        VoucherContent.Period.VALIDITY, description="validity: koko voimassaoloaika; month: kuukaudessa")


class GrantIn(Strict):
    customer: CustomerIn
    service_id: Id | None = Field(None, description="Palvelun tunniste; tai service")
    service: _text(200) | None = Field(None, description="Palvelun nimi, jos tunnistetta ei anneta")
    contents: list[GrantedIn] = Field(min_length=1, max_length=MAX_CONTENTS)
    valid_from: Day
    valid_to: Day
    decision_number: _text(60) = Field("", description="Päätöksen numero (diaarinumero)")
    decision_date: Day | None = None
    decision_id: DecisionId


class GrantBulkIn(Strict):
    decisions: list[GrantIn] = Field(min_length=1, max_length=BULK_MAX)


class VoucherChangeIn(Strict):
    """A change: the new validity and/or the contents as the whole new set; a reason always."""

    reason: Reason
    valid_from: Day | None = None
    valid_to: Day | None = None
    contents: list[GrantedIn] | None = Field(None, min_length=1, max_length=MAX_CONTENTS,
                                             description="Koko uusi sisältö; pois jätetty sisältö poistetaan")


class VoucherCloseIn(Strict):
    closed_on: Day
    close_reason: Literal[tuple(CloseReason.values)] = Field(description="Sulkemisen syy: " + ", ".join(CloseReason.values))
    reason: _text(REASON_MAX_LENGTH) = Field("", description="Perustelu; pakollinen syyllä other")


class CustomerLookupIn(Strict):
    henkilotunnus: Henkilotunnus


class GrantedVoucherOut(Schema):
    """A voucher as its organiser sees it: the decision and what it grants."""

    number: str
    kind: str
    service_id: int
    service: str
    valid_from: dt.date
    valid_to: dt.date
    closed_on: dt.date | None
    ends_on: dt.date
    state: Literal["avoin", "paattynyt", "suljettu"]
    decision: DecisionOut
    customer: "LookupCustomerOut"
    contents: list[VoucherContentOut]


class LookupCustomerOut(Schema):
    first_name: str
    last_name: str
    henkilotunnus: str = Field(description="Peitetty: syntymäaika ja ****")
    municipality: str
    language: str


class VoucherBriefOut(Schema):
    number: str
    service: str
    valid_from: dt.date
    valid_to: dt.date
    closed_on: dt.date | None
    state: Literal["avoin", "paattynyt", "suljettu"]
    decision_id: str | None


class CustomerLookupOut(Schema):
    customer: LookupCustomerOut
    vouchers: list[VoucherBriefOut] = Field(description="Vain tämän palvelunjärjestäjän ostovoimat")


class GrantRowOut(Schema):
    index: int = Field(description="Päätöksen järjestysnumero pyynnössä, 0 alkaen")
    decision_id: str
    status: Literal["created", "existing", "error"]
    number: str | None = None
    code: str | None = None
    message: str | None = None
    field: str | None = None


class GrantBulkOut(Schema):
    created: int
    existing: int
    errors: int
    results: list[GrantRowOut]


GrantedVoucherOut.model_rebuild()
