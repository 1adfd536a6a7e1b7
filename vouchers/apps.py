from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = "Ostovoimat ja rekisterit"

    def ready(self):
        from django.urls import register_converter

        from vouchers.converters import VoucherNumberConverter

        register_converter(VoucherNumberConverter, "voucher_number")
