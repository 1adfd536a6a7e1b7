"""Indexes for national scale (issue 10): customers' names found by trigrams (pg_trgm), customers
in the admin's name order, and an organiser's vouchers by number. Built CONCURRENTLY, so that a
live register keeps taking writes while they build (hence not atomic)."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("vouchers", "0002_organisations_to_organisations_app")]

    operations = [
        TrigramExtension(),
        AddIndexConcurrently(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("last_name"), name="gin_trgm_ops"
                ),
                name="customer_last_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("first_name"), name="gin_trgm_ops"
                ),
                name="customer_first_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(fields=["last_name", "first_name", "id"], name="customer_name_order"),
        ),
        AddIndexConcurrently(
            model_name="voucher",
            index=models.Index(fields=["organiser", "number"], name="voucher_organiser_number"),
        ),
    ]
