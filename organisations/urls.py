from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisaatio/kayttajat/", views.org_users, name="users"),
    path("organisaatio/kayttajat/uusi/", views.org_user_add, name="user_add"),
    path("organisaatio/kayttajat/<int:user_id>/", views.org_user_edit, name="user_edit"),
    path("organisaatio/osat/", views.org_units, name="units"),
    path("organisaatio/toimipaikat/", views.org_offices, name="offices"),
    path("organisaatio/esittely/", views.org_profile, name="profile"),
]
