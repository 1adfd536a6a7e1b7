"""What an audit row says, as an action code and its parameters, rendered in the reader's language.

A row stores ``code`` and ``params`` (plain data: voucher numbers, dates, ids); the sentence is made
when the row is shown, so a Swedish reader and a Finnish reader see the same row each in their own
language. ``what`` keeps the Finnish sentence for the admin and for rows written before codes.
Parameters named in ``TRANSLATED`` hold a Finnish source text (a tab's or an action's title) and are
translated when shown."""

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _

MESSAGES = {
    # Reads
    "voucher_lookup": _("Ostovoima %(number)s: haku"),
    "voucher_action": _("Ostovoima %(number)s: %(title)s"),
    "voucher_events": _("Ostovoima %(number)s: tapahtumat"),
    "reservation_form": _("Ostovoima %(number)s: palveluvaraus"),
    "reservation_view": _("Palveluvaraus %(number)s"),
    "reservation_list": _("Palveluvaraukset: lista"),
    "tab_list": _("%(title)s: lista"),
    "review_list": _("Tarkastettavat tapahtumat"),
    "event_view": _("Tapahtuma %(event)s (ostovoima %(number)s)"),
    "event_credit_form": _("Tapahtuma %(event)s: hyvitys"),
    "customer_view": _("Asiakkaan tiedot"),
    "audit_search": _("Lokitietojen haku"),
    "customer_search": _("Asiakkaan haku henkilötunnuksella"),
    # Myöntäminen (issue 22): the decision form, the granted voucher's page and its decision letter.
    "grant_form": _("Ostovoiman myöntäminen: asiakkaan tiedot"),
    "voucher_decision": _("Ostovoima %(number)s: myöntö"),
    "decision_letter": _("Ostovoima %(number)s: palvelusetelipäätös"),
    # The customer's own page (issue 25): read by the customer, strongly identified.
    "own_vouchers": _("Omat palvelusetelini: ostovoimat %(numbers)s (asiakas itse)"),
    # Changes
    "reservation_created": _("Palveluvaraus %(number)s: %(content)s, %(provider)s"),
    "reservation_created_on_behalf": _("Palveluvaraus %(number)s: %(content)s, %(provider)s (palveluntuottajan puolesta)"),
    "voucher_closed": _("Ostovoima %(number)s: suljettu %(day)s"),
    "voucher_granted": _("Ostovoima %(number)s: myönnetty (%(service)s)"),
    "voucher_changed": _("Ostovoima %(number)s: myöntöä muutettu; perustelu: %(reason)s"),
    "customer_created": _("Asiakas lisätty"),
    "event_record": _("Tapahtuma %(event)s (ostovoima %(number)s): kirjattu"),
    "event_update": _("Tapahtuma %(event)s (ostovoima %(number)s): muutettu"),
    "event_delete": _("Tapahtuma %(event)s (ostovoima %(number)s): poistettu"),
    "event_approve": _("Tapahtuma %(event)s (ostovoima %(number)s): hyväksytty"),
    "event_reject": _("Tapahtuma %(event)s (ostovoima %(number)s): hylätty"),
    "event_credit": _("Tapahtuma %(event)s (ostovoima %(number)s): hyvitys"),
    "event_credited": _("Tapahtuma %(event)s (ostovoima %(number)s): hyvitetty"),
    "customership_created": _("Ostovoima %(number)s: asiakkuus luotu (%(provider)s / %(office)s) alkaen %(day)s"),
    "customership_switched": _(
        "Ostovoima %(number)s: asiakkuus (%(provider)s) päättyy %(day)s palveluntuottajan vaihtuessa"
    ),
    "customership_transferred": _(
        "Ostovoima %(number)s: asiakkuus siirretty (%(old)s → %(new)s) alkaen %(day)s; peruste: %(reason)s"
    ),
    "customership_ended": _("Ostovoima %(number)s: asiakkuus (%(provider)s / %(office)s) päätetty %(day)s"),
    "customership_ended_reason": _(
        "Ostovoima %(number)s: asiakkuus (%(provider)s / %(office)s) päätetty %(day)s; peruste: %(reason)s"
    ),
}

TRANSLATED = {"title"}


def render(code: str, params: dict, fallback: str = "") -> str:
    """The row's sentence in the active language (``fallback`` for a row without a known code)."""
    message = MESSAGES.get(code)
    if message is None:
        return fallback
    values = {key: gettext(value) if key in TRANSLATED else value for key, value in (params or {}).items()}
    try:
        return str(message) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def render_finnish(code: str, params: dict) -> str:
    """The sentence stored in ``what``: Finnish, whoever wrote the row."""
    with translation.override("fi"):
        return render(code, params)
