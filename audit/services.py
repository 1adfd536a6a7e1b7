"""Writing the audit log. Every read of a customer's personal data and every change goes here."""

from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry


def _client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(*, user, action: str, what: str, customer_id: int | None = None, request=None, organisation: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        organisation=organisation,
        customer_id=customer_id,
        action=action,
        what=what[:300],
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=_client_address(request),
    )


def _organisation_of(user) -> str:
    """The name of the user's organisation ("" for none), read once per user object: the membership
    with its provider and organiser in one query (the audit app names neither model)."""
    if not user.is_authenticated:
        return ""
    if not hasattr(user, "_audit_organisation"):
        membership_model = user._meta.get_field("membership").related_model
        membership = membership_model.objects.select_related("provider", "organiser").filter(user_id=user.pk).first()
        user._audit_organisation = str(membership.organisation) if membership is not None else ""
    return user._audit_organisation


def audit_read(*, request, customers, what: str) -> None:
    """One row per customer whose personal data this answer shows: one INSERT … SELECT over the
    customers' ids (a list page logs 25 or 50 reads; no model instance is built for each)."""
    customer_ids = list(dict.fromkeys(customer.pk for customer in customers))
    if not customer_ids:
        return
    user = request.user
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, user_id, username, organisation, customer_id, action, what, path, ip_address) "
            "SELECT %s, %s, %s, %s, customer_id, %s, %s, %s, %s::inet FROM unnest(%s::bigint[]) WITH ORDINALITY "
            "AS ids(customer_id, position) ORDER BY position",
            [
                timezone.now(),
                user.pk,
                user.username,
                _organisation_of(user),
                AuditEntry.Action.READ.value,
                what[:300],
                request.get_full_path()[:500],
                _client_address(request),
                customer_ids,
            ],
        )
