from django.urls import path

from vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("asiakas/", views.customer_tab, name="customer_tab"),
    path("asiakas/haku/", views.voucher_lookup_view, name="lookup"),
    path("asiakkaat/<int:customer_id>/", views.customer_detail, name="customer_detail"),
    path("loki/", views.audit_log, name="audit_log"),
]
