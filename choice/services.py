"""The customer chooses a provider; the provider declines a choice (issue 25, item 3). Confirming is
the existing flow: the provider's reservation (or, on a capitation voucher, customership) of the
voucher; a choice is confirmed when the voucher has one of the chosen provider (choice.selectors).

The customer's acts are audited as "asiakas itse", the provider's as its user's; a refused act writes
nothing."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log
from choice.models import ChoiceState, ProviderChoice
from core.dates import format_day, today
from core.errors import DomainError, ErrorCode
from customers.models import Customership
from organisations import permissions
from organisations.models import Provider
from reservations.models import Reservation
from vouchers.models import Voucher
from vouchers.selectors import price_lists_valid_on

CUSTOMER_SELF = "asiakas itse"
REASON_MAX_LENGTH = 1000


@transaction.atomic
def choice_make(*, customer_id: int, voucher_number: str, provider_id: int, request=None) -> ProviderChoice:
    """The customer picks ``provider_id`` for their own voucher: a pending choice the provider
    confirms or declines. A pending choice of the voucher is withdrawn by a new one. Refused when
    the voucher is not the customer's or not in force, already has a provider, is locked in to
    another provider, or the provider has no agreement and price list for it today."""
    voucher = (Voucher.objects.select_for_update().select_related("service")
               .filter(number=voucher_number, customer_id=customer_id).first())
    if voucher is None:
        raise DomainError(ErrorCode.VOUCHER_NOT_FOUND)
    day = today()
    if not voucher.in_force_on(day):
        raise DomainError(ErrorCode.VOUCHER_CLOSED, _("Palveluseteli ei ole voimassa."))
    if Reservation.objects.filter(voucher=voucher).exists():
        raise DomainError(ErrorCode.ALREADY_RESERVED, _("Palvelusetelilläsi on jo palveluntuottaja."))
    current = Customership.objects.filter(voucher=voucher).in_force_on(day).first()
    if current is not None and current.provider_id == provider_id:
        raise DomainError(ErrorCode.ALREADY_CUSTOMER, day=format_day(current.start_date))
    if current is not None and current.locked_until >= day:
        raise DomainError(ErrorCode.LOCKED_IN, _("Et voi vaihtaa palveluntuottajaa ennen kuin aikarajaus "
                                                 "päättyy %(day)s.") % {"day": format_day(current.locked_until)})
    provider = Provider.objects.filter(pk=provider_id).first()
    priced = price_lists_valid_on(day, provider=provider_id, organiser=voucher.organiser_id, service=voucher.service_id)
    if provider is None or not priced.exists():
        raise DomainError(ErrorCode.PROVIDER_WITHOUT_AGREEMENT)
    now = timezone.now()
    ProviderChoice.objects.filter(voucher=voucher, state=ChoiceState.PENDING).update(
        state=ChoiceState.WITHDRAWN, decided_at=now)
    try:
        with transaction.atomic():
            choice = ProviderChoice.objects.create(voucher=voucher, provider=provider)
    except IntegrityError:  # another choice of the same voucher at this very moment
        raise DomainError(ErrorCode.TRANSITION_NOT_ALLOWED, _("Valintasi on jo käsittelyssä. Päivitä sivu.")) from None
    audit_log(user=None, action="change", customer_id=customer_id, organiser_id=voucher.organiser_id, request=request,
              organisation=CUSTOMER_SELF, what=f"Ostovoima {voucher.number}: asiakas valitsi palveluntuottajan {provider.name}")
    return choice


@transaction.atomic
def choice_decline(*, user, choice: ProviderChoice, reason: str, request=None) -> ProviderChoice:
    """The chosen provider does not take the customer: with a reason the customer sees."""
    if not permissions.can_make_reservations(user) or permissions.provider_id_of(user) is None:
        raise DomainError(ErrorCode.ROLE_NOT_ALLOWED)
    choice = (ProviderChoice.objects.select_for_update().select_related("voucher")
              .filter(pk=choice.pk, provider_id=permissions.provider_id_of(user)).first())
    if choice is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Asiakkaan valintaa ei löydy."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.REASON_REQUIRED, _("Kirjoita perustelu; asiakas näkee sen."))
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(ErrorCode.INVALID, _("Perustelu on enintään 1000 merkkiä pitkä."))
    if not ChoiceState(choice.state) == ChoiceState.PENDING:
        raise DomainError(ErrorCode.TRANSITION_NOT_ALLOWED, _("Valinta on jo käsitelty."))
    choice.state, choice.reason, choice.decided_at, choice.decided_by = ChoiceState.DECLINED, reason, timezone.now(), user
    choice.full_clean()
    choice.save(update_fields=["state", "reason", "decided_at", "decided_by"])
    audit_log(user=user, action="change", customer_id=choice.voucher.customer_id, organiser_id=choice.voucher.organiser_id,
              request=request, organisation=permissions.organisation_name(user),
              what=f"Ostovoima {choice.voucher.number}: asiakkaan valinta hylätty")
    return choice
