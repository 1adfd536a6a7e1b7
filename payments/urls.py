from django.urls import path

from payments import provider_views, views

app_name = "payments"
urlpatterns = [
    path("maksatus/", views.run_list, name="list"),
    path("maksatus/<int:run_id>/", views.run_detail, name="detail"),
    path("maksatus/<int:run_id>/maksatus.csv", views.run_export_csv, name="export_csv"),
    path("maksatus/<int:run_id>/maksatus.xlsx", views.run_export_xlsx, name="export_xlsx"),
    # Maksut: a provider's own payments (its admins only).
    path("maksut/", provider_views.provider_payments, name="provider_payments"),
    path("maksut/<int:run_id>/", provider_views.provider_payment, name="provider_payment"),
    path("maksut/<int:run_id>/maksut.csv", provider_views.provider_export_csv, name="provider_export_csv"),
    path("maksut/<int:run_id>/maksut.xlsx", provider_views.provider_export_xlsx, name="provider_export_xlsx"),
]
