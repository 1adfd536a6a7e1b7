from django.urls import path

from reservations import views

app_name = "reservations"
urlpatterns = [
    path("palveluvaraukset/", views.reservation_list, name="list"),
    path("palveluvaraukset/<int:reservation_id>/", views.reservation_detail, name="detail"),
    path("ostovoimat/<voucher_number:number>/palveluvaraus/", views.reservation_create, name="create"),
]
