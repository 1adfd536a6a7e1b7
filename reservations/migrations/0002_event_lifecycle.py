import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill_change_refs(apps, schema_editor):
    EventChange = apps.get_model("reservations", "EventChange")
    Event = apps.get_model("reservations", "Event")
    EventChange.objects.update(
        event_number=F("event_id"),
        reservation_id=Subquery(Event.objects.filter(pk=OuterRef("event_id")).values("reservation_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("wrong_quantity", "Väärä määrä"),
                    ("wrong_price", "Väärä hinta"),
                    ("wrong_date", "Väärä päivämäärä"),
                    ("not_delivered", "Palvelua ei annettu"),
                    ("duplicate", "Kirjattu kahdesti"),
                    ("other", "Muu syy"),
                ],
                max_length=32,
                verbose_name="syykoodi",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("credit_of__isnull", True), models.Q(("quantity__lt", 0), ("total__lte", 0)), _connector="OR"),
                name="event_credit_is_negative",
            ),
        ),
        migrations.AddField(
            model_name="eventchange",
            name="event_number",
            field=models.BigIntegerField(db_index=True, null=True, verbose_name="tapahtuman tunniste"),
        ),
        migrations.AddField(
            model_name="eventchange",
            name="reservation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="event_changes",
                to="reservations.reservation",
                verbose_name="palveluvaraus",
            ),
        ),
        migrations.RunPython(fill_change_refs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="eventchange",
            name="event_number",
            field=models.BigIntegerField(db_index=True, verbose_name="tapahtuman tunniste"),
        ),
        migrations.AlterField(
            model_name="eventchange",
            name="reservation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="event_changes",
                to="reservations.reservation",
                verbose_name="palveluvaraus",
            ),
        ),
        migrations.AlterField(
            model_name="eventchange",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="changes",
                to="reservations.event",
                verbose_name="tapahtuma",
            ),
        ),
    ]
