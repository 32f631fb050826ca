--
-- The 1.x catalogue with data: the replay function of 1.2 ... 1.5, the 1.2 -> 1.3 move of the log rows
-- from the global log tables to per-source ones, the 1.5 index, the 1.6 event queue, and the replay
-- function of 1.6/1.7 (the one the 1.7 -> 2.0 migration replays leftover batches with).
--
SET client_min_messages = warning;
SET search_path = public;
SET timezone = 'UTC';
\set SHOW_CONTEXT never

-- Rows of every table of the catalogue, as json, for before/after comparisons.
CREATE FUNCTION pg_temp.catalogue_rows()
RETURNS TABLE (table_name text, row_data jsonb) LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    FOR v_table IN
        SELECT c.relname FROM pg_class AS c
        WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND c.relkind = 'r'
        ORDER BY c.relname
    LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, to_jsonb(t) FROM ONLY sch_chameleon.%I AS t', v_table, v_table);
    END LOOP;
END
$$;

----------------------------------------------------------------------------------------------------
-- 1.2: fn_process_batch(max events, source), oldest events first, only registered tables
----------------------------------------------------------------------------------------------------
CREATE EXTENSION chameleon VERSION '1.2';
CREATE SCHEMA dest_a;
CREATE TABLE dest_a.items (id integer PRIMARY KEY, name text, qty integer);
CREATE TABLE dest_a.pairs (k1 integer, k2 text, v text, PRIMARY KEY (k1, k2));
CREATE TABLE dest_a.unregistered (id integer);
INSERT INTO dest_a.items VALUES (1, 'one', 1), (2, 'two', 2);
INSERT INTO dest_a.pairs VALUES (1, 'a', 'x');

INSERT INTO sch_chameleon.t_sources (t_source, t_dest_schema) VALUES ('src_a', 'dest_a'), ('src_b', 'dest_b');
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
VALUES (1, 'items', 'dest_a', ARRAY['"id"']), (1, 'pairs', 'dest_a', ARRAY['"k1","k2"']);
INSERT INTO sch_chameleon.t_replica_batch
    (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, ts_created, v_log_table)
VALUES (1, 'mysql-bin.000001', 4, true, true, '2024-01-01 10:00:00', 't_log_replica_1'),
       (1, 'mysql-bin.000001', 900, true, true, '2024-01-01 10:01:00', 't_log_replica_2'),
       (2, 'mysql-bin.000007', 4, true, true, '2024-01-01 10:00:30', 't_log_replica_1');
-- Batch 1: events logged out of id order (ts_event_datetime decides), an event of an unregistered
-- table, a key change, a two-column key, a DDL, a value with a quote.
INSERT INTO sch_chameleon.t_log_replica_1
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
     ts_event_datetime, jsb_event_data, jsb_event_update, t_query)
VALUES
    (1, 1, 'items', 'dest_a', 'insert', 'mysql-bin.000001', 100, '2024-01-01 10:00:02', '{"id": 3, "name": "it''s", "qty": 3}', '{}', NULL),
    (2, 1, 'items', 'dest_a', 'update', 'mysql-bin.000001', 200, '2024-01-01 10:00:01', '{"id": 10, "name": "one", "qty": 1}', '{"id": 1, "name": "one", "qty": 1}', NULL),
    (3, 1, 'unregistered', 'dest_a', 'insert', 'mysql-bin.000001', 300, '2024-01-01 10:00:03', '{"id": 1}', '{}', NULL),
    (4, 1, 'pairs', 'dest_a', 'update', 'mysql-bin.000001', 400, '2024-01-01 10:00:04', '{"k1": 1, "k2": "a", "v": "y"}', '{"k1": 1, "k2": "a", "v": "x"}', NULL),
    (5, 1, 'items', 'dest_a', 'ddl', 'mysql-bin.000001', 500, '2024-01-01 10:00:05', NULL, NULL, 'ALTER TABLE items ADD COLUMN note text;'),
    (6, 1, 'items', 'dest_a', 'delete', 'mysql-bin.000001', 600, '2024-01-01 10:00:06', '{"id": 2, "name": "two", "qty": 2, "note": null}', '{}', NULL),
    -- batch 3 belongs to the other source: never touched here
    (7, 3, 'items', 'dest_a', 'insert', 'mysql-bin.000007', 100, '2024-01-01 10:00:31', '{"id": 99}', '{}', NULL);
