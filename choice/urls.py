from django.urls import path

from choice import views

app_name = "choice"
urlpatterns = [
    path("vertaile/", views.compare, name="compare"),
    path("omat-palvelusetelit/", views.own, name="own"),
]
