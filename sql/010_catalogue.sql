--
-- Extension version 2.0 = the pg_chameleon 2.0.10 replica catalogue (schema sch_chameleon), object for
-- object: types, tables, constraints, indexes, views, functions, the pg_dump configuration list, and
-- the behaviour of fn_refresh_parts, the binlog aggregates and fn_replay_mysql.
--
SET client_min_messages = notice;
SET timezone = 'UTC';

CREATE EXTENSION chameleon VERSION '2.0';

SELECT e.extversion, e.extnamespace::regnamespace AS schema, e.extrelocatable
FROM pg_extension AS e
WHERE e.extname = 'chameleon';

-- Every member of the extension.
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) COLLATE "C" AS member
FROM pg_depend AS d
JOIN pg_extension AS e ON e.oid = d.refobjid
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.deptype = 'e'
  AND e.extname = 'chameleon'
ORDER BY 1;

-- chameleon.version() is the version of the loaded library: the control file's default version.
SELECT chameleon.version() = (SELECT default_version FROM pg_available_extensions WHERE name = 'chameleon')
    AS version_is_library_version;

----------------------------------------------------------------------------------------------------
-- Types
----------------------------------------------------------------------------------------------------
SELECT t.typname, e.enumsortorder, e.enumlabel
FROM pg_enum AS e
JOIN pg_type AS t ON t.oid = e.enumtypid
WHERE t.typnamespace = 'sch_chameleon'::regnamespace
ORDER BY t.typname, e.enumsortorder;

SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute AS a
WHERE a.attrelid = 'sch_chameleon.ty_replay_status'::regclass
  AND a.attnum > 0
ORDER BY a.attnum;

----------------------------------------------------------------------------------------------------
-- Tables: columns in order with type, nullability and default
----------------------------------------------------------------------------------------------------
SELECT c.relname, c.relkind, c.relpersistence, c.reloptions
FROM pg_class AS c
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY c.relname;

SELECT c.relname AS table_name, a.attnum, a.attname,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_value
FROM pg_class AS c
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
  AND c.relkind = 'r'
ORDER BY c.relname, a.attnum;

-- Sequences: all bigint, each owned by its serial column.
SELECT s.seqrelid::regclass AS sequence, format_type(s.seqtypid, NULL) AS type,
       s.seqstart, s.seqincrement,
       d.refobjid::regclass AS owner_table, a.attname AS owner_column
FROM pg_sequence AS s
JOIN pg_class AS c ON c.oid = s.seqrelid
LEFT JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
LEFT JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
ORDER BY s.seqrelid::regclass::text COLLATE "C";

----------------------------------------------------------------------------------------------------
-- Constraints and indexes
----------------------------------------------------------------------------------------------------
SELECT con.conrelid::regclass AS table_name, con.conname, con.contype,
       pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint AS con
WHERE con.connamespace = 'sch_chameleon'::regnamespace
ORDER BY con.conrelid::regclass::text COLLATE "C", con.conname;

SELECT i.tablename, i.indexname, i.indexdef
FROM pg_indexes AS i
WHERE i.schemaname = 'sch_chameleon'
ORDER BY i.tablename, i.indexname;

----------------------------------------------------------------------------------------------------
-- Views
----------------------------------------------------------------------------------------------------
SELECT c.relname AS view_name, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_class AS c
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
  AND c.relkind = 'v'
ORDER BY c.relname, a.attnum;

SELECT t_version FROM sch_chameleon.v_version;

-- The catalogue's own keys as v_idx_cons and v_fkeys show them.
SELECT v_constraint_type, t_sql_drop, t_sql_create
FROM sch_chameleon.v_idx_cons
WHERE v_schema_name = 'sch_chameleon'
  AND v_table_name IN ('t_replica_batch', 't_batch_events')
ORDER BY v_table_name, v_index_name;

SELECT v_schema_referenced, v_table_referenced, v_table_referencing, v_fk_name,
       t_con_drop, t_con_create, t_con_validate
FROM sch_chameleon.v_fkeys
WHERE v_schema_referencing = 'sch_chameleon'
ORDER BY v_table_referencing, v_fk_name;

