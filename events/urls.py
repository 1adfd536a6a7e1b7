from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("ostovoimat/", views.voucher_list, name="vouchers"),
    path("saldo-ostovoimat/", views.balance_voucher_list, name="balance_vouchers"),
    path("ostovoimat/tuonti/", views.event_import, name="import"),
    path("ostovoimat/tuonti/tallenna/", views.event_import_save, name="import_save"),
    path("ostovoimat/tuonti/malli.csv", views.event_import_template_csv, name="import_template_csv"),
    path("ostovoimat/tuonti/malli.xlsx", views.event_import_template_xlsx, name="import_template_xlsx"),
    path("palveluvaraukset/<int:reservation_id>/tapahtuma/", views.event_create, name="create"),
    path("tapahtumat/tarkastettavat/", views.review_list, name="review_list"),
    path("tapahtumat/<int:event_id>/muokkaa/", views.event_update, name="update"),
    path("tapahtumat/<int:event_id>/poista/", views.event_delete, name="delete"),
    path("tapahtumat/<int:event_id>/hyvita/", views.event_credit, name="credit"),
    path("tapahtumat/<int:event_id>/hyvaksy/", views.event_approve, name="approve"),
    path("tapahtumat/<int:event_id>/hylkaa/", views.event_reject, name="reject"),
]
