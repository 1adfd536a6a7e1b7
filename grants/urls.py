from django.urls import path

from grants import views

app_name = "grants"
urlpatterns = [
    # "Myöntäminen": find or add the customer, then the decision.
    path("myontaminen/", views.start, name="start"),
    path("myontaminen/uusi-asiakas/", views.customer_new, name="customer_new"),
    path("myontaminen/myonna/", views.grant, name="grant"),
    # A voucher's decision: its page, its letter, changing and closing it.
    path("ostovoimat/<voucher_number:number>/myonto/", views.voucher_page, name="voucher"),
    path("ostovoimat/<voucher_number:number>/paatos/", views.letter, name="letter"),
    path("ostovoimat/<voucher_number:number>/paatos.pdf", views.letter_pdf, name="letter_pdf"),
    path("ostovoimat/<voucher_number:number>/muutos/", views.change, name="change"),
    path("ostovoimat/<voucher_number:number>/sulkeminen/", views.close, name="close"),
]
