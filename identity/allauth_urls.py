"""The parts of django-allauth that PSOP serves, under /tili/ (psop/urls.py): the second factor
(/tili/2fa/…), asking the password again before changing it (/tili/reauthenticate/), an identity
provider's callbacks (/tili/oidc/<id>/login/…), and the pages of a cancelled or failed sign-in.

Not its sign-up, e-mail, password or account-connection pages: nobody signs up, identities are bound
by invitations (identity.services), and passwords are accounts' (/salasana/…). Its login and logout
names point to PSOP's own pages (identity/login_urls.py)."""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from django.urls import include, path

urlpatterns = [
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("", include("identity.oidc.urls")),
]
