--
-- Adoption: CREATE EXTENSION chameleon VERSION '1.x' (or '2.0') in a database that already holds a
-- sch_chameleon made by pg_chameleon at that catalogue version takes it over with every row (and
-- sequence position) kept. Catalogues made fresh and made through pg_chameleon's upgrade chain differ
-- in column order: both are accepted. Anything else is refused with the list of differences.
--
SET client_min_messages = warning;
SET check_function_bodies = off;
SET search_path = public;
SET timezone = 'UTC';
\set SHOW_CONTEXT never

-- The outcome of a statement: 'ok', or its error with SQLSTATE, detail and hint.
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

-- Rows of every table of sch_chameleon (log tables included) and the sequence positions, as json.
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

-- Members, routines (with their source), pg_dump list: what makes the extension, to compare an
-- adopted catalogue with a new one.
CREATE TEMPORARY TABLE shape (build text, item text);
CREATE FUNCTION pg_temp.shape(p_build text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO shape
    SELECT p_build, 'member ' || pg_describe_object(d.classid, d.objid, d.objsubid)
    FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'chameleon'
    UNION ALL
    SELECT p_build, format('routine %s %s config=%s public=%s source=%s', p.oid::regprocedure, pg_get_function_result(p.oid),
                           p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE'), md5(p.prosrc))
    FROM pg_proc AS p WHERE p.pronamespace = 'sch_chameleon'::regnamespace
    UNION ALL
    SELECT p_build, 'view ' || c.relname || ' ' || pg_get_viewdef(c.oid)
    FROM pg_class AS c WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND c.relkind = 'v'
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

CREATE EXTENSION chameleon VERSION '1.7';
SELECT pg_temp.shape('new 1.7');
DROP EXTENSION chameleon;
CREATE EXTENSION chameleon VERSION '2.0';
SELECT pg_temp.shape('new 2.0');
DROP EXTENSION chameleon;

----------------------------------------------------------------------------------------------------
-- pg_chameleon 1.8.2's catalogue 1.7, in the column order of its fresh install
----------------------------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.pgchameleon_17(p_layout text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE SCHEMA sch_chameleon;
    CREATE VIEW sch_chameleon.v_version AS SELECT '1.7'::text AS t_version;
    CREATE TYPE sch_chameleon.en_src_status AS ENUM ('ready', 'initialising', 'initialised', 'stopped', 'running', 'error');
    CREATE TYPE sch_chameleon.en_binlog_event AS ENUM ('delete', 'update', 'insert', 'ddl');
    IF p_layout = 'fresh' THEN
        CREATE TABLE sch_chameleon.t_sources (
            i_id_source bigserial NOT NULL, t_source text NOT NULL, t_source_schema text, t_dest_schema text NOT NULL,
            enm_status sch_chameleon.en_src_status NOT NULL DEFAULT 'ready',
            ts_last_received timestamp without time zone, ts_last_replay timestamp without time zone,
            v_log_table character varying[],
            CONSTRAINT pk_t_sources PRIMARY KEY (i_id_source));
        CREATE TABLE sch_chameleon.t_replica_batch (
            i_id_batch bigserial NOT NULL, i_id_source bigint NOT NULL, t_binlog_name text, i_binlog_position integer,
            b_started boolean NOT NULL DEFAULT false, b_processed boolean NOT NULL DEFAULT false,
            b_replayed boolean NOT NULL DEFAULT false,
            ts_created timestamp without time zone NOT NULL DEFAULT clock_timestamp(),
            ts_processed timestamp without time zone, ts_replayed timestamp without time zone,
            i_replayed bigint NULL, i_skipped bigint NULL, i_ddl bigint NULL,
            CONSTRAINT pk_t_batch PRIMARY KEY (i_id_batch)) WITH (OIDS = FALSE);
        CREATE TABLE sch_chameleon.t_log_replica (
            i_id_event bigserial NOT NULL, i_id_batch bigserial NOT NULL,
            v_table_name character varying(100) NOT NULL, v_schema_name character varying(100) NOT NULL,
            enm_binlog_event sch_chameleon.en_binlog_event NOT NULL, t_binlog_name text, i_binlog_position integer,
            ts_event_datetime timestamp without time zone NOT NULL DEFAULT clock_timestamp(),
            jsb_event_data jsonb, jsb_event_update jsonb, t_query text, i_my_event_time bigint,
            CONSTRAINT pk_log_replica PRIMARY KEY (i_id_event));
        CREATE TABLE sch_chameleon.t_replica_tables (
            i_id_table bigserial NOT NULL, i_id_source bigint NOT NULL,
            v_table_name character varying(100) NOT NULL, v_schema_name character varying(100) NOT NULL,
            v_table_pkey character varying(100)[] NOT NULL, t_binlog_name text, i_binlog_position integer,
            CONSTRAINT pk_t_replica_tables PRIMARY KEY (i_id_table));
    ELSE
        -- The chain from pg_chameleon's first catalogue (base, then cat_0.1 ... cat_1.7): i_id_source
        -- appended to t_replica_batch and t_replica_tables, t_query before jsb_event_update, the old
        -- t_replica_batch.v_log_table dropped, t_sources' late columns appended.
        CREATE TABLE sch_chameleon.t_sources (
            i_id_source bigserial NOT NULL, t_source text NOT NULL, t_dest_schema text NOT NULL,
            enm_status sch_chameleon.en_src_status NOT NULL DEFAULT 'ready',
            ts_last_received timestamp without time zone, v_log_table character varying[],
            ts_last_replay timestamp without time zone, t_source_schema text,
            CONSTRAINT pk_t_sources PRIMARY KEY (i_id_source));
        CREATE TABLE sch_chameleon.t_replica_batch (
            i_id_batch bigserial NOT NULL, t_binlog_name text, i_binlog_position integer,
            b_started boolean NOT NULL DEFAULT false, b_processed boolean NOT NULL DEFAULT false,
            b_replayed boolean NOT NULL DEFAULT false,
            ts_created timestamp without time zone NOT NULL DEFAULT clock_timestamp(),
            ts_processed timestamp without time zone, ts_replayed timestamp without time zone,
            v_log_table character varying(100) NOT NULL,
            i_replayed bigint, i_skipped bigint, i_ddl bigint, i_id_source bigint NOT NULL,
            CONSTRAINT pk_t_batch PRIMARY KEY (i_id_batch));
        ALTER TABLE sch_chameleon.t_replica_batch DROP COLUMN v_log_table;
        CREATE TABLE sch_chameleon.t_log_replica (
            i_id_event bigserial NOT NULL, i_id_batch bigserial NOT NULL,
            v_table_name character varying(100) NOT NULL, v_schema_name character varying(100) NOT NULL,
            enm_binlog_event sch_chameleon.en_binlog_event NOT NULL, t_binlog_name text, i_binlog_position integer,
            ts_event_datetime timestamp without time zone NOT NULL DEFAULT clock_timestamp(),
            jsb_event_data jsonb, t_query text, jsb_event_update jsonb, i_my_event_time bigint,
            CONSTRAINT pk_log_replica PRIMARY KEY (i_id_event));
        CREATE TABLE sch_chameleon.t_replica_tables (
            i_id_table bigserial NOT NULL, v_table_name character varying(100) NOT NULL,
            v_schema_name character varying(100) NOT NULL, v_table_pkey character varying(100)[] NOT NULL,
            i_id_source bigint NOT NULL, t_binlog_name text, i_binlog_position integer,
            CONSTRAINT pk_t_replica_tables PRIMARY KEY (i_id_table));
    END IF;
    CREATE UNIQUE INDEX idx_t_sources_t_source ON sch_chameleon.t_sources USING btree (t_source);
    CREATE UNIQUE INDEX idx_t_sources_t_dest_schema ON sch_chameleon.t_sources USING btree (t_dest_schema);
    CREATE UNIQUE INDEX idx_t_replica_batch_binlog_name_position
        ON sch_chameleon.t_replica_batch USING btree (i_id_source, t_binlog_name, i_binlog_position);
    CREATE UNIQUE INDEX idx_t_replica_batch_ts_created ON sch_chameleon.t_replica_batch USING btree (i_id_source, ts_created);
    ALTER TABLE sch_chameleon.t_log_replica ADD CONSTRAINT fk_replica_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) MATCH SIMPLE ON UPDATE RESTRICT ON DELETE CASCADE;
    CREATE UNIQUE INDEX idx_t_replica_tables_table_schema
        ON sch_chameleon.t_replica_tables USING btree (i_id_source, v_table_name, v_schema_name);
    CREATE TABLE sch_chameleon.t_discarded_rows (
        i_id_row bigserial NOT NULL, i_id_batch bigint NOT NULL,
        ts_discard timestamp with time zone NOT NULL DEFAULT clock_timestamp(), t_row_data text,
        CONSTRAINT pk_t_discarded_rows PRIMARY KEY (i_id_row));
    ALTER TABLE sch_chameleon.t_replica_batch ADD CONSTRAINT fk_t_replica_batch_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;
    ALTER TABLE sch_chameleon.t_replica_tables ADD CONSTRAINT fk_t_replica_tables_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;
    CREATE TABLE sch_chameleon.t_index_def (
        i_id_def bigserial NOT NULL, i_id_source bigint NOT NULL, v_schema character varying(100),
        v_table character varying(100), v_index character varying(100), t_create text, t_drop text,
        CONSTRAINT pk_t_index_def PRIMARY KEY (i_id_def));
    CREATE UNIQUE INDEX idx_schema_table_source ON sch_chameleon.t_index_def USING btree (i_id_source, v_schema, v_table, v_index);
    CREATE TABLE sch_chameleon.t_batch_events (
        i_id_batch bigint NOT NULL, I_id_event bigint[] NOT NULL,
        CONSTRAINT pk_t_batch_id_events PRIMARY KEY (i_id_batch));
    ALTER TABLE sch_chameleon.t_batch_events ADD CONSTRAINT fk_t_batch_id_events_i_id_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE;
    -- pg_chameleon's functions, as far as the signature goes (their bodies are replaced on adoption).
    CREATE FUNCTION sch_chameleon.fn_refresh_parts() RETURNS void LANGUAGE plpgsql AS 'BEGIN NULL; END';
    CREATE FUNCTION sch_chameleon.fn_process_batch(integer, integer) RETURNS boolean LANGUAGE plpgsql AS 'BEGIN RETURN false; END';

    -- Two sources with their log tables (as pg_chameleon's fn_refresh_parts makes them), tables,
    -- batches, queued and not queued events, a saved index, a discarded row.
    INSERT INTO sch_chameleon.t_sources (t_source, t_source_schema, t_dest_schema, enm_status, ts_last_received, ts_last_replay, v_log_table)
    VALUES ('shop', 'shop', 'shop_pg', 'stopped', '2024-03-01 10:00:00', '2024-03-01 09:59:00', ARRAY['t_log_replica_2_src_1', 't_log_replica_1_src_1']),
           ('hr', 'hr', 'hr_pg', 'error', NULL, NULL, ARRAY['t_log_replica_1_src_2', 't_log_replica_2_src_2']);
    CREATE TABLE sch_chameleon.t_log_replica_1_src_1 (
        CONSTRAINT pk_t_log_replica_1_src_1 PRIMARY KEY (i_id_event),
        CONSTRAINT fk_t_log_replica_1_src_1 FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)
            ON UPDATE RESTRICT ON DELETE CASCADE) INHERITS (sch_chameleon.t_log_replica);
    CREATE INDEX idx_id_batch_t_log_replica_1_src_1 ON sch_chameleon.t_log_replica_1_src_1 (i_id_batch);
    CREATE TABLE sch_chameleon.t_log_replica_2_src_1 (
        CONSTRAINT pk_t_log_replica_2_src_1 PRIMARY KEY (i_id_event),
        CONSTRAINT fk_t_log_replica_2_src_1 FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)
            ON UPDATE RESTRICT ON DELETE CASCADE) INHERITS (sch_chameleon.t_log_replica);
    CREATE INDEX idx_id_batch_t_log_replica_2_src_1 ON sch_chameleon.t_log_replica_2_src_1 (i_id_batch);
    INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, i_binlog_position)
    VALUES (1, 'items', 'shop_pg', ARRAY['"id"'], NULL, NULL), (1, 'pairs', 'shop_pg', ARRAY['"k1","k2"'], 'mysql-bin.000011', 77);
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, b_replayed,
                                               ts_created, ts_processed, i_replayed, i_skipped, i_ddl)
    VALUES (1, 'mysql-bin.000010', 4, true, true, true, '2024-03-01 09:00:00', '2024-03-01 09:00:05', 3, 0, 1),
           (1, 'mysql-bin.000010', 1000, true, true, false, '2024-03-01 09:10:00', '2024-03-01 09:10:05', NULL, NULL, NULL),
           (1, 'mysql-bin.000011', 120, true, false, false, '2024-03-01 09:20:00', NULL, NULL, NULL, NULL);
    INSERT INTO sch_chameleon.t_log_replica_1_src_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name,
                                                     i_binlog_position, ts_event_datetime, jsb_event_data, jsb_event_update, i_my_event_time)
    VALUES (2, 'items', 'shop_pg', 'insert', 'mysql-bin.000010', 1100, '2024-03-01 09:10:01', '{"id": 3}', '{}', 1709284201),
           (2, 'items', 'shop_pg', 'delete', 'mysql-bin.000010', 1200, '2024-03-01 09:10:02', '{"id": 1}', '{}', 1709284202);
    INSERT INTO sch_chameleon.t_log_replica_2_src_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name,
                                                     i_binlog_position, ts_event_datetime, jsb_event_data, jsb_event_update, i_my_event_time)
    VALUES (3, 'items', 'shop_pg', 'insert', 'mysql-bin.000011', 200, '2024-03-01 09:20:01', '{"id": 4}', '{}', 1709284801);
    INSERT INTO sch_chameleon.t_batch_events VALUES (2, '{1,2}');
    INSERT INTO sch_chameleon.t_index_def (i_id_source, v_schema, v_table, v_index, t_create, t_drop)
    VALUES (1, 'shop_pg', 'items', 'idx_name', 'CREATE INDEX idx_name ON shop_pg.items (name)', 'DROP INDEX shop_pg.idx_name');
    INSERT INTO sch_chameleon.t_discarded_rows (i_id_batch, ts_discard, t_row_data) VALUES (2, '2024-03-01 09:10:03+00', '7b7d');
    PERFORM setval('sch_chameleon.t_sources_i_id_source_seq', 12);
