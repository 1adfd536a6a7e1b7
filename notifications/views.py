"""The "Ilmoitukset" page: a provider's (or an organiser's) notifications, newest first, and marking them read."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.htmx import done, render_page
from core.pagination import keyset_page
from notifications.selectors import notifications_for_user
from notifications.services import notifications_mark_read
from organisations import permissions

PAGE_SIZE = 25


@require_GET
@permissions.member_required
def notification_list(request):
    page = keyset_page(notifications_for_user(request.user), order=("-id",), params=request.GET, size=PAGE_SIZE)
    return render_page(request, "notifications/list.html", {"page": page})


@require_POST
@permissions.member_required
def notification_mark_read(request):
    """"Merkitse luetuiksi": what the user saw (up to the newest shown) is read."""
    # The newest notification the user saw: one of the user's own provider's, else there is nothing to mark.
    newest = notifications_for_user(request.user).filter(pk=_int(request.POST.get("viimeisin"))).first()
    if newest is None:
        raise Http404
    count = notifications_mark_read(provider_id=newest.provider_id, organiser_id=newest.organiser_id, up_to_id=newest.pk)
    notice = _("Ilmoitukset merkitty luetuiksi.") if count else _("Ei lukemattomia ilmoituksia.")

    def fragment(notice):
        page = keyset_page(notifications_for_user(request.user), order=("-id",), params={}, size=PAGE_SIZE)
        return render_page(request, "notifications/list.html", {"page": page, "notice": notice})

    return done(request, notice=notice, url=reverse("notifications:list"), fragment=fragment)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
