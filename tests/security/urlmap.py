"""Every URL of the product, from the URL resolver, and how to fill it with someone else's objects.

``product_urls()`` walks ``django.urls.get_resolver()``; ``ROUTES`` says, for each URL name, how to
fill its parameters from a ``Victim`` scenario (objects of provider B and organiser Y), who is
entitled to it, and a request body that succeeds for the entitled user. A URL of the resolver that
has no entry in ``ROUTES`` fails the access matrix and the fuzz tests with
"add <name> to the access matrix": a new URL cannot ship untested.
"""

import datetime as dt
import re
from decimal import Decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiKey
from audit.services import audit_log
from core.dates import today
from choice.models import ProviderChoice
from customers.models import Customership
from demo.identifiers import make_henkilotunnus
from events.models import Event, EventChange, EventStatus
from grants.models import VoucherChange
from notifications.models import Notification
from identity.models import Invitation
from organisations.models import Membership, Office, Organiser, Provider, ProviderUnit
from payments.models import Payment, PaymentLine, PaymentRun
from reservations.models import Reservation
from tests.customers.scenarios import capitation_voucher, customership_at, serving_office
from tests.events.scenarios import balance_reservation, priced_reservation
from tests.factories import (
    CustomerFactory,
    EventFactory,
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from applications.models import Application, ApplicationAttachment, Rulebook, RulebookAcceptance, SignUp
from registers.models import RegisterChange
from vouchers.models import (
    Customer, PriceList, PriceListItem, Service, ServiceAgreement, ServiceContent, Voucher, VoucherContent,
)

# Only these parts of the resolver are left out: the Django admin has its own staff check
# (tested on its own in test_access_matrix) and static files are no views of ours.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("static/", "media/", "__debug__/")

NOT_FOUND_TEXT = "Ostovoiman tietoja ei löydy"


# --- the resolver -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductUrl:
    name: str | None  # with namespaces, e.g. "events:create"
    route: str  # the full route, e.g. "palveluvaraukset/<int:reservation_id>/tapahtuma/"
    params: dict  # parameter name -> converter name ("int", "str", ...)
    view: Callable | None = field(default=None, compare=False)  # the pattern's callback, decorators and all


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                if entry.namespace in SKIPPED_NAMESPACES or entry.app_name in SKIPPED_NAMESPACES:
                    continue
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            name = f"{namespace}{entry.name}" if entry.name else None
            params = {m["name"]: m["converter"] or "str" for m in _PARAM.finditer(route)}
            yield ProductUrl(name=name, route=route, params=params, view=entry.callback)


def product_urls() -> list[ProductUrl]:
    """Every URL pattern of the project but the admin's and static files', in resolver order."""
    return list(_walk(get_resolver().url_patterns))


def missing_from_registry(urls=None) -> list[str]:
    """Messages for the URLs the matrix does not know yet (empty when all are covered)."""
    messages = []
    for url in urls if urls is not None else product_urls():
        if url.name is None:
            messages.append(f"URL {url.route!r} has no name: name it, then add it to the access matrix")
        elif url.name not in ROUTES:
            messages.append(
                f"add {url.name} to the access matrix (tests/security/urlmap.py ROUTES): "
                f"route {url.route!r}, parameters {sorted(url.params) or 'none'}"
            )
    return messages


# --- the scenario: objects of provider B and organiser Y -------------------------------------------

SECRET_BIRTH_DATE = dt.date(1937, 8, 29)  # "290837": a string no page shows by chance


@dataclass
class Victim:
    """Objects of provider B under organiser Y, for a customer whose data must not leak, and
    users around them: the six who are not entitled (``outsiders``) and the two who are."""

    customer: object
    organiser_y: object
    organiser_x: object
    provider_a: object
    provider_b: object
    provider_c: object
    reservation: Reservation  # service voucher of Y reserved by B, with events
    fresh_voucher: Voucher  # an unreserved service voucher of Y that B may reserve
    balance: Reservation  # balance voucher of Y reserved by B
    capitation: Voucher  # capitation voucher of Y with a customership at B
    customership: Customership
    fresh_capitation: Voucher  # capitation voucher of Y without a customership
    office_b: object
    office_b2: object
    recorded_event: Event
    review_event: Event
    review_event_2: Event
    settled_event: Event
    payment_run: object  # organiser Y's payment run of last month (no lines yet)
    choice: object  # the customer's pending choice of B for fresh_voucher (issue 25)
    provider_b_admin: object
    provider_b_recorder: object
    organiser_y_staff: object
    organiser_y_admin: object
    outsiders: dict = field(default_factory=dict)  # role label -> user (None = anonymous)

    @property
    def victim_vouchers(self) -> list[Voucher]:
        return [self.reservation.voucher, self.fresh_voucher, self.balance.voucher, self.capitation, self.fresh_capitation]

    @property
    def secrets(self) -> list[str]:
        """What must not appear in an answer to someone who is not entitled."""
        hetu = self.customer.henkilotunnus
        return [self.customer.last_name, self.customer.first_name, hetu, hetu[:6], self.customer.masked_henkilotunnus]

    def entitled(self, who: str):
        return {
            "provider": self.provider_b_admin,
            "organiser": self.organiser_y_staff,
            "organiser_admin": self.organiser_y_admin,
        }[who]


def _agreement(*, organiser, provider, service, contents, priced=True):
    agreement = ServiceAgreementFactory(organiser=organiser, provider=provider, service=service)
    if priced:
        price_list = PriceListFactory(agreement=agreement)
        for content in contents:
            PriceListItemFactory(price_list=price_list, content=content)
    return agreement


def build_victim() -> Victim:
    """Two organisers (X, Y), three providers (A, B, C); the objects belong to B and Y.

    A has a valid agreement and price list for the very same services, but with organiser X;
    C has an agreement with organiser Y for the same services but no price list. Neither may
    see Y's vouchers (DESIGN.md flow 1)."""
    organiser_y, organiser_x = OrganiserFactory(), OrganiserFactory()
    provider_a, provider_b, provider_c = ProviderFactory(), ProviderFactory(), ProviderFactory()
    customer = CustomerFactory(
        first_name="Salaperäinen",
        last_name="Salainenasiakas",
        henkilotunnus=make_henkilotunnus(SECRET_BIRTH_DATE, 987),
        municipality="Salakunta",
    )

    # A service voucher of Y reserved by B, with an event in each state the event URLs act on.
    reservation = priced_reservation(provider=provider_b, organiser=organiser_y, customer=customer)
    service = reservation.voucher.service
    content = reservation.voucher_content.content
    yesterday = today() - dt.timedelta(days=1)
    recorded_event = EventFactory(reservation=reservation, date=yesterday, status=EventStatus.APPROVED)
    review_event = EventFactory(reservation=reservation, date=yesterday, status=EventStatus.UNDER_REVIEW)
    review_event_2 = EventFactory(reservation=reservation, date=yesterday, status=EventStatus.UNDER_REVIEW)
    settled_event = EventFactory(reservation=reservation, date=yesterday, status=EventStatus.SETTLED)

    fresh_voucher = VoucherFactory(organiser=organiser_y, service=service, customer=customer)
    VoucherContentFactory(voucher=fresh_voucher, content=content)

    balance = balance_reservation(provider=provider_b, organiser=organiser_y, customer=customer)

    capitation = capitation_voucher(organiser=organiser_y, customer=customer)
    office_b = serving_office(capitation, provider=provider_b)
    office_b2 = serving_office(capitation, provider=provider_b)
    customership = customership_at(office_b, capitation)
    fresh_capitation = capitation_voucher(organiser=organiser_y, customer=customer, service=capitation.service)

    # A: the same services, but with organiser X. C: organiser Y, same services, no price list.
    for voucher in (reservation.voucher, balance.voucher, capitation):
        contents = [row.content for row in voucher.contents.all()]
        _agreement(organiser=organiser_x, provider=provider_a, service=voucher.service, contents=contents)
        _agreement(organiser=organiser_y, provider=provider_c, service=voucher.service, contents=contents, priced=False)
    # A's own business with X, so that A's lists are not empty: another customer's reserved voucher.
    own = VoucherFactory(organiser=organiser_x, service=service)
    own_content = VoucherContentFactory(voucher=own, content=content)
    ReservationFactory(voucher=own, voucher_content=own_content, provider=provider_a)

    victim = Victim(
        customer=customer,
        organiser_y=organiser_y,
        organiser_x=organiser_x,
        provider_a=provider_a,
        provider_b=provider_b,
        provider_c=provider_c,
        reservation=reservation,
        fresh_voucher=fresh_voucher,
        balance=balance,
        capitation=capitation,
        customership=customership,
        fresh_capitation=fresh_capitation,
        office_b=office_b,
        office_b2=office_b2,
        recorded_event=recorded_event,
        review_event=review_event,
        review_event_2=review_event_2,
        settled_event=settled_event,
        payment_run=PaymentRun.objects.create(
            organiser=organiser_y, month=(today().replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            created_by=reservation.created_by,
        ),
        choice=ProviderChoice.objects.create(voucher=fresh_voucher, provider=provider_b),
        provider_b_admin=provider_user(provider_b, username="b-admin"),
        provider_b_recorder=provider_user(provider_b, role=Membership.Role.RECORDER, username="b-recorder"),
        organiser_y_staff=organiser_user(organiser_y, username="y-staff"),
        organiser_y_admin=organiser_user(organiser_y, role=Membership.Role.ORGANISER_ADMIN, username="y-admin"),
    )
    # Someone of Y has read the customer's data: Y's audit log has a row to show.
    audit_log(user=victim.organiser_y_staff, action="read", what=f"Asiakkaan tiedot: {customer.full_name}",
              customer_id=customer.pk, organisation=str(organiser_y))
    victim.outsiders = {
        "anonymous": None,
        "provider admin (A)": provider_user(provider_a, username="a-admin"),
        "provider recorder (A)": provider_user(provider_a, role=Membership.Role.RECORDER, username="a-recorder"),
        "user of another provider (C)": provider_user(provider_c, username="c-admin"),
        "organiser staff (X)": organiser_user(organiser_x, username="x-staff"),
        "organiser admin (X)": organiser_user(organiser_x, role=Membership.Role.ORGANISER_ADMIN, username="x-admin"),
    }
    return victim


def state() -> tuple:
    """What no refused request may change."""
    return (
        list(Reservation.objects.order_by("pk").values_list("pk", "provider_id", "voucher_content_id", "ended_on")),
        list(Event.objects.order_by("pk").values_list("pk", "status", "quantity", "date", "review_reason", "total")),
        list(Customership.objects.order_by("pk").values_list("pk", "provider_id", "office_id", "end_date", "locked_until")),
        list(Voucher.objects.order_by("pk").values_list("pk", "closed_on")),
        # Myöntäminen (issue 22): what a decision grants, its changes, and the people it is granted to.
        list(Voucher.objects.order_by("pk").values_list("pk", "valid_from", "valid_to")),
        list(VoucherContent.objects.order_by("pk").values_list("pk", "quantity", "amount", "unit_value", "period")),
        VoucherChange.objects.count(),
        Customer.objects.count(),
        EventChange.objects.count(),
        list(PaymentRun.objects.order_by("pk").values_list("pk", "status", "progress", "approved_at")),
        # The "Organisaatio" pages: users, roles, units and offices.
        list(get_user_model().objects.order_by("pk").values_list("pk", "username", "is_active")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(ProviderUnit.objects.order_by("pk").values_list("pk", "name", "is_default")),
        list(Office.objects.order_by("pk").values_list("pk", "name", "street_address", "municipality", "postal_code")),
        list(Provider.objects.order_by("pk").values_list("pk", "description", "languages")),
        # API keys (api app): made, renamed, rescoped, revoked.
        list(ApiKey.objects.order_by("pk").values_list("pk", "name", "scopes", "revoked_at")),
        # Ilmoitukset: made by the organiser's acts, marked read by the provider's users.
        list(Notification.objects.order_by("pk").values_list("pk", "provider_id", "read_at")),
        # Identification: invitations, bound identities, second factors, an organisation's choice.
        list(Invitation.objects.order_by("pk").values_list("pk", "used_at", "withdrawn_at")),
        list(SocialAccount.objects.order_by("pk").values_list("pk", "provider", "uid", "user_id")),
        list(Authenticator.objects.order_by("pk").values_list("pk", "type", "user_id")),
        list(Provider.objects.order_by("pk").values_list("pk", "strong_auth_only", "support_contact")),
        list(Organiser.objects.order_by("pk").values_list("pk", "strong_auth_only", "support_contact")),
        # The organiser's registers (registers app): services, contents, agreements, price lists, history.
        list(Service.objects.order_by("pk").values_list("pk", "organiser_id", "name", "kind")),
        list(ServiceContent.objects.order_by("pk").values_list("pk", "service_id", "name", "unit")),
        list(ServiceAgreement.objects.order_by("pk").values_list("pk", "provider_id", "service_id", "valid_from", "valid_to")),
        list(PriceList.objects.order_by("pk").values_list("pk", "agreement_id", "name", "valid_from", "valid_to")),
        list(PriceListItem.objects.order_by("pk").values_list("pk", "price_list_id", "content_id", "unit_price")),
        RegisterChange.objects.count(),
        # Hakeutuminen (applications app, issue 24): rulebooks, acceptances, sign-ups, applications and their files.
        Rulebook.objects.count(),
        RulebookAcceptance.objects.count(),
        SignUp.objects.count(),
        list(Application.objects.order_by("pk").values_list("pk", "state", "soteri_id", "contact_name")),
        ApplicationAttachment.objects.count(),
        # The customers' choices of providers (issue 25).
        list(ProviderChoice.objects.order_by("pk").values_list("pk", "provider_id", "state", "reason")),
    )


@dataclass(frozen=True)
class CustomerSession:
    """A customer identified in the test client's session (identity.customers), not a user."""

    customer_id: int | None

    def enter(self, client) -> None:
        import time

        from identity.customers import SESSION_CUSTOMER

        client.logout()
        session = client.session
        session[SESSION_CUSTOMER] = {"id": self.customer_id, "at": int(time.time())}
        session.save()


# --- the registry ------------------------------------------------------------------------------------


def _none(v: Victim) -> dict:
    return {}


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class Route:
    """How the matrix requests one URL.

    ``kwargs``: its parameters, filled with the victim's objects.
    ``entitled``: "provider" (provider B's admin), "organiser" (organiser Y's staff) or
    "organiser_admin" (organiser Y's admin) may use it.
    ``scope``: "object" — someone else's object: login redirect, 403, 404, 405 or the lookup's own
    "not found"; "list" — a page of the user's own rows: a 200 is fine if the victim is not in it;
    "public" — login, logout, home: any answer below 500 that shows nothing of the victim.
    "api" — a REST API operation: a session is no key, so 401 (or 405) for everyone; the keys' matrix is
    tests/api/test_api_access_matrix.py.
    ``queries``: query strings to GET with (each one is a request).
    ``post``: a body that succeeds for the entitled user (the attack the outsiders replay).
    ``hx_target``: the element its htmx requests aim at (fragments are requested too).
    ``shows_customer``: the entitled user's page shows the customer's name.
    ``post_writes``: the entitled user's POST changes what ``state()`` sees; False for one that changes
    only the user's own session ("Jatka istuntoa").
    """

    kwargs: Callable[[Victim], dict] = _none
    entitled: str = "provider"
    scope: str = "object"
    queries: Callable[[Victim], list[dict]] = lambda v: [{}]
    post: Callable[[Victim], dict] | None = None
    hx_target: Callable[[Victim], str] = lambda v: "panel"
    shows_customer: bool = True
    post_writes: bool = True


def _event_body(v: Victim, quantity="1") -> dict:
    return {
        "paivamaara": _day(today() - dt.timedelta(days=2)),
        "sisalto": str(v.reservation.voucher_content_id),
        "maara": quantity,
        "lisatieto": "kirjaus",
    }


def _import_body(v: Victim) -> dict:
    """A preview of one row on B's reservation, signed for B's admin (events.imports)."""
    from events.imports import Row, sign_rows

    cells = {"ostovoima": v.reservation.voucher.number, "paivamaara": _day(today() - dt.timedelta(days=2)),
             "maara": "1", "lisatieto": "tuonti"}
    return {"aineisto": sign_rows(user=v.provider_b_admin, rows=[Row(2, cells)], provider_id=None)}


def _unread_notification(v: Victim) -> dict:
    """Provider B's unread notification; the body of "Merkitse luetuiksi" up to it. An outsider
    replaying it marks only its own (none), never B's."""
    notification = Notification.objects.filter(provider=v.provider_b, read_at__isnull=True).first()
    notification = notification or Notification.objects.create(
        provider=v.provider_b, kind="rejected", params={"number": v.reservation.voucher.number, "reason": "testi"})
    return {"viimeisin": str(notification.pk)}


def _payment_run(v: Victim) -> PaymentRun:
    """Organiser Y's computed (ready) run of an old month: it pays B the settled event and the customership."""
    run, created = PaymentRun.objects.get_or_create(
        organiser=v.organiser_y, month=dt.date(2000, 1, 1),
        defaults={"status": PaymentRun.Status.READY, "progress": 100, "created_by": v.organiser_y_staff},
    )
    if created:
        payment = Payment.objects.create(run=run, provider=v.provider_b, amount=v.settled_event.voucher_share)
        PaymentLine.objects.create(payment=payment, event=v.settled_event, amount=v.settled_event.voucher_share)
        PaymentLine.objects.create(payment=payment, customership=v.customership, days=31, amount=0)
    return run


ROUTES: dict[str, Route] = {
    "home": Route(scope="public", shows_customer=False),
    "health": Route(scope="public", shows_customer=False),
    "login": Route(scope="public", shows_customer=False),
    "logout": Route(scope="public", shows_customer=False),
    # Identification (issue 21; identity/login_urls.py, identity/allauth_urls.py): allauth's names of the
    # login and logout, the admin's login (a redirect), the second factor's pages (the requester's own
    # account), a sign-in's cancel and error pages, and the identity providers' two addresses (an
    # unknown provider: 404).
    "account_login": Route(scope="public", shows_customer=False),
    "account_logout": Route(scope="public", shows_customer=False),
    "admin_login_redirect": Route(scope="public", shows_customer=False),
    "account_inactive": Route(scope="public", shows_customer=False),
    "account_reauthenticate": Route(scope="public", shows_customer=False),
    **{name: Route(scope="public", shows_customer=False) for name in (
        "mfa_index", "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
        "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
        "mfa_list_webauthn", "mfa_add_webauthn", "mfa_reauthenticate_webauthn",
        "socialaccount_login_cancelled", "socialaccount_login_error",
    )},
    "mfa_remove_webauthn": Route(scope="public", shows_customer=False, kwargs=lambda v: {"pk": 1}),
    "mfa_edit_webauthn": Route(scope="public", shows_customer=False, kwargs=lambda v: {"pk": 1}),
    "openid_connect_login": Route(scope="public", shows_customer=False, kwargs=lambda v: {"provider_id": "tuntematon"}),
    "openid_connect_callback": Route(scope="public", shows_customer=False,
                                     kwargs=lambda v: {"provider_id": "tuntematon"}),
    # An invitation's link: a token nobody was given is refused alike for everyone.
    "identity:invitation": Route(scope="public", shows_customer=False, kwargs=lambda v: {"token": "ei-kutsua"}),
    # Organisaatio → Kutsu käyttäjä and Tunnistautuminen: the admin's own organisation (garbage posted);
    # a member's identities: B's recorder, 404 for everyone but B's admin.
    "identity:invite": Route(scope="list", shows_customer=False),
    "identity:identification": Route(scope="list", shows_customer=False),
    "identity:member": Route(
        kwargs=lambda v: {"user_id": v.provider_b_recorder.pk}, post=lambda v: {"toiminto": "kutsu"},
        shows_customer=False,
    ),
    # Passwords (accounts/urls.py): changing one's own is for the signed-in user, on their own account;
    # the reset by e-mail is public and answers alike whether or not an address exists.
    "password_change": Route(scope="list", shows_customer=False),
    # The session's warning dialog (psop.sessions): the signed-in user's own session only.
    "session_status": Route(scope="list", shows_customer=False),
    "session_continue": Route(scope="list", shows_customer=False, post=lambda v: {}, post_writes=False),
    "password_change_done": Route(scope="list", shows_customer=False),
    "password_reset": Route(scope="public", shows_customer=False),
    "password_reset_done": Route(scope="public", shows_customer=False),
    "password_reset_confirm": Route(
        scope="public", shows_customer=False, kwargs=lambda v: {"uidb64": "MQ", "token": "vanhentunut-linkki"},
    ),
    "password_reset_complete": Route(scope="public", shows_customer=False),
    # Django's set_language (the header's language form): anyone may post it; it only sets the language cookie.
    # The body picks Finnish, so that the client's later requests still answer in the language the checks read.
    "set_language": Route(scope="public", shows_customer=False, post=lambda v: {"language": "fi", "next": "/"}),
    "vouchers:customer_tab": Route(scope="list", shows_customer=False),
    "vouchers:customer_detail": Route(kwargs=lambda v: {"customer_id": v.customer.pk}, entitled="organiser"),
    "vouchers:audit_log": Route(
        scope="list",
        entitled="organiser_admin",
        queries=lambda v: [
            {},
            {"asiakas": v.customer.last_name},
            {"asiakas": v.customer.henkilotunnus},
            {"asiakas": v.customer.henkilotunnus, "kayttaja": "y-", "alkaen": "1.1.2000", "asti": "31.12.2099"},
        ],
    ),
    # Organisaatio: the admin's own organisation. Outsiders' lists are their own organisation's; they post
    # garbage to the add forms (a valid body would add to their own organisation, as it should), and B's
    # objects (a member, a unit, an office) to the edit forms, which must be 404 for them.
    "organisations:users": Route(scope="list", shows_customer=False),
    "organisations:user_add": Route(scope="list", shows_customer=False),
    "organisations:user_edit": Route(
        kwargs=lambda v: {"user_id": v.provider_b_recorder.pk},
        post=lambda v: {"toiminto": "rooli", "rooli": "provider_admin"},
        shows_customer=False,
    ),
    "organisations:units": Route(
        scope="list",
        post=lambda v: {"toiminto": "nimea", "osa": str(v.provider_b.units.get(is_default=True).pk), "nimi": "Uusi nimi"},
        shows_customer=False,
    ),
    "organisations:offices": Route(
        scope="list",
        post=lambda v: {"toiminto": "muokkaa", "toimipaikka": str(v.office_b.pk), "nimi": "Uusi toimipaikka",
                        "katuosoite": "Katu 1", "kunta": "Tampere"},
        shows_customer=False,
    ),
    # Esittely (issue 25): what customers read of the provider on the public comparison. No object of
    # B's in its address or body: any provider admin's valid POST writes their own provider's, as it
    # should, so the outsiders post garbage (tests/organisations/test_profile.py saves one).
    "organisations:profile": Route(scope="list", shows_customer=False),
    # The public comparison (issue 25): no personal data; anyone, for any organiser and service.
    "choice:compare": Route(
        scope="public", shows_customer=False,
        queries=lambda v: [{}, {"jarjestaja": v.organiser_y.pk, "palvelu": v.reservation.voucher.service_id,
                                "arvo": "10,00", "jarjestys": "omavastuu"}],
        hx_target=lambda v: "comparison",
    ),
    # The customer's own page (issue 25): before identifying, the buttons to identify; after, only the
    # identified customer's own vouchers (the customer's matrix: test_access_matrix's customer test).
    "choice:own": Route(scope="public", shows_customer=False),
    "identity:customer_login": Route(scope="public", shows_customer=False,
                                     kwargs=lambda v: {"provider_id": "tuntematon"}),
    "identity:customer_logout": Route(scope="public", shows_customer=False),
    # Choosing (issue 25, item 3): the customer's POST needs a customer's session (anyone else is sent
    # to the identification); the provider's list of choices and its "decline" are B's own.
    "choice:choose": Route(scope="public", shows_customer=False,
                           kwargs=lambda v: {"number": v.fresh_voucher.number if v is not None else "1001"},
                           post=lambda v: {"palveluntuottaja": v.provider_b.pk}),
    "choice:provider_choices": Route(scope="list"),
    "choice:decline": Route(kwargs=lambda v: {"choice_id": v.choice.pk}, post=lambda v: {"perustelu": "Ei tilaa."}),
    "vouchers:lookup": Route(
        scope="list",
        queries=lambda v: [{"numero": voucher.number} for voucher in v.victim_vouchers],
        hx_target=lambda v: "lookup-result",
    ),
    "reservations:list": Route(
        scope="list",
        queries=lambda v: [{}, {"haku": v.customer.last_name}, {"haku": v.reservation.voucher.number}],
        hx_target=lambda v: "reservation-results",
    ),
    "reservations:detail": Route(
        kwargs=lambda v: {"reservation_id": v.reservation.pk},
        queries=lambda v: [{}, {"piilota": "1"}],
        hx_target=lambda v: f"reservation-{v.reservation.pk}",
    ),
    "reservations:create": Route(
        kwargs=lambda v: {"number": v.fresh_voucher.number},
        post=lambda v: {
            "palveluntuottajaosa": str(v.provider_b.units.get(is_default=True).pk),
            "palvelusisalto": str(v.fresh_voucher.contents.get().pk),
            "tapahtumavaraus": "aamuisin",
            "hyvaksyn": "on",
        },
        hx_target=lambda v: "lookup-result",
    ),
    "events:vouchers": Route(scope="list", queries=lambda v: [{}, {"haku": v.customer.last_name}]),
    "events:balance_vouchers": Route(scope="list", queries=lambda v: [{}, {"haku": v.customer.last_name}]),
    "events:create": Route(
        kwargs=lambda v: {"reservation_id": v.reservation.pk}, post=_event_body
    ),
    "events:update": Route(
        kwargs=lambda v: {"event_id": v.recorded_event.pk}, post=lambda v: _event_body(v, quantity="2")
    ),
    "events:delete": Route(kwargs=lambda v: {"event_id": v.recorded_event.pk}, post=lambda v: {}),
    "events:credit": Route(
        kwargs=lambda v: {"event_id": v.settled_event.pk},
        entitled="organiser",
        post=lambda v: {"syykoodi": "other", "selite": "väärin kirjattu", "maara": ""},
    ),
    "events:review_list": Route(scope="list", entitled="organiser"),
    "events:approve": Route(
        kwargs=lambda v: {"event_id": v.review_event.pk},
        entitled="organiser",
        post=lambda v: {},
        hx_target=lambda v: f"review-{v.review_event.pk}",
    ),
    "events:reject": Route(
        kwargs=lambda v: {"event_id": v.review_event_2.pk},
        entitled="organiser",
        post=lambda v: {"perustelu": "ei sovittu"},
        hx_target=lambda v: f"review-{v.review_event_2.pk}",
    ),
    # "Tuo tapahtumia": the upload page and the templates are the user's own; outsiders post garbage there.
    # "Tallenna" takes the rows of a preview signed for B's admin: replayed by anyone else it is refused.
    "events:import": Route(scope="list", shows_customer=False),
    "events:import_save": Route(scope="list", shows_customer=False, post=_import_body),
    "events:import_template_csv": Route(scope="list", shows_customer=False),
    "events:import_template_xlsx": Route(scope="list", shows_customer=False),
    "customers:create": Route(
        kwargs=lambda v: {"number": v.fresh_capitation.number},
        post=lambda v: {
            "toimipaikka": str(v.office_b.pk),
            "alkaa": _day(today()),
            "paattyy": "",
            "aikarajaus": "",
            "sopimusehdot": "on",
            "sopimussuhde": "on",
        },
        hx_target=lambda v: "lookup-result",
    ),
    "customers:transfer": Route(
        kwargs=lambda v: {"pk": v.customership.pk},
        entitled="organiser",
        post=lambda v: {
            "toimipaikka": str(v.office_b2.pk),
            "alkaa": _day(today()),
            "paattyy": "",
            "aikarajaus": "",
            "peruste": "asiakkaan pyyntö",
        },
        hx_target=lambda v: "lookup-result",
    ),
    "customers:end": Route(
        kwargs=lambda v: {"pk": v.customership.pk},
        post=lambda v: {"paattyy": _day(today()), "peruste": "muutto"},
        hx_target=lambda v: "lookup-result",
    ),
    # Starting a run needs no object: the organiser is the user's own. A valid month posted by organiser X's
    # staff starts X's own run (a redirect), so the outsiders post garbage here; tests/payments covers starting.
    "payments:list": Route(scope="list", entitled="organiser", shows_customer=False),
    "payments:detail": Route(
        kwargs=lambda v: {"run_id": _payment_run(v).pk},
        entitled="organiser",
        post=lambda v: {"toiminto": "hyvaksy", "vahvista": "1"},
        shows_customer=False,
    ),
    "payments:export_csv": Route(kwargs=lambda v: {"run_id": _payment_run(v).pk}, entitled="organiser", shows_customer=False),
    "payments:export_xlsx": Route(kwargs=lambda v: {"run_id": _payment_run(v).pk}, entitled="organiser", shows_customer=False),
    # Maksut: provider B's admin sees B's payment in Y's run; for provider A and C the run pays them nothing
    # (404), and their own list shows their own payments only. GET only: the outsiders' posts are 405.
    "payments:provider_payments": Route(scope="list", shows_customer=False),
    # Ohje (issue 13, item 19): static help pages for any signed-in user; they show no data.
    "help:index": Route(scope="list", shows_customer=False),
    "help:glossary": Route(scope="list", shows_customer=False),
    "help:page": Route(kwargs=lambda v: {"page": "asiakas"}, scope="list", shows_customer=False),
    # Ilmoitukset (issue 13, item 21): a provider's own list; marking B's read is a 404 to everyone else.
    "notifications:list": Route(scope="list", shows_customer=False),
    "notifications:mark_read": Route(post=_unread_notification, shows_customer=False),
    "payments:provider_payment": Route(kwargs=lambda v: {"run_id": _payment_run(v).pk}, shows_customer=False),
    "payments:provider_export_csv": Route(kwargs=lambda v: {"run_id": _payment_run(v).pk}, shows_customer=False),
    "payments:provider_export_xlsx": Route(kwargs=lambda v: {"run_id": _payment_run(v).pk}, shows_customer=False),
    # API keys (Organisaatio → API-avaimet): the admin's own organisation's keys. Outsiders post garbage to
    # "Luo avain" (a valid body would make a key of their own organisation, as it should) and revoke B's key.
    "api:keys": Route(scope="list", shows_customer=False),
    "api:key_edit": Route(kwargs=lambda v: {"key_id": _api_key(v).pk}, post=lambda v: {"toiminto": "peru"},
                          shows_customer=False),
    # The REST API takes keys, never a session: every one of its URLs answers a browser's session 401
    # (tests/api/test_api_access_matrix.py walks them with every organisation's key). Its schema and docs are public.
    "api-v1:openapi-json": Route(scope="public", shows_customer=False),
    "api-v1:openapi-view": Route(scope="public", shows_customer=False),
    "api-v1:api-root": Route(scope="public", shows_customer=False),
    "api-v1:unknown": Route(scope="public", kwargs=lambda v: {"rest": "ei/ole"}, shows_customer=False),
    **{
        f"api-v1:{name}": Route(scope="api", kwargs=kwargs, shows_customer=False)
        for name, kwargs in {
            "voucher_get": lambda v: {"number": v.fresh_voucher.number},
            "reservation_post": _none,
            "reservation_list": _none,
            "event_post": _none,
            "event_list": _none,
            "event_bulk": _none,
            "customership_post": _none,
            "customership_end": lambda v: {"customership_id": v.customership.pk},
            "payment_list": _none,
            "payment_lines": lambda v: {"run_id": _payment_run(v).pk},
            # Granting (issue 22): the organiser's client system.
            "voucher_grant": _none,
            "voucher_grant_bulk": _none,
            "voucher_by_decision": _none,
            "voucher_change": lambda v: {"number": v.fresh_voucher.number},
            "voucher_close": lambda v: {"number": v.fresh_voucher.number},
            "customer_lookup": _none,
        }.items()
    },
}


# --- Myöntäminen (issue 22, grants/urls.py): the organiser's staff grant, change and close ----------------
# Any organiser's staff may search a person by henkilötunnus and add a person (organiser X's staff too: the
# register is shared, a person is found by name only); the matrix posts the henkilötunnus of nobody to the
# search, and garbage to "Lisää asiakas" (a valid body would add X's own new customer, as it should). The
# decision form takes the customer as a token signed for Y's staff: replayed by anyone else it is refused.
# A voucher's page, letter, change and close are Y's own (object scope: 404 to everyone else).


def _customer_token(v: Victim) -> str:
    from grants.views import customer_token

    return customer_token(v.organiser_y_staff, v.customer)


def _grant_body(v: Victim) -> dict:
    row = v.fresh_voucher.contents.first()
    return {
        "asiakas": _customer_token(v), "palvelu": str(v.fresh_voucher.service_id),
        "voimassa_alkaen": _day(today()), "voimassa_asti": _day(today() + dt.timedelta(days=90)),
        "paatoksen_numero": "MATRIISI-1", "paatoksen_paivamaara": _day(today()),
        f"maara_{row.content_id}": "5", f"jakso_{row.content_id}": "month", f"arvo_{row.content_id}": "20,00",
    }


def _change_body(v: Victim) -> dict:
    voucher = v.fresh_voucher
    row = voucher.contents.first()
    return {
        "voimassa_alkaen": _day(voucher.valid_from), "voimassa_asti": _day(voucher.valid_to),
        f"maara_{row.content_id}": "12", f"jakso_{row.content_id}": row.period, f"arvo_{row.content_id}": "15,00",
        "perustelu": "Tarve kasvoi",
    }


ROUTES.update({
    "grants:start": Route(scope="list", entitled="organiser", shows_customer=False,
                          post=lambda v: {"henkilotunnus": make_henkilotunnus(dt.date(1950, 5, 5), 123)},
                          post_writes=False),
    "grants:customer_new": Route(scope="list", entitled="organiser", shows_customer=False),
    "grants:grant": Route(scope="list", entitled="organiser",
                          queries=lambda v: [{"asiakas": _customer_token(v), "palvelu": str(v.fresh_voucher.service_id)}],
                          post=_grant_body),
    "grants:voucher": Route(kwargs=lambda v: {"number": v.fresh_voucher.number}, entitled="organiser"),
    "grants:letter": Route(kwargs=lambda v: {"number": v.fresh_voucher.number}, entitled="organiser"),
    # A PDF: its text is deflated, so the name is not found in the bytes (tests/grants/test_views.py reads it).
    "grants:letter_pdf": Route(kwargs=lambda v: {"number": v.fresh_voucher.number}, entitled="organiser",
                               shows_customer=False),
    "grants:change": Route(kwargs=lambda v: {"number": v.fresh_voucher.number}, entitled="organiser",
                           post=_change_body),
    "grants:close": Route(
        kwargs=lambda v: {"number": v.capitation.number},
        entitled="organiser",
        post=lambda v: {"suljettu": _day(today()), "syy": "need_ended"},
        hx_target=lambda v: "lookup-result",
    ),
})


def _api_key(v: Victim):
    """Provider B's API key (made once)."""
    from api.services import api_key_create

    key = ApiKey.objects.filter(provider=v.provider_b).first()
    return key or api_key_create(user=v.provider_b_admin, name="B:n järjestelmä", scopes=["read"])[0]


# --- organiser_admin: the organiser's registers (registers app, issue 22) ---------------------------
# Organiser Y's own service and its content are made on first use (the scene is not changed for them);
# Y's agreement with B and its price list are those of the victim's reservation.


def _own_service(v: Victim) -> Service:
    """Organiser Y's own service (not a shared one), with one content."""
    service, _ = Service.objects.get_or_create(organiser=v.organiser_y, name="Y:n oma palvelu",
                                               defaults={"kind": "service_voucher"})
    ServiceContent.objects.get_or_create(service=service, name="Y:n oma sisältö", defaults={"unit": "visit"})
    return service


def _own_content(v: Victim) -> ServiceContent:
    return _own_service(v).contents.get()


def _agreement_y(v: Victim) -> ServiceAgreement:
    return ServiceAgreement.objects.get(organiser=v.organiser_y, provider=v.provider_b, service=v.reservation.voucher.service)


def _price_list_y(v: Victim) -> PriceList:
    return _agreement_y(v).price_lists.get()


def _prices_body(v: Victim, price: str) -> dict:
    return {f"hinta_{v.reservation.voucher_content.content_id}": price}


REGISTER_ROUTES: dict[str, Route] = {
    # The lists and the add forms are the admin's own organiser's: outsiders' lists are their own, and
    # they post garbage to "Lisää oma palvelu" (a valid body would add a service of their own, as it should).
    "registers:services": Route(scope="list", entitled="organiser_admin", shows_customer=False),
    "registers:service_add": Route(scope="list", entitled="organiser_admin", shows_customer=False),
    "registers:agreements": Route(
        scope="list", entitled="organiser_admin", shows_customer=False,
        queries=lambda v: [{}, {"palveluntuottaja": str(v.provider_b.pk)}, {"palvelu": str(_own_service(v).pk)}],
    ),
    # An agreement of Y's own service with B: organiser X's admin cannot pick Y's service (the form refuses it).
    "registers:agreement_add": Route(
        scope="list", entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"ytunnus": v.provider_b.business_id, "palvelu": str(_own_service(v).pk),
                        "alkaa": _day(today()), "paattyy": ""},
    ),
    # Y's objects: 404 for everyone but Y's admin.
    "registers:service": Route(
        kwargs=lambda v: {"service_id": _own_service(v).pk}, entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"nimi": "Y:n oma palvelu, uusi nimi"},
    ),
    "registers:content_add": Route(
        kwargs=lambda v: {"service_id": _own_service(v).pk}, entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"nimi": "Uusi sisältö", "yksikko": "hour"},
    ),
    "registers:content_edit": Route(
        kwargs=lambda v: {"service_id": _own_service(v).pk, "content_id": _own_content(v).pk},
        entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"nimi": "Y:n sisältö, uusi nimi", "yksikko": "hour"},
    ),
    "registers:agreement": Route(
        kwargs=lambda v: {"agreement_id": _agreement_y(v).pk}, entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"alkaa": _day(_agreement_y(v).valid_from), "paattyy": _day(today() + dt.timedelta(days=400))},
    ),
    "registers:price_list_add": Route(
        kwargs=lambda v: {"agreement_id": _agreement_y(v).pk}, entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"nimi": "Uusi hinnasto", "alkaa": _day(today() + dt.timedelta(days=30)), "paattyy": "",
                        **_prices_body(v, "30,00")},
    ),
    "registers:price_list": Route(
        kwargs=lambda v: {"price_list_id": _price_list_y(v).pk}, entitled="organiser_admin", shows_customer=False,
        post=lambda v: {"nimi": _price_list_y(v).name, "alkaa": _day(_price_list_y(v).valid_from), "paattyy": "",
                        **_prices_body(v, "31,50")},
    ),
}
ROUTES.update(REGISTER_ROUTES)


