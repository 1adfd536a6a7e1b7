"""The frame of an action on a voucher card ("Luo asiakkuus", "Sulje ostovoima" …): its form
page, the lookup's own "not found", and the card again after the change. Each answers in full,
or as the fragment that replaces ``#lookup-result`` (the card on the "Asiakas" tab) when htmx
aims there. Apps above vouchers (customers) use it for their own actions on the card."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit.services import audit_read
from core.errors import DomainError
from core.htmx import done, render_page, wants_fragment
from vouchers.selectors import voucher_lookup

TEMPLATE = "vouchers/action.html"
TARGET = "lookup-result"


def _source(text) -> str:
    """An action's title as the audit row stores it: its Finnish source text (translated when shown)."""
    with translation.override("fi"):
        return str(text)


def lookup_url(voucher) -> str:
    return f"{reverse('vouchers:lookup')}?{urlencode({'numero': voucher.number})}"


def render_action(request, context, *, status=200):
    return render_page(request, TEMPLATE, {"tab": "customer", **context}, target=TARGET, partial="result", status=status)


def not_found(request):
    """The same answer as the lookup's for a voucher the user may not see."""
    # A plain request gets 404; htmx does not swap error answers, so the fragment is a 200
    # carrying the lookup's own "Ostovoiman tietoja ei löydy".
    status = 200 if wants_fragment(request, TARGET) else 404
    return render_action(request, {"not_found": True, "title": _("Ostovoiman tietoja ei löydy")}, status=status)


def show_form(request, *, voucher, form, title, submit, error=None, intro=None, **extra):
    """The action's form on the voucher (200 also with errors: htmx swaps only successful answers)."""
    audit_read(request=request, vouchers=[voucher], code="voucher_action", number=voucher.number, title=_source(title))
    context = {"voucher": voucher, "form": form, "title": title, "submit": submit, "error": error,
               "intro": intro, **extra}
    return render_action(request, context)


def action_done(request, *, voucher, message, what: str):
    """After a change: the voucher card again (as the user may now see it) and what happened."""

    def fragment(notice):
        card = voucher_lookup(user=request.user, number=voucher.number)
        if card is not None:
            audit_read(request=request, vouchers=[card], code="voucher_action", number=card.number, title=_source(what))
        return render_action(request, {"done": True, "voucher": card, "message": notice, "title": notice})

    return done(request, notice=message, url=lookup_url(voucher), fragment=fragment, target=TARGET)


def run_action(request, *, voucher, form, page: dict, perform, message, what: str):
    """A card action from form to answer: GET shows the form; a valid POST calls ``perform(form)``
    (a service) and answers with the card and ``message(result)``; a refusal shows the form again
    with the service's Finnish message, having written nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form)
        except DomainError as error:
            return show_form(request, voucher=voucher, form=form, error=error.message, **page)
        return action_done(request, voucher=voucher, message=message(result), what=what)
    return show_form(request, voucher=voucher, form=form, **page)
