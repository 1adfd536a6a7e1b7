"""The change history's indexes on event_number and changed_by go: nothing reads by them, and a payment run writes a history row for every event it settles (and marking a run paid for every event again)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0005_lean_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='eventchange',
            name='changed_by',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='muuttaja'),
        ),
        migrations.AlterField(
            model_name='eventchange',
            name='event_number',
            field=models.BigIntegerField(verbose_name='tapahtuman tunniste'),
        ),
    ]
