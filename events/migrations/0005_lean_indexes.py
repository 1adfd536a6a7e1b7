"""Fewer indexes on the events table: a payment run's settling UPDATE writes every index again
for each event it settles. Dropped: status alone, reservation alone (the (reservation, date) index
serves it), created_by; credit_of becomes a partial index of the credits only. The new index is
built first and concurrently."""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('events', '0004_event_client_id'),
        ('reservations', '0004_list_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='event',
            index=models.Index(condition=models.Q(('credit_of__isnull', False)), fields=['credit_of'], name='event_credit_of_idx'),
        ),
        migrations.RemoveIndex(
            model_name='event',
            name='reservation_status_723cf5_idx',
        ),
        migrations.AlterField(
            model_name='event',
            name='created_by',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='kirjaaja'),
        ),
        migrations.AlterField(
            model_name='event',
            name='credit_of',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credits', to='events.event', verbose_name='hyvitettävä tapahtuma'),
        ),
        migrations.AlterField(
            model_name='event',
            name='reservation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='reservations.reservation', verbose_name='palveluvaraus'),
        ),
    ]