----------------------------------------------------------------------------------------------------
-- Functions and aggregates
----------------------------------------------------------------------------------------------------
SELECT p.oid::regprocedure AS signature,
       pg_get_function_result(p.oid) AS result,
       l.lanname, p.prokind, p.provolatile, p.proisstrict, p.prosecdef, p.proconfig,
       EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS acl
               WHERE acl.grantee = 0 AND acl.privilege_type = 'EXECUTE') AS public_execute
FROM pg_proc AS p
JOIN pg_language AS l ON l.oid = p.prolang
WHERE p.pronamespace IN ('sch_chameleon'::regnamespace, 'chameleon'::regnamespace)
ORDER BY p.oid::regprocedure::text COLLATE "C";

SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtransfn::regprocedure AS sfunc,
       a.aggfinalfn::regprocedure AS finalfunc, format_type(a.aggtranstype, NULL) AS stype,
       a.agginitval
FROM pg_aggregate AS a
JOIN pg_proc AS p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'sch_chameleon'::regnamespace
ORDER BY a.aggfnoid::regprocedure::text COLLATE "C";

----------------------------------------------------------------------------------------------------
-- pg_dump keeps the rows of every catalogue table and the position of every sequence
----------------------------------------------------------------------------------------------------
SELECT cfg.relid::regclass AS config_relation, c.relkind, cfg.condition
FROM pg_extension AS e
CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS cfg (relid, condition)
JOIN pg_class AS c ON c.oid = cfg.relid
WHERE e.extname = 'chameleon'
ORDER BY cfg.relid::regclass::text COLLATE "C";

-- Nothing of the catalogue is left out of that list.
SELECT c.oid::regclass AS not_dumped
FROM pg_class AS c
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
  AND c.relkind IN ('r', 'S')
  AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'chameleon')::oid[]);

----------------------------------------------------------------------------------------------------
-- Binlog coordinate aggregates: files compare by their number, positions as numbers
----------------------------------------------------------------------------------------------------
SELECT sch_chameleon.binlog_min(c) AS lowest, sch_chameleon.binlog_max(c) AS highest
FROM (VALUES (ARRAY['mysql-bin.000010', '4']),
             (ARRAY['mysql-bin.000009', '1200']),
             (ARRAY['mysql-bin.000010', '120']),
             (ARRAY['mysql-bin.000009', '900'])) AS v (c);

-- mysql-bin.1000000 follows mysql-bin.999999 (text order would say the opposite); position 10 > 9.
SELECT sch_chameleon.binlog_min(c) AS lowest, sch_chameleon.binlog_max(c) AS highest
FROM (VALUES (ARRAY['mysql-bin.999999', '10']),
             (ARRAY['mysql-bin.1000000', '9']),
             (ARRAY['mysql-bin.1000000', '10']),
             (ARRAY['mysql-bin.999999', '9'])) AS v (c);

-- Per group, as the 1.x migration uses them.
SELECT g, sch_chameleon.binlog_min(c) AS lowest, sch_chameleon.binlog_max(c) AS highest
FROM (VALUES (1, ARRAY['mysql-bin.000002', '500']),
             (1, ARRAY['mysql-bin.000001', '700']),
             (2, ARRAY['mysql-bin.000003', '154'])) AS v (g, c)
GROUP BY g
ORDER BY g;

-- No input: the initial state {0,0}. An empty pair is no coordinate for binlog_max's final function.
SELECT sch_chameleon.binlog_min(c) AS lowest, sch_chameleon.binlog_max(c) AS highest
FROM (SELECT ARRAY['mysql-bin.000001', '4'] WHERE false) AS v (c);
SELECT sch_chameleon.fn_binlog_max_final('{"",""}') IS NULL AS empty_is_null,
       sch_chameleon.fn_binlog_min_final('{"",""}') AS min_final_identity;
-- The step functions one by one.
SELECT sch_chameleon.fn_binlog_min('{0,0}', '{mysql-bin.000005,77}') AS from_initial,
       sch_chameleon.fn_binlog_min('{mysql-bin.000005,77}', '{mysql-bin.000005,76}') AS same_file_lower,
       sch_chameleon.fn_binlog_min('{mysql-bin.000005,77}', '{mysql-bin.000005,78}') AS same_file_higher,
       sch_chameleon.fn_binlog_min('{mysql-bin.000005,77}', '{mysql-bin.000006,4}') AS next_file;
