"""The payment lines' index on payment alone goes: the unique (payment, customership, for_month) starts with it. A run writes one index entry fewer per line."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_background_runs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='paymentline',
            name='payment',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='payments.payment', verbose_name='maksu'),
        ),
    ]
