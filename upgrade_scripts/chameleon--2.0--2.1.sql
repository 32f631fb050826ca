\echo Use "ALTER EXTENSION chameleon UPDATE TO '2.1'" to load this file. \quit

-- chameleon 2.1: chameleon's own additions to the pg_chameleon 2.0 catalogue, and the SQL API.
-- Nothing of the 2.0 objects is removed or renamed here.

-- ---------------------------------------------------------------------------------------------
-- Catalogue additions
-- ---------------------------------------------------------------------------------------------

-- The configuration file (<chameleon.config_directory>/<name>.yml) a source was added from; its
-- connection settings are read from there each time they are needed (passwords never enter the
-- catalogue).
ALTER TABLE sch_chameleon.t_sources
    ADD COLUMN t_config_name text NOT NULL DEFAULT 'default';

-- One row per source, with what a DBA asks first.
CREATE VIEW sch_chameleon.v_sources AS
SELECT src.i_id_source AS id,
       src.t_source AS name,
       src.enm_source_type AS type,
       src.enm_status AS status,
       src.b_consistent AS consistent,
       src.t_config_name AS config,
       src.jsb_schema_mappings AS schema_mappings,
       (SELECT pg_catalog.count(*) FROM sch_chameleon.t_replica_tables tab
         WHERE tab.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND tab.b_replica_enabled) AS tables_replicated,
       (SELECT pg_catalog.count(*) FROM sch_chameleon.t_replica_tables tab
         WHERE tab.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND NOT tab.b_replica_enabled) AS tables_not_replicated,
       src.v_log_table AS log_tables,
       src.t_binlog_name AS high_watermark_file,
       src.i_binlog_position AS high_watermark_position,
       src.b_paused AS paused,
       src.b_maintenance AS maintenance,
       src.ts_last_maintenance AS last_maintenance
  FROM sch_chameleon.t_sources src;

-- pg_chameleon's show_status, as a view.
CREATE VIEW sch_chameleon.v_status AS
SELECT src.i_id_source AS id,
       src.t_source AS name,
       src.enm_source_type AS type,
       src.enm_status AS status,
       src.b_consistent AS consistent,
       pg_catalog.date_trunc('seconds', pg_catalog.now()::timestamp) OPERATOR(pg_catalog.-) rec.ts_last_received AS read_lag,
       rec.ts_last_received AS last_read,
       rec.ts_last_received OPERATOR(pg_catalog.-) rep.ts_last_replayed AS replay_lag,
       rep.ts_last_replayed AS last_replay
  FROM sch_chameleon.t_sources src
  LEFT JOIN sch_chameleon.t_last_received rec ON rec.i_id_source OPERATOR(pg_catalog.=) src.i_id_source
  LEFT JOIN sch_chameleon.t_last_replayed rep ON rep.i_id_source OPERATOR(pg_catalog.=) src.i_id_source;

-- ---------------------------------------------------------------------------------------------
-- SQL API (schema chameleon)
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION chameleon.set_configuration_files()
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_set_configuration_files';
COMMENT ON FUNCTION chameleon.set_configuration_files() IS
    'creates chameleon.config_directory and writes config-example.yml in it; returns the example''s path';

CREATE FUNCTION chameleon.show_config(config text DEFAULT 'default')
RETURNS TABLE (source text, key text, value text, origin text)
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_show_config';
COMMENT ON FUNCTION chameleon.show_config(text) IS
    'the effective settings of a configuration file (passwords masked); origin is file, default or ignored';

