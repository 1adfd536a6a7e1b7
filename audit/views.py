"""The audit log's search page ("Lokitiedot"): by customer, user, kind of entry and time, newest first.

The audit app sits below the organisations, customers and roles, so the page that serves this
(``vouchers.views.audit_log``) says whose rows the reader may see, how a typed customer is found and
how a customer is named and linked; this module searches, pages and renders."""

import datetime as dt
import secrets
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.utils import timezone

from audit.forms import AuditSearchForm
from audit.services import audit_log as audit_log_entry
from core.htmx import render_page
from core.pagination import keyset_page

PAGE_SIZE = 50
# Newest first: the index on time, walked from a keyset cursor.
LOG_ORDER = ("-at", "-id")


def audit_log_page(request, *, url: str, entries, customers_matching, customers_named):
    """Search the audit log: ``entries`` are the rows the reader may see; ``customers_matching(term)``
    the ids of the customers a typed name or henkilötunnus finds; ``customers_named(ids)`` the
    customers shown, as {id: (name, link)}; ``url`` the page's own address.

    The search is sent by POST and kept in the session under a random token: the address (browser
    history, access logs, the audit rows' own paths) carries ``?haku=<token>``, never a name or a
    henkilötunnus. Paging keeps the token."""
    token = None
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            token = _remember_search(request, form.data)
            if not request.htmx:
                return redirect(f"{url}?{urlencode({'haku': token})}")
    else:
        saved = _saved_search(request, request.GET.get("haku", ""))
        form = AuditSearchForm(saved)
        token = request.GET.get("haku") if saved is not None else None
    if form.is_valid():
        entries = _search(entries, form.cleaned_data, customers_matching)
    elif form.is_bound:
        entries = entries.none()
    page = keyset_page(entries, order=LOG_ORDER, params=request.GET, size=PAGE_SIZE)
    names = customers_named([entry.customer_id for entry in page])
    rows = [(entry, *names.get(entry.customer_id, ("", ""))) for entry in page]
    # Reading the log is logged once, as a read of the log (not as a read of each customer listed).
    audit_log_entry(user=request.user, action="read", code="audit_search", request=request)
    context = {"form": form, "page": page, "rows": rows, "url": url,
               "query": urlencode({"haku": token}) if token else ""}
    response = render_page(request, "audit/audit_log.html", context)
    if token and request.method == "POST":
        response["HX-Push-Url"] = f"{url}?{urlencode({'haku': token})}"
    return response


SAVED_SEARCHES = 20


def _remember_search(request, data) -> str:
    """Keep the search's fields in the session (the last few) and return its token."""
    token = secrets.token_urlsafe(12)
    fields = {name: data.get(name, "") for name in AuditSearchForm.base_fields}
    saved = dict(request.session.get("audit_searches", {}))
    saved[token] = fields
    request.session["audit_searches"] = dict(list(saved.items())[-SAVED_SEARCHES:])
    return token


def _saved_search(request, token: str):
    return request.session.get("audit_searches", {}).get(token) if token else None


def _search(entries, data, customers_matching):
    if data["asiakas"]:
        # Which rows the organiser may read is already decided (its own rows only).
        entries = entries.about_any(customers_matching(data["asiakas"]))
    if data["kayttaja"]:
        entries = entries.filter(username__icontains=data["kayttaja"])
    if data.get("toimenpide"):
        entries = entries.filter(action=data["toimenpide"])
    zone = timezone.get_current_timezone()
    if data["alkaen"]:
        entries = entries.filter(at__gte=dt.datetime.combine(data["alkaen"], dt.time.min, tzinfo=zone))
    if data["asti"]:
        entries = entries.filter(at__lt=dt.datetime.combine(data["asti"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    return entries