END
$$;

SELECT pg_temp.pgchameleon_17('fresh');
CREATE TEMPORARY TABLE rows_before AS SELECT * FROM pg_temp.catalogue_rows();
SELECT count(*) AS catalogue_rows FROM rows_before;

CREATE EXTENSION chameleon VERSION '1.7';
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
-- Every row and sequence position kept.
SELECT count(*) AS changed_rows
FROM ((SELECT * FROM rows_before EXCEPT SELECT * FROM pg_temp.catalogue_rows())
      UNION ALL
      (SELECT * FROM pg_temp.catalogue_rows() EXCEPT SELECT * FROM rows_before)) AS changed;
SELECT t_source, t_source_schema, t_dest_schema, enm_status, v_log_table FROM sch_chameleon.t_sources ORDER BY i_id_source;
-- The extension is the same as a new 1.7 install: members, routines (the extension's own), pg_dump list.
SELECT pg_temp.shape('adopted 1.7 fresh layout');
SELECT * FROM pg_temp.shape_differences('new 1.7', 'adopted 1.7 fresh layout');
-- The log tables stay outside the extension, and nothing is left of the adoption.
SELECT c.relname,
       EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS member
FROM pg_class AS c JOIN pg_inherits AS i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'sch_chameleon'::regnamespace ORDER BY 1;
SELECT nspname FROM pg_namespace WHERE nspname LIKE '%chameleon%' ORDER BY 1;
SELECT proname FROM pg_proc WHERE pronamespace = 'chameleon'::regnamespace ORDER BY 1;
-- The adopted catalogue works: the replay function replays the queued batch.
CREATE SCHEMA shop_pg;
CREATE TABLE shop_pg.items (id integer PRIMARY KEY);
INSERT INTO shop_pg.items VALUES (1);
SELECT sch_chameleon.fn_process_batch(100, 1) AS go_on;
SELECT * FROM shop_pg.items ORDER BY id;
DROP EXTENSION chameleon CASCADE;
DROP SCHEMA shop_pg CASCADE;

----------------------------------------------------------------------------------------------------
-- The same catalogue made by pg_chameleon's upgrade chain (other column order, a dropped column)
----------------------------------------------------------------------------------------------------
SELECT pg_temp.pgchameleon_17('chain');
SELECT string_agg(attname, ', ' ORDER BY attnum) AS t_replica_batch_columns
FROM pg_attribute WHERE attrelid = 'sch_chameleon.t_replica_batch'::regclass AND attnum > 0 AND NOT attisdropped;
DELETE FROM rows_before;
INSERT INTO rows_before SELECT * FROM pg_temp.catalogue_rows();
CREATE EXTENSION chameleon VERSION '1.7';
SELECT count(*) AS changed_rows
FROM ((SELECT * FROM rows_before EXCEPT SELECT * FROM pg_temp.catalogue_rows())
      UNION ALL
      (SELECT * FROM pg_temp.catalogue_rows() EXCEPT SELECT * FROM rows_before)) AS changed;
SELECT pg_temp.shape('adopted 1.7 chain layout');
SELECT * FROM pg_temp.shape_differences('new 1.7', 'adopted 1.7 chain layout');
-- The column order is pg_chameleon's, as it was.
SELECT string_agg(attname, ', ' ORDER BY attnum) AS t_sources_columns
FROM pg_attribute WHERE attrelid = 'sch_chameleon.t_sources'::regclass AND attnum > 0 AND NOT attisdropped;
-- An adopted catalogue goes on like any other: 1.7 -> 2.x needs its configuration, so the update
-- stops at step 4 without one (the whole update rolls back).
CREATE SCHEMA shop_pg;
CREATE TABLE shop_pg.items (id integer PRIMARY KEY);
INSERT INTO shop_pg.items VALUES (1);
SET chameleon.upgrade_config = 'no_such_configuration';
SELECT pg_temp.try($$ALTER EXTENSION chameleon UPDATE$$);
RESET chameleon.upgrade_config;
SELECT * FROM shop_pg.items;
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
DROP EXTENSION chameleon CASCADE;
DROP SCHEMA shop_pg CASCADE;

----------------------------------------------------------------------------------------------------
-- Refusals: another version, a tampered catalogue, not a catalogue
----------------------------------------------------------------------------------------------------
SELECT pg_temp.pgchameleon_17('fresh');
SELECT pg_temp.try($$CREATE EXTENSION chameleon VERSION '1.6'$$);
SELECT pg_temp.try($$CREATE EXTENSION chameleon$$);
-- A missing column, a column of another type, an extra index: all listed.
ALTER TABLE sch_chameleon.t_replica_tables DROP COLUMN i_binlog_position;
ALTER TABLE sch_chameleon.t_sources ALTER COLUMN t_source_schema TYPE character varying(64);
CREATE INDEX idx_mine ON sch_chameleon.t_sources (enm_status);
SELECT pg_temp.try($$CREATE EXTENSION chameleon VERSION '1.7'$$);
-- Nothing changed: no extension, the schema and its rows as they were.
SELECT count(*) AS extensions FROM pg_extension WHERE extname = 'chameleon';
SELECT nspname FROM pg_namespace WHERE nspname LIKE '%chameleon%' ORDER BY 1;
SELECT count(*) AS changed_rows
FROM ((SELECT * FROM rows_before WHERE table_name <> 't_replica_tables'
       EXCEPT SELECT * FROM pg_temp.catalogue_rows() WHERE table_name <> 't_replica_tables')
      UNION ALL
      (SELECT * FROM pg_temp.catalogue_rows() WHERE table_name <> 't_replica_tables'
       EXCEPT SELECT * FROM rows_before WHERE table_name <> 't_replica_tables')) AS changed;
DROP SCHEMA sch_chameleon CASCADE;

-- A schema sch_chameleon that is no pg_chameleon catalogue at all.
CREATE SCHEMA sch_chameleon;
CREATE TABLE sch_chameleon.my_table (id integer PRIMARY KEY);
SELECT regexp_replace(pg_temp.try($$CREATE EXTENSION chameleon VERSION '1.7'$$), E'\nDETAIL: .*\nHINT', E'\n...\nHINT') AS outcome;
SELECT line FROM regexp_split_to_table(pg_temp.try($$CREATE EXTENSION chameleon VERSION '1.7'$$), E'\n') AS line
WHERE line LIKE 'unexpected %' OR line LIKE '%missing table%' ORDER BY 1;
DROP SCHEMA sch_chameleon CASCADE;

----------------------------------------------------------------------------------------------------
-- Every 1.x version adopts its own catalogue: a catalogue as a new install makes it, with a source and
-- its log tables, left outside any extension, then adopted
----------------------------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.round_trip(p_version text) RETURNS TABLE (version text, rows_kept boolean, same_extension boolean)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    EXECUTE format('CREATE EXTENSION chameleon VERSION %L', p_version);
    PERFORM pg_temp.shape('new ' || p_version);
    INSERT INTO sch_chameleon.t_sources (t_source, t_dest_schema) VALUES ('src', 'dest');
    IF p_version <> '1.2' THEN
        UPDATE sch_chameleon.t_sources SET v_log_table = ARRAY['t_log_replica_1_src_1', 't_log_replica_2_src_1'];
        PERFORM sch_chameleon.fn_refresh_parts();
    END IF;
    IF p_version = '1.3' THEN
        -- pg_chameleon 1.3's own create_schema.sql still makes the two obsolete global log tables.
        CREATE TABLE sch_chameleon.t_log_replica_1 (CONSTRAINT pk_log_replica_1 PRIMARY KEY (i_id_event)) INHERITS (sch_chameleon.t_log_replica);
        CREATE TABLE sch_chameleon.t_log_replica_2 (CONSTRAINT pk_log_replica_2 PRIMARY KEY (i_id_event)) INHERITS (sch_chameleon.t_log_replica);
    END IF;
    INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey) VALUES (1, 't', 'dest', '{"\"id\""}');
    FOR r IN
        SELECT obj.type, obj.identity
        FROM pg_depend AS d CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) AS obj
        WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chameleon') AND d.deptype = 'e'
          AND (obj.schema = 'sch_chameleon' OR (d.classid = 'pg_namespace'::regclass AND d.objid = 'sch_chameleon'::regnamespace))
    LOOP
        EXECUTE format('ALTER EXTENSION chameleon DROP %s %s', r.type, r.identity);
    END LOOP;
    DROP EXTENSION chameleon;
    DELETE FROM rows_before;
    INSERT INTO rows_before SELECT * FROM pg_temp.catalogue_rows();
    EXECUTE format('CREATE EXTENSION chameleon VERSION %L', p_version);
    PERFORM pg_temp.shape('adopted ' || p_version);
    version := p_version;
    rows_kept := NOT EXISTS ((SELECT * FROM rows_before EXCEPT SELECT * FROM pg_temp.catalogue_rows())
                             UNION ALL
                             (SELECT * FROM pg_temp.catalogue_rows() EXCEPT SELECT * FROM rows_before));
    same_extension := NOT EXISTS (SELECT 1 FROM pg_temp.shape_differences('new ' || p_version, 'adopted ' || p_version));
    RETURN NEXT;
    DROP EXTENSION chameleon CASCADE;
