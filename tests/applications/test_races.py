"""Two approvals of one application at the same moment (two admins, two connections): one provider,
one agreement, one price list; the other is refused with a clear message (the row lock, then the
state; past them the one-to-one agreement and the agreements' exclusion constraint)."""

import pytest

from applications.models import ApplicationState
from applications.services import application_approve
from core.dates import today
from core.errors import ErrorCode
from organisations.models import Provider
from tests.applications.scenarios import offered_service, organiser_admin, sent_application, signed_up_user
from tests.customers.scenarios import run_at_once
from tests.factories import OrganiserFactory
from tests.security.test_races import outcomes
from vouchers.models import PriceList, ServiceAgreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_application_approve__two_admins_at_once__exactly_one_approval():
    organiser = OrganiserFactory()
    first, second = organiser_admin(organiser), organiser_admin(organiser)
    service, rulebook = offered_service(first)
    application = sent_application(signed_up_user(), organiser, service, rulebook, attach=False)

    def approve(user):
        return lambda: application_approve(user=user, application=application, valid_from=today(), valid_to=None)

    results = run_at_once(approve(first), approve(second))

    assert outcomes(results) == sorted(["ok", ErrorCode.APPLICATION_DECIDED])
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert (Provider.objects.filter(business_id=application.business_id).count(), ServiceAgreement.objects.count(),
            PriceList.objects.count()) == (1, 1, 1)
