--
-- Sources from SQL: add_source, drop_source, update_schema_mappings, v_sources, v_status, with
-- pg_chameleon's rules; the 2.1 additions to the catalogue and the API's privileges.
--
CREATE EXTENSION chameleon;
SELECT current_setting('data_directory') AS pgdata \gset
\setenv PGDATA_DIR :pgdata
SELECT chameleon.set_configuration_files() IS NOT NULL AS configured;

-- ---- 2.1 additions: the API and its privileges ----
SELECT format('%s(%s)', p.proname, pg_get_function_arguments(p.oid)) AS function,
       pg_get_function_result(p.oid) AS returns,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'chameleon'
 ORDER BY p.proname, 1;
SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE attrelid = 'sch_chameleon.t_sources'::regclass AND attname = 't_config_name';
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.oid IN ('sch_chameleon.v_sources'::regclass, 'sch_chameleon.v_status'::regclass) AND a.attnum > 0
 ORDER BY c.relname, a.attnum;

-- ---- configurations used below ----
SELECT regress.write_config('default', $$
sources:
  src_a:
    type: mysql
    db_conn: {host: 127.0.0.1, port: 1, user: repl, password: pw, connect_timeout: 3}
    schema_mappings:
      db_a: dest_a
      db_b: dest_b
  src_b:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_c: dest_a
  src_sys:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_s: sch_chameleon
  bad-name:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_z: dest_z
$$);
SELECT regress.write_config('other', $$
sources:
  src_c:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_x: dest_c
$$);
\! chmod 0600 "$PGDATA_DIR"/chameleon/*.yml

-- ---- add_source ----
SELECT chameleon.add_source('src_a') AS src_a_id;
SELECT i_id_source, t_source, jsb_schema_mappings, enm_status, b_consistent, enm_source_type,
       v_log_table, t_config_name, t_binlog_name, i_binlog_position
  FROM sch_chameleon.t_sources;
-- The two per-source log tables exist, as children of t_log_replica.
SELECT c.relname, i.inhparent::regclass AS parent
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE c.relnamespace = 'sch_chameleon'::regnamespace ORDER BY 1;
SELECT i_id_source, ts_last_received FROM sch_chameleon.t_last_received;
SELECT i_id_source, ts_last_replayed FROM sch_chameleon.t_last_replayed;
SELECT * FROM sch_chameleon.v_sources;
SELECT * FROM sch_chameleon.v_status;

SELECT chameleon.add_source('src_c', 'other') AS src_c_id;
SELECT name, config, schema_mappings FROM sch_chameleon.v_sources ORDER BY id;

-- The rules.
SELECT regress.try($$SELECT chameleon.add_source('src_a')$$);
SELECT regress.try($$SELECT chameleon.add_source('src_b')$$);
SELECT regress.try($$SELECT chameleon.add_source('src_sys')$$);
SELECT regress.try($$SELECT chameleon.add_source('bad-name')$$);
SELECT regress.try($$SELECT chameleon.add_source('nosuch')$$);
SELECT regress.try($$SELECT chameleon.add_source('src_new', 'nofile')$$);
SELECT regress.try($$SELECT chameleon.add_source(NULL)$$);
-- Nothing of the refused calls stayed behind.
SELECT count(*) AS sources FROM sch_chameleon.t_sources;

-- ---- update_schema_mappings ----
-- Replicated state under the old mappings: a destination schema with a table, and two tables in
-- the replica catalogue.
CREATE SCHEMA dest_a;
CREATE TABLE dest_a.film (film_id integer PRIMARY KEY, title text);
INSERT INTO dest_a.film VALUES (1, 'ACADEMY DINOSAUR');
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
SELECT i_id_source, t.name, t.schema, ARRAY['id']
  FROM sch_chameleon.t_sources, (VALUES ('film', 'dest_a'), ('actor', 'dest_b')) t(name, schema)
 WHERE t_source = 'src_a';

-- Unchanged file: nothing to do.
SELECT chameleon.update_schema_mappings('src_a');

-- db_a moves to dest_a2, db_b is removed, db_d is added.
SELECT regress.write_config('default', $$
sources:
  src_a:
    type: mysql
    db_conn: {host: 127.0.0.1, port: 1, user: repl, password: pw, connect_timeout: 3}
    schema_mappings:
      db_a: dest_a2
      db_d: dest_d
  clash:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_a: dest_c
$$);
\! chmod 0600 "$PGDATA_DIR"/chameleon/default.yml
-- Refused while the source has batches not replayed yet.
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed)
SELECT i_id_source, 'mysql-bin.000001', 4, true, true FROM sch_chameleon.t_sources WHERE t_source = 'src_a';
SELECT regress.try($$SELECT chameleon.update_schema_mappings('src_a')$$);
DELETE FROM sch_chameleon.t_replica_batch;
-- Refused while running.
UPDATE sch_chameleon.t_sources SET enm_status = 'running' WHERE t_source = 'src_a';
SELECT regress.try($$SELECT chameleon.update_schema_mappings('src_a')$$);
UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE t_source = 'src_a';

SELECT chameleon.update_schema_mappings('src_a');
SELECT t_source, jsb_schema_mappings FROM sch_chameleon.t_sources ORDER BY i_id_source;
SELECT v_table_name, v_schema_name FROM sch_chameleon.t_replica_tables ORDER BY 1;
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dest%' ORDER BY 1;
SELECT * FROM dest_a2.film;

-- A destination that belongs to another source is refused, and nothing changes.
SELECT regress.try($$SELECT chameleon.update_schema_mappings('src_a', 'conflict')$$);
SELECT regress.write_config('conflict', $$
sources:
  src_a:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl}
    schema_mappings:
      db_a: dest_c
$$);
SELECT regress.try($$SELECT chameleon.update_schema_mappings('src_a', 'conflict')$$);
SELECT t_source, jsb_schema_mappings, t_config_name FROM sch_chameleon.t_sources ORDER BY i_id_source;
SELECT regress.try($$SELECT chameleon.update_schema_mappings('nosuch')$$);

-- ---- check_source without a server: one clear line, fast ----
SELECT check_name, status, value FROM chameleon.check_source('src_a');
SELECT regress.try($$SELECT * FROM chameleon.check_source('unregistered')$$);
-- A source can be checked before it is added, by naming its configuration.
SELECT check_name, status FROM chameleon.check_source('clash', 'default');

-- ---- drop_source ----
UPDATE sch_chameleon.t_sources SET enm_status = 'initialising' WHERE t_source = 'src_a';
SELECT regress.try($$SELECT chameleon.drop_source('src_a')$$);
UPDATE sch_chameleon.t_sources SET enm_status = 'error' WHERE t_source = 'src_a';
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position)
SELECT i_id_source, 'mysql-bin.000001', 4 FROM sch_chameleon.t_sources WHERE t_source = 'src_a';
SELECT chameleon.drop_source('src_a');
SELECT t_source FROM sch_chameleon.t_sources;
SELECT count(*) AS batches, (SELECT count(*) FROM sch_chameleon.t_replica_tables) AS tables,
       (SELECT count(*) FROM sch_chameleon.t_last_received) AS received,
       (SELECT count(*) FROM sch_chameleon.t_last_replayed) AS replayed
  FROM sch_chameleon.t_replica_batch;
SELECT c.relname FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE c.relnamespace = 'sch_chameleon'::regnamespace ORDER BY 1;
-- The replicated data stays.
SELECT count(*) AS films_kept FROM dest_a2.film;
SELECT regress.try($$SELECT chameleon.drop_source('src_a')$$);

-- ---- privileges: control functions are not for PUBLIC ----
CREATE ROLE source_viewer LOGIN;
SET ROLE source_viewer;
SELECT chameleon.add_source('src_b');
SELECT chameleon.drop_source('src_c');
SELECT * FROM chameleon.check_source('src_c');
RESET ROLE;
DROP ROLE source_viewer;

DROP EXTENSION chameleon CASCADE;
DROP SCHEMA dest_a2 CASCADE;
