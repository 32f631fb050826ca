--
-- The maintenance line: ALTER EXTENSION chameleon UPDATE (2.0 -> 2.1) and the 2.1 -> 2.0 downgrade refuse
-- while a source is running or in error, naming them; stop_all_replicas() and enable_replica() make
-- way. A downgrade to 2.0 and back keeps every catalogue row, and gives back exactly version 2.0.
--
SET client_min_messages = notice;
SET check_function_bodies = off;
SET search_path = public;
SET timezone = 'UTC';
\set SHOW_CONTEXT never
SELECT current_setting('data_directory') AS pgdata \gset
\setenv PGDATA_DIR :pgdata
\! mkdir -p -m 700 "$PGDATA_DIR/chameleon"

CREATE FUNCTION pg_temp.try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_message text; v_detail text; v_hint text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                            v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    RETURN v_state || ': ' || v_message
           || coalesce(E'\nDETAIL: ' || nullif(v_detail, ''), '')
           || coalesce(E'\nHINT: ' || nullif(v_hint, ''), '');
END
$$;
CREATE FUNCTION pg_temp.write_config(name text, content text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT unnest(string_to_array(%L, E''\n''))) TO %L',
                   content, current_setting('data_directory') || '/chameleon/' || name || '.yml');
END
$$;
-- Every row of the catalogue (log tables included) and the sequence positions.
CREATE FUNCTION pg_temp.catalogue_rows()
RETURNS TABLE (table_name text, row_data jsonb) LANGUAGE plpgsql AS $$
DECLARE
    v_rel record;
BEGIN
    FOR v_rel IN
        SELECT c.relname, c.relkind FROM pg_class AS c
        WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND c.relkind IN ('r', 'S')
        ORDER BY c.relname
    LOOP
        IF v_rel.relkind = 'r' THEN
            RETURN QUERY EXECUTE format('SELECT %L::text, to_jsonb(t) FROM ONLY sch_chameleon.%I AS t', v_rel.relname, v_rel.relname);
        ELSE
            RETURN QUERY EXECUTE format('SELECT %L::text, jsonb_build_object(''last_value'', last_value, ''is_called'', is_called) FROM sch_chameleon.%I',
                                        v_rel.relname, v_rel.relname);
        END IF;
    END LOOP;
