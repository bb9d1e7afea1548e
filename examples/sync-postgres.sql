-- The tables of example 12-sync-postgres (docs/sync.md): run once in your database, e.g.
--   psql "$DATABASE_URL" -f examples/sync-postgres.sql
-- One row per record of a tenant, keyed (tenant_id, kind, sourced_id): a rerun updates, never
-- duplicates, and no row of one tenant is another's. `data` is the record as the API sent it.
CREATE TABLE IF NOT EXISTS untis_sync_records (
	tenant_id text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('orgs', 'academic_sessions', 'classes', 'teachers', 'students', 'enrollments', 'periods')),
	sourced_id text NOT NULL,
	status text NOT NULL DEFAULT '',
	date_last_modified text NOT NULL DEFAULT '',
	data jsonb NOT NULL,
	synced_at timestamptz NOT NULL,
	PRIMARY KEY (tenant_id, kind, sourced_id)
);

-- Per tenant: the start of its last successful sync (the next incremental run's Modified Since)
-- and of its last full run.
CREATE TABLE IF NOT EXISTS untis_sync_state (
	tenant_id text PRIMARY KEY,
	last_sync_at timestamptz NOT NULL,
	last_full_at timestamptz
);

-- A view per kind, named as the Data Table variant's tables; add typed columns here, e.g.
-- data->>'familyName' AS family_name.
CREATE OR REPLACE VIEW untis_orgs AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'orgs';
CREATE OR REPLACE VIEW untis_academic_sessions AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'academic_sessions';
CREATE OR REPLACE VIEW untis_classes AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'classes';
CREATE OR REPLACE VIEW untis_teachers AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'teachers';
CREATE OR REPLACE VIEW untis_students AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'students';
CREATE OR REPLACE VIEW untis_enrollments AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'enrollments';
CREATE OR REPLACE VIEW untis_periods AS SELECT tenant_id, sourced_id, status, date_last_modified, data, synced_at FROM untis_sync_records WHERE kind = 'periods';
