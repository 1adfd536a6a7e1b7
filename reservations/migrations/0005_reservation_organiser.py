"""The voucher's organiser on the reservation (``Reservation.organiser``), filled from the vouchers,
indexed for the organiser's list (organiser, newest first), and kept equal to the voucher's by a
composite foreign key (voucher, organiser) -> voucher (id, organiser), which follows a change of
the voucher's organiser (ON UPDATE CASCADE). Not atomic: each step commits, so the backfill's
deferred foreign-key checks do not block the ALTER TABLE after it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("organisations", "0001_initial"),
        ("reservations", "0004_list_indexes"),
        ("vouchers", "0005_name_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.RunSQL(
            """UPDATE reservations_reservation reservation SET organiser_id = voucher.organiser_id
                 FROM vouchers_voucher voucher WHERE voucher.id = reservation.voucher_id""",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="reservation",
            name="organiser",
            field=models.ForeignKey(
                db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="organisations.organiser", verbose_name="palvelunjärjestäjä",
            ),
        ),
        migrations.AddIndex(
            model_name="reservation",
            index=models.Index(fields=["organiser", "-created_at", "-id"], name="reservation_organiser_newest"),
        ),
        migrations.RunSQL(
            [
                "CREATE UNIQUE INDEX voucher_id_organiser ON vouchers_voucher (id, organiser_id)",
                """ALTER TABLE reservations_reservation ADD CONSTRAINT reservation_organiser_is_vouchers
                   FOREIGN KEY (voucher_id, organiser_id) REFERENCES vouchers_voucher (id, organiser_id)
                   ON UPDATE CASCADE""",
            ],
            [
                "ALTER TABLE reservations_reservation DROP CONSTRAINT reservation_organiser_is_vouchers",
                "DROP INDEX voucher_id_organiser",
            ],
        ),
    ]
