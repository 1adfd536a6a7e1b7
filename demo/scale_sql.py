"""The set-based SQL of ``load_scale``: every table is filled by ``INSERT … SELECT`` over
``generate_series`` (one small work table, the provider slots, by COPY), never row by row.

Deterministic: every drawn value is a hash of a row's index and the seed
(``hashint8extended(index, seed·1009 + salt)``), so one seed on one day gives the same rows
(ids included: they are set explicitly or inserted in a fixed order). Dates are relative to
``today`` (Helsinki), like the training data's.

Constraints: the data is built to satisfy them (valid henkilötunnus and Y-tunnus check
characters computed in SQL, shares that add up, one reservation per voucher, customerships of
a voucher that never overlap …). While the big tables fill, their plain indexes and foreign
keys are dropped and afterwards re-created from their own definitions (re-adding a foreign key
validates every row), all in the loader's one transaction; unique, check and exclusion
constraints and triggers stay in force throughout.
"""

import datetime as dt
import random
import time
import zlib
from collections import defaultdict

from django.db import DatabaseError, transaction

from demo import scale_data as data
from demo.scale_data import Plan

# The tables the loader fills in bulk: their plain indexes and foreign keys wait until they are full.
BULK_TABLES = [
    "vouchers_customer",
    "vouchers_voucher",
    "vouchers_vouchercontent",
    "reservations_reservation",
    "reservations_event",
    "customers_customership",
    "audit_auditentry",
]
# Tables whose ids the loader sets itself (their identity sequences are moved past them).
EXPLICIT_ID_TABLES = [
    "vouchers_provider",
    "vouchers_customer",
    "vouchers_voucher",
    "vouchers_vouchercontent",
    "reservations_reservation",
    "customers_customership",
    "reservations_event",
    "audit_auditentry",
]
MAX_BIGINT = "9223372036854775807"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
HELSINKI = "Europe/Helsinki"


class AlreadyLoaded(Exception):
    pass


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_array(values) -> str:
    return "ARRAY[" + ", ".join(sql_text(v) for v in values) + "]::text[]"


def sql_date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