INSERT INTO sch_chameleon.t_log_replica_2
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
     ts_event_datetime, jsb_event_data, jsb_event_update, t_query)
VALUES
    (8, 2, 'items', 'dest_a', 'insert', 'mysql-bin.000001', 1000, '2024-01-01 10:01:01', '{"id": 4, "name": "four", "qty": 4, "note": "n"}', '{}', NULL);

CREATE TEMPORARY VIEW batches_12 AS
    SELECT b.i_id_batch, b.i_id_source, b.b_replayed, b.i_replayed, b.i_ddl, b.i_skipped, b.ts_replayed IS NOT NULL AS has_ts_replayed,
           (SELECT array_agg(l.i_id_event ORDER BY l.i_id_event) FROM sch_chameleon.t_log_replica AS l WHERE l.i_id_batch = b.i_id_batch) AS events_left
    FROM sch_chameleon.t_replica_batch AS b ORDER BY b.i_id_batch;

-- Call 1: the two oldest registered events, 2 (key change 1 -> 10) and 1 (the quote is a literal).
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM dest_a.items ORDER BY id;
SELECT * FROM batches_12;
-- Call 2: the two-column key update and the DDL (its SET search_path stays inside the function).
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SHOW search_path;
SELECT * FROM dest_a.pairs;
SELECT * FROM batches_12;
-- Call 3: the delete; i_replayed is this call's count (1.x overwrites it).
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM dest_a.items ORDER BY id;
SELECT * FROM batches_12;
-- Call 4: nothing left to replay: batch 1 is closed, the unregistered table's event counted as skipped;
-- batch 2 is pending, so go on.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM batches_12;
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM dest_a.items ORDER BY id;
SELECT * FROM batches_12;
-- No pending batch: false, and nothing changes.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;

DROP VIEW batches_12;
DROP EXTENSION chameleon;
DROP SCHEMA dest_a CASCADE;

----------------------------------------------------------------------------------------------------
-- 1.2 -> 1.3: log rows of both global log tables, for two sources, move to the per-source tables
----------------------------------------------------------------------------------------------------
CREATE EXTENSION chameleon VERSION '1.2';
INSERT INTO sch_chameleon.t_sources (t_source, t_dest_schema, enm_status, ts_last_event)
VALUES ('src_a', 'dest_a', 'running', '2024-01-01 10:05:00'),
       ('src_b', 'dest_b', 'stopped', '2024-01-01 10:06:00'),
       ('src_idle', 'dest_idle', 'ready', NULL);
-- Batches alternate between the two global tables, per source.
INSERT INTO sch_chameleon.t_replica_batch
    (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, b_replayed, ts_created, v_log_table, i_replayed)
VALUES (1, 'a-bin.000001', 4, true, true, true, '2024-01-01 10:00:00', 't_log_replica_1', 5),
       (2, 'b-bin.000001', 4, true, true, false, '2024-01-01 10:00:10', 't_log_replica_1', NULL),
       (1, 'a-bin.000001', 800, true, true, false, '2024-01-01 10:01:00', 't_log_replica_2', NULL),
       (2, 'b-bin.000001', 500, true, false, false, '2024-01-01 10:01:10', 't_log_replica_2', NULL),
       (1, 'a-bin.000002', 4, true, false, false, '2024-01-01 10:02:00', 't_log_replica_1', NULL);
INSERT INTO sch_chameleon.t_log_replica_1
    (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position, ts_event_datetime,
     jsb_event_data, jsb_event_update, t_query)
VALUES (2, 'staff', 'dest_b', 'insert', 'b-bin.000001', 100, '2024-01-01 10:00:11', '{"id": 1}', '{}', NULL),
       (2, 'staff', 'dest_b', 'ddl', 'b-bin.000001', 200, '2024-01-01 10:00:12', NULL, NULL, ' SET search_path="dest_b";ALTER TABLE "staff" ADD COLUMN "n" integer;'),
       (5, 'items', 'dest_a', 'insert', 'a-bin.000002', 100, '2024-01-01 10:02:01', '{"id": 9}', '{}', NULL),
       (2, 'staff', 'dest_b', 'update', 'b-bin.000001', 300, '2024-01-01 10:00:13', '{"id": 1, "n": 2}', '{"id": 1}', NULL);
INSERT INTO sch_chameleon.t_log_replica_2
    (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position, ts_event_datetime,
     jsb_event_data, jsb_event_update, t_query)
