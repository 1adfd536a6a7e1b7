"""Writing the audit log. Every read of a customer's personal data and every change goes here."""

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


def audit_read(*, request, customers, what: str) -> None:
    """One row per customer whose personal data this answer shows."""
    user = request.user
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    organisation = str(membership.organisation) if membership else ""
    seen = set()
    rows = []
    for customer in customers:
        if customer.pk in seen:
            continue
        seen.add(customer.pk)
        rows.append(
            AuditEntry(
                user=user,
                username=user.username,
                organisation=organisation,
                customer_id=customer.pk,
                action=AuditEntry.Action.READ,
                what=what[:300],
                path=request.get_full_path()[:500],
                ip_address=_client_address(request),
            )
        )
    AuditEntry.objects.bulk_create(rows)
