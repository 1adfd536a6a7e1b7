"""The voucher's organiser on the customership (``Customership.organiser``), as on reservations
(reservations/0005): filled from the vouchers, indexed (organiser, start_date) for a payment run's
capitation, and kept equal to the voucher's by a composite foreign key (voucher, organiser) ->
voucher (id, organiser) ON UPDATE CASCADE. Not atomic, for the same reason."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("customers", "0002_organisations_state"),
        ("organisations", "0001_initial"),
        ("reservations", "0005_reservation_organiser"),  # creates the voucher (id, organiser) index
    ]

    operations = [
        migrations.AddField(
            model_name="customership",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.RunSQL(
            """UPDATE customers_customership customership SET organiser_id = voucher.organiser_id
                 FROM vouchers_voucher voucher WHERE voucher.id = customership.voucher_id""",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="customership",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.AddIndex(
            model_name="customership",
            index=models.Index(fields=["organiser", "start_date"], name="customership_organiser_start"),
        ),
        migrations.RunSQL(
            """ALTER TABLE customers_customership ADD CONSTRAINT customership_organiser_is_vouchers
               FOREIGN KEY (voucher_id, organiser_id) REFERENCES vouchers_voucher (id, organiser_id)
               ON UPDATE CASCADE""",
            "ALTER TABLE customers_customership DROP CONSTRAINT customership_organiser_is_vouchers",
        ),
    ]
