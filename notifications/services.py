"""Every notification is made here; the services where the organiser acts call these.

One row per notification, inside the caller's transaction; a payment run's in one
INSERT … SELECT from its payments, however many providers. E-mail is optional
(``settings.NOTIFICATION_EMAILS``): after the commit, through Django's e-mail backend (the
console in development), to the provider's users who have an address."""

import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from notifications.models import Notification, NotificationKind
from organisations.models import Membership

logger = logging.getLogger(__name__)


def notify(*, provider_id: int | None = None, kind: str, params: dict, link: str = "",
           organiser_id: int | None = None) -> Notification:
    """One notification to a provider (or, ``organiser_id``, to an organiser)."""
    notification = Notification.objects.create(
        provider_id=provider_id, organiser_id=organiser_id, kind=NotificationKind(kind),
        params={k: str(v) for k, v in params.items()}, link=link,
    )
    _email_later([notification.pk])
    return notification


def notify_each(*, rows, kind: str, params: dict, amount_field: str | None = None, link: str = "") -> int:
    """A notification to each provider in ``rows`` (a queryset with a ``provider_id``), in one
    INSERT … SELECT. ``params`` are the same for all; ``amount_field`` adds each row's own
    ``amount``. Returns how many."""
    picked = rows.order_by().values(picked_provider=F("provider_id"))
    if amount_field:
        picked = picked.annotate(picked_amount=F(amount_field))
    sql, sql_params = picked.query.sql_with_params()
    amount = (
        "jsonb_build_object('amount', to_char(picked.picked_amount, 'FM999999999990.00'))"
        if amount_field else "'{}'::jsonb"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Notification._meta.db_table} (provider_id, kind, params, link, created_at)
                SELECT picked.picked_provider, %s, %s::jsonb || {amount}, %s, now()
                  FROM ({sql}) AS picked
                RETURNING id""",
            (NotificationKind(kind).value, json.dumps({k: str(v) for k, v in params.items()}), link, *sql_params),
        )
        ids = [row[0] for row in cursor.fetchall()]
    _email_later(ids)
    return len(ids)


def notifications_mark_read(*, provider_id: int | None = None, organiser_id: int | None = None,
                            up_to_id: int | None = None) -> int:
    """The provider's (or organiser's) unread notifications (up to ``up_to_id``, the newest the user
    saw) are read."""
    if provider_id is not None:
        unread = Notification.objects.filter(provider_id=provider_id, read_at__isnull=True)
    else:
        unread = Notification.objects.filter(organiser_id=organiser_id, organiser__isnull=False, read_at__isnull=True)
    if up_to_id is not None:
        unread = unread.filter(pk__lte=up_to_id)
    return unread.update(read_at=timezone.now())


def _email_later(ids: list[int]) -> None:
    if ids and getattr(settings, "NOTIFICATION_EMAILS", False):
        transaction.on_commit(lambda: send_emails(ids))


def send_emails(ids: list[int]) -> int:
    """Each notification to its provider's users with an e-mail address (in Finnish, the source
    language). Returns how many messages were sent."""
    sent = 0
    notifications = Notification.objects.filter(pk__in=ids).select_related("provider")
    for notification in notifications:
        members = (Membership.objects.filter(provider_id=notification.provider_id) if notification.provider_id
                   else Membership.objects.filter(organiser_id=notification.organiser_id))
        addresses = list(
            members.filter(user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        if not addresses:
            continue
        with translation.override("fi"):
            subject = f"PSOP: {notification.get_kind_display()}"
            body = notification.text
        try:
            sent += send_mail(subject, body, None, addresses)
        except OSError:  # the notification is on the page anyway; a mail server down must not fail the act
            logger.exception("Notification %s: e-mail not sent", notification.pk)
    return sent
