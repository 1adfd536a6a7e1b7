"""The organiser's review queue walked by an index of its own (issue 10): a partial index of the
events under review, oldest first. Built CONCURRENTLY (ten million events keep taking writes)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("events", "0001_initial")]

    operations = [
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(
                condition=models.Q(("status", "under_review")), fields=["date", "id"], name="event_review_queue"
            ),
        ),
    ]