END
$$;
CREATE FUNCTION pg_temp.member(p_relation oid) RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM pg_depend AS d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = p_relation AND d.deptype = 'e')
$$;
-- A row of a catalogue table cut to the columns the table has now (a downgrade drops 2.1's columns).
CREATE FUNCTION pg_temp.current_columns(p_table text, p_row jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}')
    FROM jsonb_each(p_row) AS f
    WHERE to_regclass('sch_chameleon.' || quote_ident(p_table)) IS NULL
       OR EXISTS (SELECT 1 FROM pg_attribute AS a
                  WHERE a.attrelid = to_regclass('sch_chameleon.' || quote_ident(p_table))
                    AND a.attname = f.key AND NOT a.attisdropped)
$$;
-- The extension's shape (log tables of sources aside): members, columns, constraints, indexes, routines, privileges, pg_dump list.
CREATE TEMPORARY TABLE shape (build text, item text);
CREATE FUNCTION pg_temp.shape(p_build text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO shape
    SELECT p_build, 'member ' || pg_describe_object(d.classid, d.objid, d.objsubid)
    FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'chameleon'
    UNION ALL
    SELECT p_build, format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                           pg_get_expr(ad.adbin, ad.adrelid))
    FROM pg_class AS c
    JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND c.relkind IN ('r', 'v') AND pg_temp.member(c.oid)
    UNION ALL
    SELECT p_build, format('constraint %s %s', con.conname, pg_get_constraintdef(con.oid))
    FROM pg_constraint AS con WHERE con.connamespace = 'sch_chameleon'::regnamespace AND pg_temp.member(con.conrelid)
    UNION ALL
    SELECT p_build, 'index ' || pg_get_indexdef(x.indexrelid)
    FROM pg_index AS x JOIN pg_class AS c ON c.oid = x.indrelid
    WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND pg_temp.member(c.oid)
    UNION ALL
    SELECT p_build, format('routine %s %s config=%s public=%s source=%s', p.oid::regprocedure, pg_get_function_result(p.oid),
                           p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE'), md5(p.prosrc))
    FROM pg_proc AS p WHERE p.pronamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
    UNION ALL
    -- (privileges as they act: a REVOKE leaves an explicit owner-only ACL where a new schema has none)
    SELECT p_build, format('schema %s public usage=%s', nspname, has_schema_privilege('public', oid, 'USAGE'))
    FROM pg_namespace WHERE nspname IN ('sch_chameleon', 'chameleon')
    UNION ALL
    SELECT p_build, 'pg_dump ' || cfg::regclass::text
    FROM pg_extension AS e, unnest(e.extconfig) AS cfg WHERE e.extname = 'chameleon'
$$;
CREATE FUNCTION pg_temp.shape_differences(p_a text, p_b text) RETURNS TABLE (only_in text, item text) LANGUAGE sql AS $$
    (SELECT p_a, item FROM shape WHERE build = p_a EXCEPT SELECT p_a, item FROM shape WHERE build = p_b)
    UNION ALL
    (SELECT p_b, item FROM shape WHERE build = p_b EXCEPT SELECT p_b, item FROM shape WHERE build = p_a)
    ORDER BY 1, 2
$$;

SET client_min_messages = warning;
CREATE EXTENSION chameleon VERSION '2.0';
SELECT pg_temp.shape('new 2.0');
DROP EXTENSION chameleon;
SET client_min_messages = notice;

----------------------------------------------------------------------------------------------------
-- A populated 2.1 catalogue with a running source and a source in error
----------------------------------------------------------------------------------------------------
CREATE EXTENSION chameleon;
SELECT chameleon.version();
SELECT pg_temp.write_config('maintenance', $$
sources:
  src_run:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_run: run_pg
  src_err:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_err: err_pg
  src_idle:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_idle: idle_pg
$$);
\! chmod 0600 "$PGDATA_DIR/chameleon/maintenance.yml"
SELECT chameleon.add_source('src_run', 'maintenance'), chameleon.add_source('src_err', 'maintenance'),
       chameleon.add_source('src_idle', 'maintenance');
UPDATE sch_chameleon.t_sources SET enm_status = 'running' WHERE t_source = 'src_run';
UPDATE sch_chameleon.t_sources SET enm_status = 'error', b_maintenance = true WHERE t_source = 'src_err';
UPDATE sch_chameleon.t_sources SET enm_status = 'initialised' WHERE t_source = 'src_idle';
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, i_binlog_position)
VALUES (1, 'a', 'run_pg', '{id}', 'mysql-bin.000002', 10), (2, 'b', 'err_pg', '{k1,k2}', NULL, NULL);
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table, b_started, b_processed, ts_created)
VALUES (1, 'mysql-bin.000001', 4, 't_log_replica_src_run_1', true, true, '2024-05-01 10:00:00'),
       (1, 'mysql-bin.000001', 400, 't_log_replica_src_run_2', true, false, '2024-05-01 10:01:00');
INSERT INTO sch_chameleon.t_log_replica_src_run_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_after, jsb_event_before, i_my_event_time)
VALUES (1, 'a', 'run_pg', 'insert', '{"id": 1}', '{}', 1714557600), (1, 'a', 'run_pg', 'delete', '{"id": 1}', '{}', 1714557601);
INSERT INTO sch_chameleon.t_batch_events VALUES (1, '{1,2}');
INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, t_binlog_name,
                                       i_binlog_position, ts_error, t_sql, t_error_message)
VALUES (1, 2, 'b', 'err_pg', 'k1=''1''', 'mysql-bin.000009', 77, '2024-05-01 10:02:00', '''UPDATE ...''', '23505 - duplicate');
UPDATE sch_chameleon.t_last_received SET ts_last_received = '2024-05-01 10:01:00' WHERE i_id_source = 1;
CREATE SCHEMA run_pg;
CREATE TABLE run_pg.a (id integer PRIMARY KEY);

