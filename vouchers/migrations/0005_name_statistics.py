"""Statistics on the upper-cased names the name search matches with trigrams.

Without them the planner guesses that a name like '%VIRTANEN%' matches 0.01 % of the customers
(it matches 1.4 % at national scale), drives a provider's name search from the trigram index and
reads 13,769 customers and 24,734 vouchers to show 26 rows (116 ms). With them it walks the
provider's newest reservations and checks each customer by primary key (1,266 rows, 9 ms)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("vouchers", "0004_sort_keys"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "CREATE STATISTICS customer_last_name_upper_stats ON (upper(last_name::text)) FROM vouchers_customer",
                "CREATE STATISTICS customer_first_name_upper_stats ON (upper(first_name::text)) FROM vouchers_customer",
                "ANALYZE vouchers_customer",
            ],
            [
                "DROP STATISTICS IF EXISTS customer_last_name_upper_stats",
                "DROP STATISTICS IF EXISTS customer_first_name_upper_stats",
            ],
        ),
    ]
