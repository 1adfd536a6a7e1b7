"""The events under review by reservation (a partial index of a few rows per thousand): the review badge's count."""

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('events', '0006_lean_history_indexes'),
        ('reservations', '0004_list_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='event',
            index=models.Index(condition=models.Q(('status', 'under_review')), fields=['reservation'], name='event_review_by_reservation'),
        ),
    ]
