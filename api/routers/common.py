"""What the operations share: the statuses every operation may answer (declared in the schema),
the Idempotency-Key header (documented on every POST) and turning an id of the body into its row."""

from typing import Annotated

from ninja import Header
from pydantic import StringConstraints

from api.idempotency import KEY_MAX, KEY_PATTERN
from api.schemas import Error
from core.errors import DomainError, ErrorCode

IdempotencyKey = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=KEY_MAX, pattern=KEY_PATTERN)] | None,
    Header(None, alias="Idempotency-Key",
           description=f"1–{KEY_MAX} näkyvää ASCII-merkkiä (välilyönti vain merkkien välissä). Uusinnassa sama avain "
                       "ja sama runko: ensimmäinen vastaus, ei muutoksia"),
]

# Every operation may answer these (issue 28, item 10: the schema lists every status the API
# answers): 401 no or a bad key, 403 the key lacks the scope (or the role the right), 413 a body
# too large, 422 input the schema or a rule refuses, 429 the key's rate limit, 503 the database away.
EVERY = (401, 403, 413, 422, 429, 503)
# A POST also: 400 a body that is no JSON, 409 an Idempotency-Key used for another request.
POST = (400, 409)


def answers(ok: dict, *, post: bool = False, not_found: bool = False) -> dict:
    """An operation's ``response=``: its own answers and the shared error statuses, all ``Error``."""
    statuses = EVERY + (POST if post else ()) + ((404,) if not_found else ())
    return {**{status: Error for status in statuses}, **ok}

def get_or_refuse(model, pk, code: ErrorCode):
    """The row with this id (None for no id); an id that does not exist is refused with ``code``.
    The services decide whether the user may use the row."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise DomainError(code)
    return row