END
$$;
SELECT r.* FROM unnest(ARRAY['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']) AS v, pg_temp.round_trip(v) AS r;
SELECT nspname FROM pg_namespace WHERE nspname LIKE '%chameleon%' ORDER BY 1;

----------------------------------------------------------------------------------------------------
-- pg_chameleon 2.0.21's catalogue 2.0.10, as its own upgrade chain from 2.0.0 leaves it
----------------------------------------------------------------------------------------------------
CREATE SCHEMA sch_chameleon;
CREATE TYPE sch_chameleon.en_src_status AS ENUM ('ready', 'initialising', 'initialised', 'syncing', 'synced', 'stopped', 'running', 'error');
CREATE TYPE sch_chameleon.en_binlog_event AS ENUM ('delete', 'update', 'insert', 'ddl');
CREATE TYPE sch_chameleon.en_src_type AS ENUM ('mysql', 'pgsql');
CREATE TYPE sch_chameleon.ty_replay_status AS (b_continue boolean, b_error boolean, v_table_error character varying[]);
CREATE TABLE sch_chameleon.t_error_log (
    i_id_log bigserial NOT NULL, i_id_batch bigint NOT NULL, i_id_source bigint NOT NULL,
    v_table_name character varying(100) NOT NULL, v_schema_name character varying(100) NOT NULL,
    t_table_pkey text NOT NULL, t_binlog_name text NOT NULL, i_binlog_position bigint NOT NULL,
    ts_error timestamp without time zone, t_sql text, t_error_message text,
    CONSTRAINT pk_t_error_log PRIMARY KEY (i_id_log));