SELECT sch_chameleon.fn_binlog_max('{0,0}', '{mysql-bin.000005,77}') AS from_initial,
       sch_chameleon.fn_binlog_max('{mysql-bin.000005,77}', '{mysql-bin.000005,76}') AS same_file_lower,
       sch_chameleon.fn_binlog_max('{mysql-bin.000005,77}', '{mysql-bin.000005,78}') AS same_file_higher,
       sch_chameleon.fn_binlog_max('{mysql-bin.000005,77}', '{mysql-bin.000004,900}') AS previous_file;

----------------------------------------------------------------------------------------------------
-- fn_refresh_parts: the per-source log tables named in t_sources.v_log_table
----------------------------------------------------------------------------------------------------
INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, enm_source_type, v_log_table)
VALUES ('src1', '{"cat_shop": "cat_shop"}', 'mysql', ARRAY['t_log_replica_src1_1', 't_log_replica_src1_2'])
RETURNING i_id_source, t_source, enm_status, b_consistent, b_paused, b_maintenance, v_log_table;
INSERT INTO sch_chameleon.t_last_received (i_id_source) VALUES (1);
INSERT INTO sch_chameleon.t_last_replayed (i_id_source) VALUES (1);

SELECT sch_chameleon.fn_refresh_parts();
-- A second call changes nothing.
SELECT sch_chameleon.fn_refresh_parts();

SELECT c.relname, i.inhparent::regclass AS parent
FROM pg_class AS c
JOIN pg_inherits AS i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'sch_chameleon'::regnamespace
ORDER BY c.relname;