CREATE FUNCTION chameleon._source_settings(source text, config text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_source_settings';

CREATE FUNCTION chameleon._check_mysql(source text, config text, origin_schemas text[])
RETURNS TABLE (check_name text, status text, value text, hint text)
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_check_mysql';

-- Checks shared by the source functions: the destination schemas of `mappings` may belong to no
-- other source, and may not be a system schema.
CREATE FUNCTION chameleon._check_destinations(source text, mappings jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_destination text;
    v_owner text;
BEGIN
    FOR v_destination IN SELECT value FROM pg_catalog.jsonb_each_text(mappings) ORDER BY 1 LOOP
        IF v_destination IN ('sch_chameleon', 'chameleon', 'information_schema', 'pg_toast')
           OR v_destination LIKE 'pg\_%' THEN
            RAISE EXCEPTION 'destination schema "%" of source "%" is reserved', v_destination, source
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Map the MySQL schema to another PostgreSQL schema in schema_mappings.';
        END IF;
        SELECT src.t_source INTO v_owner
          FROM sch_chameleon.t_sources src, pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map
         WHERE map.value = v_destination AND src.t_source <> source
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'destination schema "%" is already mapped by source "%"', v_destination, v_owner
                USING ERRCODE = 'duplicate_object',
                      HINT = 'A destination schema can belong to one source only.';
        END IF;
    END LOOP;
END
$body$;

CREATE FUNCTION chameleon._source_row(source text)
RETURNS sch_chameleon.t_sources
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
BEGIN
    SELECT * INTO v_row FROM sch_chameleon.t_sources WHERE t_source = source;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'source "%" does not exist', source
            USING ERRCODE = 'undefined_object',
                  HINT = 'Add it with chameleon.add_source(); sch_chameleon.v_sources lists the sources.';
    END IF;
    RETURN v_row;
END
$body$;

CREATE FUNCTION chameleon.add_source(source text, config text DEFAULT 'default')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_settings jsonb;
    v_id bigint;
BEGIN
    IF source IS NULL OR config IS NULL THEN
        RAISE EXCEPTION 'source and config must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- The name becomes part of log table names (t_log_replica_<source>_N, at most 63 bytes).
    IF source !~ '^[A-Za-z0-9_]{1,47}$' THEN
        RAISE EXCEPTION 'invalid source name "%"', source
            USING ERRCODE = 'invalid_name',
                  HINT = 'A source name has 1 to 47 characters among letters, digits and underscore.';
    END IF;
    IF EXISTS (SELECT 1 FROM sch_chameleon.t_sources WHERE t_source = source) THEN
        RAISE EXCEPTION 'source "%" already exists', source
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Use chameleon.update_schema_mappings() to change its mappings, or chameleon.drop_source() first.';
    END IF;

    v_settings := chameleon._source_settings(source, config);
    PERFORM chameleon._check_destinations(source, v_settings -> 'schema_mappings');

    INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, v_log_table, enm_source_type, t_config_name)
    VALUES (source, v_settings -> 'schema_mappings',
            ARRAY[pg_catalog.format('t_log_replica_%s_1', source), pg_catalog.format('t_log_replica_%s_2', source)],
            (v_settings ->> 'type')::sch_chameleon.en_src_type, config)
    RETURNING i_id_source INTO v_id;

    PERFORM sch_chameleon.fn_refresh_parts();

    INSERT INTO sch_chameleon.t_last_received (i_id_source) VALUES (v_id)
        ON CONFLICT (i_id_source) DO UPDATE SET ts_last_received = NULL;
    INSERT INTO sch_chameleon.t_last_replayed (i_id_source) VALUES (v_id)
        ON CONFLICT (i_id_source) DO UPDATE SET ts_last_replayed = NULL;
    RETURN v_id;
END
$body$;
COMMENT ON FUNCTION chameleon.add_source(text, text) IS
    'registers a source defined in <config>.yml (status ready); returns its id';

CREATE FUNCTION chameleon.drop_source(source text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
    v_table text;
BEGIN
    v_row := chameleon._source_row(source);
    IF v_row.enm_status IN ('running', 'syncing', 'initialising') THEN
        RAISE EXCEPTION 'source "%" is %', source, v_row.enm_status
            USING ERRCODE = 'object_in_use',
                  HINT = 'Stop it first with chameleon.stop_replica().';
    END IF;
    -- Batches, log rows, tables and positions go with the source (ON DELETE CASCADE).
    DELETE FROM sch_chameleon.t_sources WHERE i_id_source = v_row.i_id_source;
    FOREACH v_table IN ARRAY coalesce(v_row.v_log_table, '{}') LOOP
        EXECUTE pg_catalog.format('DROP TABLE IF EXISTS sch_chameleon.%I', v_table);
    END LOOP;
    -- The replicated schemas stay: they hold the user's data.
END
$body$;
COMMENT ON FUNCTION chameleon.drop_source(text) IS
    'removes a source, its batches and log tables from the catalogue; replicated schemas are kept';

CREATE FUNCTION chameleon.update_schema_mappings(source text, config text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
    v_new jsonb;
    v_origin text;
    v_old_destination text;
    v_new_destination text;
    v_pending bigint;
BEGIN
    v_row := chameleon._source_row(source);
    config := coalesce(config, v_row.t_config_name);
    IF v_row.enm_status IN ('running', 'syncing', 'initialising') THEN
        RAISE EXCEPTION 'source "%" is %', source, v_row.enm_status
            USING ERRCODE = 'object_in_use',
                  HINT = 'Stop it first with chameleon.stop_replica().';
    END IF;
    SELECT pg_catalog.count(*) INTO v_pending FROM sch_chameleon.t_replica_batch
     WHERE i_id_source = v_row.i_id_source AND b_processed AND NOT b_replayed;
    IF v_pending > 0 THEN
        RAISE EXCEPTION 'source "%" has % batches not yet replayed', source, v_pending
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Let the replica replay them under the old mappings, then stop it and retry.';
    END IF;

    v_new := chameleon._source_settings(source, config) -> 'schema_mappings';
    IF v_new = v_row.jsb_schema_mappings THEN
        RAISE NOTICE 'schema mappings of source "%" are unchanged', source;
        RETURN;
    END IF;
    PERFORM chameleon._check_destinations(source, v_new);

    FOR v_origin, v_old_destination IN
        SELECT key, value FROM pg_catalog.jsonb_each_text(v_row.jsb_schema_mappings) ORDER BY key
    LOOP
        v_new_destination := v_new ->> v_origin;
        IF v_new_destination IS NULL THEN
            -- Mapping removed: its tables are no longer replicated; the schema itself stays.
            DELETE FROM sch_chameleon.t_replica_tables
             WHERE i_id_source = v_row.i_id_source AND v_schema_name = v_old_destination;
            RAISE NOTICE 'mapping %.* -> % removed; schema "%" is no longer replicated',
                v_origin, v_old_destination, v_old_destination;
        ELSIF v_new_destination <> v_old_destination THEN
            UPDATE sch_chameleon.t_replica_tables SET v_schema_name = v_new_destination
             WHERE i_id_source = v_row.i_id_source AND v_schema_name = v_old_destination;
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = v_old_destination) THEN
                EXECUTE pg_catalog.format('ALTER SCHEMA %I RENAME TO %I', v_old_destination, v_new_destination);
            END IF;
            RAISE NOTICE 'mapping %.* now goes to schema "%" (was "%")',
                v_origin, v_new_destination, v_old_destination;
        END IF;
    END LOOP;
    FOR v_origin IN
        SELECT key FROM pg_catalog.jsonb_each_text(v_new) WHERE NOT v_row.jsb_schema_mappings ? key ORDER BY key
    LOOP
        RAISE NOTICE 'mapping %.* -> % added; load it with chameleon.refresh_schema() or chameleon.init_replica()',
            v_origin, v_new ->> v_origin;
    END LOOP;

    UPDATE sch_chameleon.t_sources SET jsb_schema_mappings = v_new, t_config_name = config
     WHERE i_id_source = v_row.i_id_source;
END
$body$;
COMMENT ON FUNCTION chameleon.update_schema_mappings(text, text) IS
    'applies the schema_mappings of the configuration file to a stopped source (renames destination schemas)';

CREATE FUNCTION chameleon.check_source(source text, config text DEFAULT NULL)
RETURNS TABLE (check_name text, status text, value text, hint text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
    v_mappings jsonb;
BEGIN
    SELECT * INTO v_row FROM sch_chameleon.t_sources WHERE t_source = source;
    IF FOUND THEN
        config := coalesce(config, v_row.t_config_name);
        v_mappings := v_row.jsb_schema_mappings;
    ELSIF config IS NULL THEN
        RAISE EXCEPTION 'source "%" does not exist', source
            USING ERRCODE = 'undefined_object',
                  HINT = 'To check a source before adding it, name its configuration: chameleon.check_source(source, config).';
    ELSE
        v_mappings := chameleon._source_settings(source, config) -> 'schema_mappings';
    END IF;
    RETURN QUERY
        SELECT c.check_name, c.status, c.value, c.hint
          FROM chameleon._check_mysql(source, config,
                   ARRAY(SELECT key FROM pg_catalog.jsonb_object_keys(v_mappings) key ORDER BY 1)) c;
END
$body$;
COMMENT ON FUNCTION chameleon.check_source(text, text) IS
    'pre-flight check of a source''s MySQL/MariaDB server: one row per check, status ok, warning or failed';

-- Control functions are for the superuser (or whom they grant them to), not for PUBLIC.
REVOKE ALL ON FUNCTION chameleon.set_configuration_files() FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.show_config(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._source_settings(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._check_mysql(text, text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._check_destinations(text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._source_row(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.add_source(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.drop_source(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.update_schema_mappings(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.check_source(text, text) FROM PUBLIC;

-- The API schema is visible to everyone; each control function carries its own privilege.
GRANT USAGE ON SCHEMA chameleon TO PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- >>> versions and upgrades (issue 3): add objects of that work below this line
-- Maintenance updates and downgrades refuse while a source is active or in error (pg_chameleon's rule:
-- sources must be ready, stopped or initialised). Every later step script calls this first.
CREATE FUNCTION chameleon._check_sources_stopped(action text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_list text;
BEGIN
    SELECT string_agg(format('%s (%s)', src.t_source, src.enm_status), ', ' ORDER BY src.t_source)
      INTO v_list
      FROM sch_chameleon.t_sources src
     WHERE src.enm_status NOT IN ('ready', 'stopped', 'initialised');
    IF v_list IS NOT NULL THEN
        RAISE EXCEPTION 'cannot % extension chameleon while sources are running or in error: %', action, v_list
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Stop them with SELECT chameleon.stop_all_replicas(); reset a source in error with '
                         'SELECT chameleon.enable_replica(''<source>''); then try again.';
    END IF;
END
$body$;

-- pg_chameleon's stop_all_replicas: every source that is running (or syncing, initialising, synced)
-- becomes stopped; sources in error stay in error (enable_replica resets them). Returns how many changed.
CREATE FUNCTION chameleon.stop_all_replicas()
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_count integer := 0;
    rec record;
BEGIN
    FOR rec IN
        SELECT src.i_id_source, src.t_source, src.enm_status::text AS t_status
          FROM sch_chameleon.t_sources src
         WHERE src.enm_status IN ('running', 'syncing', 'initialising', 'synced')
         ORDER BY src.t_source
           FOR UPDATE
    LOOP
        UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE i_id_source = rec.i_id_source;
        RAISE NOTICE 'source "%" stopped (it was %)', rec.t_source, rec.t_status;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$body$;
COMMENT ON FUNCTION chameleon.stop_all_replicas() IS
    'stops every running source (status stopped); sources in error stay so; returns how many were stopped';

-- pg_chameleon's enable_replica: a source in error is reset to stopped (and its maintenance flag
-- cleared), so that it can start again, or an update can run.
CREATE FUNCTION chameleon.enable_replica(source text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
BEGIN
    v_row := chameleon._source_row(source);
    IF v_row.enm_status IN ('running', 'syncing', 'initialising') THEN
        RAISE EXCEPTION 'source "%" is %', source, v_row.enm_status
            USING ERRCODE = 'object_in_use',
                  HINT = 'enable_replica resets a source in error; stop a running one with chameleon.stop_all_replicas().';
    END IF;
    UPDATE sch_chameleon.t_sources
       SET enm_status = CASE WHEN enm_status = 'error' THEN 'stopped' ELSE enm_status END,
           b_maintenance = false
     WHERE i_id_source = v_row.i_id_source;
    IF v_row.enm_status = 'error' THEN
        RAISE NOTICE 'source "%" is stopped (it was in error)', source;
    ELSE
        RAISE NOTICE 'source "%" is %: not in error, status unchanged', source, v_row.enm_status;
    END IF;
END
$body$;
COMMENT ON FUNCTION chameleon.enable_replica(text) IS
    'resets a source in error to stopped (and clears its maintenance flag)';

REVOKE ALL ON FUNCTION chameleon._check_sources_stopped(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.stop_all_replicas() FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.enable_replica(text) FROM PUBLIC;

-- This update itself (rolled back whole when it refuses).
SELECT chameleon._check_sources_stopped('update');

-- When this step follows the 1.7 -> 2.0 migration in the same transaction, the sources were just made
-- from the configuration the migration read (chameleon.upgrade_config, or the argument of
-- chameleon.upgrade_replica_schema()): the library records its name in
-- chameleon_internal.migration_config when ALTER EXTENSION leaves 1.7, for the sources to keep it.
UPDATE sch_chameleon.t_sources
   SET t_config_name = pg_catalog.current_setting('chameleon_internal.migration_config')
 WHERE coalesce(pg_catalog.current_setting('chameleon_internal.migration_config', true), '') <> '';
-- <<< versions and upgrades
-- ---------------------------------------------------------------------------------------------
-- >>> initial copy (issue 5): add objects of that work below this line
-- Each table's consistent point carries the GTID set too (file/position alone in pg_chameleon).
ALTER TABLE sch_chameleon.t_replica_tables ADD COLUMN t_gtid_set text;

-- The copy family. Each call plans the run, hands the work to copy_jobs background workers
-- (chameleon.copy_*) and waits, reporting progress as NOTICEs (chameleon.copy_progress_interval);
-- sch_chameleon.v_progress shows the same to any session. Cancelling the call stops the workers and
-- puts everything back. A row PostgreSQL refuses fails the run naming the table, the column, the
-- row's key and the value, unless chameleon.copy_on_error = 'skip' (then it goes to
-- sch_chameleon.t_discarded_rows).
CREATE FUNCTION chameleon.init_replica(source text)
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_init_replica';
COMMENT ON FUNCTION chameleon.init_replica(text) IS
    'copies the mapped MySQL schemas (structure, rows, indexes) from consistent per-table snapshots, swaps them into place and sets the starting point of replication';

CREATE FUNCTION chameleon.copy_schema(source text)
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_copy_schema';
COMMENT ON FUNCTION chameleon.copy_schema(text) IS
    'as init_replica without the rows: tables, indexes and foreign keys only';

CREATE FUNCTION chameleon.sync_tables(source text, tables text[])
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_sync_tables';
COMMENT ON FUNCTION chameleon.sync_tables(text, text[]) IS
    'copies again the MySQL tables named schema.table (or ''{disabled}'': the tables whose replica is disabled); the others stay as they are';

CREATE FUNCTION chameleon.refresh_schema(source text, schema text)
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_refresh_schema';
COMMENT ON FUNCTION chameleon.refresh_schema(text, text) IS
    'copies again every table of one mapped MySQL schema and swaps the destination schema';

CREATE FUNCTION chameleon.detach_replica(source text)
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_detach_replica';
COMMENT ON FUNCTION chameleon.detach_replica(text) IS
    'cut-over: sequences past the largest values, MySQL foreign keys created and validated, source removed; its schemas stay';

-- What chameleon._copy_progress() reads from shared memory, as text (the view gives the types).
CREATE TYPE sch_chameleon.ty_copy_progress AS (
    source text, operation text, phase text, schema_name text, table_name text, state text,
    rows_copied text, rows_estimated text, percent text, rows_per_second text, eta_seconds text,
    worker_pid text, started_at text, elapsed_seconds text
);

CREATE FUNCTION chameleon._copy_progress()
RETURNS SETOF sch_chameleon.ty_copy_progress
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_copy_progress';

-- Copies in progress: one row per run (table_name NULL) and one per table.
CREATE VIEW sch_chameleon.v_progress AS
SELECT p.source,
       p.operation,
       p.phase,
       p.schema_name,
       p.table_name,
       p.state,
       p.rows_copied::bigint AS rows_copied,
       p.rows_estimated::bigint AS rows_estimated,
       p.percent::numeric AS percent,
       p.rows_per_second::numeric AS rows_per_second,
       pg_catalog.make_interval(secs => p.eta_seconds::double precision) AS eta,
       p.worker_pid::integer AS pid,
       p.started_at::timestamp with time zone AS started_at,
       pg_catalog.make_interval(secs => p.elapsed_seconds::double precision) AS elapsed
  FROM chameleon._copy_progress() p;

REVOKE ALL ON FUNCTION chameleon.init_replica(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.copy_schema(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.sync_tables(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.refresh_schema(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.detach_replica(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._copy_progress() FROM PUBLIC;
-- <<< initial copy
