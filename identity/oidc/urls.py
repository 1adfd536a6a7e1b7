"""The callback addresses of PSOP's OpenID Connect provider: allauth's own paths and names
(/tili/oidc/<provider_id>/login/ and …/login/callback/), served by identity.oidc.views."""

from django.urls import include, path, re_path

from allauth.socialaccount import app_settings

from identity.oidc import views

urlpatterns = [
    re_path(
        r"^(?P<provider_id>[a-z0-9_-]{1,50})/",
        include([
            path("login/", views.login, name="openid_connect_login"),
            path("login/callback/", views.callback, name="openid_connect_callback"),
        ]),
    )
]
if app_settings.OPENID_CONNECT_URL_PREFIX:
    urlpatterns = [path(f"{app_settings.OPENID_CONNECT_URL_PREFIX}/", include(urlpatterns))]
