"""The canonical DuckDB schema (DESIGN.md's data model) as numbered migrations.

Each migration runs once, in order, inside one transaction; `meta.schema_version` records the last
applied. Add a migration at the end; never edit one that has shipped.
"""
from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the data model of DESIGN.md
    """
    CREATE TABLE reps (
        rep_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR, manager_id VARCHAR,
        role VARCHAR, home_city VARCHAR, home_lat DOUBLE, home_lon DOUBLE, skills VARCHAR[],
        capacity INTEGER, active BOOLEAN DEFAULT TRUE, source VARCHAR);
    CREATE TABLE territories (
        territory_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, parent_id VARCHAR, type VARCHAR,
        level INTEGER, owner_rep_id VARCHAR, source VARCHAR);
    CREATE TABLE territory_members (
        territory_id VARCHAR NOT NULL, rep_id VARCHAR NOT NULL, role VARCHAR DEFAULT 'owner',
        PRIMARY KEY (territory_id, rep_id));
    CREATE TABLE territory_rules (
        rule_id VARCHAR PRIMARY KEY, territory_id VARCHAR NOT NULL, priority INTEGER NOT NULL,
        expression VARCHAR NOT NULL, active BOOLEAN DEFAULT TRUE);
    CREATE TABLE accounts (
        account_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, industry VARCHAR, segment VARCHAR,
        annual_revenue DOUBLE, employees BIGINT, country VARCHAR, state VARCHAR, city VARCHAR,
        postal_code VARCHAR, lat DOUBLE, lon DOUBLE, geo_precision VARCHAR, website VARCHAR,
        owner_rep_id VARCHAR, territory_id VARCHAR, parent_account_id VARCHAR,
        created_at TIMESTAMP, source VARCHAR);
    CREATE TABLE deals (
        deal_id VARCHAR PRIMARY KEY, account_id VARCHAR, name VARCHAR, amount DOUBLE,
        currency VARCHAR, amount_rc DOUBLE, stage VARCHAR, status VARCHAR NOT NULL
            CHECK (status IN ('open', 'won', 'lost')),
        probability DOUBLE, forecast_category VARCHAR, product_line VARCHAR, created_date DATE,
        close_date DATE, owner_rep_id VARCHAR, territory_id VARCHAR, source VARCHAR);
    CREATE TABLE activities (
        activity_id VARCHAR PRIMARY KEY, account_id VARCHAR, deal_id VARCHAR, rep_id VARCHAR,
        type VARCHAR, ts TIMESTAMP, outcome VARCHAR, subject VARCHAR, source VARCHAR);
    CREATE TABLE targets (
        scope VARCHAR NOT NULL CHECK (scope IN ('company', 'territory', 'rep')),
        scope_id VARCHAR NOT NULL, period_start DATE NOT NULL, amount DOUBLE NOT NULL,
        PRIMARY KEY (scope, scope_id, period_start));
    CREATE TABLE fx_rates (
        currency VARCHAR NOT NULL, rate_to_reporting DOUBLE NOT NULL, valid_from DATE NOT NULL,
        PRIMARY KEY (currency, valid_from));
    CREATE TABLE assignment_log (
        ts TIMESTAMP NOT NULL, account_id VARCHAR NOT NULL, from_territory VARCHAR,
        to_territory VARCHAR, from_rep VARCHAR, to_rep VARCHAR, reason VARCHAR, actor VARCHAR);
    CREATE TABLE scenarios (
        scenario_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, author VARCHAR,
        created_at TIMESTAMP, note VARCHAR);
    CREATE TABLE scenario_moves (
        scenario_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, to_territory_id VARCHAR,
        to_rep_id VARCHAR, PRIMARY KEY (scenario_id, account_id));
    CREATE TABLE imports (
        import_id VARCHAR PRIMARY KEY, ts TIMESTAMP NOT NULL, file_name VARCHAR, sha256 VARCHAR,
        source VARCHAR, entity VARCHAR, rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
        status VARCHAR);
    CREATE TABLE import_rejects (
        import_id VARCHAR NOT NULL, row_number BIGINT, "column" VARCHAR, value VARCHAR,
        reason VARCHAR NOT NULL);
    CREATE TABLE mapping_profiles (
        name VARCHAR PRIMARY KEY, source VARCHAR, entity VARCHAR, mapping VARCHAR NOT NULL,
        created_at TIMESTAMP);
    CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR);
    """,
    # 2: scenarios remember the planner's moves (JSON) and when they were applied to the live assignment
    """
    ALTER TABLE scenarios ADD COLUMN moves_json VARCHAR;
    ALTER TABLE scenarios ADD COLUMN applied_at TIMESTAMP;
    ALTER TABLE scenarios ADD COLUMN applied_by VARCHAR;
    ALTER TABLE scenarios ADD COLUMN undone_at TIMESTAMP;
    """,
    # 3: a rejected import row keeps its original cells (JSON) so the download can be fixed and re-imported
    """
    ALTER TABLE import_rejects ADD COLUMN record VARCHAR;
    """,
    # 4: the three big tables lose their PRIMARY KEY index: maintaining it cost a bulk import ~1 s per
    # million rows (more than parsing them). Ids stay unique: the importer rejects duplicate ids and
    # writes with Session.upsert_frame (delete by key + insert). DuckDB cannot drop a constraint, so
    # each table is rebuilt with the same columns, order and other constraints, keeping every row.
    """
    CREATE TABLE accounts_v4 (
        account_id VARCHAR NOT NULL, name VARCHAR NOT NULL, industry VARCHAR, segment VARCHAR,
        annual_revenue DOUBLE, employees BIGINT, country VARCHAR, state VARCHAR, city VARCHAR,
        postal_code VARCHAR, lat DOUBLE, lon DOUBLE, geo_precision VARCHAR, website VARCHAR,
        owner_rep_id VARCHAR, territory_id VARCHAR, parent_account_id VARCHAR,
        created_at TIMESTAMP, source VARCHAR);
    INSERT INTO accounts_v4 SELECT * FROM accounts;
    DROP TABLE accounts;
    ALTER TABLE accounts_v4 RENAME TO accounts;
    CREATE TABLE deals_v4 (
        deal_id VARCHAR NOT NULL, account_id VARCHAR, name VARCHAR, amount DOUBLE,
        currency VARCHAR, amount_rc DOUBLE, stage VARCHAR, status VARCHAR NOT NULL
            CHECK (status IN ('open', 'won', 'lost')),
        probability DOUBLE, forecast_category VARCHAR, product_line VARCHAR, created_date DATE,
        close_date DATE, owner_rep_id VARCHAR, territory_id VARCHAR, source VARCHAR);
    INSERT INTO deals_v4 SELECT * FROM deals;
    DROP TABLE deals;
    ALTER TABLE deals_v4 RENAME TO deals;
    CREATE TABLE activities_v4 (
        activity_id VARCHAR NOT NULL, account_id VARCHAR, deal_id VARCHAR, rep_id VARCHAR,
        type VARCHAR, ts TIMESTAMP, outcome VARCHAR, subject VARCHAR, source VARCHAR);
    INSERT INTO activities_v4 SELECT * FROM activities;
    DROP TABLE activities;
    ALTER TABLE activities_v4 RENAME TO activities;
    """,
    # 5: record ids and names of the big tables are stored uncompressed. They are (nearly) unique,
    # so dictionary/FSST compression gains little on them but was the costliest part of writing:
    # measured on 5M deals, the insert took 3.0 s with it and 2.1 s without, for ~40 bytes a row
    # more on disk, and reading them back got ~10% faster. Same rebuild as migration 4.
    """
    CREATE TABLE accounts_v5 (
        account_id VARCHAR USING COMPRESSION uncompressed NOT NULL,
        name VARCHAR USING COMPRESSION uncompressed NOT NULL, industry VARCHAR, segment VARCHAR,
        annual_revenue DOUBLE, employees BIGINT, country VARCHAR, state VARCHAR, city VARCHAR,
        postal_code VARCHAR, lat DOUBLE, lon DOUBLE, geo_precision VARCHAR, website VARCHAR,
        owner_rep_id VARCHAR, territory_id VARCHAR, parent_account_id VARCHAR,
        created_at TIMESTAMP, source VARCHAR);
    INSERT INTO accounts_v5 SELECT * FROM accounts;
    DROP TABLE accounts;
    ALTER TABLE accounts_v5 RENAME TO accounts;
    CREATE TABLE deals_v5 (
        deal_id VARCHAR USING COMPRESSION uncompressed NOT NULL,
        account_id VARCHAR USING COMPRESSION uncompressed, name VARCHAR USING COMPRESSION uncompressed,
        amount DOUBLE, currency VARCHAR, amount_rc DOUBLE, stage VARCHAR, status VARCHAR NOT NULL
            CHECK (status IN ('open', 'won', 'lost')),
        probability DOUBLE, forecast_category VARCHAR, product_line VARCHAR, created_date DATE,
        close_date DATE, owner_rep_id VARCHAR, territory_id VARCHAR, source VARCHAR);
    INSERT INTO deals_v5 SELECT * FROM deals;
    DROP TABLE deals;
    ALTER TABLE deals_v5 RENAME TO deals;
    CREATE TABLE activities_v5 (
        activity_id VARCHAR USING COMPRESSION uncompressed NOT NULL, account_id VARCHAR, deal_id VARCHAR,
        rep_id VARCHAR, type VARCHAR, ts TIMESTAMP, outcome VARCHAR, subject VARCHAR, source VARCHAR);
    INSERT INTO activities_v5 SELECT * FROM activities;
    DROP TABLE activities;
    ALTER TABLE activities_v5 RENAME TO activities;
    """,
    # 6: territory management: a change log of tree and membership edits, shared (key) accounts, the
    # specialist pool's requests (a region's pool_priority orders them: lower first), and the
    # per-territory parts of a rep's target (a rep who sits in two territories carries a target in
    # each; `targets` keeps their sum)
    """
    ALTER TABLE territories ADD COLUMN pool_priority INTEGER;
    CREATE TABLE territory_changes (
        ts TIMESTAMP NOT NULL, territory_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
        detail VARCHAR, actor VARCHAR);
    CREATE TABLE account_shares (
        account_id VARCHAR NOT NULL, territory_id VARCHAR NOT NULL, role VARCHAR DEFAULT 'support',
        PRIMARY KEY (account_id, territory_id));
    CREATE TABLE resource_requests (
        request_id VARCHAR PRIMARY KEY, deal_id VARCHAR NOT NULL, territory_id VARCHAR NOT NULL,
        skill VARCHAR NOT NULL, urgency INTEGER NOT NULL DEFAULT 2, status VARCHAR NOT NULL DEFAULT 'queued',
        specialist_rep_id VARCHAR, requested_at TIMESTAMP NOT NULL, allocated_at TIMESTAMP,
        released_at TIMESTAMP, reason VARCHAR, actor VARCHAR);
    CREATE TABLE target_parts (
        rep_id VARCHAR NOT NULL, territory_id VARCHAR NOT NULL, period_start DATE NOT NULL,
        amount DOUBLE NOT NULL, PRIMARY KEY (rep_id, territory_id, period_start));
    """,
    # 7: accounts.founded_year: the year a customer was established (`year_established` in CRM
    # exports), a year and not a date, so a column of 2009s is stored as such.
    """
    ALTER TABLE accounts ADD COLUMN founded_year INTEGER;
    """,
    # 8: assignment rules get a kind (account, override, deal), a name and who wrote them; every
    # rule run that was applied is recorded with the open deals it moved, so the last one can be undone.
    """
    ALTER TABLE territory_rules ADD COLUMN kind VARCHAR DEFAULT 'account';
    ALTER TABLE territory_rules ADD COLUMN name VARCHAR;
    ALTER TABLE territory_rules ADD COLUMN created_by VARCHAR;
    ALTER TABLE territory_rules ADD COLUMN created_at TIMESTAMP;
    CREATE TABLE assignment_runs (
        run_id VARCHAR PRIMARY KEY, ts TIMESTAMP NOT NULL, actor VARCHAR, accounts_changed BIGINT,
        deals_changed BIGINT, undone_at TIMESTAMP, undone_by VARCHAR);
    CREATE TABLE assignment_run_deals (
        run_id VARCHAR NOT NULL, deal_id VARCHAR NOT NULL, from_territory VARCHAR, to_territory VARCHAR,
        from_rep VARCHAR, to_rep VARCHAR, reason VARCHAR);
    """,
    # 9: every write records who made it (engine.access): an import and a saved target name the
    # signed-in user (assignment_log.actor and scenarios.author already exist)
    """
    ALTER TABLE imports ADD COLUMN actor VARCHAR;
    ALTER TABLE targets ADD COLUMN saved_by VARCHAR;
    ALTER TABLE targets ADD COLUMN saved_at TIMESTAMP;
    """,
    # 10: more of the CRM comes in (leads, contacts, invoices with their payments) for the lead KPIs,
    # the follow-up and receivables alerts and customer health; an activity may follow up a lead
    # (Salesforce Task.WhoId 00Q…); a wall screen signs in with a board link whose token is stored
    # only as its sha256, limited to one scope and revocable.
    """
    CREATE TABLE leads (
        lead_id VARCHAR USING COMPRESSION uncompressed NOT NULL, name VARCHAR, company VARCHAR,
        email VARCHAR, phone VARCHAR, industry VARCHAR, country VARCHAR, state VARCHAR, city VARCHAR,
        postal_code VARCHAR, lead_source VARCHAR, status VARCHAR, owner_rep_id VARCHAR, territory_id VARCHAR,
        created_at TIMESTAMP, converted_at DATE, converted_account_id VARCHAR, converted_deal_id VARCHAR,
        source VARCHAR);
    CREATE TABLE contacts (
        contact_id VARCHAR USING COMPRESSION uncompressed NOT NULL, account_id VARCHAR, name VARCHAR,
        title VARCHAR, email VARCHAR, phone VARCHAR, owner_rep_id VARCHAR, created_at TIMESTAMP,
        source VARCHAR);
    CREATE TABLE invoices (
        invoice_id VARCHAR USING COMPRESSION uncompressed NOT NULL, account_id VARCHAR, number VARCHAR,
        amount DOUBLE, currency VARCHAR, amount_rc DOUBLE, issue_date DATE, due_date DATE,
        paid_date DATE, paid_amount DOUBLE, paid_amount_rc DOUBLE, source VARCHAR);
    ALTER TABLE activities ADD COLUMN lead_id VARCHAR;
    CREATE TABLE board_tokens (
        token_sha256 VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, scope VARCHAR, lang VARCHAR,
        rotate_seconds INTEGER, created_by VARCHAR, created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP,
        revoked_by VARCHAR, last_seen_at TIMESTAMP);
    """,
    # 11: a rejected row keeps its reason's catalog key and values (JSON), so the download of the
    # rejected rows says why in the reader's language; `reason` stays the English sentence.
    """
    ALTER TABLE import_rejects ADD COLUMN reason_key VARCHAR;
    ALTER TABLE import_rejects ADD COLUMN reason_args VARCHAR;
    """,
)

# The tables a user's data lives in, in the order a full wipe or a demo build fills them. Not
# `board_tokens`: a board link is set up like a user (on a wall screen, by an admin), not data, so
# `demo --force` keeps the lobby screens working; its scope names a territory, as a user's does.
DATA_TABLES: tuple[str, ...] = (
    "territories", "reps", "territory_members", "territory_rules", "accounts", "deals",
    "activities", "targets", "fx_rates", "assignment_log", "scenarios", "scenario_moves",
    "imports", "import_rejects", "territory_changes", "account_shares", "resource_requests", "target_parts",
    "assignment_runs", "assignment_run_deals", "leads", "contacts", "invoices",
)

# Tables whose ids are kept unique by the writers, not by a PRIMARY KEY index (migration 4): an
# upsert into them goes through Session.upsert_frame on these columns.
UNINDEXED_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",), "deals": ("deal_id",), "activities": ("activity_id",),
    "leads": ("lead_id",), "contacts": ("contact_id",), "invoices": ("invoice_id",),
}
