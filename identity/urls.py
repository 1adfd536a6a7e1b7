from django.urls import path

from identity import views
from identity.oidc import views as oidc_views

app_name = "identity"
urlpatterns = [
    path("kutsu/<str:token>/", views.invitation, name="invitation"),
    path("organisaatio/kayttajat/kutsu/", views.invite, name="invite"),
    path("organisaatio/kayttajat/<int:user_id>/tunnistautuminen/", views.member, name="member"),
    path("organisaatio/tunnistautuminen/", views.identification, name="identification"),
    # A customer identifies (issue 25): off to the identity provider; signing out again.
    path("asiakas/tunnistaudu/<slug:provider_id>/", oidc_views.customer_login, name="customer_login"),
    path("asiakas/kirjaudu-ulos/", views.customer_logout, name="customer_logout"),
]
