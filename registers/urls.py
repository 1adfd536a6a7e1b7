"""Organisaatio → Palvelut and Sopimukset (an organiser's admin): one URL per resource and action."""

from django.urls import path

from registers import views

app_name = "registers"
urlpatterns = [
    path("organisaatio/palvelut/", views.services_list, name="services"),
    path("organisaatio/palvelut/uusi/", views.service_add, name="service_add"),
    path("organisaatio/palvelut/<int:service_id>/", views.service_detail, name="service"),
    path("organisaatio/palvelut/<int:service_id>/sisallot/", views.content_add, name="content_add"),
    path("organisaatio/palvelut/<int:service_id>/sisallot/<int:content_id>/", views.content_edit, name="content_edit"),
    path("organisaatio/sopimukset/", views.agreements_list, name="agreements"),
    path("organisaatio/sopimukset/uusi/", views.agreement_add, name="agreement_add"),
    path("organisaatio/sopimukset/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("organisaatio/sopimukset/<int:agreement_id>/hinnastot/uusi/", views.price_list_add, name="price_list_add"),
    path("organisaatio/hinnastot/<int:price_list_id>/", views.price_list_detail, name="price_list"),
]