-- 2.0.0's t_sources, then b_paused / ts_last_maintenance (2.0.2) and b_maintenance (2.0.3) appended.
CREATE TABLE sch_chameleon.t_sources (
    i_id_source bigserial NOT NULL, t_source text NOT NULL, jsb_schema_mappings jsonb NOT NULL,
    enm_status sch_chameleon.en_src_status NOT NULL DEFAULT 'ready', t_binlog_name text, i_binlog_position bigint,
    b_consistent boolean NOT NULL DEFAULT true, enm_source_type sch_chameleon.en_src_type NOT NULL,
    v_log_table character varying[], b_paused boolean NOT NULL DEFAULT false,
    ts_last_maintenance timestamp without time zone, b_maintenance boolean NOT NULL DEFAULT false,
    CONSTRAINT pk_t_sources PRIMARY KEY (i_id_source));
CREATE TABLE sch_chameleon.t_last_received (
    i_id_source bigserial NOT NULL, ts_last_received timestamp without time zone, b_paused boolean NOT NULL DEFAULT false,
    CONSTRAINT pk_t_last_received PRIMARY KEY (i_id_source),
    CONSTRAINT fk_last_received_id_source FOREIGN KEY (i_id_source) REFERENCES sch_chameleon.t_sources (i_id_source)
        ON UPDATE RESTRICT ON DELETE CASCADE);
