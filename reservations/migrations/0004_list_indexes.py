"""The "Palveluvaraukset" list newest first, walked from a keyset cursor (issue 10): a provider's
reservations and everyone's (an organiser's are checked through the voucher). Built CONCURRENTLY."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("reservations", "0003_events_to_events_app")]

    operations = [
        AddIndexConcurrently(
            model_name="reservation",
            index=models.Index(fields=["provider", "-created_at", "-id"], name="reservation_provider_newest"),
        ),
        AddIndexConcurrently(
            model_name="reservation",
            index=models.Index(fields=["-created_at", "-id"], name="reservation_newest"),
        ),
    ]
