from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("ostovoimat/", views.voucher_list, name="vouchers"),
    path("saldo-ostovoimat/", views.balance_voucher_list, name="balance_vouchers"),
    path("palveluvaraukset/<int:reservation_id>/tapahtuma/", views.event_create, name="create"),
    path("tapahtumat/tarkastettavat/", views.review_list, name="review_list"),
    path("tapahtumat/<int:event_id>/muokkaa/", views.event_update, name="update"),
    path("tapahtumat/<int:event_id>/poista/", views.event_delete, name="delete"),
    path("tapahtumat/<int:event_id>/hyvita/", views.event_credit, name="credit"),
    path("tapahtumat/<int:event_id>/hyvaksy/", views.event_approve, name="approve"),
    path("tapahtumat/<int:event_id>/hylkaa/", views.event_reject, name="reject"),
]
