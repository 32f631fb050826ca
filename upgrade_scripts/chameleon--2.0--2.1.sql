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
-- other source, may not be a system schema, and may not be named like the working schema
-- (_<destination>_tmp, _<destination>_old) of another destination.
CREATE FUNCTION chameleon._check_destinations(source text, mappings jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_destination text;
    v_owner text;
    v_other text;
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
        SELECT all_maps.src_name, all_maps.dest INTO v_owner, v_other
          FROM (SELECT src.t_source AS src_name, map.value AS dest
                  FROM sch_chameleon.t_sources src, pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map
                 WHERE src.t_source <> source
                UNION ALL
                SELECT source, map.value FROM pg_catalog.jsonb_each_text(mappings) map) all_maps
         WHERE v_destination IN ('_' || all_maps.dest || '_tmp', '_' || all_maps.dest || '_old')
            OR all_maps.dest IN ('_' || v_destination || '_tmp', '_' || v_destination || '_old')
         ORDER BY 1, 2
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'destination schema "%" of source "%" collides with destination schema "%" of source "%"',
                v_destination, source, v_other, v_owner
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'A copy loads into _<destination>_tmp and keeps the previous destination as _<destination>_old until it ends.',
                      HINT = 'Map the MySQL schema to a PostgreSQL schema not named like another one''s working schema.';
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

-- The copy of a source running now ("init_replica (backend pid 1234)"), from the copy registry in
-- shared memory; NULL when none. Every function that changes a source refuses during a copy.
CREATE FUNCTION chameleon._copy_in_progress(source_id bigint)
RETURNS text
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_copy_in_progress';

CREATE FUNCTION chameleon._refuse_during_copy(source_id bigint, source text, action text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_run text;
BEGIN
    v_run := chameleon._copy_in_progress(source_id);
    IF v_run IS NOT NULL THEN
        RAISE EXCEPTION '% refused: source "%" is being copied by %', action, source, v_run
            USING ERRCODE = 'object_in_use',
                  HINT = 'Wait for the copy to end, or cancel it with pg_cancel_backend() on that pid.';
    END IF;
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
    PERFORM chameleon._refuse_during_copy(v_row.i_id_source, source, 'drop_source');
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
    PERFORM chameleon._refuse_during_copy(v_row.i_id_source, source, 'update_schema_mappings');
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
REVOKE ALL ON FUNCTION chameleon._copy_in_progress(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._refuse_during_copy(bigint, text, text) FROM PUBLIC;
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
    SELECT string_agg(format('%s (%s)', src.t_source,
                             coalesce(chameleon._copy_in_progress(src.i_id_source), src.enm_status::text)),
                      ', ' ORDER BY src.t_source)
      INTO v_list
      FROM sch_chameleon.t_sources src
     WHERE src.enm_status NOT IN ('ready', 'stopped', 'initialised')
        OR chameleon._copy_in_progress(src.i_id_source) IS NOT NULL;
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
        -- A copy is stopped by cancelling it, not by a status change under its feet.
        PERFORM chameleon._refuse_during_copy(rec.i_id_source, rec.t_source, 'stop_all_replicas');
        UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE i_id_source = rec.i_id_source;
        -- Its replication workers exit now (chameleon._stop_workers waits for them).
        IF rec.t_status = 'running' AND NOT chameleon._stop_workers(rec.i_id_source, 5000) THEN
            RAISE WARNING 'the workers of source "%" did not exit within 5 s; they stop on their own', rec.t_source;
        END IF;
        RAISE NOTICE 'source "%" stopped (it was %)', rec.t_source, rec.t_status;
        v_count := v_count + 1;
    END LOOP;
    PERFORM chameleon._wake_launcher();
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
    PERFORM chameleon._refuse_during_copy(v_row.i_id_source, source, 'enable_replica');
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
-- ---------------------------------------------------------------------------------------------
-- >>> replication (issue 8): add objects of that work below this line
--
-- The read worker stores each row change as the PostgreSQL input text of every column (text[],
-- in MySQL column order, NULL elements for SQL NULL), converted by the same code as the initial
-- copy; the replay worker turns them into tuples with the column types' input functions and
-- applies them through the executor. pg_chameleon's jsonb images (jsb_event_after/_before) are
-- still replayed, for batches pg_chameleon stored and never replayed. t_source_tx names the
-- source transaction a row belongs to (MariaDB GTID domain-server-sequence, MySQL GTID, or
-- binlog file:position of its start), so that a failing transaction can be skipped whole.
ALTER TABLE sch_chameleon.t_log_replica
    ADD COLUMN t_row_after text[],
    ADD COLUMN t_row_before text[],
    ADD COLUMN t_source_tx text;

-- Rows a batch holds (set when the read worker closes it).
ALTER TABLE sch_chameleon.t_replica_batch ADD COLUMN i_rows bigint;

-- Per-table replication counters (written in the replay transaction), and the MySQL column names
-- of the row images (for v_pending_changes).
ALTER TABLE sch_chameleon.t_replica_tables
    ADD COLUMN v_columns text[],
    ADD COLUMN i_inserts bigint NOT NULL DEFAULT 0,
    ADD COLUMN i_updates bigint NOT NULL DEFAULT 0,
    ADD COLUMN i_deletes bigint NOT NULL DEFAULT 0,
    ADD COLUMN i_truncates bigint NOT NULL DEFAULT 0,
    ADD COLUMN i_errors bigint NOT NULL DEFAULT 0,
    ADD COLUMN ts_last_applied timestamp with time zone;

-- What a replay error needs besides pg_chameleon's columns.
ALTER TABLE sch_chameleon.t_error_log
    ADD COLUMN t_sqlstate text,
    ADD COLUMN t_source_tx text,
    ADD COLUMN t_gtid text,
    ADD COLUMN t_row text;

-- Source transactions removed by chameleon.skip_transaction().
CREATE TABLE sch_chameleon.t_skipped_transactions (
    i_id_skip bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    i_id_batch bigint,
    t_source_tx text NOT NULL,
    t_binlog_name text,
    i_binlog_position bigint,
    i_rows bigint NOT NULL,
    t_error_message text,
    ts_skipped timestamp with time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    CONSTRAINT pk_t_skipped_transactions PRIMARY KEY (i_id_skip),
    CONSTRAINT fk_t_skipped_transactions_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE
);
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_skipped_transactions', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_skipped_transactions_i_id_skip_seq', '');

-- The workers of each source, from shared memory.
CREATE FUNCTION chameleon._replica_workers()
RETURNS TABLE (source_id text, read_pid text, read_state text, replay_pid text, replay_state text,
               last_error text)
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_replica_workers';

-- Wakes the launcher when the calling transaction commits.
CREATE FUNCTION chameleon._wake_launcher()
RETURNS void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_wake_launcher';

-- Stops the workers of a source now, and waits (at most `timeout_ms`) until they are gone.
CREATE FUNCTION chameleon._stop_workers(source_id bigint, timeout_ms integer)
RETURNS boolean
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_stop_workers';

CREATE FUNCTION chameleon.start_replica(source text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
BEGIN
    v_row := chameleon._source_row(source);
    PERFORM chameleon._refuse_during_copy(v_row.i_id_source, source, 'start_replica');
    IF v_row.enm_status IN ('running', 'syncing', 'initialising') THEN
        RAISE EXCEPTION 'source "%" is %', source, v_row.enm_status
            USING ERRCODE = 'object_in_use',
                  HINT = CASE v_row.enm_status WHEN 'running' THEN 'It is already replicating; sch_chameleon.v_status shows its workers.'
                              ELSE 'Wait for the copy to finish, then start it.' END;
    ELSIF v_row.enm_status = 'error' THEN
        RAISE EXCEPTION 'source "%" is in error', source
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'sch_chameleon.v_errors says why; fix the cause (or chameleon.skip_transaction()), then chameleon.enable_replica() and start it again.';
    ELSIF v_row.enm_status = 'ready' OR NOT EXISTS (
            SELECT 1 FROM sch_chameleon.t_replica_batch WHERE i_id_source = v_row.i_id_source) THEN
        RAISE EXCEPTION 'source "%" has not been initialised', source
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Copy it first with chameleon.init_replica().';
    END IF;
    UPDATE sch_chameleon.t_sources SET enm_status = 'running' WHERE i_id_source = v_row.i_id_source;
    PERFORM chameleon._wake_launcher();
END
$body$;
COMMENT ON FUNCTION chameleon.start_replica(text) IS
    'starts replicating a source: at commit the launcher starts its read and replay workers';

CREATE FUNCTION chameleon.stop_replica(source text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
BEGIN
    v_row := chameleon._source_row(source);
    IF v_row.enm_status = 'running' THEN
        UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE i_id_source = v_row.i_id_source;
    ELSE
        RAISE NOTICE 'source "%" is % (not running)', source, v_row.enm_status;
    END IF;
    IF NOT chameleon._stop_workers(v_row.i_id_source, 5000) THEN
        RAISE WARNING 'the workers of source "%" did not exit within 5 s; they stop on their own', source;
    END IF;
    PERFORM chameleon._wake_launcher();
END
$body$;
COMMENT ON FUNCTION chameleon.stop_replica(text) IS
    'stops replicating a source: its workers exit (the call returns once they are gone), status stopped';

CREATE FUNCTION chameleon.wait_for_source(source text, timeout interval DEFAULT '5 min')
RETURNS boolean
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_wait_for_source';
COMMENT ON FUNCTION chameleon.wait_for_source(text, interval) IS
    'waits until every change MySQL had committed when the call started is replayed; false on timeout';

CREATE FUNCTION chameleon.skip_transaction(source text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
    v_err sch_chameleon.t_error_log;
    v_log_table text;
    v_rows bigint;
BEGIN
    v_row := chameleon._source_row(source);
    IF v_row.enm_status <> 'error' THEN
        RAISE EXCEPTION 'source "%" is % (not in error): there is no failed transaction to skip', source, v_row.enm_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO v_err FROM sch_chameleon.t_error_log
     WHERE i_id_source = v_row.i_id_source AND t_source_tx IS NOT NULL
     ORDER BY i_id_log DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'source "%" has no failed source transaction recorded', source
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'sch_chameleon.v_errors shows its errors; chameleon.enable_replica() resets it.';
    END IF;
    SELECT bat.v_log_table INTO v_log_table FROM sch_chameleon.t_replica_batch bat
     WHERE bat.i_id_batch = v_err.i_id_batch AND NOT bat.b_replayed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the batch % of source "%" that failed is no longer pending', v_err.i_id_batch, source
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'chameleon.enable_replica() resets the source.';
    END IF;
    EXECUTE pg_catalog.format('DELETE FROM sch_chameleon.%I WHERE i_id_batch = $1 AND t_source_tx = $2', v_log_table)
        USING v_err.i_id_batch, v_err.t_source_tx;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    INSERT INTO sch_chameleon.t_skipped_transactions
        (i_id_source, i_id_batch, t_source_tx, t_binlog_name, i_binlog_position, i_rows, t_error_message)
    VALUES (v_row.i_id_source, v_err.i_id_batch, v_err.t_source_tx, v_err.t_binlog_name, v_err.i_binlog_position,
            v_rows, v_err.t_error_message);
    UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE i_id_source = v_row.i_id_source;
    RETURN pg_catalog.format('skipped source transaction %s of source "%s": %s row changes of batch %s; start it again with chameleon.start_replica()',
                             v_err.t_source_tx, source, v_rows, v_err.i_id_batch);
END
$body$;
COMMENT ON FUNCTION chameleon.skip_transaction(text) IS
    'on a source in error: removes the failed source transaction (only it) from the log, records it in t_skipped_transactions, status stopped';

-- pg_chameleon's show_status, as a view, with the workers. Times of the read and replay
-- positions are kept in UTC (t_last_received / t_last_replayed hold timestamps without time zone).
CREATE VIEW sch_chameleon.v_status AS
SELECT src.i_id_source AS id,
       src.t_source AS name,
       src.enm_source_type AS type,
       src.enm_status AS status,
       src.b_consistent AS consistent,
       pg_catalog.now() OPERATOR(pg_catalog.-) (rec.ts_last_received AT TIME ZONE 'UTC') AS read_lag,
       rec.ts_last_received AT TIME ZONE 'UTC' AS last_read,
       pg_catalog.now() OPERATOR(pg_catalog.-) (rep.ts_last_replayed AT TIME ZONE 'UTC') AS replay_lag,
       rep.ts_last_replayed AT TIME ZONE 'UTC' AS last_replay,
       (SELECT pg_catalog.count(*) FROM sch_chameleon.t_replica_batch bat
         WHERE bat.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND bat.b_processed AND NOT bat.b_replayed) AS pending_batches,
       (SELECT coalesce(pg_catalog.sum(bat.i_rows), 0)::bigint FROM sch_chameleon.t_replica_batch bat
         WHERE bat.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND bat.b_processed AND NOT bat.b_replayed) AS pending_rows,
       (SELECT pg_catalog.count(*) FROM sch_chameleon.t_replica_tables tab
         WHERE tab.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND NOT tab.b_replica_enabled) AS tables_disabled,
       wrk.read_pid::integer AS read_pid,
       coalesce(wrk.read_state, 'stopped') AS read_state,
       wrk.replay_pid::integer AS replay_pid,
       coalesce(wrk.replay_state, 'stopped') AS replay_state,
       -- A worker's error while it retries; else the last error recorded, while the source is in
       -- error or a table is disabled by it.
       coalesce(wrk.last_error,
                (SELECT err.t_error_message FROM sch_chameleon.t_error_log err
                  WHERE err.i_id_source OPERATOR(pg_catalog.=) src.i_id_source
                    AND (src.enm_status OPERATOR(pg_catalog.=) 'error' OR EXISTS (
                         SELECT 1 FROM sch_chameleon.t_replica_tables tab
                          WHERE tab.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND NOT tab.b_replica_enabled))
                  ORDER BY err.i_id_log DESC LIMIT 1)) AS last_error
  FROM sch_chameleon.t_sources src
  LEFT JOIN sch_chameleon.t_last_received rec ON rec.i_id_source OPERATOR(pg_catalog.=) src.i_id_source
  LEFT JOIN sch_chameleon.t_last_replayed rep ON rep.i_id_source OPERATOR(pg_catalog.=) src.i_id_source
  LEFT JOIN chameleon._replica_workers() wrk ON wrk.source_id::bigint OPERATOR(pg_catalog.=) src.i_id_source;

-- pg_chameleon's show_errors.
CREATE VIEW sch_chameleon.v_errors AS
SELECT err.i_id_log AS id,
       src.t_source AS source,
       err.i_id_batch AS batch_id,
       err.v_schema_name AS schema_name,
       err.v_table_name AS table_name,
       err.t_table_pkey AS key,
       err.t_binlog_name AS binlog_name,
       err.i_binlog_position AS binlog_position,
       err.t_gtid AS gtid,
       err.t_source_tx AS source_transaction,
       err.ts_error AS error_time,
       err.t_sqlstate AS sql_state,
       err.t_error_message AS message,
       err.t_row AS row,
       err.t_sql AS sql
  FROM sch_chameleon.t_error_log err
  LEFT JOIN sch_chameleon.t_sources src ON src.i_id_source OPERATOR(pg_catalog.=) err.i_id_source;

-- One row per replicated table, with what replay did to it.
CREATE VIEW sch_chameleon.v_tables AS
SELECT src.t_source AS source,
       tab.v_schema_name::text AS schema_name,
       tab.v_table_name::text AS table_name,
       tab.b_replica_enabled AS enabled,
       tab.t_binlog_name IS NULL AS consistent,
       tab.i_inserts AS inserts,
       tab.i_updates AS updates,
       tab.i_deletes AS deletes,
       tab.i_truncates AS truncates,
       tab.i_errors AS errors,
       tab.ts_last_applied AS last_applied
  FROM sch_chameleon.t_replica_tables tab
  JOIN sch_chameleon.t_sources src ON src.i_id_source OPERATOR(pg_catalog.=) tab.i_id_source;

-- Row changes read and not replayed yet, readable (jsonb by column name).
CREATE VIEW sch_chameleon.v_pending_changes AS
SELECT src.t_source AS source,
       bat.i_id_batch AS batch_id,
       log.i_id_event AS event_id,
       log.v_schema_name::text AS schema_name,
       log.v_table_name::text AS table_name,
       log.enm_binlog_event::text AS action,
       log.t_binlog_name AS binlog_name,
       log.i_binlog_position AS binlog_position,
       log.t_source_tx AS source_transaction,
       CASE WHEN log.t_row_after IS NOT NULL AND tab.v_columns IS NOT NULL
            THEN pg_catalog.jsonb_object(tab.v_columns, log.t_row_after) ELSE log.jsb_event_after END AS row_after,
       CASE WHEN log.t_row_before IS NOT NULL AND tab.v_columns IS NOT NULL
            THEN pg_catalog.jsonb_object(tab.v_columns, log.t_row_before) ELSE log.jsb_event_before END AS row_before,
       log.t_query AS query
  FROM sch_chameleon.t_log_replica log
  JOIN sch_chameleon.t_replica_batch bat ON bat.i_id_batch OPERATOR(pg_catalog.=) log.i_id_batch
  JOIN sch_chameleon.t_sources src ON src.i_id_source OPERATOR(pg_catalog.=) bat.i_id_source
  LEFT JOIN sch_chameleon.t_replica_tables tab
         ON tab.i_id_source OPERATOR(pg_catalog.=) bat.i_id_source
        AND tab.v_schema_name OPERATOR(pg_catalog.=) log.v_schema_name
        AND tab.v_table_name OPERATOR(pg_catalog.=) log.v_table_name
 WHERE NOT bat.b_replayed;

-- pg_chameleon's run_maintenance, with the pause protocol: both workers stop at a transaction
-- boundary and acknowledge, then every log table that holds no row of a batch not replayed yet is
-- emptied with TRUNCATE (which gives its space back at once; VACUUM cannot run inside a function),
-- and replication resumes. CALL it outside a transaction block.
CREATE PROCEDURE chameleon.run_maintenance(source text, timeout interval DEFAULT '60 s')
LANGUAGE plpgsql
AS $body$
DECLARE
    v_row sch_chameleon.t_sources;
    v_started timestamptz := pg_catalog.clock_timestamp();
    v_acked boolean;
    v_table text;
    v_pending bigint;
BEGIN
    -- A procedure that commits cannot carry a SET clause: the search path is set for each transaction.
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    v_row := chameleon._source_row(source);
    IF v_row.enm_status IN ('syncing', 'initialising') THEN
        RAISE EXCEPTION 'source "%" is %', source, v_row.enm_status
            USING ERRCODE = 'object_in_use', HINT = 'Run the maintenance once the copy is over.';
    END IF;
    UPDATE sch_chameleon.t_sources SET b_paused = true, b_maintenance = true WHERE i_id_source = v_row.i_id_source;
    COMMIT;
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF v_row.enm_status = 'running' THEN
        LOOP
            SELECT rec.b_paused AND rep.b_paused INTO v_acked
              FROM sch_chameleon.t_last_received rec
              JOIN sch_chameleon.t_last_replayed rep ON rep.i_id_source = rec.i_id_source
             WHERE rec.i_id_source = v_row.i_id_source;
            EXIT WHEN v_acked;
            IF pg_catalog.clock_timestamp() - v_started > timeout THEN
                UPDATE sch_chameleon.t_sources SET b_paused = false, b_maintenance = false
                 WHERE i_id_source = v_row.i_id_source;
                COMMIT;
                RAISE EXCEPTION 'the workers of source "%" did not pause within %', source, timeout
                    USING ERRCODE = 'lock_not_available',
                          HINT = 'sch_chameleon.v_status shows what they are doing; try again later.';
            END IF;
            PERFORM pg_catalog.pg_sleep(0.05);
        END LOOP;
    END IF;
    FOREACH v_table IN ARRAY coalesce(v_row.v_log_table, '{}') LOOP
        CONTINUE WHEN pg_catalog.to_regclass(pg_catalog.format('sch_chameleon.%I', v_table)) IS NULL;
        -- Locked first, counted after: no row can arrive between the count and the TRUNCATE.
        EXECUTE pg_catalog.format('LOCK TABLE sch_chameleon.%I IN ACCESS EXCLUSIVE MODE', v_table);
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.count(*) FROM sch_chameleon.%I log JOIN sch_chameleon.t_replica_batch bat '
            'ON bat.i_id_batch = log.i_id_batch WHERE NOT bat.b_replayed', v_table) INTO v_pending;
        IF v_pending = 0 THEN
            EXECUTE pg_catalog.format('TRUNCATE sch_chameleon.%I', v_table);
            RAISE NOTICE 'log table sch_chameleon.% emptied', v_table;
        ELSE
            RAISE NOTICE 'log table sch_chameleon.% kept: % rows not replayed yet', v_table, v_pending;
        END IF;
    END LOOP;
    UPDATE sch_chameleon.t_sources SET b_paused = false, b_maintenance = false,
           ts_last_maintenance = pg_catalog.clock_timestamp()
     WHERE i_id_source = v_row.i_id_source;
    COMMIT;
END
$body$;
COMMENT ON PROCEDURE chameleon.run_maintenance(text, interval) IS
    'pauses the source''s workers (b_paused protocol), empties its log tables of replayed rows, resumes';

-- What replicated DDL would run for a MySQL statement (issue 11's translator), without running it.
CREATE FUNCTION chameleon.translate_ddl(statement text, source text DEFAULT NULL, current_schema text DEFAULT NULL)
RETURNS text
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'chameleon_translate_ddl';
COMMENT ON FUNCTION chameleon.translate_ddl(text, text, text) IS
    'the PostgreSQL statements a MySQL DDL statement translates to (or why it is ignored or refused), for a source''s mappings and tables';

REVOKE ALL ON FUNCTION chameleon._replica_workers() FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.translate_ddl(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._wake_launcher() FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon._stop_workers(bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.start_replica(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.stop_replica(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.wait_for_source(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION chameleon.skip_transaction(text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE chameleon.run_maintenance(text, interval) FROM PUBLIC;
-- <<< replication
-- ---------------------------------------------------------------------------------------------
-- >>> copy safety (issue 9): add objects of that work below this line
-- A copy loads into _<destination>_tmp and keeps the previous destination as _<destination>_old until
-- the swap commits: a destination named like the working schema of another destination (of any
-- source, or of the same one) would be renamed or dropped by that copy. add_source and
-- update_schema_mappings refuse such mappings (chameleon._check_destinations, at the top).
-- <<< copy safety
-- ---------------------------------------------------------------------------------------------
-- >>> text values (issue 9): add objects of that work below this line
-- PostgreSQL text cannot hold a NUL byte. Under a source's nul_bytes: strip such bytes are left out,
-- in the initial copy and in replicated rows: the values stripped, per table (the copy sets the
-- count, replication adds to it).
ALTER TABLE sch_chameleon.t_replica_tables ADD COLUMN i_nul_stripped bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN sch_chameleon.t_replica_tables.i_nul_stripped IS
    'values stored without their NUL bytes (nul_bytes: strip): set by the copy, added to by replication';
-- <<< text values
-- >>> names (issue 9)
-- MySQL names PostgreSQL takes under another name (ddl::PgName): a column named like a system
-- column (xmin -> xmin_), a name longer than 63 bytes (cut, with a hash), or the source's `rename`
-- map. Written by each copy for the tables it plans; read by replication to find tables and columns.
CREATE TABLE sch_chameleon.t_renamed (
    i_id_source bigint NOT NULL,
    v_kind text NOT NULL,
    v_schema_mysql text NOT NULL,
    v_table_mysql text NOT NULL,
    v_column_mysql text NOT NULL DEFAULT '',
    v_name_pg text NOT NULL,
    v_why text NOT NULL,
    CONSTRAINT pk_t_renamed PRIMARY KEY (i_id_source, v_schema_mysql, v_table_mysql, v_column_mysql),
    CONSTRAINT ck_t_renamed_kind CHECK (v_kind IN ('table', 'column')),
    CONSTRAINT ck_t_renamed_why CHECK (v_why IN ('configured', 'system column', 'too long')),
    CONSTRAINT fk_t_renamed_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE
);
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_renamed', '');

CREATE VIEW sch_chameleon.v_renamed AS
SELECT s.t_source AS source,
       r.v_kind AS kind,
       r.v_schema_mysql AS mysql_schema,
       r.v_table_mysql AS mysql_table,
       NULLIF(r.v_column_mysql, '') AS mysql_column,
       r.v_name_pg AS pg_name,
       r.v_why AS why
  FROM sch_chameleon.t_renamed r
  JOIN sch_chameleon.t_sources s USING (i_id_source);
COMMENT ON VIEW sch_chameleon.v_renamed IS
    'MySQL tables and columns that PostgreSQL takes under another name, and why';
-- <<< names
-- >>> DDL replication (issue 11)
-- The schema registry: chameleon's own record of the MySQL definition of every replicated table
-- (ddl::MysqlTable as JSON), one row per version. A version holds from its binlog coordinates on.
-- The copy records the definition it copied (i_id_batch NULL, at the table's copy point); the read
-- worker records the definition a DDL statement leaves, in the transaction of the batch holding the
-- statement (i_id_batch), so a restart anywhere in the stream reads the version current there and
-- the replay worker translates each statement against the versions older than its batch.
-- b_replicated false: from there on the table is not replicated (dropped, renamed out of the mapped
-- schemas, or stopped by a statement that could not be replicated: t_reason).
CREATE TABLE sch_chameleon.t_schema_registry (
    i_id_version bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    i_id_batch bigint,
    v_schema_name text NOT NULL,
    v_table_name text NOT NULL,
    t_binlog_name text,
    i_binlog_position bigint,
    b_replicated boolean NOT NULL DEFAULT true,
    t_reason text,
    j_definition jsonb,
    ts_recorded timestamp with time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    CONSTRAINT pk_t_schema_registry PRIMARY KEY (i_id_version),
    CONSTRAINT fk_t_schema_registry_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE
);
CREATE INDEX idx_t_schema_registry_table
    ON sch_chameleon.t_schema_registry (i_id_source, v_schema_name, v_table_name, i_id_version);
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_schema_registry', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_schema_registry_i_id_version_seq', '');
COMMENT ON TABLE sch_chameleon.t_schema_registry IS
    'the MySQL definitions of the replicated tables, one row per version, by binlog coordinates';

CREATE VIEW sch_chameleon.v_schema_registry AS
SELECT src.t_source AS source,
       reg.v_schema_name AS schema_name,
       reg.v_table_name AS table_name,
       reg.i_id_version AS version,
       reg.i_id_batch AS batch_id,
       reg.t_binlog_name AS binlog_name,
       reg.i_binlog_position AS binlog_position,
       reg.b_replicated AS replicated,
       reg.t_reason AS reason,
       (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', col.value OPERATOR(pg_catalog.->) 'name',
                                                                  'type', col.value OPERATOR(pg_catalog.->) 'column_type')
                                    ORDER BY col.ordinality)
          FROM pg_catalog.jsonb_array_elements(reg.j_definition OPERATOR(pg_catalog.->) 'columns')
               WITH ORDINALITY AS col) AS columns,
       reg.ts_recorded AS recorded_at
  FROM sch_chameleon.t_schema_registry reg
  JOIN sch_chameleon.t_sources src ON src.i_id_source OPERATOR(pg_catalog.=) reg.i_id_source;
COMMENT ON VIEW sch_chameleon.v_schema_registry IS
    'every version of the MySQL definition of each replicated table, with the coordinates it holds from';
-- <<< DDL replication
