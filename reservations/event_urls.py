from django.urls import path

from reservations import event_views

urlpatterns = [
    path("ostovoimat/", event_views.voucher_list, name="vouchers"),
    path("saldo-ostovoimat/", event_views.balance_voucher_list, name="balance_vouchers"),
    path("palveluvaraukset/<int:reservation_id>/tapahtuma/", event_views.event_create, name="event_create"),
]
