from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from psop.sessions import session_continue, session_status
from psop.views import health

admin.site.site_header = "PSOP – ylläpito"
admin.site.site_title = "PSOP-ylläpito"
admin.site.index_title = "Rekisterit"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="vouchers:customer_tab"), name="home"),
    path("terveys/", health, name="health"),
    # The session's warning dialog (psop.sessions): seconds left, and "Jatka istuntoa".
    path("istunto/", session_status, name="session_status"),
    path("istunto/jatka/", session_continue, name="session_continue"),
    # Signing in and out (identity/login_urls.py: /kirjaudu/, /kirjaudu-ulos/; the admin's login goes
    # there too), changing and resetting a password (accounts/urls.py: /salasana/…).
    path("", include("identity.login_urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # django-allauth's parts PSOP serves (identity/allauth_urls.py): the identity providers' callbacks
    # (/tili/oidc/<id>/login/callback/) and the second factor (/tili/2fa/…); identity/urls.py:
    # invitations and the Organisaatio pages.
    path("tili/", include("identity.allauth_urls")),
    path("", include("identity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vouchers.urls")),
    path("", include("organisations.urls")),
    path("", include("registers.urls")),  # Organisaatio → Palvelut, Sopimukset (issue 22)
    path("", include("applications.urls")),  # Hakeutuminen: rulebooks, sign-up, applications, review (issue 24)
    path("", include("reservations.urls")),
    path("", include("events.urls")),
    path("", include("customers.urls")),
    path("", include("grants.urls")),  # Myöntäminen (issue 22): granting, the decision letter, changing, closing
    path("", include("payments.urls")),
    path("", include("notifications.urls")),
    path("", include("events.help")),  # Ohje: a help page per tab and the glossary (issue 13, item 19)
    path("", include("api.urls")),  # Organisaatio → API-avaimet
    path("", include("choice.urls")),  # the customer's side (issue 25): Vertaile palveluntuottajia
    path("api/v1/", include("api.v1_urls")),  # the REST API (django-ninja)
]

handler400 = "psop.views.bad_request"
handler404 = "psop.views.page_not_found"
handler403 = "psop.views.permission_denied"
handler500 = "psop.views.server_error"