# --- hakeutuminen (applications app, issue 24) ------------------------------------------------------------
# A service only B has an agreement with Y for (C, with Y's other services, may accept their rulebooks), with
# Y's rulebook (a PDF attached, public); B's draft application for it (its details, an attachment) and a
# signed-up company's sent one, which Y's admin reviews. Made on first use.


def _matrix_service(v: Victim) -> Service:
    from applications.rulebooks import RulebookPriceRow, rulebook_publish
    from django.core.files.uploadedfile import SimpleUploadedFile

    service, created = Service.objects.get_or_create(organiser=None, name="Matriisin palvelu",
                                                     defaults={"kind": "service_voucher"})
    if created:
        content = ServiceContent.objects.create(service=service, name="Matriisin käynti", unit="visit")
        ServiceAgreementFactory(organiser=v.organiser_y, provider=v.provider_b, service=service)
        rulebook_publish(user=v.organiser_y_admin, service=service, general_text="Yleistä", service_text="Palvelusta",
                         valid_from=today(), accept_by=None, pricing="fixed",
                         prices=[RulebookPriceRow(content, Decimal("30.00"))],
                         attachments=[SimpleUploadedFile("ehdot.pdf", MATRIX_PDF)])
    return service


MATRIX_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rulebook_y(v: Victim) -> Rulebook:
    return Rulebook.objects.get(organiser=v.organiser_y, service=_matrix_service(v))


