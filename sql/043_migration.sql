--
-- The 1.7 -> 2.0 migration: ALTER EXTENSION chameleon UPDATE with the configuration named by
-- chameleon.upgrade_config, and CALL chameleon.upgrade_replica_schema(config, dry_run). Leftover
-- batches are replayed with the 1.7 function, tables carry their start coordinates, the first 2.0
-- batch is at the lowest and the consistent point at the highest. Failures leave the 1.7 catalogue
-- as it was; the procedure keeps a failed 2.0 catalogue in _sch_chameleon_version2.
--
SET client_min_messages = notice;
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
    RETURN replace(v_state || ': ' || v_message
                   || coalesce(E'\nDETAIL: ' || nullif(v_detail, ''), '')
                   || coalesce(E'\nHINT: ' || nullif(v_hint, ''), ''),
                   current_setting('data_directory'), '$PGDATA');
END
$$;
CREATE FUNCTION pg_temp.write_config(name text, content text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT unnest(string_to_array(%L, E''\n''))) TO %L',
                   content, current_setting('data_directory') || '/chameleon/' || name || '.yml');
END
$$;

-- Everything the migration could touch: extension version and members, every relation of the
-- catalogue schemas with its columns, every row of them and of the replicated schemas, sequences.
CREATE FUNCTION pg_temp.state()
RETURNS TABLE (item text, content text) LANGUAGE plpgsql AS $$
DECLARE
    v_rel record;
BEGIN
    RETURN QUERY SELECT 'extension'::text, extversion FROM pg_extension WHERE extname = 'chameleon';
    RETURN QUERY
        SELECT 'member'::text, pg_describe_object(d.classid, d.objid, d.objsubid)
        FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'chameleon';
    RETURN QUERY
        SELECT 'schema'::text, nspname::text FROM pg_namespace WHERE nspname LIKE '%chameleon%' OR nspname LIKE '%\_pg';
    FOR v_rel IN
        SELECT c.oid, n.nspname, c.relname, c.relkind
        FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE (n.nspname IN ('sch_chameleon', 'shop_pg', 'hr_pg')) AND c.relkind IN ('r', 'S', 'v')
        ORDER BY 2, 3
    LOOP
        RETURN QUERY
            SELECT 'relation ' || v_rel.nspname || '.' || v_rel.relname,
                   string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
            FROM pg_attribute AS a WHERE a.attrelid = v_rel.oid AND a.attnum > 0 AND NOT a.attisdropped;
        IF v_rel.relkind = 'r' THEN
            RETURN QUERY EXECUTE format('SELECT %L, to_jsonb(t)::text FROM ONLY %I.%I AS t',
                                        'row ' || v_rel.nspname || '.' || v_rel.relname, v_rel.nspname, v_rel.relname);
        ELSIF v_rel.relkind = 'S' THEN
            RETURN QUERY EXECUTE format('SELECT %L, last_value || '' '' || is_called FROM %I.%I',
                                        'sequence ' || v_rel.relname, v_rel.nspname, v_rel.relname);
        ELSE
            RETURN QUERY EXECUTE format('SELECT %L, to_jsonb(t)::text FROM %I.%I AS t',
                                        'view ' || v_rel.relname, v_rel.nspname, v_rel.relname);
        END IF;
    END LOOP;
END
$$;
CREATE TEMPORARY TABLE state_before (item text, content text);
CREATE FUNCTION pg_temp.state_changes() RETURNS TABLE (change text, item text, content text) LANGUAGE sql AS $$
    (SELECT 'gone', * FROM state_before EXCEPT SELECT 'gone', * FROM pg_temp.state())
    UNION ALL
    (SELECT 'new', * FROM pg_temp.state() EXCEPT SELECT 'new', * FROM state_before)
    ORDER BY 2, 3, 1
$$;

-- The 2.x configuration: one MySQL source taking over both 1.x sources (one per MySQL schema).
SELECT pg_temp.write_config('upgrade', $$
sources:
  mysql:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl, password: secret}
    schema_mappings:
      shop: shop_pg
      hr: hr_pg
