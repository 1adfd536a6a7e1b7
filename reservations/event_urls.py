from django.urls import path

from reservations import event_views

urlpatterns = [
    path("ostovoimat/", event_views.voucher_list, name="vouchers"),
    path("saldo-ostovoimat/", event_views.balance_voucher_list, name="balance_vouchers"),
    path("palveluvaraukset/<int:reservation_id>/tapahtuma/", event_views.event_create, name="event_create"),
    path("tapahtumat/<int:event_id>/muokkaa/", event_views.event_update, name="event_update"),
    path("tapahtumat/<int:event_id>/poista/", event_views.event_delete, name="event_delete"),
    path("tapahtumat/<int:event_id>/hyvita/", event_views.event_credit, name="event_credit"),
    path("tapahtumat/tarkastettavat/", event_views.review_list, name="event_review_list"),
    path("tapahtumat/<int:event_id>/hyvaksy/", event_views.event_approve, name="event_approve"),
    path("tapahtumat/<int:event_id>/hylkaa/", event_views.event_reject, name="event_reject"),
]
