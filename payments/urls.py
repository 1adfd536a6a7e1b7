from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("maksatus/", views.run_list, name="list"),
    path("maksatus/<int:run_id>/", views.run_detail, name="detail"),
    path("maksatus/<int:run_id>/maksatus.csv", views.run_export_csv, name="export_csv"),
    path("maksatus/<int:run_id>/maksatus.xlsx", views.run_export_xlsx, name="export_xlsx"),
]
