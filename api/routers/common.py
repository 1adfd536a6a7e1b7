"""What the operations share: the Idempotency-Key header (documented on every POST) and turning
an id of the body into its row."""

from typing import Annotated

from ninja import Header
from pydantic import StringConstraints

from core.errors import DomainError, ErrorCode

IdempotencyKey = Annotated[
    Annotated[str, StringConstraints(max_length=200)] | None,
    Header(None, alias="Idempotency-Key", description="Uusinnassa sama avain ja sama runko: ensimmäinen vastaus, ei muutoksia"),
]

def get_or_refuse(model, pk, code: ErrorCode):
    """The row with this id (None for no id); an id that does not exist is refused with ``code``.
    The services decide whether the user may use the row."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise DomainError(code)
    return row
