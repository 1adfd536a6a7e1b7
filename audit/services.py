"""Writing the audit log. Every read of a customer's personal data and every change goes here.

A row names the organiser whose data it is (``organiser_id``): the voucher's organiser, or for an
organiser's own user that organiser. Its text is an action code with parameters (audit.codes),
rendered in the reader's language; ``what`` keeps the Finnish sentence. The path is stored without
its query string, which can carry a henkilötunnus or a name."""

from audit.codes import render_finnish
from audit.models import AuditEntry
from core.assurance import audit_words
from core.network import client_address


def _client_address(request) -> str | None:
    return client_address(request) if request is not None else None


# Who the user is as the audit log records them, asked of the app that knows (organisations'
# access module registers it when the apps are ready: ``audit_membership_reader``). The audit
# app sits below organisations and never reaches up to it.
_membership_reader = None


def audit_membership_reader(reader) -> None:
    """Set how a user's membership is read: ``reader(user)`` returns the membership (with its
    ``organisation`` and ``organiser_id``) or None. Called once, by ``organisations.apps``."""
    global _membership_reader
    _membership_reader = reader


def _membership_of(user) -> tuple[str, int | None]:
    """The user's organisation name ("" for none) and organiser id (None for a provider's user).

    The membership is the one the access module reads, from its per-user cache (an API key's
    in-memory membership is there too): one query per request for both, with its provider and
    organiser."""
    if not getattr(user, "is_authenticated", False) or _membership_reader is None:
        return "", None
    membership = _membership_reader(user)
    return (str(membership.organisation), membership.organiser_id) if membership is not None else ("", None)


def audit_log(
    *, user, action: str, what: str = "", code: str = "", params: dict | None = None, customer_id: int | None = None,
    organiser_id: int | None = None, request=None, organisation: str = "", save: bool = True,
) -> AuditEntry:
    """One row. ``code`` and ``params`` say what happened (``what`` for rows no reader needs in
    their own language: the organisation's own user and payment-run changes). With ``save=False``
    the row is made but not written: ``audit_log_many`` writes many at once."""
    params = params or {}
    if code:
        what = render_finnish(code, params)
    if organiser_id is None:
        organiser_id = _membership_of(user)[1] if user is not None else None
    entry = AuditEntry(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        organisation=organisation,
        customer_id=customer_id,
        organiser_id=organiser_id,
        action=action,
        code=code,
        params=params,
        what=what[:300],
        path=(request.path[:500] if request is not None else ""),
        ip_address=_client_address(request),
        auth_method=audit_words(request),
    )
    if save:
        entry.save()
    return entry


def audit_log_many(entries: list[AuditEntry]) -> None:
    """Rows made by ``audit_log(..., save=False)``, a thousand to an INSERT (an import of events)."""
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def audit_read(*, request, code: str, vouchers=(), customers=(), **params) -> None:
    """Log that this answer shows customers' personal data: one row per organiser whose customers it
    shows (almost always one), however long the list. A row naming one customer has it in
    ``customer_id``; a list's row names all its customers in ``customer_ids``, in the order shown.
    One INSERT; a list of 50 vouchers adds one row, not 50 (SECURITY.md "What is logged").

    ``vouchers`` name the customers through the vouchers shown (the row belongs to each voucher's
    organiser); ``customers`` are read by an organiser's own user (the row belongs to that organiser)."""
    user = request.user
    organisation, own_organiser = _membership_of(user)
    shown: dict[int | None, dict[int, None]] = {}  # organiser → its customers, in order, once each
    for voucher in vouchers:
        shown.setdefault(voucher.organiser_id, {})[voucher.customer_id] = None
    for customer in customers:
        shown.setdefault(own_organiser, {})[customer.pk] = None
    if not shown:
        return
    common = {
        "user_id": user.pk, "username": user.username, "organisation": organisation,
        "action": AuditEntry.Action.READ, "code": code, "params": params,
        "what": render_finnish(code, params)[:300], "path": request.path[:500], "ip_address": _client_address(request),
        "auth_method": audit_words(request),
    }
    rows = []
    for organiser_id, customers_shown in shown.items():
        ids = list(customers_shown)
        one = len(ids) == 1
        rows.append(AuditEntry(organiser_id=organiser_id, customer_id=ids[0] if one else None,
                               customer_ids=None if one else ids, **common))
    AuditEntry.objects.bulk_create(rows)
