"""The reservation's organiser on the event (``Event.organiser``), as on reservations and
customerships: filled from the reservations, kept equal to the reservation's by a composite
foreign key (reservation, organiser) -> reservation (id, organiser) ON UPDATE CASCADE, and two
partial indexes within the organiser: its review queue (events under review by date) and its
payment run's events (approved, by date). Not atomic, like reservations/0005: each step commits.
On the national data set the backfill rewrites every event row; see docs/scaling.md."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("events", "0007_review_by_reservation"),
        ("organisations", "0001_initial"),
        ("reservations", "0005_reservation_organiser"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.RunSQL(
            """UPDATE reservations_event event SET organiser_id = reservation.organiser_id
                 FROM reservations_reservation reservation WHERE reservation.id = event.reservation_id""",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="event",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("status", "under_review")), fields=["organiser", "date", "id"],
                name="event_review_by_organiser",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("status", "approved")), fields=["organiser", "date"],
                name="event_approved_by_organiser",
            ),
        ),
        migrations.RunSQL(
            [
                "CREATE UNIQUE INDEX reservation_id_organiser ON reservations_reservation (id, organiser_id)",
                """ALTER TABLE reservations_event ADD CONSTRAINT event_organiser_is_reservations
                   FOREIGN KEY (reservation_id, organiser_id) REFERENCES reservations_reservation (id, organiser_id)
                   ON UPDATE CASCADE""",
            ],
            [
                "ALTER TABLE reservations_event DROP CONSTRAINT event_organiser_is_reservations",
                "DROP INDEX reservation_id_organiser",
            ],
        ),
    ]