CREATE TABLE sch_chameleon.t_last_replayed (
    i_id_source bigserial NOT NULL, ts_last_replayed timestamp without time zone, b_paused boolean NOT NULL DEFAULT false,
    CONSTRAINT pk_t_last_replayed PRIMARY KEY (i_id_source),
    CONSTRAINT fk_last_replayed_id_source FOREIGN KEY (i_id_source) REFERENCES sch_chameleon.t_sources (i_id_source)
        ON UPDATE RESTRICT ON DELETE CASCADE);
CREATE UNIQUE INDEX idx_t_sources_t_source ON sch_chameleon.t_sources USING btree (t_source);
CREATE TABLE sch_chameleon.t_replica_batch (
    i_id_batch bigserial NOT NULL, i_id_source bigint NOT NULL, t_binlog_name text, i_binlog_position bigint,
    b_started boolean NOT NULL DEFAULT false, b_processed boolean NOT NULL DEFAULT false, b_replayed boolean NOT NULL DEFAULT false,
    ts_created timestamp without time zone NOT NULL DEFAULT clock_timestamp(), ts_processed timestamp without time zone,
    ts_replayed timestamp without time zone, i_replayed bigint, i_skipped bigint, i_ddl bigint, t_gtid_set text,
    v_log_table character varying NOT NULL DEFAULT 't_log_replica',
    CONSTRAINT pk_t_batch PRIMARY KEY (i_id_batch));