def _draft_b(v: Victim) -> Application:
    """B's draft for the matrix service, ready to send."""
    from applications import services as application_services
    from django.core.files.uploadedfile import SimpleUploadedFile

    service = _matrix_service(v)
    draft = Application.objects.filter(provider=v.provider_b, service=service).first()
    if draft is None:
        draft = application_services.application_create(user=v.provider_b_admin, organiser_id=v.organiser_y.pk,
                                                        service=service)
        application_services.application_update(
            user=v.provider_b_admin, application=draft, contact_name="B", email="b@b.example", phone="",
            soteri_id="S-B", offices=[application_services.OfficeData("B:n toimipaikka", "Katu 1", "Tampere", ("fi",))],
            prices={})
        application_services.attachment_add(user=v.provider_b_admin, application=draft,
                                            upload=SimpleUploadedFile("b-todistus.pdf", MATRIX_PDF))
    return draft


def _attachment_b(v: Victim) -> ApplicationAttachment:
    return _draft_b(v).attachments.first()


def _sent_new(v: Victim) -> Application:
    """A signed-up company's application to Y, sent: Y's admin reviews it."""
    from applications import services as application_services, signups

    service = _matrix_service(v)
    sent = Application.objects.filter(signup__isnull=False, service=service).first()
    if sent is None:
        signup, token = signups.signup_create(business_id="1572862-7", company_name="Matriisin Uusi Oy",
                                              contact_name="Uusi Hakija", email="uusi@matriisi.example")
        user = signups.signup_confirm(token=token, username="matriisi-uusi", password="matriisin-salasana-99!")
        sent = application_services.application_create(user=user, organiser_id=v.organiser_y.pk, service=service)
        application_services.application_update(
            user=user, application=sent, contact_name="Uusi", email="uusi@matriisi.example", phone="", soteri_id="S-U",
            offices=[application_services.OfficeData("Uusi toimipaikka", "Tie 2", "Tampere", ("fi",))], prices={})
        application_services.application_send(user=user, application=sent, rulebook_id=_rulebook_y(v).pk, accepted=True)
    return sent


