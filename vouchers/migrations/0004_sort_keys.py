"""Sort keys (issue 13, item 8): a voucher's number as a number and a customer's name in Finnish
alphabetical order, as stored generated columns that the database keeps (every insert path, also
load_scale's SQL, fills them), each with an index for the lists' keyset walks. Adding a stored
generated column rewrites the table once; the indexes are built CONCURRENTLY (hence not atomic)."""

import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("organisations", "0001_initial"),
        ("vouchers", "0003_search_and_list_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={"ordering": ["name_key", "id"], "verbose_name": "asiakas", "verbose_name_plural": "asiakkaat"},
        ),
        migrations.AlterModelOptions(
            name="voucher",
            options={"ordering": ["number_key", "id"], "verbose_name": "ostovoima", "verbose_name_plural": "ostovoimat"},
        ),
        migrations.AddField(
            model_name="customer",
            name="name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.db.models.functions.text.Lower(
                        django.db.models.functions.text.Concat(models.F("last_name"), models.Value(" "), models.F("first_name"))
                    ),
                    models.Value("åäöæøüéèáàÅÄÖÆØÜÉÈÁÀ"),
                    models.Value("{|}|}yeeaa{|}|}yeeaa"),
                    function="TRANSLATE",
                    output_field=models.TextField(),
                ),
                output_field=models.TextField(db_collation="C"),
                verbose_name="nimen lajitteluavain",
            ),
        ),
        migrations.AddField(
            model_name="voucher",
            name="number_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.LPad("number", 20, models.Value("0")),
                output_field=models.CharField(db_collation="C", max_length=20),
                verbose_name="numero lukujärjestyksessä",
            ),
        ),
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(fields=["name_key", "id"], name="customer_name_key_order"),
        ),
        AddIndexConcurrently(
            model_name="voucher",
            index=models.Index(fields=["number_key", "id"], name="voucher_number_key_order"),
        ),
        AddIndexConcurrently(
            model_name="voucher",
            index=models.Index(fields=["organiser", "number_key", "id"], name="voucher_organiser_number_key"),
        ),
    ]
