from django.urls import path

from choice import views

app_name = "choice"
urlpatterns = [
    path("vertaile/", views.compare, name="compare"),
    path("omat-palvelusetelit/", views.own, name="own"),
    path("omat-palvelusetelit/<voucher_number:number>/valinta/", views.choose, name="choose"),
    path("palveluvaraukset/valinnat/", views.provider_choices, name="provider_choices"),
    path("palveluvaraukset/valinnat/<int:choice_id>/hylkaa/", views.decline, name="decline"),
]