-- Same columns as the parent (defaults included: event ids come from the parent's sequence).
SELECT c.relname, count(*) AS columns,
       bool_and(pg_get_expr(ad.adbin, ad.adrelid) IS NOT DISTINCT FROM pg_get_expr(pad.adbin, pad.adrelid)
                AND a.attnotnull = pa.attnotnull AND a.atttypid = pa.atttypid
                AND a.atttypmod = pa.atttypmod) AS same_as_parent
FROM pg_class AS c
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
JOIN pg_attribute AS pa ON pa.attrelid = 'sch_chameleon.t_log_replica'::regclass AND pa.attnum = a.attnum
                        AND pa.attname = a.attname
LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_attrdef AS pad ON pad.adrelid = pa.attrelid AND pad.adnum = pa.attnum
WHERE c.relname LIKE 't\_log\_replica\_src1\__'
GROUP BY c.relname
ORDER BY c.relname;

SELECT con.conrelid::regclass AS table_name, con.conname, pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint AS con
WHERE con.conrelid IN ('sch_chameleon.t_log_replica_src1_1'::regclass, 'sch_chameleon.t_log_replica_src1_2'::regclass)
ORDER BY con.conrelid::regclass::text COLLATE "C", con.conname;

SELECT indexname, indexdef
FROM pg_indexes
WHERE schemaname = 'sch_chameleon' AND tablename LIKE 't\_log\_replica\_src1\__'
ORDER BY indexname;

-- The children are not extension members (pg_dump dumps them as ordinary tables).
SELECT c.relname, EXISTS (SELECT 1 FROM pg_depend AS d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
           AS extension_member
FROM pg_class AS c
WHERE c.relname LIKE 't\_log\_replica\_src1\__'
ORDER BY c.relname;

----------------------------------------------------------------------------------------------------
-- fn_replay_mysql
----------------------------------------------------------------------------------------------------
-- Target tables of source src1 (destination schema cat_shop).
CREATE SCHEMA cat_shop;
CREATE TABLE cat_shop.items (id integer PRIMARY KEY, sku varchar(10) NOT NULL, qty integer, note text);
CREATE TABLE cat_shop.stock (wh text, sku text, n integer NOT NULL, PRIMARY KEY (wh, sku));
CREATE TABLE cat_shop.extra (x integer PRIMARY KEY);
CREATE TABLE cat_shop."Mixed Case" ("Key" integer PRIMARY KEY, "Val ue" text);
CREATE TABLE cat_shop.nopk (x integer);   -- not registered: its events are skipped
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
VALUES (1, 'items', 'cat_shop', '{id}'),
       (1, 'stock', 'cat_shop', '{wh,sku}'),
       (1, 'extra', 'cat_shop', '{x}'),
       (1, 'Mixed Case', 'cat_shop', '{Key}');

-- Four batches: 1-3 read and processed (with event queues), 4 still being filled by the reader.
INSERT INTO sch_chameleon.t_replica_batch
    (i_id_source, t_binlog_name, i_binlog_position, v_log_table, b_started, b_processed, ts_created, ts_processed)
VALUES (1, 'mysql-bin.000001', 4, 't_log_replica_src1_1', true, true, '2024-01-01 10:00:00', '2024-01-01 10:00:05'),
       (1, 'mysql-bin.000001', 900, 't_log_replica_src1_2', true, true, '2024-01-01 10:01:00', '2024-01-01 10:01:05'),
       (1, 'mysql-bin.000002', 4, 't_log_replica_src1_1', true, true, '2024-01-01 10:02:00', '2024-01-01 10:02:05'),
       (1, 'mysql-bin.000002', 700, 't_log_replica_src1_2', true, false, '2024-01-01 10:03:00', NULL);

INSERT INTO sch_chameleon.t_log_replica_src1_1
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
     jsb_event_after, jsb_event_before, t_query, i_my_event_time)
VALUES
    -- batch 1: insert, insert with a NULL, an event of an unregistered table, update changing the PK,
    -- delete, DDL, insert using the new column (values with a quote and with a backslash)
    (1, 1, 'items', 'cat_shop', 'insert', 'mysql-bin.000001', 100,
     '{"id": 1, "sku": "A", "qty": 5, "note": "it''s"}', '{}', NULL, 1700000001),
    (2, 1, 'items', 'cat_shop', 'insert', 'mysql-bin.000001', 200,
     '{"id": 2, "sku": "B", "qty": 1, "note": null}', '{}', NULL, 1700000002),
    (3, 1, 'nopk', 'cat_shop', 'insert', 'mysql-bin.000001', 300,
     '{"x": 1}', '{}', NULL, 1700000003),
    (4, 1, 'items', 'cat_shop', 'update', 'mysql-bin.000001', 400,
     '{"id": 10, "sku": "A", "qty": 6, "note": "it''s"}', '{"id": 1, "sku": "A", "qty": 5, "note": "it''s"}',
     NULL, 1700000004),
    (5, 1, 'items', 'cat_shop', 'delete', 'mysql-bin.000001', 500,
     '{"id": 2, "sku": "B", "qty": 1, "note": null}', '{}', NULL, 1700000005),
    (6, 1, 'items', 'cat_shop', 'ddl', 'mysql-bin.000001', 600,
     NULL, NULL, 'ALTER TABLE cat_shop.items ADD COLUMN added boolean;', NULL),
    (7, 1, 'items', 'cat_shop', 'insert', 'mysql-bin.000001', 700,
     '{"id": 3, "sku": "C", "qty": 7, "note": "back\\slash", "added": true}', '{}', NULL, 1700000007),
    -- batch 3: the second insert collides with the row that event 4 moved to id 10; then quoted names
    (13, 3, 'items', 'cat_shop', 'insert', 'mysql-bin.000002', 100,
     '{"id": 5, "sku": "E", "qty": 1, "note": null, "added": false}', '{}', NULL, 1700000013),
    (14, 3, 'items', 'cat_shop', 'insert', 'mysql-bin.000002', 200,
     '{"id": 10, "sku": "F", "qty": 2, "note": null, "added": false}', '{}', NULL, 1700000014),
    (15, 3, 'items', 'cat_shop', 'insert', 'mysql-bin.000002', 300,
     '{"id": 6, "sku": "G", "qty": 3, "note": null, "added": false}', '{}', NULL, 1700000015),
    (16, 3, 'Mixed Case', 'cat_shop', 'insert', 'mysql-bin.000002', 400,
     '{"Key": 1, "Val ue": "a"}', '{}', NULL, 1700000016),
    (17, 3, 'Mixed Case', 'cat_shop', 'update', 'mysql-bin.000002', 500,
     '{"Key": 2, "Val ue": "b"}', '{"Key": 1, "Val ue": "a"}', NULL, 1700000017);

INSERT INTO sch_chameleon.t_log_replica_src1_2
    (i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, i_binlog_position,
     jsb_event_after, jsb_event_before, t_query, i_my_event_time)
VALUES
    -- batch 2: the second insert into stock violates its primary key; the DDL on extra fails
    (8, 2, 'stock', 'cat_shop', 'insert', 'mysql-bin.000001', 1000,
     '{"wh": "w1", "sku": "A", "n": 1}', '{}', NULL, 1700000008),
    (9, 2, 'stock', 'cat_shop', 'insert', 'mysql-bin.000001', 1100,
     '{"wh": "w1", "sku": "A", "n": 2}', '{}', NULL, 1700000009),
    (10, 2, 'stock', 'cat_shop', 'update', 'mysql-bin.000001', 1200,
     '{"wh": "w1", "sku": "A", "n": 3}', '{"wh": "w1", "sku": "A", "n": 1}', NULL, 1700000010),
    (11, 2, 'items', 'cat_shop', 'insert', 'mysql-bin.000001', 1300,
     '{"id": 4, "sku": "D", "qty": 0, "note": "ok", "added": null}', '{}', NULL, 1700000011),
    (12, 2, 'extra', 'cat_shop', 'ddl', 'mysql-bin.000001', 1400,
     NULL, NULL, 'ALTER TABLE cat_shop.extra ADD COLUMN x integer;', NULL),
    -- batch 4: not processed yet, never replayed
    (18, 4, 'items', 'cat_shop', 'insert', 'mysql-bin.000002', 800,
     '{"id": 99, "sku": "Z", "qty": 0}', '{}', NULL, 1700000018);

INSERT INTO sch_chameleon.t_batch_events (i_id_batch, i_id_event)
VALUES (1, '{1,2,3,4,5,6,7}'), (2, '{8,9,10,11,12}'), (3, '{13,14,15,16,17}');

-- A batch view for the checks below.
CREATE TEMPORARY VIEW batches AS
    SELECT b.i_id_batch, b.b_replayed, b.i_replayed, b.i_ddl, b.i_skipped, b.ts_replayed IS NOT NULL AS has_ts_replayed,
           e.i_id_event AS queue,
           (SELECT count(*) FROM sch_chameleon.t_log_replica AS l WHERE l.i_id_batch = b.i_id_batch) AS log_rows
    FROM sch_chameleon.t_replica_batch AS b
    LEFT JOIN sch_chameleon.t_batch_events AS e ON e.i_id_batch = b.i_id_batch
    ORDER BY b.i_id_batch;

-- At least one event per call.
SELECT * FROM sch_chameleon.fn_replay_mysql(0, 1, false);

-- Another source has nothing to replay.
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 2, false);