CREATE UNIQUE INDEX idx_t_replica_batch_binlog_name_position ON sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position);
CREATE UNIQUE INDEX idx_t_replica_batch_ts_created ON sch_chameleon.t_replica_batch (i_id_source, ts_created);
CREATE TABLE sch_chameleon.t_log_replica (
    i_id_event bigserial NOT NULL, i_id_batch bigserial NOT NULL,
    v_table_name character varying(100) NOT NULL, v_schema_name character varying(100) NOT NULL,
    enm_binlog_event sch_chameleon.en_binlog_event NOT NULL, t_binlog_name text, i_binlog_position bigint,
    ts_event_datetime timestamp without time zone NOT NULL DEFAULT clock_timestamp(),
    jsb_event_after jsonb, jsb_event_before jsonb, t_query text, i_my_event_time bigint,
    CONSTRAINT pk_log_replica PRIMARY KEY (i_id_event),
    CONSTRAINT fk_replica_batch FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)
        ON UPDATE RESTRICT ON DELETE CASCADE);
CREATE TABLE sch_chameleon.t_replica_tables (
    i_id_table bigserial NOT NULL, i_id_source bigint NOT NULL,
    v_table_name character varying(64) NOT NULL, v_schema_name character varying(64) NOT NULL,
    v_table_pkey character varying(100)[] NOT NULL, t_binlog_name text, i_binlog_position bigint,
    b_replica_enabled boolean NOT NULL DEFAULT true,
    CONSTRAINT pk_t_replica_tables PRIMARY KEY (i_id_table));
CREATE UNIQUE INDEX idx_t_replica_tables_table_schema ON sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name);
CREATE TABLE sch_chameleon.t_discarded_rows (
    i_id_row bigserial NOT NULL, i_id_batch bigint NOT NULL,
    ts_discard timestamp with time zone NOT NULL DEFAULT clock_timestamp(),
    v_table_name character varying(64) NOT NULL, v_schema_name character varying(64) NOT NULL, t_row_data text,
    CONSTRAINT pk_t_discarded_rows PRIMARY KEY (i_id_row));
ALTER TABLE sch_chameleon.t_replica_batch ADD CONSTRAINT fk_t_replica_batch_i_id_source FOREIGN KEY (i_id_source)
    REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE sch_chameleon.t_replica_tables ADD CONSTRAINT fk_t_replica_tables_i_id_source FOREIGN KEY (i_id_source)
    REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;
CREATE TABLE sch_chameleon.t_batch_events (
    i_id_batch bigint NOT NULL, I_id_event bigint[] NOT NULL, CONSTRAINT pk_t_batch_id_events PRIMARY KEY (i_id_batch));