VALUES (3, 'items', 'dest_a', 'insert', 'a-bin.000001', 900, '2024-01-01 10:01:02', '{"id": 1, "name": "x"}', '{}', NULL),
       (3, 'items', 'dest_a', 'delete', 'a-bin.000001', 950, '2024-01-01 10:01:01', '{"id": 7, "name": "y"}', '{}', NULL),
       (4, 'staff', 'dest_b', 'insert', 'b-bin.000001', 600, '2024-01-01 10:01:11', '{"id": 2}', '{}', NULL);
CREATE TEMPORARY TABLE before_13 AS SELECT * FROM pg_temp.catalogue_rows();
SELECT last_value AS event_sequence FROM sch_chameleon.t_log_replica_i_id_event_seq;

ALTER EXTENSION chameleon UPDATE TO '1.3';
SELECT t_version FROM sch_chameleon.v_version;

-- Every source names its two tables; they exist, as children of t_log_replica, outside the extension.
SELECT i_id_source, t_source, v_log_table FROM sch_chameleon.t_sources ORDER BY 1;
SELECT c.relname, i.inhparent::regclass AS parent,
       EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
           AS extension_member
FROM pg_class AS c JOIN pg_inherits AS i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
ORDER BY c.relname;
SELECT conrelid::regclass AS table_name, conname, pg_get_constraintdef(oid) AS definition
FROM pg_constraint
WHERE conrelid = 'sch_chameleon.t_log_replica_1_src_2'::regclass
ORDER BY conname;
-- Every row landed in the first table of the source of its batch, with its id and values.
SELECT tableoid::regclass AS log_table, i_id_event, i_id_batch, v_table_name, enm_binlog_event, t_binlog_name,
       i_binlog_position, ts_event_datetime, jsb_event_data, jsb_event_update, t_query
FROM sch_chameleon.t_log_replica
ORDER BY i_id_event;
SELECT count(*) AS rows_changed
FROM (SELECT row_data FROM before_13 WHERE table_name IN ('t_log_replica_1', 't_log_replica_2')
      EXCEPT
      SELECT row_data FROM pg_temp.catalogue_rows() WHERE table_name LIKE 't\_log\_replica\__\_src\_%') AS lost;
-- The other tables keep their rows; batches lose their v_log_table column, nothing else.
SELECT table_name, count(*) AS rows_changed
FROM (SELECT table_name, CASE WHEN table_name = 't_replica_batch' THEN row_data - 'v_log_table' ELSE row_data END AS row_data
      FROM before_13 WHERE table_name NOT IN ('t_log_replica_1', 't_log_replica_2')
      EXCEPT
      SELECT table_name, CASE WHEN table_name = 't_sources' THEN row_data - 'v_log_table' ELSE row_data END
      FROM pg_temp.catalogue_rows()) AS changed
GROUP BY table_name;
SELECT to_regclass('sch_chameleon.t_log_replica_1') AS old_global_1, to_regclass('sch_chameleon.t_log_replica_2') AS old_global_2;
SELECT count(*) AS batch_log_table_column FROM pg_attribute
WHERE attrelid = 'sch_chameleon.t_replica_batch'::regclass AND attname = 'v_log_table' AND NOT attisdropped;
SELECT last_value AS event_sequence FROM sch_chameleon.t_log_replica_i_id_event_seq;
-- pg_dump's list names existing catalogue tables only.
SELECT cfg::regclass FROM pg_extension, unnest(extconfig) AS cfg WHERE extname = 'chameleon' ORDER BY cfg::regclass::text;

----------------------------------------------------------------------------------------------------
-- 1.3 -> 1.4 -> 1.5 -> 1.6 on the same data
----------------------------------------------------------------------------------------------------
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
VALUES (2, 'staff', 'dest_b', ARRAY['"id"']);
ALTER EXTENSION chameleon UPDATE TO '1.4';
-- A registered table is consistent (no coordinates).
SELECT v_table_name, t_binlog_name, i_binlog_position FROM sch_chameleon.t_replica_tables;

ALTER EXTENSION chameleon UPDATE TO '1.5';
-- The per-source tables get their index on i_id_batch, and stay outside the extension.
SELECT tablename, indexname, indexdef FROM pg_indexes
WHERE schemaname = 'sch_chameleon' AND indexname LIKE 'idx\_id\_batch\_%' ORDER BY 1;
SELECT count(*) AS log_tables_in_extension
FROM pg_inherits AS i JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = i.inhrelid AND d.deptype = 'e'
WHERE i.inhparent = 'sch_chameleon.t_log_replica'::regclass;

