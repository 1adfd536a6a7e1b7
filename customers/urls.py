from django.urls import path

from customers import views

app_name = "customers"
urlpatterns = [
    path("ostovoimat/<voucher_number:number>/asiakkuus/", views.customership_create, name="create"),
    path("asiakkuudet/<int:pk>/siirto/", views.customership_transfer, name="transfer"),
    path("asiakkuudet/<int:pk>/paattaminen/", views.customership_end, name="end"),
]
