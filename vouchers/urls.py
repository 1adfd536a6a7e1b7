from django.urls import path

from vouchers import audit_views, views

app_name = "vouchers"
urlpatterns = [
    path("asiakas/", views.customer_tab, name="customer_tab"),
    path("asiakas/haku/", views.voucher_lookup_view, name="lookup"),
    path("ostovoimat/<voucher_number:number>/sulkeminen/", views.voucher_close, name="close"),
    path("asiakkaat/<int:customer_id>/", audit_views.customer_detail, name="customer_detail"),
    path("loki/", audit_views.audit_log, name="audit_log"),
]