ALTER TABLE sch_chameleon.t_batch_events ADD CONSTRAINT fk_t_batch_id_events_i_id_batch FOREIGN KEY (i_id_batch)
    REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE;
CREATE TABLE sch_chameleon.t_indexes (
    i_id_index bigserial NOT NULL, v_schema_name character varying(64) NOT NULL, v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL, t_index_drop text, t_index_create text,
    CONSTRAINT pk_t_indexes PRIMARY KEY (i_id_index));
CREATE UNIQUE INDEX idx_t_indexes_idx_table_schema ON sch_chameleon.t_indexes (v_schema_name, v_table_name, v_index_name);
CREATE TABLE sch_chameleon.t_pkeys (
    i_id_pkey bigserial NOT NULL, v_schema_name character varying(64) NOT NULL, v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL, t_pkey_drop text, t_pkey_create text,
    CONSTRAINT pk_t_pkeys PRIMARY KEY (i_id_pkey));
CREATE UNIQUE INDEX idx_t_pkeys_table_schema ON sch_chameleon.t_pkeys (v_schema_name, v_table_name);
CREATE TABLE sch_chameleon.t_ukeys (
    i_id_ukey bigserial NOT NULL, v_schema_name character varying(64) NOT NULL, v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL, t_ukey_drop text, t_ukey_create text,
    CONSTRAINT pk_t_ukeys PRIMARY KEY (i_id_ukey));
CREATE UNIQUE INDEX idx_t_ukeys_table_schema ON sch_chameleon.t_ukeys (v_schema_name, v_table_name, v_index_name);
CREATE TABLE sch_chameleon.t_fkeys (
    i_id_fkey bigserial NOT NULL, v_schema_name character varying(64) NOT NULL, v_table_name character varying(64) NOT NULL,
    v_constraint_name character varying(64) NOT NULL, t_fkey_drop text, t_fkey_create text, t_fkey_validate text,
    CONSTRAINT pk_t_fkeys PRIMARY KEY (i_id_fkey));
CREATE UNIQUE INDEX idx_t_fkeys_idx_table_schema ON sch_chameleon.t_fkeys (v_schema_name, v_table_name, v_constraint_name);
-- pg_chameleon's routines and views, as far as signatures and columns go.
CREATE FUNCTION sch_chameleon.fn_refresh_parts() RETURNS void LANGUAGE plpgsql AS 'BEGIN NULL; END';
CREATE FUNCTION sch_chameleon.fn_replay_mysql(integer, integer, boolean) RETURNS sch_chameleon.ty_replay_status
    LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE FUNCTION sch_chameleon.fn_binlog_min(text[], text[]) RETURNS text[] LANGUAGE sql AS 'SELECT $2';
CREATE FUNCTION sch_chameleon.fn_binlog_max(text[], text[]) RETURNS text[] LANGUAGE sql AS 'SELECT $2';
CREATE FUNCTION sch_chameleon.fn_binlog_max_final(text[]) RETURNS text[] LANGUAGE sql AS 'SELECT $1';
CREATE FUNCTION sch_chameleon.fn_binlog_min_final(text[]) RETURNS text[] LANGUAGE sql AS 'SELECT $1';
CREATE AGGREGATE sch_chameleon.binlog_max(text[]) (SFUNC = sch_chameleon.fn_binlog_max, STYPE = text[],
                                                   FINALFUNC = sch_chameleon.fn_binlog_max_final, INITCOND = '{0,0}');
CREATE AGGREGATE sch_chameleon.binlog_min(text[]) (SFUNC = sch_chameleon.fn_binlog_min, STYPE = text[],
                                                   FINALFUNC = sch_chameleon.fn_binlog_min_final, INITCOND = '{0,0}');
CREATE VIEW sch_chameleon.v_version AS SELECT '2.0.10'::text AS t_version;
CREATE VIEW sch_chameleon.v_idx_cons AS
    SELECT 'i'::"char" AS v_constraint_type, ''::text AS t_sql_drop, ''::text AS t_sql_create,
           ''::name AS v_index_name, ''::name AS v_table_name, ''::name AS v_schema_name;
CREATE VIEW sch_chameleon.v_fkeys AS
    SELECT ''::name AS v_schema_referenced, ''::name AS v_table_referenced, ''::name AS v_schema_referencing,
           ''::name AS v_table_referencing, ''::text AS t_con_drop, ''::text AS t_con_create, ''::text AS t_con_validate,
           ''::name AS v_fk_name;
-- A source with its log tables and rows.
INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, enm_status, t_binlog_name, i_binlog_position, b_consistent,
                                     enm_source_type, v_log_table)
VALUES ('mysql', '{"sakila": "db_sakila"}', 'stopped', 'mysql-bin.000003', 7777, false, 'mysql',
        ARRAY['t_log_replica_mysql_2', 't_log_replica_mysql_1']);
