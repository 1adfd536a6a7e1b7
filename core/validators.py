"""Finnish identifiers, validated with python-stdnum; usernames and typed names.

Individual numbers 900–999 are accepted: they are temporary codes and the test
identities of the training data (DVV's range for test persons).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fi import hetu, ytunnus


def normalise_henkilotunnus(value: str) -> str:
    return hetu.compact(value or "")


def validate_henkilotunnus(value: str) -> None:
    try:
        hetu.validate(value, allow_temporary=True)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Henkilötunnus %(value)s ei ole kelvollinen."), code="invalid_henkilotunnus", params={"value": value}
        ) from None


def validate_business_id(value: str) -> None:
    try:
        ytunnus.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Y-tunnus %(value)s ei ole kelvollinen."), code="invalid_business_id", params={"value": value}
        ) from None


def mask_henkilotunnus(value: str) -> str:
    """Show the birth date part only: 010190-123A -> 010190-****."""
    if len(value) != 11:
        return "****"
    return value[:7] + "****"


# --- usernames and typed names (issue 14, item 8) ---------------------------------------------------

USERNAME_MAX_LENGTH = 150
_USERNAME = re.compile(r"[A-Za-z0-9.\-_@]+")


def normalise_username(value: str) -> str:
    """A username as typed, in NFKC form: full-width or ligature letters become plain ASCII
    (full-width "admin" -> "admin"); look-alikes from other scripts (Cyrillic U+0430) stay what they are."""
    return unicodedata.normalize("NFKC", value or "")


def validate_username(value: str) -> None:
    """Usernames are ASCII letters, digits and ``. - _ @`` (after NFKC), so that no two usernames
    look alike: "admin" with a Cyrillic U+0430 for its "a" is refused instead of showing as "admin"."""
    if not _USERNAME.fullmatch(normalise_username(value)):
        raise ValidationError(
            _("Käyttäjätunnuksessa voi olla vain kirjaimia a–z, numeroita ja merkkejä . - _ @ "
              "(ei ääkkösiä, välilyöntejä eikä muiden aakkosten kirjaimia)."),
            code="invalid_username",
        )


# Direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, the marks
# U+200E, U+200F, U+061C) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF): invisible,
# yet they reorder or hide what a name shows (U+202E before "yO ecnaraeppA" shows it reversed).
INVISIBLE_CHARACTERS = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"
)
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))


def clean_text(value: str) -> str:
    """A name or a free text as typed, without direction controls and zero-width characters."""
    return value.translate(_INVISIBLE) if value else value