class ScaleLoader:
    def __init__(self, cursor, *, plan: Plan, seed: int, today: dt.date, write):
        self.cur = cursor
        self.plan = plan
        self.seed = seed
        self.today = today
        self.write = write
        self.started = time.monotonic()
        m0 = today.replace(day=1)
        m1 = (m0 - dt.timedelta(days=1)).replace(day=1)
        m2 = (m1 - dt.timedelta(days=1)).replace(day=1)
        self.months = (m0, m1, m2)
        self.agreement_start = today - dt.timedelta(days=800)
        self.price_change = today - dt.timedelta(days=365)
        self.now_ts = f"(({sql_date(today)} + TIME '06:00') AT TIME ZONE '{HELSINKI}')"

    # SQL helpers ---------------------------------------------------------------------------
    def h(self, expr: str, salt: int) -> str:
        """A non-negative bigint drawn from ``expr`` (an integer) and the seed."""
        return f"(hashint8extended(({expr})::bigint, {self.seed * 1009 + salt}) & {MAX_BIGINT})"

    def pick(self, values, expr: str, salt: int) -> str:
        """One of ``values`` (Python strings), drawn."""
        return f"({sql_array(values)})[(1 + {self.h(expr, salt)} % {len(values)})::int]"

    def u(self, expr: str, salt: int) -> str:
        """A float in [0, 1), drawn."""
        return f"(({self.h(expr, salt)} % 1000000)::float8 / 1000000)"

    def run(self, step: str, sql: str) -> int:
        began = time.monotonic()
        self.cur.execute(sql)
        rows = max(self.cur.rowcount, 0)
        self.report(step, rows, began)
        return rows

    def report(self, step: str, rows: int | None, began: float) -> None:
        now = time.monotonic()
        counted = f"{rows:>12,} rows" if rows is not None else " " * 17
        self.write(f"  {step:<34} {counted} {now - began:8.1f} s   (total {now - self.started:7.1f} s)")

    def scalar(self, sql: str):
        self.cur.execute(sql)
        return self.cur.fetchone()[0]

    def next_id(self, table: str) -> int:
        return self.scalar(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")

    # The load ----------------------------------------------------------------------------------
    def check_not_loaded(self) -> None:
        present = self.scalar(
            f"SELECT EXISTS (SELECT 1 FROM vouchers_voucher WHERE number = '{data.FIRST_VOUCHER_NUMBER}')"
            f" OR EXISTS (SELECT 1 FROM vouchers_organiser WHERE name = {sql_text(data.ORGANISERS[2][0])})"
        )
        if present:
            raise AlreadyLoaded(
                f"Skaala-aineisto on jo ladattu (ostovoima {data.FIRST_VOUCHER_NUMBER} tai "
                f"{data.ORGANISERS[2][0]} on jo olemassa); mitään ei lisätty."
            )

    def load(self) -> dict:
        self.check_not_loaded()
        self.session_settings()
        self.functions_and_lookups()
        self.organisers()
        self.providers()
        self.agreements()
        self.slots_and_prices()
        deferred = self.defer_indexes_and_foreign_keys()
        self.customers()
        self.vouchers()
        self.reservations()
        self.events()
        self.customerships()
        self.audit()
        self.restore(deferred)
        self.move_sequences()
        self.drop_work_tables()
        self.cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return self.counts()

    def session_settings(self) -> None:
        try:  # the work tables are temporary; more room for them, unless this session has used one already
            with transaction.atomic():
                self.cur.execute("SET LOCAL temp_buffers = '1GB'")
        except DatabaseError:
            pass
        for setting in (
            "SET LOCAL work_mem = '1GB'",
            "SET LOCAL maintenance_work_mem = '1GB'",
            "SET LOCAL synchronous_commit = off",
            # Checked at once (load_demo's pending checks too): the tables' DDL below needs no pending events.
            "SET CONSTRAINTS ALL IMMEDIATE",
        ):
            self.cur.execute(setting)

    def functions_and_lookups(self) -> None:
        began = time.monotonic()
        cur = self.cur
        cur.execute("""
            CREATE FUNCTION pg_temp.scale_ytunnus_fmt(b int) RETURNS text IMMUTABLE LANGUAGE sql AS $$
              SELECT lpad(b::text, 7, '0') || '-' || (CASE r WHEN 0 THEN 0 ELSE 11 - r END)::text
              FROM (SELECT ((b / 1000000) * 7 + (b / 100000 % 10) * 9 + (b / 10000 % 10) * 10 + (b / 1000 % 10) * 5
                           + (b / 100 % 10) * 8 + (b / 10 % 10) * 4 + (b % 10) * 2) % 11 AS r) x
            $$;
            -- make_business_id: a base whose check digit would be 1 moves on by one (callers use even bases).
            CREATE FUNCTION pg_temp.scale_ytunnus(b int) RETURNS text IMMUTABLE LANGUAGE sql AS $$
              SELECT CASE WHEN right(pg_temp.scale_ytunnus_fmt(b), 2) = '10' THEN pg_temp.scale_ytunnus_fmt(b + 1)
                          ELSE pg_temp.scale_ytunnus_fmt(b) END
            $$;
        """)
        total = sum(population for _n, population, _m in data.ORGANISERS)
        rows, low = [], 0
        for idx, (name, population, municipalities) in enumerate(data.ORGANISERS):
            high = 10000 if idx == len(data.ORGANISERS) - 1 else low + round(10000 * population / total)
            rows.append(f"({idx}, {sql_text(name)}, {low}, {high}, {sql_array(municipalities)})")
            low = high
        cur.execute(f"""
            CREATE TEMP TABLE scale_org (idx int PRIMARY KEY, name text, lo int, hi int, municipalities text[],
                                         id bigint, user_id int, username text);
            INSERT INTO scale_org (idx, name, lo, hi, municipalities) VALUES {", ".join(rows)};
            CREATE TEMP TABLE scale_org_bucket AS
              SELECT b, idx FROM scale_org, generate_series(lo, hi - 1) b;
            ALTER TABLE scale_org_bucket ADD PRIMARY KEY (b);
        """)
        kinds, low = [], 0
        for code, service, share, reserved in data.KINDS:
            kinds.append(f"({sql_text(code)}, {sql_text(service)}, {low}, {low + share}, {reserved})")
            low += share
        assert low == 100
        cur.execute(f"""
            CREATE TEMP TABLE scale_kind (code text PRIMARY KEY, service text, lo int, hi int, reserved_pct int,
                                          service_id bigint, content_id bigint, content2_id bigint);
            INSERT INTO scale_kind (code, service, lo, hi, reserved_pct) VALUES {", ".join(kinds)};
            UPDATE scale_kind k SET service_id = s.id FROM vouchers_service s WHERE s.name = k.service AND s.organiser_id IS NULL;
            UPDATE scale_kind k SET content_id = c.id FROM vouchers_servicecontent c
              WHERE c.service_id = k.service_id AND c.name <> 'Kotihoidon tunti';
            UPDATE scale_kind k SET content2_id = c.id FROM vouchers_servicecontent c
              WHERE c.service_id = k.service_id AND c.name = 'Kotihoidon tunti';
            CREATE TEMP TABLE scale_kind_bucket AS
              SELECT b, code FROM scale_kind, generate_series(lo, hi - 1) b;
        """)
        missing = self.scalar("SELECT count(*) FROM scale_kind WHERE service_id IS NULL OR content_id IS NULL")
        if missing:
            raise RuntimeError("The training data's services and contents are missing: run load_demo first.")
        self.report("lookups", len(rows) + len(kinds), began)

    # Organisations --------------------------------------------------------------------------------
    def organisers(self) -> None:
        new = [
            f"({sql_text(name)}, {3310000 + 2 * idx}, {sql_text(self.support(name))})"
            for idx, (name, _p, _m) in enumerate(data.ORGANISERS)
            if idx >= 2
        ]
        self.run("organisers", f"""
            INSERT INTO vouchers_organiser (name, business_id, support_contact)
            SELECT name, pg_temp.scale_ytunnus(base), support FROM (VALUES {", ".join(new)}) v(name, base, support)
            ORDER BY base
        """)
        self.cur.execute("UPDATE scale_org s SET id = o.id FROM vouchers_organiser o WHERE o.name = s.name")
        if self.scalar("SELECT count(*) FROM scale_org WHERE id IS NULL"):
            raise RuntimeError("The training organisers are missing: run load_demo first.")
        self.cur.execute(f"""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
            SELECT '!scale', false, 'scale-jarjestaja-' || lpad(idx::text, 2, '0'), 'Käsittelijä', left(name, 150), '',
                   false, true, {self.now_ts} - interval '800 days'
            FROM scale_org WHERE idx >= 2 ORDER BY idx;
            INSERT INTO vouchers_membership (role, user_id, organiser_id, provider_id)
            SELECT 'organiser_staff', u.id, o.id, NULL
            FROM scale_org o JOIN auth_user u ON u.username = 'scale-jarjestaja-' || lpad(o.idx::text, 2, '0')
            ORDER BY o.idx;
            UPDATE scale_org o SET user_id = u.id, username = u.username
            FROM auth_user u WHERE u.username = 'scale-jarjestaja-' || lpad(o.idx::text, 2, '0');
        """)
        for name, username in data.TRAINING_ORGANISER_USERS.items():
            self.cur.execute(f"""
                UPDATE scale_org o SET user_id = u.id, username = u.username
                FROM auth_user u WHERE u.username = {sql_text(username)} AND o.name = {sql_text(name)}
            """)
        self.cur.execute("""
            UPDATE scale_org o SET user_id = u.id, username = u.username
            FROM (SELECT id, username FROM auth_user WHERE is_superuser ORDER BY id LIMIT 1) u WHERE o.user_id IS NULL
        """)

    @staticmethod
    def support(name: str) -> str:
        slug = name.split()[0].lower().replace("ä", "a").replace("ö", "o").replace("-", "")
        return f"PSOP-tuki: psop-tuki@{slug}.example, 010 {zlib.crc32(slug.encode()) % 900 + 100} 0000"[:300]

    def providers(self) -> None:
        n = self.plan.new_providers
        self.provider_base = self.next_id("vouchers_provider")
        h = self.h
        words, last = data.PROVIDER_WORDS, data.LAST_NAMES
        combos = len(words) * len(last)
        # Services (scale_kind codes) a provider offers: every one for the first two of each region.
        offers = {"capitation": 30, "home": 60, "cleaning": 25, "balance": 30, "housing": 25}
        offered = ", ".join(
            f"CASE WHEN j < {data.MIN_NEW_PROVIDERS} OR {h('j', 80 + k)} % 100 < {pct} THEN {sql_text(code)} END"
            for k, (code, pct) in enumerate(offers.items())
        )
        self.cur.execute(f"""
            CREATE TEMP TABLE scale_new_provider AS
            SELECT j, {self.provider_base} + j AS id, org_idx,
                   CASE WHEN j % 10 = 3 THEN (org_idx + 1) % {len(data.ORGANISERS)} END AS org2_idx,
                   coalesce(nullif(array_remove(ARRAY[{offered}], NULL), '{{}}'), ARRAY['home']) AS kinds,
                   ({sql_array(words)})[1 + (j + {self.seed}) % {len(words)}] || ' ' ||
                   ({sql_array(last)})[1 + (j / {len(words)} + {self.seed * 7}) % {len(last)}] || ' Oy' ||
                   CASE WHEN j >= {combos} THEN ' ' || (j / {combos} + 1)::text ELSE '' END AS name
            FROM (
              SELECT j, CASE WHEN j < {data.MIN_NEW_PROVIDERS} THEN j % {len(data.ORGANISERS)} ELSE b.idx END AS org_idx
              FROM generate_series(0, {n - 1}) j
              JOIN scale_org_bucket b ON b.b = {h('j', 71)} % 10000
            ) x;
        """)
        self.run("providers", """
            INSERT INTO vouchers_provider (id, name, business_id)
            SELECT id, name, pg_temp.scale_ytunnus(2500000 + 2 * j) FROM scale_new_provider ORDER BY j
        """)
        self.run("provider units", f"""
            INSERT INTO vouchers_providerunit (name, is_default, provider_id)
            SELECT name, is_default, id FROM (
              SELECT j, id, name, true AS is_default FROM scale_new_provider
              UNION ALL
              SELECT j, id, 'Yksikkö ' || {self.pick(data.OFFICE_NAMES, 'j', 90)}, false
              FROM scale_new_provider WHERE {h('j', 91)} % 5 = 0
            ) u ORDER BY j, is_default DESC
        """)
        self.run("offices", f"""
            INSERT INTO vouchers_office (name, street_address, municipality, provider_id)
            SELECT ({sql_array(data.OFFICE_NAMES)})[k],
                   {self.pick(data.STREETS, 'j * 8 + k', 92)} || ' ' || (1 + {h('j * 8 + k', 93)} % 60)::text,
                   o.municipalities[(1 + {h('j * 8 + k', 94)} % cardinality(o.municipalities))::int], p.id
            FROM scale_new_provider p JOIN scale_org o ON o.idx = p.org_idx,
                 generate_series(1, 1 + ({h('j', 95)} % 3)::int) k
            ORDER BY j, k
        """)
        self.cur.execute(f"""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
            SELECT '!scale', false, 'scale-tuottaja-' || lpad((j + 1)::text, 5, '0'), 'Pääkäyttäjä', left(name, 150), '',
                   false, true, {self.now_ts} - interval '800 days'
            FROM scale_new_provider ORDER BY j;
        """)
        self.run("provider users", """
            INSERT INTO vouchers_membership (role, user_id, organiser_id, provider_id)
            SELECT 'provider_admin', u.id, NULL, p.id
            FROM scale_new_provider p JOIN auth_user u ON u.username = 'scale-tuottaja-' || lpad((p.j + 1)::text, 5, '0')
            ORDER BY p.j
        """)

    def agreements(self) -> None:
        start, change = self.agreement_start, self.price_change
        self.run("service agreements", f"""
            INSERT INTO vouchers_serviceagreement (valid_from, valid_to, organiser_id, provider_id, service_id)
            SELECT {sql_date(start)}, NULL, o.id, p.id, k.service_id
            FROM scale_new_provider p
            CROSS JOIN LATERAL (VALUES (p.org_idx), (p.org2_idx)) r(idx)
            JOIN scale_org o ON o.idx = r.idx
            CROSS JOIN LATERAL unnest(p.kinds) kind
            JOIN scale_kind k ON k.code = kind
            ORDER BY p.j, r.idx, k.service_id
        """)
        self.run("price lists", f"""
            INSERT INTO vouchers_pricelist (name, valid_from, valid_to, agreement_id)
            SELECT left(p.name || ' – ' || s.name || ' ' || extract(year FROM l.valid_from)::text, 200),
                   l.valid_from, l.valid_to, a.id
            FROM vouchers_serviceagreement a
            JOIN vouchers_provider p ON p.id = a.provider_id
            JOIN vouchers_service s ON s.id = a.service_id
            CROSS JOIN (VALUES ({sql_date(start)}, {sql_date(change - dt.timedelta(days=1))}),
                               ({sql_date(change)}, NULL::date)) l(valid_from, valid_to)
            WHERE a.provider_id >= {self.provider_base}
            ORDER BY a.id, l.valid_from
        """)
        prices = ", ".join(f"({sql_text(name)}, {price})" for name, price in data.BASE_PRICES.items())
        self.run("price list items", f"""
            INSERT INTO vouchers_pricelistitem (unit_price, price_list_id, content_id)
            SELECT CASE WHEN c.unit = 'euro' THEN 1.00
                        ELSE round(b.price * (0.90 + ({self.h('a.provider_id', 96)} % 26) / 100.0)
                                   * CASE WHEN pl.valid_to IS NULL THEN 1.03 ELSE 1 END, 2) END,
                   pl.id, c.id
            FROM vouchers_pricelist pl
            JOIN vouchers_serviceagreement a ON a.id = pl.agreement_id
            JOIN vouchers_servicecontent c ON c.service_id = a.service_id
            JOIN (VALUES {prices}) b(name, price) ON b.name = c.name
            WHERE a.provider_id >= {self.provider_base}
            ORDER BY pl.id, c.id
        """)

    def slots_and_prices(self) -> None:
        """Which provider a voucher of an organiser's service goes to: 1000 slots per organiser and
        service, the training providers' shares first (TRAINING_SHARES), the rest by weight."""
        began = time.monotonic()
        cur = self.cur
        cur.execute(f"""
            SELECT a.organiser_id, a.service_id, a.provider_id, p.name, o.name
            FROM vouchers_serviceagreement a
            JOIN vouchers_provider p ON p.id = a.provider_id
            JOIN vouchers_organiser o ON o.id = a.organiser_id
            WHERE a.valid_from <= {sql_date(self.today)} AND (a.valid_to IS NULL OR a.valid_to >= {sql_date(self.today)})
              AND EXISTS (SELECT 1 FROM vouchers_pricelist pl WHERE pl.agreement_id = a.id
                          AND pl.valid_from <= {sql_date(self.today)}
                          AND (pl.valid_to IS NULL OR pl.valid_to >= {sql_date(self.today)}))
            ORDER BY a.organiser_id, a.service_id, a.provider_id
        """)
        groups = defaultdict(list)
        for organiser_id, service_id, provider_id, provider_name, organiser_name in cur.fetchall():
            groups[organiser_id, service_id].append((provider_id, provider_name, organiser_name))
        rng = random.Random(self.seed)
        weights = {}
        for provider_id in sorted({p for members in groups.values() for p, _n, _o in members}):
            weights[provider_id] = rng.choice([1, 1, 1, 2, 2, 3, 5, 8])
        rows = []
        for (organiser_id, service_id), members in groups.items():
            special = [(p, data.TRAINING_SHARES[name, org]) for p, name, org in members if (name, org) in data.TRAINING_SHARES]
            others = [(p, weights[p]) for p, name, org in members if (name, org) not in data.TRAINING_SHARES]
            taken = sum(share for _p, share in special)
            if not others:
                others, special, taken = special, [], 0
            owners = []
            for provider_id, share in special:
                owners += [provider_id] * share
            free = data.SLOTS - taken
            total = sum(w for _p, w in others)
            cumulative = 0
            for provider_id, weight in others:
                low = cumulative * free // total
                cumulative += weight
                owners += [provider_id] * (cumulative * free // total - low)
            rows += [(organiser_id, service_id, slot, provider_id) for slot, provider_id in enumerate(owners)]
        cur.execute("CREATE TEMP TABLE scale_slot (organiser_id bigint, service_id bigint, slot int, provider_id bigint)")
        with cur.cursor.copy("COPY scale_slot (organiser_id, service_id, slot, provider_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute("""
            ALTER TABLE scale_slot ADD PRIMARY KEY (organiser_id, service_id, slot);
            ANALYZE scale_slot;
            CREATE TEMP TABLE scale_prov AS
            SELECT p.id AS provider_id, p.name,
                   (SELECT u.id FROM vouchers_providerunit u WHERE u.provider_id = p.id AND u.is_default) AS unit_id,
                   (SELECT min(u.id) FROM vouchers_providerunit u WHERE u.provider_id = p.id AND NOT u.is_default) AS alt_unit_id,
                   ARRAY(SELECT o.id FROM vouchers_office o WHERE o.provider_id = p.id ORDER BY o.id) AS office_ids,
                   m.user_id AS res_user_id, m.user_id AS event_user_id, NULL::text AS username
            FROM vouchers_provider p
            LEFT JOIN LATERAL (SELECT user_id FROM vouchers_membership m
                               WHERE m.provider_id = p.id ORDER BY m.role = 'provider_admin' DESC, m.id LIMIT 1) m ON true;
            ALTER TABLE scale_prov ADD PRIMARY KEY (provider_id);
        """)
        for name, (res_user, event_user) in data.TRAINING_USERS.items():
            cur.execute(f"""
                UPDATE scale_prov s SET res_user_id = r.id, event_user_id = e.id
                FROM auth_user r, auth_user e
                WHERE r.username = {sql_text(res_user)} AND e.username = {sql_text(event_user)} AND s.name = {sql_text(name)}
            """)
        # load_demo's recorders of the smaller training providers are the users "demo-<provider id>".
        cur.execute(f"""
            UPDATE scale_prov s SET res_user_id = u.id, event_user_id = u.id
            FROM auth_user u WHERE s.res_user_id IS NULL AND u.username = 'demo-' || s.provider_id::text;
            UPDATE scale_prov s SET res_user_id = u.id, event_user_id = u.id
            FROM (SELECT id FROM auth_user WHERE is_superuser ORDER BY id LIMIT 1) u WHERE s.res_user_id IS NULL;
            UPDATE scale_prov s SET username = u.username FROM auth_user u WHERE u.id = s.event_user_id;
            CREATE TEMP TABLE scale_price AS
            SELECT a.provider_id, a.organiser_id, i.content_id, max(pl.valid_from) AS cut,
                   (array_agg(i.unit_price ORDER BY pl.valid_from DESC))[1] AS p_new,
                   (array_agg(i.unit_price ORDER BY pl.valid_from DESC))[least(2, count(*))::int] AS p_old
            FROM vouchers_serviceagreement a
            JOIN vouchers_pricelist pl ON pl.agreement_id = a.id
            JOIN vouchers_pricelistitem i ON i.price_list_id = pl.id
            WHERE (a.valid_to IS NULL OR a.valid_to >= {sql_date(self.today)})
              AND (pl.valid_to IS NULL OR pl.valid_to >= {sql_date(self.agreement_start)})
            GROUP BY 1, 2, 3;
            ALTER TABLE scale_price ADD PRIMARY KEY (provider_id, organiser_id, content_id);
            ANALYZE scale_org; ANALYZE scale_org_bucket; ANALYZE scale_kind; ANALYZE scale_kind_bucket;
            ANALYZE scale_prov; ANALYZE scale_price;
        """)
        self.report("provider slots and prices", len(rows), began)

    # Indexes and foreign keys wait while the big tables fill ----------------------------------------
    def defer_indexes_and_foreign_keys(self) -> dict:
        began = time.monotonic()
        tables = ", ".join(f"'{t}'::regclass" for t in BULK_TABLES)
        self.cur.execute(f"""
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid IN ({tables}) ORDER BY 1, 2
        """)
        foreign_keys = self.cur.fetchall()
        self.cur.execute(f"""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid IN ({tables}) AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
              AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
            ORDER BY 1
        """)
        indexes = self.cur.fetchall()
        for table, name, _definition in foreign_keys:
            self.cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            self.cur.execute(f"DROP INDEX {name}")
        self.report("drop plain indexes and FKs", len(foreign_keys) + len(indexes), began)
        return {"foreign_keys": foreign_keys, "indexes": indexes}

    def restore(self, deferred: dict) -> None:
        began = time.monotonic()
        for name, definition in deferred["indexes"]:
            step = time.monotonic()
            self.cur.execute(definition)
            self.report(f"index {name}"[:34], None, step)
        for table, name, definition in deferred["foreign_keys"]:
            step = time.monotonic()
            self.cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            self.report(f"FK {name}"[:34], None, step)
        self.report("indexes and FKs back (validated)", len(deferred["indexes"]) + len(deferred["foreign_keys"]), began)

    # Customers and vouchers -------------------------------------------------------------------------------
    def customers(self) -> None:
        plan, h = self.plan, self.h
        self.customer_base = self.next_id("vouchers_customer")
        # Birth dates 1930–2017 and individual numbers 900–999 (test identities): (k / 100, k % 100) is
        # one-to-one, 7919 being prime to 32000; the training data's identities are skipped.
        birth = f"(DATE '1930-01-01' + ((k / 100) * 7919 + {(self.seed * 104729) % 32000}) % 32000)"
        digits = f"(to_char({birth}, 'DDMMYY') || (900 + k % 100)::text)"
        hetu = (
            f"to_char({birth}, 'DDMMYY') || CASE WHEN {birth} >= DATE '2000-01-01' THEN 'A' ELSE '-' END"
            f" || (900 + k % 100)::text || substr('{HETU_CHECK}', ({digits}::bigint % 31)::int + 1, 1)"
        )
        self.run("customers", f"""
            INSERT INTO vouchers_customer (id, first_name, last_name, henkilotunnus, municipality)
            SELECT {self.customer_base} + c,
                   {self.pick(data.FIRST_NAMES, 'c', 3)}, {self.pick(data.LAST_NAMES, 'c', 4)}, hetu,
                   o.municipalities[(1 + {h('c', 2)} % cardinality(o.municipalities))::int]
            FROM (
              SELECT row_number() OVER (ORDER BY k) - 1 AS c, hetu
              FROM (SELECT k, {hetu} AS hetu FROM generate_series(0, {plan.customers + 999}) k) x
              WHERE NOT EXISTS (SELECT 1 FROM vouchers_customer e WHERE e.henkilotunnus = x.hetu)
            ) y
            JOIN scale_org_bucket b ON b.b = {h('c', 1)} % 10000
            JOIN scale_org o ON o.idx = b.idx
            WHERE c < {plan.customers}
            ORDER BY c
        """)

    def vouchers(self) -> None:
        plan, h, today = self.plan, self.h, sql_date(self.today)
        self.voucher_base = self.next_id("vouchers_voucher")
        self.content_base = self.next_id("vouchers_vouchercontent")
        began = time.monotonic()
        # Vouchers of the training organisers start within 500 days (their training agreements' age).
        self.cur.execute(f"""
            CREATE TEMP TABLE scale_voucher AS
            SELECT y.*, least(valid_to, closed_on) AS eff_end,
                   s1.provider_id, s2.provider_id AS provider2_id
            FROM (
              SELECT x.*, valid_from + dur AS valid_to,
                     CASE WHEN {h('i', 14)} % 100 < 10
                          THEN valid_from + ({h('i', 15)} % (least(valid_from + dur, {today}) - valid_from + 1))::int END AS closed_on,
                     valid_from - ({h('i', 16)} % 15)::int AS granted_on
              FROM (
                SELECT g.i, g.c, {self.customer_base} + g.c AS customer_id, b.idx AS org_idx, o.id AS organiser_id,
                       k.code AS kind, k.service_id,
                       {today} - (5 + {h('g.i', 12)} % CASE WHEN b.idx < 2 THEN 495 ELSE 726 END)::int AS valid_from,
                       CASE WHEN {h('g.i', 13)} % 3 = 0 THEN 730 ELSE 365 END AS dur
                FROM (SELECT i, CASE WHEN i < {plan.customers} THEN i ELSE {h('i', 10)} % {plan.customers} END AS c
                      FROM generate_series(0, {plan.vouchers - 1}) i OFFSET 0) g
                JOIN scale_org_bucket b ON b.b = {h('g.c', 1)} % 10000
                JOIN scale_org o ON o.idx = b.idx
                JOIN scale_kind_bucket kb ON kb.b = {h('g.i', 11)} % 100
                JOIN scale_kind k ON k.code = kb.code
                OFFSET 0
              ) x
              OFFSET 0
            ) y
            LEFT JOIN scale_slot s1 ON s1.organiser_id = y.organiser_id AND s1.service_id = y.service_id
                                   AND s1.slot = {h('y.i', 17)} % {data.SLOTS}
            LEFT JOIN scale_slot s2 ON y.kind = 'capitation' AND s2.organiser_id = y.organiser_id
                                   AND s2.service_id = y.service_id AND s2.slot = {h('y.i', 18)} % {data.SLOTS};
            ALTER TABLE scale_voucher ADD PRIMARY KEY (i);
            ANALYZE scale_voucher;
        """)
        self.report("voucher plan", plan.vouchers, began)
        self.run("vouchers", f"""
            INSERT INTO vouchers_voucher (id, number, valid_from, valid_to, closed_on, granted_on, created_at,
                                          organiser_id, customer_id, service_id)
            SELECT {self.voucher_base} + i, ({data.FIRST_VOUCHER_NUMBER} + i)::text, valid_from, valid_to, closed_on,
                   granted_on, ((granted_on + TIME '08:00') AT TIME ZONE '{HELSINKI}') + ({h('i', 19)} % 540) * interval '1 minute',
                   organiser_id, customer_id, service_id
            FROM scale_voucher ORDER BY i
        """)
        self.run("voucher contents", f"""
            INSERT INTO vouchers_vouchercontent (id, quantity, amount, unit_value, period, content_id, voucher_id)
            SELECT id, quantity, amount, unit_value, period, content_id, voucher_id FROM (
              SELECT {self.content_base} + 2 * v.i AS id,
                     CASE v.kind WHEN 'home' THEN (ARRAY[8, 12, 20, 30])[(1 + {h('v.i', 20)} % 4)::int]
                                 WHEN 'cleaning' THEN 2 WHEN 'capitation' THEN 1 WHEN 'housing' THEN 31 END AS quantity,
                     CASE WHEN v.kind = 'balance' THEN (ARRAY[300, 500, 800, 1200])[(1 + {h('v.i', 21)} % 4)::int] END AS amount,
                     CASE v.kind WHEN 'home' THEN 30.00 WHEN 'cleaning' THEN 45.00 END AS unit_value,
                     CASE WHEN v.kind = 'balance' THEN 'validity' ELSE 'month' END AS period,
                     k.content_id, {self.voucher_base} + v.i AS voucher_id
              FROM scale_voucher v JOIN scale_kind k ON k.code = v.kind
              UNION ALL
              SELECT {self.content_base} + 2 * v.i + 1, (ARRAY[4, 8, 10])[(1 + {h('v.i', 22)} % 3)::int], NULL, 38.00, 'month',
                     k.content2_id, {self.voucher_base} + v.i
              FROM scale_voucher v JOIN scale_kind k ON k.code = v.kind
              WHERE v.kind = 'home'
            ) c ORDER BY id
        """)

    # Reservations and their events ---------------------------------------------------------------------
    def reservations(self) -> None:
        h, u, today = self.h, self.u, sql_date(self.today)
        self.reservation_base = self.next_id("reservations_reservation")
        began = time.monotonic()
        rates = data.EVENTS_PER_MONTH
        texts = {
            "home": ["Kotihoidon käynnit sovitusti.", "Aamukäynti arkisin, lääkkeet ja aamupala.",
                     "Iltakäynti, iltapala ja lääkkeet.", "Asiointiapu ja kauppakäynnit."],
            "cleaning": ["Siivous joka toinen viikko.", "Perussiivous kerran kuukaudessa."],
            "balance": ["Sijaishoito kotona.", "Omaishoitajan vapaapäivien sijaishoito kotona."],
            "housing": ["Tehostettu palveluasuminen, ympärivuorokautinen.", "Lyhytaikainen asumisjakso."],
        }
        text = "CASE r.kind " + " ".join(
            f"WHEN {sql_text(kind)} THEN {self.pick(options, 'r.i', 34)}" for kind, options in texts.items()
        ) + " END"
        self.cur.execute(f"""
            CREATE TEMP TABLE scale_res AS
            SELECT r.*, {self.reservation_base} + r.i AS id,
                   {self.content_base} + 2 * r.i + r.second AS voucher_content_id,
                   CASE WHEN r.span <= 0 THEN 0 ELSE least(120,
                        CASE WHEN r.kind = 'balance' THEN r.amount / 80 ELSE 120 END,
                        round(r.span / 30.44 * CASE r.kind {" ".join(f"WHEN {sql_text(k)} THEN {v}" for k, v in rates.items())} END
                              * (0.5 + {u('r.i', 29)})))::int END AS n,
                   {text} AS event_text,
                   pr.cut, pr.p_old, pr.p_new
            FROM (
              SELECT q.*, least(q.eff_end, q.ended_on, {today} - 1) - q.rs + 1 AS span
              FROM (
                SELECT v.i, v.kind, v.org_idx, v.organiser_id, v.provider_id, v.valid_from, v.eff_end, p.rs,
                       CASE WHEN v.kind = 'home' AND {h('v.i', 23)} % 10 >= 7 THEN 1 ELSE 0 END AS second,
                       CASE WHEN {h('v.i', 27)} % 100 < 4 THEN p.rs + ({h('v.i', 28)} % (v.eff_end - p.rs + 1))::int END AS ended_on,
                       CASE WHEN v.kind = 'balance' THEN (ARRAY[300, 500, 800, 1200])[(1 + {h('v.i', 21)} % 4)::int] END AS amount,
                       CASE WHEN pv.alt_unit_id IS NOT NULL AND {h('v.i', 26)} % 5 = 0 THEN pv.alt_unit_id ELSE pv.unit_id END AS unit_id,
                       v.kind = 'housing' AS on_behalf,
                       CASE WHEN v.kind = 'housing' THEN o.user_id ELSE pv.res_user_id END AS created_by_id,
                       pv.event_user_id
                FROM scale_voucher v
                JOIN scale_kind k ON k.code = v.kind
                JOIN scale_prov pv ON pv.provider_id = v.provider_id
                JOIN scale_org o ON o.idx = v.org_idx
                CROSS JOIN LATERAL (SELECT v.valid_from + ({h('v.i', 25)} % 14)::int AS rs) p
                WHERE v.kind <> 'capitation' AND {h('v.i', 24)} % 100 < k.reserved_pct AND p.rs <= v.eff_end
                OFFSET 0
              ) q
            ) r
            JOIN scale_kind k ON k.code = r.kind
            JOIN scale_price pr ON pr.provider_id = r.provider_id AND pr.organiser_id = r.organiser_id
                               AND pr.content_id = CASE WHEN r.second = 1 THEN k.content2_id ELSE k.content_id END;
            ALTER TABLE scale_res ADD PRIMARY KEY (i);
            ANALYZE scale_res;
        """)
        self.report("reservation plan", self.scalar("SELECT count(*) FROM scale_res"), began)
        self.run("reservations", f"""
            INSERT INTO reservations_reservation (id, event_text, terms_accepted, on_behalf, created_at, ended_on,
                                                  created_by_id, provider_id, unit_id, voucher_id, voucher_content_id,
                                                  organiser_id)
            SELECT id, event_text, true, on_behalf,
                   ((rs + TIME '09:00') AT TIME ZONE '{HELSINKI}') + ({h('i', 30)} % 480) * interval '1 minute',
                   ended_on, created_by_id, provider_id, unit_id, {self.voucher_base} + i, voucher_content_id,
                   organiser_id
            FROM scale_res ORDER BY i
        """)

    def events(self) -> None:
        h, u = self.h, self.u
        m0, m1, m2 = (sql_date(m) for m in self.months)
        self.first_event_id = self.next_id("reservations_event")
        # The lifecycle by the event's month: older ones paid (a few rejected, under review, or approved
        # late), the month before last settled or paid, last month's approved and waiting for the payment
        # run, this month's approved or under review.
        status = f"""CASE
              WHEN d >= {m0} THEN CASE WHEN x < 88 THEN 'approved' WHEN x < 97 THEN 'under_review' ELSE 'rejected' END
              WHEN d >= {m1} THEN CASE WHEN x < 89 THEN 'approved' WHEN x < 96 THEN 'under_review' ELSE 'rejected' END
              WHEN d >= {m2} THEN CASE WHEN x < 55 THEN 'settled' WHEN x < 95 THEN 'paid' WHEN x < 98 THEN 'rejected'
                                       ELSE 'under_review' END
              ELSE CASE WHEN x < 96 THEN 'paid' WHEN x < 98 THEN 'rejected' WHEN x < 99 THEN 'under_review'
                        ELSE 'approved' END END"""
        quantity = """CASE kind
              WHEN 'home' THEN CASE WHEN second = 1 THEN (ARRAY[1, 1.5, 2, 2.5])[(1 + qh % 4)::int]
                                    WHEN qh % 5 = 0 THEN 2 ELSE 1 END
              WHEN 'cleaning' THEN 1
              WHEN 'balance' THEN (ARRAY[35.00, 42.50, 60.00, 80.00])[(1 + qh % 4)::int]
              WHEN 'housing' THEN (ARRAY[7, 10, 14])[(1 + qh % 3)::int] END"""
        notes = ["Aamukäynti", "Iltakäynti", "Asiakas kotona", "Sovittu käynti", "Lisäkäynti omaisen pyynnöstä"]
        rejected = ["Palvelua ei ole myönnetty tälle päivälle.", "Ylittää myönnetyn määrän; ei hyväksytty.",
                    "Käynti on kirjattu jo toiselle tapahtumalle."]
        self.run("events", f"""
            INSERT INTO reservations_event (id, date, quantity, unit_price, total, voucher_share, customer_share, status,
                                            note, review_reason, reason_code, explanation, created_at, updated_at,
                                            created_by_id, credit_of_id, reservation_id, organiser_id)
            SELECT {self.first_event_id} - 1 + row_number() OVER (ORDER BY d, id, e), d, q, up, total, vs, total - vs, st,
                   CASE WHEN {h('e', 35)} % 8 = 0 THEN {self.pick(notes, 'e', 36)} ELSE '' END,
                   CASE WHEN st = 'rejected' THEN {self.pick(rejected, 'e', 37)} ELSE '' END,
                   '', '', created_at,
                   CASE WHEN st IN ('paid', 'settled') THEN least(created_at + interval '35 days', {self.now_ts})
                        ELSE created_at END,
                   event_user_id, NULL, id, organiser_id
            FROM (
              SELECT z.*, CASE WHEN kind IN ('home', 'cleaning') THEN least(total, round(q * unit_value, 2)) ELSE total END AS vs
              FROM (
                SELECT y.*, round(q * up, 2) AS total,
                       ((d + TIME '07:30') AT TIME ZONE '{HELSINKI}') + ({h('e', 32)} % 660) * interval '1 minute' AS created_at
                FROM (
                  SELECT x.*, {quantity} AS q, CASE WHEN d >= cut THEN p_new ELSE p_old END AS up,
                         {status} AS st
                  FROM (
                    SELECT r.id, r.organiser_id, r.kind, r.second, r.event_user_id, r.cut, r.p_old, r.p_new,
                           CASE r.second WHEN 1 THEN 38.00 ELSE CASE r.kind WHEN 'home' THEN 30.00 WHEN 'cleaning' THEN 45.00 END END
                             AS unit_value,
                           r.i * 128 + j AS e,
                           {h('r.i * 128 + j', 31)} % 100 AS x, {h('r.i * 128 + j', 33)} AS qh,
                           r.rs + floor((j - 1 + {u('r.i * 128 + j', 30)}) * r.span / r.n)::int AS d
                    FROM scale_res r CROSS JOIN LATERAL generate_series(1, r.n) j
                    WHERE r.n > 0
                    OFFSET 0
                  ) x OFFSET 0
                ) y OFFSET 0
              ) z OFFSET 0
            ) w
            ORDER BY d, id, e
        """)
        self.move_sequences(["reservations_event"])  # the credits take their ids from it
        reasons = [
            ("wrong_quantity", "Määrä korjattu asiakkaan palvelusuunnitelman mukaiseksi."),
            ("wrong_price", "Hinta korjattu hinnaston mukaiseksi."),
            ("wrong_date", "Käynti kirjattu väärälle päivälle."),
            ("not_delivered", "Asiakas oli sairaalassa; palvelua ei annettu."),
            ("duplicate", "Sama käynti kirjattu kahdesti."),
            ("other", "Korjaus palveluntuottajan pyynnöstä."),
        ]
        self.run("credits", f"""
            INSERT INTO reservations_event (date, quantity, unit_price, total, voucher_share, customer_share, status,
                                            note, review_reason, reason_code, explanation, created_at, updated_at,
                                            created_by_id, credit_of_id, reservation_id, organiser_id)
            SELECT e.date, -e.quantity, e.unit_price, -e.total, -e.voucher_share, -e.customer_share, 'approved', '', '',
                   {self.pick([code for code, _t in reasons], 'e.id', 41)}, {self.pick([t for _c, t in reasons], 'e.id', 41)},
                   least(e.created_at + (20 + {h('e.id', 42)} % 40) * interval '1 day', {self.now_ts}),
                   least(e.created_at + (20 + {h('e.id', 42)} % 40) * interval '1 day', {self.now_ts}),
                   o.user_id, e.id, e.reservation_id, e.organiser_id
            FROM reservations_event e
            JOIN scale_res r ON r.id = e.reservation_id
            JOIN scale_org o ON o.idx = r.org_idx
            WHERE e.id >= {self.first_event_id} AND e.status IN ('paid', 'settled') AND {h('e.id', 40)} % 1000 < 3
            ORDER BY e.id
        """)

    # Capitation customerships -------------------------------------------------------------------------------
    def customerships(self) -> None:
        h, today = self.h, sql_date(self.today)
        self.customership_base = self.next_id("customers_customership")
        began = time.monotonic()
        transfer_reasons = ["Asiakas muutti toiselle paikkakunnalle.", "Asiakkaan pyyntö hoitosuhteen jatkuvuuden vuoksi.",
                            "Toimipaikka suljettiin."]
        # A customer chooses a provider within ten days; one in eight later switches after the lock-in
        # (or, failing that, four in ten of them are moved by the organiser), never to the same provider.
        self.cur.execute(f"""
            CREATE TEMP TABLE scale_cust AS
            SELECT c.*,
                   CASE WHEN second_flag AND provider2_id IS NOT NULL AND provider2_id <> provider_id
                             AND cardinality(office2_ids) > 0 THEN
                          CASE WHEN switch_day <= least(eff_end, {today}) THEN 'switch'
                               WHEN transfer_day <= least(eff_end, {today}) AND {h('i', 56)} % 100 < 40 THEN 'transfer' END
                   END AS second_kind
            FROM (
              SELECT v.i, v.org_idx, v.provider_id, v.provider2_id, v.eff_end, s.start_date,
                     (s.start_date + interval '1 year')::date AS locked_until,
                     (s.start_date + interval '1 year')::date + 1 + ({h('v.i', 53)} % 90)::int AS switch_day,
                     s.start_date + 20 + ({h('v.i', 54)} % 200)::int AS transfer_day,
                     {h('v.i', 55)} % 100 < 12 AS second_flag,
                     p1.office_ids[(1 + {h('v.i', 52)} % cardinality(p1.office_ids))::int] AS office_id,
                     p1.res_user_id, p2.office_ids AS office2_ids, p2.res_user_id AS res_user2_id
              FROM scale_voucher v
              JOIN scale_prov p1 ON p1.provider_id = v.provider_id
              LEFT JOIN scale_prov p2 ON p2.provider_id = v.provider2_id
              CROSS JOIN LATERAL (SELECT v.valid_from + ({h('v.i', 51)} % 10)::int AS start_date) s
              WHERE v.kind = 'capitation' AND {h('v.i', 50)} % 100 < 95 AND s.start_date <= v.eff_end
                AND cardinality(p1.office_ids) > 0
            ) c;
            ANALYZE scale_cust;
        """)
        self.report("customership plan", self.scalar("SELECT count(*) FROM scale_cust"), began)
        base = self.customership_base
        second_start = "CASE second_kind WHEN 'switch' THEN switch_day WHEN 'transfer' THEN transfer_day END"
        self.run("customerships", f"""
            INSERT INTO customers_customership (id, start_date, end_date, locked_until, approvals_accepted, created_at,
                                                on_behalf, reason, created_by_id, office_id, provider_id,
                                                transferred_from_id, voucher_id, organiser_id)
            SELECT rows.id, rows.start_date, rows.end_date, rows.locked_until, true, rows.created_at, rows.on_behalf,
                   rows.reason, rows.created_by_id, rows.office_id, rows.provider_id, rows.transferred_from_id,
                   rows.voucher_id, voucher.organiser_id FROM (
              SELECT {base} + 2 * i AS id, start_date, ({second_start}) - 1 AS end_date, locked_until,
                     ((start_date + TIME '10:00') AT TIME ZONE '{HELSINKI}') AS created_at, false AS on_behalf, '' AS reason,
                     res_user_id AS created_by_id, office_id, provider_id, NULL::bigint AS transferred_from_id,
                     {self.voucher_base} + i AS voucher_id
              FROM scale_cust
              UNION ALL
              SELECT {base} + 2 * i + 1, s.day, NULL, (s.day + interval '1 year')::date,
                     ((s.day + TIME '11:00') AT TIME ZONE '{HELSINKI}'), second_kind = 'transfer',
                     CASE WHEN second_kind = 'transfer' THEN {self.pick(transfer_reasons, 'i', 57)} ELSE '' END,
                     CASE WHEN second_kind = 'transfer' THEN o.user_id ELSE c.res_user2_id END,
                     c.office2_ids[(1 + {h('i', 58)} % cardinality(c.office2_ids))::int], c.provider2_id,
                     CASE WHEN second_kind = 'transfer' THEN {base} + 2 * i END, {self.voucher_base} + i
              FROM scale_cust c
              JOIN scale_org o ON o.idx = c.org_idx
              CROSS JOIN LATERAL (SELECT {second_start} AS day) s
              WHERE second_kind IS NOT NULL
            ) rows JOIN vouchers_voucher voucher ON voucher.id = rows.voucher_id ORDER BY rows.id
        """)

    # The audit log ----------------------------------------------------------------------------------------
    def audit(self) -> None:
        plan, h = self.plan, self.h
        start = self.today - dt.timedelta(days=730)
        step = 730 * 86400 / plan.audit_entries
        number = f"({data.FIRST_VOUCHER_NUMBER} + v.i)::text"
        self.run("audit log", f"""
            INSERT INTO audit_auditentry (id, at, username, organisation, customer_id, organiser_id, action, code,
                                          params, what, path, ip_address, user_id)
            SELECT {self.next_id("audit_auditentry")} + a.j, a.at,
                   CASE WHEN by_provider THEN p.username ELSE o.username END,
                   CASE WHEN by_provider THEN p.name ELSE o.name END,
                   v.customer_id, o.id,
                   CASE WHEN change THEN 'change' ELSE 'read' END,
                   CASE WHEN change THEN 'event_record'
                        ELSE CASE read_kind WHEN 0 THEN 'voucher_lookup' WHEN 1 THEN 'reservation_form'
                                            WHEN 2 THEN 'voucher_events' ELSE 'reservation_list' END END,
                   CASE WHEN change THEN jsonb_build_object('number', {number}, 'event', 0)
                        WHEN read_kind < 3 THEN jsonb_build_object('number', {number}) ELSE '{{}}'::jsonb END,
                   CASE WHEN change THEN 'Tapahtuma 0 (ostovoima ' || {number} || '): kirjattu'
                        ELSE CASE read_kind WHEN 0 THEN 'Ostovoima ' || {number} || ': haku'
                                       WHEN 1 THEN 'Ostovoima ' || {number} || ': palveluvaraus'
                                       WHEN 2 THEN 'Ostovoima ' || {number} || ': tapahtumat'
                                       ELSE 'Palveluvaraukset: lista' END END,
                   CASE WHEN change THEN '/ostovoimat/' || {number} || '/palveluvaraus/'
                        ELSE CASE read_kind WHEN 0 THEN '/asiakas/haku/'
                                       WHEN 1 THEN '/ostovoimat/' || {number} || '/palveluvaraus/'
                                       WHEN 2 THEN '/ostovoimat/'
                                       ELSE '/palveluvaraukset/' END END,
                   ('10.' || (1 + v.org_idx)::text || '.' || ({h('j', 64)} % 250 + 1)::text || '.'
                    || ({h('j', 65)} % 250 + 1)::text)::inet,
                   CASE WHEN by_provider THEN p.event_user_id ELSE o.user_id END
            FROM (
              SELECT j, ((({sql_date(start)} + TIME '00:00') AT TIME ZONE '{HELSINKI}')
                         + (j * {step!r} + {h('j', 61)} % {max(1, int(step))}) * interval '1 second') AS at,
                     {h('j', 60)} % {plan.vouchers} AS i,
                     {h('j', 62)} % 100 < 8 AS change, ({h('j', 63)} % 4)::int AS read_kind,
                     {h('j', 66)} % 100 < 65 AS want_provider
              FROM generate_series(0, {plan.audit_entries - 1}) j
              OFFSET 0
            ) a
            JOIN scale_voucher v ON v.i = a.i
            JOIN scale_org o ON o.idx = v.org_idx
            LEFT JOIN scale_prov p ON p.provider_id = v.provider_id
            CROSS JOIN LATERAL (SELECT a.want_provider AND p.provider_id IS NOT NULL AS by_provider) w
            ORDER BY a.j
        """)

    # Finishing -------------------------------------------------------------------------------------------
    def move_sequences(self, tables=EXPLICIT_ID_TABLES) -> None:
        for table in tables:
            self.cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )

    def drop_work_tables(self) -> None:
        self.cur.execute("""
            DROP TABLE scale_org, scale_org_bucket, scale_kind, scale_kind_bucket, scale_new_provider, scale_slot,
                       scale_prov, scale_price, scale_voucher, scale_res, scale_cust;
            DROP FUNCTION pg_temp.scale_ytunnus(int);
            DROP FUNCTION pg_temp.scale_ytunnus_fmt(int);
        """)

    def counts(self) -> dict:
        tables = [
            "vouchers_organiser", "vouchers_provider", "vouchers_customer", "vouchers_voucher",
            "vouchers_vouchercontent", "reservations_reservation", "customers_customership",
            "reservations_event", "audit_auditentry", "vouchers_serviceagreement", "vouchers_pricelist",
        ]
        self.cur.execute(" UNION ALL ".join(f"SELECT {n}, '{t}', count(*) FROM {t}" for n, t in enumerate(tables)) + " ORDER BY 1")
        return {table: rows for _n, table, rows in self.cur.fetchall()}


def analyse(cursor, *, vacuum: bool, write) -> None:
    """Fresh statistics (and, outside a transaction, the visibility map) for the filled tables."""
    began = time.monotonic()
    tables = BULK_TABLES + ["vouchers_provider", "vouchers_serviceagreement", "vouchers_pricelist",
                           "vouchers_pricelistitem", "vouchers_office", "vouchers_providerunit",
                           "vouchers_organiser", "vouchers_membership", "auth_user"]
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    cursor.execute(f"{command} {', '.join(tables)}")
    write(f"  {command.lower():<34} {len(tables):>12,} tbls {time.monotonic() - began:8.1f} s")
