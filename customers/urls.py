from django.urls import path

from customers import views

app_name = "customers"
urlpatterns = [
    path("ostovoimat/<str:number>/asiakkuus/", views.customership_create, name="create"),
    path("ostovoimat/<str:number>/sulkeminen/", views.voucher_close, name="voucher_close"),
    path("asiakkuudet/<int:pk>/siirto/", views.customership_transfer, name="transfer"),
    path("asiakkuudet/<int:pk>/paattaminen/", views.customership_end, name="end"),
]