ALTER EXTENSION chameleon UPDATE TO '1.6';
-- ts_last_event is now ts_last_received (values kept); ts_last_replay is new.
SELECT t_source, ts_last_received, ts_last_replay FROM sch_chameleon.t_sources ORDER BY 1;
-- Every batch with log rows gets its queue, in the order its events were logged (whatever its state).
SELECT i_id_batch, i_id_event FROM sch_chameleon.t_batch_events ORDER BY 1;
SELECT count(*) FILTER (WHERE i_my_event_time IS NULL) AS without_event_time, count(*) AS events
FROM sch_chameleon.t_log_replica;

-- The 1.6 replay function on the migrated queue of source src_b (batch 2: insert, DDL, update).
CREATE SCHEMA dest_b;
CREATE TABLE dest_b.staff (id integer PRIMARY KEY);
SELECT sch_chameleon.fn_process_batch(10, 2) AS go_on;
SELECT * FROM dest_b.staff;
SHOW search_path;
SELECT sch_chameleon.fn_process_batch(10, 2) AS go_on;
SELECT i_id_batch, b_replayed, i_replayed, i_ddl, i_skipped FROM sch_chameleon.t_replica_batch WHERE i_id_source = 2 ORDER BY 1;
-- Batch 4 was never processed: its row stays, with the queue row the back-fill gave it.
SELECT i_id_event, i_id_batch FROM sch_chameleon.t_log_replica WHERE i_id_batch IN (2, 4) ORDER BY 1;

DROP EXTENSION chameleon CASCADE;
DROP SCHEMA dest_b CASCADE;

----------------------------------------------------------------------------------------------------
-- 1.7: fn_process_batch driven by the queue
----------------------------------------------------------------------------------------------------
CREATE EXTENSION chameleon VERSION '1.7';
CREATE SCHEMA shop;
CREATE TABLE shop.items (id integer PRIMARY KEY, name text, qty integer);
CREATE TABLE shop.pairs (k1 integer, k2 text, v text, PRIMARY KEY (k1, k2));
CREATE TABLE shop.nokey (x integer);
INSERT INTO shop.items VALUES (1, 'one', 1);
INSERT INTO shop.pairs VALUES (1, 'a', 'x');
INSERT INTO sch_chameleon.t_sources (t_source, t_source_schema, t_dest_schema, v_log_table)
VALUES ('shop', 'shop', 'shop', ARRAY['t_log_replica_1_src_1', 't_log_replica_2_src_1']),
       ('other', 'other', 'other', ARRAY['t_log_replica_1_src_2', 't_log_replica_2_src_2']);
SELECT sch_chameleon.fn_refresh_parts();
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
VALUES (1, 'items', 'shop', ARRAY['"id"']), (1, 'pairs', 'shop', ARRAY['"k1","k2"']);
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, ts_created)
VALUES (1, 'mysql-bin.000001', 4, true, true, '2024-01-01 10:00:00'),
       (1, 'mysql-bin.000001', 900, true, true, '2024-01-01 10:01:00'),
       (2, 'mysql-bin.000009', 4, true, true, '2024-01-01 10:00:30'),
       (1, 'mysql-bin.000002', 4, true, false, '2024-01-01 10:02:00');
INSERT INTO sch_chameleon.t_log_replica_1_src_1
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
     jsb_event_data, jsb_event_update, t_query, i_my_event_time)