$$);
SELECT pg_temp.write_config('wrong_mappings', $$
sources:
  mysql:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      shop: shop_pg
      hr: hr_new
      extra: extra_pg
$$);
-- More configurations of the same source "mysql", each with its own schema_mappings (and list of
-- 1.x sources left behind).
CREATE FUNCTION pg_temp.write_mysql_config(name text, schema_mappings text, leave_sources text DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    SELECT pg_temp.write_config(name, format(E'sources:\n  mysql:\n    type: mysql\n'
                                             '    db_conn: {host: 127.0.0.1, user: repl}\n'
                                             '    schema_mappings: %s\n%s',
                                             schema_mappings,
                                             coalesce('    upgrade_leave_sources: ' || leave_sources || E'\n', '')))
$$;
-- Every pair of the 1.x sources, and one more that matches no 1.x source.
SELECT pg_temp.write_mysql_config('extra_mapping', '{shop: shop_pg, hr: hr_pg, extra: extra_pg}');
-- No pair of a 1.x source.
SELECT pg_temp.write_mysql_config('partial', '{sales: sales_pg}');
-- hr left behind on purpose; and the lists upgrade_leave_sources refuses.
SELECT pg_temp.write_mysql_config('leave_hr', '{shop: shop_pg}', '[hr]');
SELECT pg_temp.write_mysql_config('leave_unknown', '{shop: shop_pg}', '[hr, payroll]');
SELECT pg_temp.write_mysql_config('leave_mapped', '{shop: shop_pg, hr: hr_pg}', '[hr]');
\! chmod 0600 "$PGDATA_DIR"/chameleon/*.yml

-- A 1.7 catalogue as pg_chameleon 1.8.2 leaves it: sources shop (MySQL schema shop) and hr.
--   shop: batch 1 replayed; batch 2 processed, not replayed, its events queued; batch 3 being read.
--   hr:   batch 4 processed with its queue; batch 5 being read; table payroll not consistent yet.
CREATE FUNCTION pg_temp.fixture() RETURNS void LANGUAGE plpgsql AS $fixture$
BEGIN
    CREATE SCHEMA shop_pg;
    CREATE TABLE shop_pg.items (id integer PRIMARY KEY, name text NOT NULL, qty integer);
    CREATE TABLE shop_pg.orders (order_id integer PRIMARY KEY, item_id integer, note text);
    INSERT INTO shop_pg.items VALUES (1, 'apple', 10), (2, 'pear', 5);
    CREATE SCHEMA hr_pg;
    CREATE TABLE hr_pg.staff (id integer PRIMARY KEY, name text);
    CREATE TABLE hr_pg.payroll (staff_id integer, month integer, amount numeric, PRIMARY KEY (staff_id, month));
    INSERT INTO hr_pg.staff VALUES (1, 'ada');

    INSERT INTO sch_chameleon.t_sources (t_source, t_source_schema, t_dest_schema, enm_status, ts_last_received, v_log_table)
    VALUES ('shop', 'shop', 'shop_pg', 'stopped', '2024-03-01 10:00:00', ARRAY['t_log_replica_1_src_1', 't_log_replica_2_src_1']),
           ('hr', 'hr', 'hr_pg', 'running', '2024-03-01 10:00:00', ARRAY['t_log_replica_2_src_2', 't_log_replica_1_src_2']);
    PERFORM sch_chameleon.fn_refresh_parts();
    INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, i_binlog_position)
    VALUES (1, 'items', 'shop_pg', ARRAY['"id"'], NULL, NULL),
           (1, 'orders', 'shop_pg', ARRAY['"order_id"'], NULL, NULL),
           (2, 'staff', 'hr_pg', ARRAY['"id"'], NULL, NULL),
           (2, 'payroll', 'hr_pg', ARRAY['"staff_id","month"'], 'mysql-bin.000012', 900);
    INSERT INTO sch_chameleon.t_replica_batch
        (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, b_replayed, ts_created, ts_processed,
         ts_replayed, i_replayed, i_skipped, i_ddl)
    VALUES (1, 'mysql-bin.000010', 4, true, true, true, '2024-03-01 09:00:00', '2024-03-01 09:00:05', '2024-03-01 09:00:06', 3, 0, 0),
           (1, 'mysql-bin.000010', 1000, true, true, false, '2024-03-01 09:10:00', '2024-03-01 09:10:05', NULL, NULL, NULL, NULL),
           (1, 'mysql-bin.000011', 120, true, false, false, '2024-03-01 09:20:00', NULL, NULL, NULL, NULL, NULL),
           (2, 'mysql-bin.000012', 4, true, true, false, '2024-03-01 09:15:00', '2024-03-01 09:15:05', NULL, NULL, NULL, NULL),
           (2, 'mysql-bin.000012', 300, true, false, false, '2024-03-01 09:25:00', NULL, NULL, NULL, NULL, NULL);
    INSERT INTO sch_chameleon.t_log_replica_1_src_1
        (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
         ts_event_datetime, jsb_event_data, jsb_event_update, t_query, i_my_event_time)
    VALUES
        (1, 2, 'items', 'shop_pg', 'insert', 'mysql-bin.000010', 1100, '2024-03-01 09:10:01', '{"id": 3, "name": "plum", "qty": 7}', '{}', NULL, 1709284201),
        (2, 2, 'items', 'shop_pg', 'update', 'mysql-bin.000010', 1200, '2024-03-01 09:10:02', '{"id": 1, "name": "apple", "qty": 9}', '{"id": 1, "name": "apple", "qty": 10}', NULL, 1709284202),
        (3, 2, 'items', 'shop_pg', 'delete', 'mysql-bin.000010', 1300, '2024-03-01 09:10:03', '{"id": 2, "name": "pear", "qty": 5}', '{}', NULL, 1709284203),
        (4, 2, 'orders', 'shop_pg', 'ddl', 'mysql-bin.000010', 1400, '2024-03-01 09:10:04', NULL, NULL, ' SET search_path="shop_pg";ALTER TABLE "orders" ADD COLUMN "qty" integer;', NULL),
        (5, 2, 'orders', 'shop_pg', 'insert', 'mysql-bin.000010', 1500, '2024-03-01 09:10:05', '{"order_id": 1, "item_id": 3, "note": "it''s", "qty": 2}', '{}', NULL, 1709284205),
        (6, 3, 'items', 'shop_pg', 'insert', 'mysql-bin.000011', 200, '2024-03-01 09:20:01', '{"id": 4, "name": "fig", "qty": 1}', '{}', NULL, 1709284801);
    INSERT INTO sch_chameleon.t_log_replica_2_src_2
        (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
         ts_event_datetime, jsb_event_data, jsb_event_update, t_query, i_my_event_time)
    VALUES
        (7, 4, 'staff', 'hr_pg', 'insert', 'mysql-bin.000012', 100, '2024-03-01 09:15:01', '{"id": 2, "name": "grace"}', '{}', NULL, 1709284501),
        (8, 4, 'payroll', 'hr_pg', 'insert', 'mysql-bin.000012', 200, '2024-03-01 09:15:02', '{"staff_id": 2, "month": 1, "amount": "10.50"}', '{}', NULL, 1709284502),
        (9, 5, 'staff', 'hr_pg', 'update', 'mysql-bin.000012', 400, '2024-03-01 09:25:01', '{"id": 1, "name": "ada l."}', '{"id": 1, "name": "ada"}', NULL, 1709285101);
    PERFORM setval('sch_chameleon.t_log_replica_i_id_event_seq', 9);
    INSERT INTO sch_chameleon.t_batch_events (i_id_batch, i_id_event) VALUES (2, '{1,2,3,4,5}'), (4, '{7,8}');
END
$fixture$;

CREATE EXTENSION chameleon VERSION '1.7';
SELECT pg_temp.fixture();
INSERT INTO state_before SELECT * FROM pg_temp.state();
SELECT count(*) AS state_items FROM state_before;

----------------------------------------------------------------------------------------------------
-- Each check aborts with its message, and leaves everything as it was
----------------------------------------------------------------------------------------------------
-- Schema mappings that do not match t_sources (hr goes elsewhere, extra is no 1.x source): the 1.x
-- source whose pair differs is named.
SET chameleon.upgrade_config = 'wrong_mappings';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT * FROM pg_temp.state_changes();

-- A 1.x source left out of schema_mappings is not silently left behind: every such source is named.
SET chameleon.upgrade_config = 'partial';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT * FROM pg_temp.state_changes();

-- Every 1.x source is taken over, and a pair matches no 1.x source.
SET chameleon.upgrade_config = 'extra_mapping';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT * FROM pg_temp.state_changes();

-- upgrade_leave_sources names only 1.x sources, and none that schema_mappings takes over.
SET chameleon.upgrade_config = 'leave_unknown';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SET chameleon.upgrade_config = 'leave_mapped';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT * FROM pg_temp.state_changes();

-- A catalogue that is not at version 1.7.
SET chameleon.upgrade_config = 'upgrade';
ALTER VIEW sch_chameleon.v_version RENAME TO v_version_real;
CREATE VIEW sch_chameleon.v_version AS SELECT '1.6'::text AS t_version;
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
DROP VIEW sch_chameleon.v_version;
ALTER VIEW sch_chameleon.v_version_real RENAME TO v_version;
SELECT * FROM pg_temp.state_changes();

-- A source without t_source_schema (pg_chameleon 1.8.2 had not started it).
UPDATE sch_chameleon.t_sources SET t_source_schema = NULL WHERE t_source = 'hr';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
UPDATE sch_chameleon.t_sources SET t_source_schema = 'hr' WHERE t_source = 'hr';
SELECT * FROM pg_temp.state_changes();

-- The configuration file must exist.
SET chameleon.upgrade_config = 'nowhere';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
SELECT * FROM pg_temp.state_changes();
RESET chameleon.upgrade_config;

----------------------------------------------------------------------------------------------------
-- chameleon.upgrade_replica_schema(): dry run, failure with a debug copy, success
----------------------------------------------------------------------------------------------------
-- A dry run reports each step and what 2.x would hold, then rolls everything back.
CALL chameleon.upgrade_replica_schema('upgrade', dry_run => true);
SELECT * FROM pg_temp.state_changes();

-- hr left behind on purpose: the dry run says so and why, next to what is migrated.
CALL chameleon.upgrade_replica_schema('leave_hr', dry_run => true);
SELECT * FROM pg_temp.state_changes();
-- The procedure reports the same refusals (the 1.7 catalogue unchanged).
CALL chameleon.upgrade_replica_schema('partial', dry_run => true);
SELECT * FROM pg_temp.state_changes();

-- An injected failure after the 2.0 catalogue is installed: a 1.x table name longer than 2.x allows.
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
VALUES (1, repeat('x', 70), 'shop_pg', ARRAY['"id"']);
DELETE FROM state_before;
INSERT INTO state_before SELECT * FROM pg_temp.state();
CALL chameleon.upgrade_replica_schema('upgrade');
-- The 1.7 catalogue and the replicated data are as they were, the extension is still at 1.7 ...
SELECT * FROM pg_temp.state_changes() WHERE item NOT LIKE '%\_sch\_chameleon\_version2%';
-- ... and the 2.0 catalogue, as far as it was built (steps 6 and 7), is kept outside the extension.
SELECT c.relname, c.relkind,
       EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS member
FROM pg_class AS c
WHERE c.relnamespace = '_sch_chameleon_version2'::regnamespace AND c.relkind IN ('r', 'v')
ORDER BY 1;
SELECT * FROM _sch_chameleon_version2.v_version;
SELECT i_id_source, t_source, jsb_schema_mappings, enm_status, b_consistent, enm_source_type, v_log_table
FROM _sch_chameleon_version2.t_sources;
SELECT i_id_source, ts_last_received FROM _sch_chameleon_version2.t_last_received;
SELECT count(*) AS tables_migrated FROM _sch_chameleon_version2.t_replica_tables;
SELECT count(*) AS batches FROM _sch_chameleon_version2.t_replica_batch;
SELECT last_value FROM _sch_chameleon_version2.t_sources_i_id_source_seq;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = '_sch_chameleon_version2.t_log_replica_mysql_1'::regclass ORDER BY 1;
SELECT p.oid::regprocedure AS routine FROM pg_proc AS p WHERE p.pronamespace = '_sch_chameleon_version2'::regnamespace ORDER BY 1;
-- A new attempt is refused while it is there, by the procedure and by ALTER EXTENSION alike, before
-- anything changes.
CALL chameleon.upgrade_replica_schema('upgrade');
SET chameleon.upgrade_config = 'upgrade';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE$$);
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE TO '2.0'$$);
RESET chameleon.upgrade_config;
SELECT * FROM pg_temp.state_changes() WHERE item NOT LIKE '%\_sch\_chameleon\_version2%';
SET client_min_messages = warning;
DROP SCHEMA _sch_chameleon_version2 CASCADE;
SET client_min_messages = notice;
DELETE FROM sch_chameleon.t_replica_tables WHERE length(v_table_name) = 70;
DELETE FROM state_before;
INSERT INTO state_before SELECT * FROM pg_temp.state();

-- The upgrade; the source keeps the name of the configuration it came from.
CALL chameleon.upgrade_replica_schema('upgrade');
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
SELECT * FROM sch_chameleon.v_status;
SELECT id, name, type, status, consistent, config, schema_mappings, tables_replicated, tables_not_replicated, log_tables,
       high_watermark_file, high_watermark_position
FROM sch_chameleon.v_sources;
-- Each table starts from the batch its 1.x reader was on, or from its own consistent point when later.
SELECT i_id_table, i_id_source, v_schema_name, v_table_name, v_table_pkey, t_binlog_name, i_binlog_position, b_replica_enabled
FROM sch_chameleon.t_replica_tables ORDER BY i_id_table;
-- The first batch at the lowest coordinates; the consistent point at the highest.
SELECT i_id_batch, i_id_source, t_binlog_name, i_binlog_position, v_log_table, t_gtid_set, b_started, b_processed, b_replayed
FROM sch_chameleon.t_replica_batch;
SELECT i_id_source, ts_last_received FROM sch_chameleon.t_last_received;
SELECT i_id_source, ts_last_replayed FROM sch_chameleon.t_last_replayed;
-- The leftover batches were replayed into the replicated schemas (the DDL included).
SELECT * FROM shop_pg.items ORDER BY id;
SELECT * FROM shop_pg.orders ORDER BY order_id;
SELECT * FROM hr_pg.staff ORDER BY id;
SELECT * FROM hr_pg.payroll ORDER BY staff_id;
-- The 1.7 catalogue stays, outside the extension, with the replay's counters and the events of the
-- batches that were being read (their events will be read again from the start point).
SELECT i_id_batch, i_id_source, b_started, b_processed, b_replayed, i_replayed, i_ddl, i_skipped
FROM _sch_chameleon_version1.t_replica_batch ORDER BY 1;
SELECT tableoid::regclass, i_id_event, i_id_batch FROM _sch_chameleon_version1.t_log_replica ORDER BY 2;
SELECT t_source, ts_last_replay FROM _sch_chameleon_version1.t_sources ORDER BY 1;
SELECT count(*) AS version1_members
FROM pg_depend AS d
JOIN pg_class AS c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
WHERE d.deptype = 'e' AND c.relnamespace = '_sch_chameleon_version1'::regnamespace;
-- The migration's own objects are gone; the new log tables are outside the extension.
SELECT proname FROM pg_proc WHERE pronamespace = 'chameleon'::regnamespace AND proname ~ '^(_v1_|upgrade_replica_schema)';
SELECT c.relname,
       EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS member
FROM pg_class AS c JOIN pg_inherits AS i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'sch_chameleon'::regnamespace ORDER BY 1;

-- What the procedure made, to compare with the ALTER EXTENSION route.
CREATE TEMPORARY TABLE via_procedure AS
SELECT item, content FROM pg_temp.state()
WHERE (item LIKE 'row sch\_chameleon.%' OR item LIKE 'row %\_pg.%' OR item LIKE 'sequence %')
  AND item <> 'row sch_chameleon.t_replica_batch';

----------------------------------------------------------------------------------------------------
-- The same migration by ALTER EXTENSION chameleon UPDATE TO '2.0'
----------------------------------------------------------------------------------------------------
-- The 1.7 catalogue and the replicated schemas again, as the fixture makes them.
CREATE FUNCTION pg_temp.start_again() RETURNS void LANGUAGE plpgsql SET client_min_messages = warning AS $$
BEGIN
    DROP EXTENSION chameleon CASCADE;
    DROP SCHEMA _sch_chameleon_version1, shop_pg, hr_pg CASCADE;
    CREATE EXTENSION chameleon VERSION '1.7';
    PERFORM pg_temp.fixture();
END
$$;
SELECT pg_temp.start_again();
-- In one transaction, so that the update to 2.1 knows the configuration the migration read.
BEGIN;
SET LOCAL chameleon.upgrade_config = 'upgrade';
ALTER EXTENSION chameleon UPDATE TO '2.0';
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
SELECT t_source, t_binlog_name, i_binlog_position, b_consistent, v_log_table FROM sch_chameleon.t_sources;
SELECT t_binlog_name, i_binlog_position, v_log_table, b_started, b_processed FROM sch_chameleon.t_replica_batch;
-- 2.0 has no v_status yet (2.1 adds it); the update to 2.1 follows.
SELECT to_regclass('sch_chameleon.v_status') AS v_status;
ALTER EXTENSION chameleon UPDATE;
COMMIT;
SELECT name, status, consistent, config, tables_replicated FROM sch_chameleon.v_sources;
-- The same rows as the procedure made (the first batch's creation time aside).
SELECT 'procedure only' AS route, item, content
FROM (SELECT * FROM via_procedure
      EXCEPT SELECT item, content FROM pg_temp.state()) AS d
UNION ALL
SELECT 'update only', item, content
FROM (SELECT item, content FROM pg_temp.state()
      WHERE (item LIKE 'row sch\_chameleon.%' OR item LIKE 'row %\_pg.%' OR item LIKE 'sequence %')
        AND item <> 'row sch_chameleon.t_replica_batch'
      EXCEPT SELECT * FROM via_procedure) AS d
ORDER BY 1, 2, 3;

----------------------------------------------------------------------------------------------------
-- ALTER EXTENSION chameleon UPDATE straight to 2.1, with hr left behind on purpose
----------------------------------------------------------------------------------------------------
SELECT pg_temp.start_again();
SET chameleon.upgrade_config = 'leave_hr';
ALTER EXTENSION chameleon UPDATE;
RESET chameleon.upgrade_config;
SELECT name, config, schema_mappings, tables_replicated FROM sch_chameleon.v_sources;
SELECT v_schema_name, v_table_name FROM sch_chameleon.t_replica_tables ORDER BY 1, 2;
-- hr stays in the kept 1.7 catalogue.
SELECT t_source, t_source_schema, t_dest_schema FROM _sch_chameleon_version1.t_sources ORDER BY i_id_source;

SET client_min_messages = warning;
DROP EXTENSION chameleon CASCADE;
DROP SCHEMA _sch_chameleon_version1, shop_pg, hr_pg CASCADE;