INSERT INTO sch_chameleon.t_last_received VALUES (1, '2024-03-01 10:00:00', false);
INSERT INTO sch_chameleon.t_last_replayed VALUES (1, '2024-03-01 09:59:00', false);
CREATE TABLE sch_chameleon.t_log_replica_mysql_1 (
    CONSTRAINT pk_t_log_replica_mysql_1 PRIMARY KEY (i_id_event),
    CONSTRAINT fk_t_log_replica_mysql_1 FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)
        ON UPDATE RESTRICT ON DELETE CASCADE) INHERITS (sch_chameleon.t_log_replica);
CREATE INDEX idx_id_batch_t_log_replica_mysql_1 ON sch_chameleon.t_log_replica_mysql_1 (i_id_batch);
CREATE TABLE sch_chameleon.t_log_replica_mysql_2 (
    CONSTRAINT pk_t_log_replica_mysql_2 PRIMARY KEY (i_id_event),
    CONSTRAINT fk_t_log_replica_mysql_2 FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)
        ON UPDATE RESTRICT ON DELETE CASCADE) INHERITS (sch_chameleon.t_log_replica);
CREATE INDEX idx_id_batch_t_log_replica_mysql_2 ON sch_chameleon.t_log_replica_mysql_2 (i_id_batch);
INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, i_binlog_position)
VALUES (1, 'actor', 'db_sakila', '{actor_id}', NULL, NULL), (1, 'film', 'db_sakila', '{film_id}', 'mysql-bin.000003', 7777);
INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, ts_created, v_log_table)
VALUES (1, 'mysql-bin.000003', 4, true, true, '2024-03-01 09:50:00', 't_log_replica_mysql_1'),
       (1, 'mysql-bin.000003', 5000, true, false, '2024-03-01 09:55:00', 't_log_replica_mysql_2');
INSERT INTO sch_chameleon.t_log_replica_mysql_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_after, jsb_event_before, i_my_event_time)
VALUES (1, 'actor', 'db_sakila', 'insert', '{"actor_id": 1}', '{}', 1709286600);
INSERT INTO sch_chameleon.t_batch_events VALUES (1, '{1}');
INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, t_binlog_name, i_binlog_position,
                                       ts_error, t_sql, t_error_message)
VALUES (1, 1, 'film', 'db_sakila', 'film_id=''1''', 'mysql-bin.000003', 100, '2024-03-01 09:51:00', '''INSERT ...''', '23505 - duplicate');
INSERT INTO sch_chameleon.t_pkeys (v_schema_name, v_table_name, v_index_name, t_pkey_drop, t_pkey_create)
VALUES ('db_sakila', 'film', 'film_pkey', 'ALTER TABLE ...', 'ALTER TABLE ...');
DELETE FROM rows_before;
INSERT INTO rows_before SELECT * FROM pg_temp.catalogue_rows();

CREATE EXTENSION chameleon VERSION '2.0';
SELECT count(*) AS changed_rows
FROM ((SELECT * FROM rows_before EXCEPT SELECT * FROM pg_temp.catalogue_rows())
      UNION ALL
      (SELECT * FROM pg_temp.catalogue_rows() EXCEPT SELECT * FROM rows_before)) AS changed;
SELECT count(*) AS catalogue_rows FROM rows_before;
SELECT pg_temp.shape('adopted 2.0.10 chain layout');
SELECT * FROM pg_temp.shape_differences('new 2.0', 'adopted 2.0.10 chain layout');
-- The aggregates are the extension's again.
SELECT sch_chameleon.binlog_min(c) AS lowest, sch_chameleon.binlog_max(c) AS highest
FROM (VALUES (ARRAY['mysql-bin.000010', '4']), (ARRAY['mysql-bin.000009', '1200'])) AS v (c);
-- On to 2.1, which adds the configuration name.
ALTER EXTENSION chameleon UPDATE;
SELECT name, status, consistent, config, schema_mappings, tables_replicated, log_tables, high_watermark_file, high_watermark_position
FROM sch_chameleon.v_sources;
DROP EXTENSION chameleon CASCADE;

----------------------------------------------------------------------------------------------------
-- CREATE EXTENSION chameleon (2.1) adopts a fresh pg_chameleon 2.0.10 catalogue and updates it
----------------------------------------------------------------------------------------------------
-- A fresh 2.0.10 catalogue: the extension's 2.0 objects, left outside any extension.
CREATE EXTENSION chameleon VERSION '2.0';
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT obj.type, obj.identity
        FROM pg_depend AS d CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) AS obj
        WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chameleon') AND d.deptype = 'e'
          AND (obj.schema = 'sch_chameleon' OR (d.classid = 'pg_namespace'::regclass AND d.objid = 'sch_chameleon'::regnamespace))
    LOOP
        EXECUTE format('ALTER EXTENSION chameleon DROP %s %s', r.type, r.identity);
    END LOOP;
END
$$;
DROP EXTENSION chameleon;
INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, enm_source_type) VALUES ('mysql', '{"world": "world"}', 'mysql');
CREATE EXTENSION chameleon;
SELECT extversion FROM pg_extension WHERE extname = 'chameleon';
SELECT name, status, config, schema_mappings FROM sch_chameleon.v_sources;
DROP EXTENSION chameleon CASCADE;
SELECT nspname FROM pg_namespace WHERE nspname LIKE '%chameleon%' ORDER BY 1;