-- Batch 1. Slice {1,2}: two inserts.
SELECT * FROM sch_chameleon.fn_replay_mysql(2, 1, false);
SELECT * FROM cat_shop.items ORDER BY id;
SELECT * FROM batches WHERE i_id_batch = 1;
SELECT ts_last_replayed FROM sch_chameleon.t_last_replayed WHERE i_id_source = 1;

-- Slice {3}: only an event of an unregistered table. It is skipped, and the batch goes on (the rest of
-- its events are not discarded).
SELECT * FROM sch_chameleon.fn_replay_mysql(1, 1, false);
SELECT * FROM batches WHERE i_id_batch = 1;
SELECT ts_last_replayed FROM sch_chameleon.t_last_replayed WHERE i_id_source = 1;

-- Slice {4,5,6}: the update moves id 1 to 10, the delete removes id 2, the DDL adds a column.
SELECT * FROM sch_chameleon.fn_replay_mysql(3, 1, false);
SELECT * FROM cat_shop.items ORDER BY id;
SELECT * FROM batches WHERE i_id_batch = 1;
-- The slice ended on the DDL event (no event time): the last replayed time stays.
SELECT ts_last_replayed FROM sch_chameleon.t_last_replayed WHERE i_id_source = 1;

-- Slice {7}: the insert uses the new column.
SELECT * FROM sch_chameleon.fn_replay_mysql(3, 1, false);
SELECT * FROM cat_shop.items ORDER BY id;
SELECT * FROM batches WHERE i_id_batch = 1;
SELECT ts_last_replayed FROM sch_chameleon.t_last_replayed WHERE i_id_source = 1;