----------------------------------------------------------------------------------------------------
-- Refused while a source runs or is in error; stop_all_replicas() and enable_replica() make way
----------------------------------------------------------------------------------------------------
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT chameleon.stop_all_replicas() AS stopped;
SELECT t_source, enm_status FROM sch_chameleon.t_sources ORDER BY i_id_source;
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
-- enable_replica resets a source in error (and its maintenance flag); it refuses an active one.
SELECT pg_temp.try($$SELECT chameleon.enable_replica('nosuch')$$);
UPDATE sch_chameleon.t_sources SET enm_status = 'syncing' WHERE t_source = 'src_idle';
SELECT pg_temp.try($$SELECT chameleon.enable_replica('src_idle')$$);
UPDATE sch_chameleon.t_sources SET enm_status = 'initialised' WHERE t_source = 'src_idle';
SELECT chameleon.enable_replica('src_idle');
SELECT chameleon.enable_replica('src_err');
SELECT t_source, enm_status, b_maintenance FROM sch_chameleon.t_sources ORDER BY i_id_source;
-- A second stop_all_replicas() has nothing to do.
SELECT chameleon.stop_all_replicas() AS stopped;
-- Not for PUBLIC.
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc AS p
WHERE p.pronamespace = 'chameleon'::regnamespace AND p.proname IN ('stop_all_replicas', 'enable_replica', '_check_sources_stopped')
ORDER BY 1;

----------------------------------------------------------------------------------------------------
-- 2.1 -> 2.0: rows kept, exactly version 2.0
----------------------------------------------------------------------------------------------------
CREATE TEMPORARY TABLE rows_21 AS SELECT * FROM pg_temp.catalogue_rows();
SELECT count(*) AS catalogue_rows FROM rows_21;
ALTER EXTENSION chameleon UPDATE TO '2.0';
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
-- Every row kept, in the columns of 2.0 (2.1's own columns, t_config_name among them, are gone):
-- no difference either way. Tables only 2.1 has (t_skipped_transactions, empty here) go with it.
SELECT 'gone' AS change, * FROM (SELECT table_name, pg_temp.current_columns(table_name, row_data) FROM rows_21
                                 WHERE pg_catalog.to_regclass('sch_chameleon.' || table_name) IS NOT NULL
                                 EXCEPT SELECT * FROM pg_temp.catalogue_rows()) AS d
UNION ALL
SELECT 'new', * FROM (SELECT * FROM pg_temp.catalogue_rows()
                      EXCEPT SELECT table_name, pg_temp.current_columns(table_name, row_data) FROM rows_21) AS d;
SELECT count(*) > 0 AS has_config_name FROM pg_attribute
WHERE attrelid = 'sch_chameleon.t_sources'::regclass AND attname = 't_config_name' AND NOT attisdropped;
-- Exactly what a new 2.0 install is.
SELECT pg_temp.shape('downgraded 2.0');
SELECT * FROM pg_temp.shape_differences('new 2.0', 'downgraded 2.0');

-- Updating again is refused while a source runs, and goes once it is stopped.
UPDATE sch_chameleon.t_sources SET enm_status = 'running' WHERE t_source = 'src_err';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE$$);
UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE t_source = 'src_err';
ALTER EXTENSION chameleon UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
SELECT chameleon.version();
SELECT name, status, config, schema_mappings FROM sch_chameleon.v_sources ORDER BY id;
-- 2.1 again: every row as before the downgrade; only the configuration names are back to 'default'.
SELECT 'gone' AS change, * FROM (SELECT * FROM rows_21 EXCEPT SELECT * FROM pg_temp.catalogue_rows()) AS d
UNION ALL
SELECT 'new', * FROM (SELECT * FROM pg_temp.catalogue_rows() EXCEPT SELECT * FROM rows_21) AS d
ORDER BY 2, 3, 1;
-- The round trip left a working catalogue: the queued batch replays.
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, false);
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, false);
SELECT i_id_batch, b_replayed, i_replayed, i_skipped FROM sch_chameleon.t_replica_batch ORDER BY 1;
SELECT * FROM run_pg.a;

----------------------------------------------------------------------------------------------------
-- The downgrade removes whatever 2.1 added, and refuses what it cannot undo
----------------------------------------------------------------------------------------------------
-- A member 2.0 has not goes, whatever it is.
CREATE FUNCTION chameleon.extra_function() RETURNS integer LANGUAGE sql AS 'SELECT 1';
ALTER EXTENSION chameleon ADD FUNCTION chameleon.extra_function();
ALTER EXTENSION chameleon UPDATE TO '2.0';
SELECT to_regprocedure('chameleon.extra_function()') AS extra_function;
ALTER EXTENSION chameleon UPDATE;
-- A changed 2.0 object (here an enum label) cannot be undone: refused, with what is left.
ALTER TYPE sch_chameleon.en_src_status ADD VALUE 'paused';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';

SET client_min_messages = warning;
DROP EXTENSION chameleon CASCADE;
DROP SCHEMA run_pg CASCADE;