def _upload(v: Victim) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"liite": SimpleUploadedFile("lisaliite.pdf", MATRIX_PDF, content_type="application/pdf")}


APPLICATION_ROUTES: dict[str, Route] = {
    # Public: the organisers' rulebooks and their PDFs, and a new company's sign-up (garbage posted by everyone:
    # a valid body would sign up a company, as it should) and a link nobody was given.
    "applications:public_organisers": Route(scope="public", shows_customer=False),
    "applications:public_organiser": Route(scope="public", shows_customer=False,
                                           kwargs=lambda v: {"organiser_id": _rulebook_y(v).organiser_id if v else 1}),
    "applications:public_attachment": Route(scope="public", shows_customer=False,
                                            kwargs=lambda v: {"attachment_id": _rulebook_y(v).attachments.get().pk if v else 1}),
    "applications:signup": Route(scope="public", shows_customer=False),
    "applications:signup_confirm": Route(scope="public", shows_customer=False, kwargs=lambda v: {"token": "ei-linkkia"}),
    # The applicant: B's admin. Its own list (outsiders see theirs, or nothing); B's application and files: 404.
    "applications:mine": Route(scope="list", shows_customer=False),
    "applications:application": Route(
        kwargs=lambda v: {"application_id": _draft_b(v).pk}, shows_customer=False,
        post=lambda v: {"yhteyshenkilo": "B:n uusi yhteyshenkilö", "sahkoposti": "b@b.example", "puhelin": "",
                        "soteri": "S-B", "toimipaikka_0_nimi": "B:n toimipaikka", "toimipaikka_0_osoite": "Katu 1",
                        "toimipaikka_0_kunta": "Tampere", "toimipaikka_0_kielet": ["fi"]},
    ),
    "applications:attachment_add": Route(kwargs=lambda v: {"application_id": _draft_b(v).pk}, shows_customer=False,
                                         post=_upload),
    "applications:attachment_remove": Route(
        kwargs=lambda v: {"application_id": _draft_b(v).pk, "attachment_id": _attachment_b(v).pk},
        shows_customer=False, post=lambda v: {}),
    "applications:send": Route(kwargs=lambda v: {"application_id": _draft_b(v).pk}, shows_customer=False,
                               post=lambda v: {"saantokirja": str(_rulebook_y(v).pk), "hyvaksyn": "on"}),
    # An application's file: its applicant (and its organiser's admins, tests/applications/test_views.py); 404 to all others.
    "applications:attachment": Route(kwargs=lambda v: {"attachment_id": _attachment_b(v).pk}, shows_customer=False),
    "applications:rulebook_accept": Route(kwargs=lambda v: {"rulebook_id": _rulebook_y(v).pk}, shows_customer=False,
                                          post=lambda v: {}),
    # Organisaatio → Sääntökirjat, Hakemukset: Y's admin. X's admin cannot pick Y's service; Y's objects are 404.
    "applications:rulebooks": Route(scope="list", entitled="organiser_admin", shows_customer=False),
    "applications:rulebook_add": Route(
        scope="list", entitled="organiser_admin", shows_customer=False,
        queries=lambda v: [{"palvelu": str(_own_service(v).pk)}],
        post=lambda v: {"palvelu": str(_own_service(v).pk), "yleinen": "Yleistä", "palveluosa": "Palvelusta",
                        "alkaa": _day(today()), "hyvaksyttava": "", "hinnoittelu": "fixed",
                        f"hinta_{_own_content(v).pk}": "20,00"},
    ),
    "applications:rulebook": Route(kwargs=lambda v: {"rulebook_id": _rulebook_y(v).pk}, entitled="organiser_admin",
                                   shows_customer=False),
    "applications:review_queue": Route(scope="list", entitled="organiser_admin", shows_customer=False,
                                       queries=lambda v: [{}, {"tila": "sent", "palvelu": str(_matrix_service(v).pk)}]),
    "applications:review": Route(kwargs=lambda v: {"application_id": _sent_new(v).pk}, entitled="organiser_admin",
                                 shows_customer=False,
                                 post=lambda v: {"toiminto": "taydenna", "taydennys": "Lisää vakuutustodistus."}),
}
ROUTES.update(APPLICATION_ROUTES)


def url_of(url: ProductUrl, victim: Victim) -> str:
    return reverse(url.name, kwargs=ROUTES[url.name].kwargs(victim))


def htmx_headers(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def answer_text(response) -> str:
    """The body and the headers of an answer: where personal data could leak."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    return body.decode("utf-8", "replace") + "\n" + headers

