from django.urls import path

from vouchers import audit_views, org_views, views

app_name = "vouchers"
urlpatterns = [
    path("asiakas/", views.customer_tab, name="customer_tab"),
    path("asiakas/haku/", views.voucher_lookup_view, name="lookup"),
    path("asiakkaat/<int:customer_id>/", audit_views.customer_detail, name="customer_detail"),
    path("loki/", audit_views.audit_log, name="audit_log"),
    path("organisaatio/kayttajat/", org_views.org_users, name="org_users"),
    path("organisaatio/kayttajat/uusi/", org_views.org_user_add, name="org_user_add"),
    path("organisaatio/kayttajat/<int:user_id>/", org_views.org_user_edit, name="org_user_edit"),
    path("organisaatio/osat/", org_views.org_units, name="org_units"),
    path("organisaatio/toimipaikat/", org_views.org_offices, name="org_offices"),
]