VALUES
    -- batch 1, as pg_chameleon 1.8.2 logs it (DDL behind a SET search_path)
    (1, 1, 'items', 'shop', 'insert', 'mysql-bin.000001', 100, '{"id": 2, "name": "it''s", "qty": 2}', '{}', NULL, 1704103201),
    (2, 1, 'items', 'shop', 'update', 'mysql-bin.000001', 200, '{"id": 10, "name": "one", "qty": 1}', '{"id": 1, "name": "one", "qty": 1}', NULL, 1704103202),
    (3, 1, 'pairs', 'shop', 'update', 'mysql-bin.000001', 300, '{"k1": 1, "k2": "a", "v": "y"}', '{"k1": 1, "k2": "a", "v": "x"}', NULL, 1704103203),
    (4, 1, 'nokey', 'shop', 'insert', 'mysql-bin.000001', 400, '{"x": 1}', '{}', NULL, 1704103204),
    (5, 1, 'items', 'shop', 'ddl', 'mysql-bin.000001', 500, NULL, NULL, ' SET search_path="shop";ALTER TABLE "items" ADD COLUMN "note" text;', NULL),
    -- batch 2: two events of an unregistered table first, then a replayable one
    (6, 2, 'nokey', 'shop', 'insert', 'mysql-bin.000001', 1000, '{"x": 2}', '{}', NULL, 1704103260),
    (7, 2, 'nokey', 'shop', 'insert', 'mysql-bin.000001', 1100, '{"x": 3}', '{}', NULL, 1704103261),
    (8, 2, 'items', 'shop', 'delete', 'mysql-bin.000001', 1200, '{"id": 2, "name": "it''s", "qty": 2}', '{}', NULL, 1704103262),
    -- batch 4: not processed (no queue): never touched
    (9, 4, 'items', 'shop', 'insert', 'mysql-bin.000002', 100, '{"id": 50}', '{}', NULL, 1704103320);
INSERT INTO sch_chameleon.t_batch_events (i_id_batch, i_id_event) VALUES (1, '{1,2,3,4,5}'), (2, '{6,7,8}'), (3, '{}');

CREATE TEMPORARY VIEW batches_17 AS
    SELECT b.i_id_batch, b.i_id_source, b.b_replayed, b.i_replayed, b.i_ddl, b.i_skipped,
           b.ts_replayed IS NOT NULL AS has_ts_replayed, e.i_id_event AS queue,
           (SELECT array_agg(l.i_id_event ORDER BY l.i_id_event) FROM sch_chameleon.t_log_replica AS l WHERE l.i_id_batch = b.i_id_batch) AS events_left
    FROM sch_chameleon.t_replica_batch AS b LEFT JOIN sch_chameleon.t_batch_events AS e ON e.i_id_batch = b.i_id_batch
    ORDER BY b.i_id_batch;

-- Slice {1,2}: an insert (the quote is a literal) and the key change 1 -> 10.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM shop.items ORDER BY id;
SELECT * FROM batches_17 WHERE i_id_batch = 1;
SELECT t_source, ts_last_replay FROM sch_chameleon.t_sources ORDER BY 1;
-- Slice {3,4}: the two-column key update; event 4 (table without key) is dropped, not counted, and its
-- time is the source's last replay time.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM shop.pairs;
SELECT * FROM batches_17 WHERE i_id_batch = 1;
SELECT t_source, ts_last_replay FROM sch_chameleon.t_sources ORDER BY 1;
-- Slice {5}: the DDL as stored; the session's search_path does not change.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SHOW search_path;
SELECT column_name FROM information_schema.columns WHERE table_schema = 'shop' AND table_name = 'items' ORDER BY ordinal_position;
SELECT * FROM batches_17 WHERE i_id_batch = 1;
-- Empty queue: the batch closes (i_skipped 0); batch 2 is pending.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM batches_17 WHERE i_id_batch = 1;
-- pg_chameleon's quirk, kept: a slice made only of events that give no statement closes the batch, and
-- the later, replayable event 8 goes with it.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT * FROM batches_17;
SELECT * FROM shop.items ORDER BY id;
-- Nothing pending for source 1 any more; source 2's empty queue closes its batch.
SELECT sch_chameleon.fn_process_batch(2, 1) AS go_on;
SELECT sch_chameleon.fn_process_batch(2, 2) AS go_on;
SELECT * FROM batches_17;

-- A failing statement undoes the whole call.
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, ts_created)
VALUES (1, 'mysql-bin.000001', 1300, true, true, '2024-01-01 10:01:30');
INSERT INTO sch_chameleon.t_log_replica_2_src_1
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_data, jsb_event_update, i_my_event_time)
VALUES (20, 5, 'items', 'shop', 'insert', '{"id": 30, "name": "ok"}', '{}', 1704103400),
       (21, 5, 'items', 'shop', 'insert', '{"id": 10, "name": "duplicate"}', '{}', 1704103401);
INSERT INTO sch_chameleon.t_batch_events VALUES (5, '{20,21}');
SELECT sch_chameleon.fn_process_batch(10, 1) AS go_on;
SELECT * FROM shop.items ORDER BY id;
SELECT * FROM batches_17 WHERE i_id_batch = 5;

DROP VIEW batches_17;
DROP EXTENSION chameleon CASCADE;
DROP SCHEMA shop CASCADE;