-- The queue is empty: the batch is closed; batch 2 is pending, so the caller goes on.
SELECT * FROM sch_chameleon.fn_replay_mysql(3, 1, false);
SELECT * FROM batches WHERE i_id_batch = 1;

-- Batch 2, not exiting on error: event 9 fails, so stock is disabled and its events of the batch are
-- dropped (event 10 is not executed); items goes on (event 11); the DDL on extra fails and disables it.
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, false);
SELECT * FROM cat_shop.stock ORDER BY wh, sku;
SELECT * FROM cat_shop.items ORDER BY id;
SELECT v_table_name, v_schema_name, b_replica_enabled
FROM sch_chameleon.t_replica_tables ORDER BY i_id_table;
SELECT i_id_log, i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, t_binlog_name,
       i_binlog_position, ts_error IS NOT NULL AS has_ts_error, t_sql, t_error_message
FROM sch_chameleon.t_error_log ORDER BY i_id_log;
SELECT * FROM batches WHERE i_id_batch = 2;
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, false);
SELECT * FROM batches WHERE i_id_batch = 2;

-- Batch 3, exiting on error: event 14 fails (id 10 exists). The call's statements are undone (event 13),
-- the error is logged, the table stays enabled, the queue and the counters are untouched.
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, true);
SELECT * FROM cat_shop.items ORDER BY id;
SELECT v_table_name, b_replica_enabled FROM sch_chameleon.t_replica_tables ORDER BY i_id_table;
SELECT i_id_log, i_id_batch, v_table_name, t_table_pkey, t_binlog_name, i_binlog_position, t_sql, t_error_message
FROM sch_chameleon.t_error_log WHERE i_id_log > 2 ORDER BY i_id_log;
SELECT * FROM batches WHERE i_id_batch = 3;

-- Once the conflict is resolved, a retry replays the whole batch from its first event; names that
-- need quoting are quoted.
DELETE FROM cat_shop.items WHERE id = 10;
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, true);
SELECT * FROM cat_shop.items ORDER BY id;
SELECT * FROM cat_shop."Mixed Case";
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, true);
SELECT ts_last_replayed FROM sch_chameleon.t_last_replayed WHERE i_id_source = 1;

-- Nothing is pending any more; the unprocessed batch 4 is untouched.
SELECT * FROM sch_chameleon.fn_replay_mysql(10, 1, false);
SELECT * FROM batches;
SELECT count(*) AS error_rows FROM sch_chameleon.t_error_log;

----------------------------------------------------------------------------------------------------
-- DROP EXTENSION removes the whole catalogue, the run-time log tables included
----------------------------------------------------------------------------------------------------
DROP VIEW batches;
DROP EXTENSION chameleon CASCADE;

SELECT count(*) AS schemas FROM pg_namespace WHERE nspname IN ('sch_chameleon', 'chameleon');
SELECT count(*) AS relations FROM pg_class
WHERE relname ~ '^(t_(sources|last_received|last_replayed|replica_batch|log_replica|replica_tables|discarded_rows|error_log|batch_events|indexes|pkeys|ukeys|fkeys)|v_(version|idx_cons|fkeys)$|(idx|pk|fk)_t_|idx_id_batch_)';
SELECT count(*) AS types FROM pg_type WHERE typname IN ('en_src_status', 'en_binlog_event', 'en_src_type', 'ty_replay_status');
SELECT count(*) AS functions FROM pg_proc
WHERE proname IN ('fn_refresh_parts', 'fn_replay_mysql', 'fn_binlog_min', 'fn_binlog_max', 'fn_binlog_min_final',
                  'fn_binlog_max_final', 'binlog_min', 'binlog_max');
SELECT count(*) AS extension FROM pg_extension WHERE extname = 'chameleon';
-- The replicated data is the user's and stays.
SELECT count(*) AS items FROM cat_shop.items;

DROP SCHEMA cat_shop CASCADE;
