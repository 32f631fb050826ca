\echo Use "CREATE EXTENSION chameleon VERSION '2.0'" to load this file. \quit
--
-- chameleon 2.0: the pg_chameleon 2.0.10 replica catalogue (schema sch_chameleon), object for object,
-- as a fresh pg_chameleon 2.0.21 install leaves it, plus the SQL API schema chameleon (version() only;
-- the rest of the API arrives with the 2.0--2.1 step). In a database that already holds a catalogue
-- made by pg_chameleon 2.0.x at catalogue version 2.0.10, the script adopts it (see the adoption block).
--
-- Conventions: every name is schema-qualified (the control file installs into pg_catalog), no CREATE OR
-- REPLACE, functions pin search_path, and every catalogue table and sequence is registered with
-- pg_extension_config_dump so that pg_dump keeps its rows. The per-source log tables
-- t_log_replica_<source>_N are created at run time by fn_refresh_parts() and are not extension members.
-- The 1.7 -> 2.0 migration (chameleon--1.7--2.0.sql) installs the same catalogue: keep the two equal.
--

CREATE SCHEMA chameleon;

-- >>> adoption block (keep identical in every base script; test/t/021_scripts.pl checks it)
---------------------------------------------------------------------------------------------------------
-- Adoption of a catalogue left by pg_chameleon. This block is the same in every base script
-- (chameleon--1.2.sql ... chameleon--1.7.sql and chameleon--2.0.sql). Its two functions are dropped
-- again at the end of the script.
--
-- CREATE EXTENSION in a database that already has a schema sch_chameleon:
--   1. chameleon._adopt('prepare', <catalogue version>) checks that sch_chameleon.v_version names the
--      catalogue version being installed, and moves the schema aside (_sch_chameleon_adopted);
--   2. the script creates the catalogue in sch_chameleon exactly as for a new install;
--   3. chameleon._adopt('adopt', ...) compares the two object for object: types, tables, columns (by
--      name: type, NOT NULL, default), constraints, indexes, sequences, views (columns) and routines
--      (signature and result). On any difference it refuses and lists them all. Otherwise it drops the
--      new copy, gives the name sch_chameleon back to the existing schema, makes its types, tables and
--      sequences members of the extension, and replaces pg_chameleon's functions and views by the
--      extension's. Rows and sequence positions are untouched.
-- Column order is not compared: pg_chameleon's fresh installs and its upgrade chain order some
-- columns differently, and both are accepted. Children of t_log_replica that the new catalogue does
-- not have are run-time log tables (per source): they stay as they are, outside the extension, like
-- the ones fn_refresh_parts() makes later.
---------------------------------------------------------------------------------------------------------

-- One row per object of schema p_schema: (kind, name, detail), with the schema's own name written as
-- sch_chameleon. Relations in p_skip are left out, with their columns, constraints and indexes.
CREATE FUNCTION chameleon._adopt_describe(p_schema name, p_skip oid[])
RETURNS TABLE (kind text, name text, detail text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $describe$
    WITH ns AS (
        SELECT n.oid FROM pg_namespace AS n WHERE n.nspname = p_schema
    ), rel AS (
        SELECT c.oid, c.relname::text AS relname, c.relkind
        FROM pg_class AS c
        JOIN ns ON ns.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.oid <> ALL (p_skip)
    ), obj (kind, name, detail) AS (
        SELECT 'type', t.typname::text,
               CASE t.typtype
                   WHEN 'e' THEN 'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                              FROM pg_enum AS e WHERE e.enumtypid = t.oid) || ')'
                   WHEN 'd' THEN 'domain over ' || format_type(t.typbasetype, t.typtypmod)
                   ELSE 'composite (' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                                            ', ' ORDER BY a.attnum)
                                          FROM pg_attribute AS a
                                          WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
               END
        FROM pg_type AS t
        JOIN ns ON ns.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd')
           OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class AS c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
        UNION ALL
        SELECT CASE r.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'relation' END,
               r.relname,
               CASE r.relkind
                   WHEN 'r' THEN coalesce('inherits ' || (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                                                          FROM pg_inherits AS i WHERE i.inhrelid = r.oid), 'table')
                   WHEN 'v' THEN 'view (' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                                                ', ' ORDER BY a.attnum)
                                              FROM pg_attribute AS a WHERE a.attrelid = r.oid AND a.attnum > 0) || ')'
                   WHEN 'S' THEN (SELECT format('%s from %s to %s by %s%s, owned by %s', format_type(s.seqtypid, NULL), s.seqmin,
                                               s.seqmax, s.seqincrement, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END,
                                               coalesce((SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                                                         FROM pg_depend AS d
                                                         JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                                         WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid
                                                           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                                                         LIMIT 1), 'nothing'))
                                  FROM pg_sequence AS s WHERE s.seqrelid = r.oid)
                   ELSE 'relation of kind ' || r.relkind::text
               END
        FROM rel AS r
        UNION ALL
        SELECT 'column', r.relname || '.' || a.attname::text,
               format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
        FROM rel AS r
        JOIN pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE r.relkind IN ('r', 'p', 'f')
        UNION ALL
        SELECT 'constraint', r.relname || '.' || con.conname::text, pg_get_constraintdef(con.oid)
        FROM rel AS r
        JOIN pg_constraint AS con ON con.conrelid = r.oid
        UNION ALL
        SELECT 'index', ic.relname::text, pg_get_indexdef(ic.oid)
        FROM rel AS r
        JOIN pg_index AS x ON x.indrelid = r.oid
        JOIN pg_class AS ic ON ic.oid = x.indexrelid
        UNION ALL
        SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END,
               p.proname::text || '(' || oidvectortypes(p.proargtypes) || ')',
               CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'returns ' || pg_get_function_result(p.oid) END
        FROM pg_proc AS p
        JOIN ns ON ns.oid = p.pronamespace
    )
    SELECT obj.kind,
           replace(obj.name, quote_ident(p_schema) || '.', 'sch_chameleon.'),
           replace(obj.detail, quote_ident(p_schema) || '.', 'sch_chameleon.')
    FROM obj
$describe$;

CREATE FUNCTION chameleon._adopt(p_phase text, p_catalogue text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $adopt$
DECLARE
    c_held CONSTANT name := '_sch_chameleon_adopted';
    v_found text;
    v_hint text;
    v_skip oid[];
    v_differences text;
    v_definitions text[];
    v_statement text;
    rec record;
BEGIN
    IF p_phase = 'prepare' THEN
        IF to_regnamespace('sch_chameleon') IS NULL THEN
            RETURN;
        END IF;
        IF to_regnamespace(c_held) IS NOT NULL THEN
            RAISE EXCEPTION 'schema % already exists', c_held
                USING ERRCODE = 'duplicate_schema',
                      HINT = 'It is not used by pg_chameleon nor by chameleon: drop or rename it, then try again.';
        END IF;
        -- A catalogue names its version in v_version: a catalogue at another version gets a precise answer.
        IF to_regclass('sch_chameleon.v_version') IS NOT NULL THEN
            BEGIN
                EXECUTE 'SELECT t_version::text FROM sch_chameleon.v_version' INTO v_found;
            EXCEPTION WHEN OTHERS THEN
                v_found := NULL;
            END;
        END IF;
        IF v_found IS NOT NULL AND v_found <> p_catalogue THEN
            v_hint := CASE
                WHEN v_found IN ('1.2', '1.3', '1.4', '1.5', '1.6', '1.7') THEN
                    format('Adopt it with CREATE EXTENSION chameleon VERSION %L, then bring it up to date with '
                           'ALTER EXTENSION chameleon UPDATE (see "Upgrading" in the README).', v_found)
                WHEN v_found = '2.0.10' THEN
                    'Adopt it with CREATE EXTENSION chameleon VERSION ''2.0'', or with CREATE EXTENSION chameleon, '
                    'which adopts it and updates it to the current version.'
                WHEN v_found LIKE '2.%' THEN
                    'chameleon adopts pg_chameleon 2.x catalogues at version 2.0.10: upgrade it first with '
                    'pg_chameleon 2.0.21 (chameleon upgrade_replica_schema).'
                ELSE
                    'chameleon adopts pg_chameleon 1.x catalogues from version 1.2 on: upgrade it first with '
                    'pg_chameleon 1.8.2 (chameleon.py upgrade_schema).'
            END;
            RAISE EXCEPTION 'schema sch_chameleon holds a pg_chameleon catalogue at version %, not %', v_found, p_catalogue
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = v_hint;
        END IF;
        EXECUTE format('ALTER SCHEMA sch_chameleon RENAME TO %I', c_held);
        RETURN;
    END IF;

    IF p_phase <> 'adopt' THEN
        RAISE EXCEPTION 'chameleon._adopt: unknown phase %', p_phase;
    END IF;
    IF to_regnamespace(c_held) IS NULL THEN
        RETURN;     -- a new install
    END IF;

    -- Run-time log tables of the existing catalogue: children of t_log_replica the new one has not.
    SELECT coalesce(array_agg(i.inhrelid), '{}')
    INTO v_skip
    FROM pg_inherits AS i
    JOIN pg_class AS child ON child.oid = i.inhrelid
    WHERE i.inhparent = to_regclass(format('%I.t_log_replica', c_held))
      AND to_regclass(format('sch_chameleon.%I', child.relname)) IS NULL;

    SELECT string_agg(d.line, E'\n' ORDER BY d.ord, d.name)
    INTO v_differences
    FROM (
        SELECT array_position(ARRAY['type', 'table', 'column', 'constraint', 'index', 'sequence', 'view', 'relation',
                                    'function', 'aggregate', 'procedure'], coalesce(f.kind, h.kind)) AS ord,
               coalesce(f.name, h.name) AS name,
               CASE
                   WHEN h.name IS NULL THEN format('missing %s %s: %s', f.kind, f.name, f.detail)
                   WHEN f.name IS NULL THEN format('unexpected %s %s: %s', h.kind, h.name, h.detail)
                   ELSE format('%s %s: %s, expected %s', f.kind, f.name, h.detail, f.detail)
               END AS line
        FROM chameleon._adopt_describe('sch_chameleon', '{}') AS f
        FULL JOIN chameleon._adopt_describe(c_held, v_skip) AS h ON h.kind = f.kind AND h.name = f.name
        WHERE f.detail IS DISTINCT FROM h.detail
    ) AS d;

    IF v_differences IS NOT NULL THEN
        RAISE EXCEPTION 'schema sch_chameleon does not match the pg_chameleon % catalogue', p_catalogue
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = v_differences,
                  HINT = 'CREATE EXTENSION adopts a catalogue left unchanged by pg_chameleon at that version. '
                         'To install a new catalogue instead, rename or drop schema sch_chameleon.';
    END IF;

    -- The extension's routines and views, to be made again over the adopted tables.
    v_definitions := ARRAY(
        SELECT def.statement
        FROM (
            SELECT 1 AS ord, p.proname::text AS name, pg_get_functiondef(p.oid) AS statement
            FROM pg_proc AS p
            WHERE p.pronamespace = 'sch_chameleon'::regnamespace AND p.prokind IN ('f', 'p')
            UNION ALL
            SELECT 2, p.proname::text,
                   format('CREATE AGGREGATE %s (SFUNC = %s, STYPE = %s%s%s)', p.oid::regprocedure, a.aggtransfn::regproc,
                          format_type(a.aggtranstype, NULL),
                          CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc::text ELSE '' END,
                          CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END)
            FROM pg_proc AS p
            JOIN pg_aggregate AS a ON a.aggfnoid = p.oid
            WHERE p.pronamespace = 'sch_chameleon'::regnamespace
            UNION ALL
            SELECT 3, c.relname::text, format('CREATE VIEW sch_chameleon.%I AS %s', c.relname, pg_get_viewdef(c.oid))
            FROM pg_class AS c
            WHERE c.relnamespace = 'sch_chameleon'::regnamespace AND c.relkind = 'v'
        ) AS def
        ORDER BY def.ord, def.name);

    EXECUTE 'DROP SCHEMA sch_chameleon CASCADE';

    -- pg_chameleon's views and routines make way for the extension's.
    FOR rec IN
        SELECT c.relname FROM pg_class AS c
        WHERE c.relnamespace = to_regnamespace(c_held) AND c.relkind = 'v'
    LOOP
        EXECUTE format('DROP VIEW %I.%I', c_held, rec.relname);
    END LOOP;
    FOR rec IN
        SELECT p.oid::regprocedure AS signature, p.prokind
        FROM pg_proc AS p
        WHERE p.pronamespace = to_regnamespace(c_held)
        ORDER BY p.prokind = 'a' DESC
    LOOP
        EXECUTE format('DROP %s %s', CASE rec.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                       rec.signature);
    END LOOP;

    EXECUTE format('ALTER SCHEMA %I RENAME TO sch_chameleon', c_held);
    EXECUTE 'ALTER EXTENSION chameleon ADD SCHEMA sch_chameleon';
    FOR rec IN
        SELECT t.typname
        FROM pg_type AS t
        WHERE t.typnamespace = 'sch_chameleon'::regnamespace
          AND (t.typtype IN ('e', 'd')
               OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class AS c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
        ORDER BY t.typname
    LOOP
        EXECUTE format('ALTER EXTENSION chameleon ADD TYPE sch_chameleon.%I', rec.typname);
    END LOOP;
    FOR rec IN
        SELECT c.relname, c.relkind
        FROM pg_class AS c
        WHERE c.relnamespace = 'sch_chameleon'::regnamespace
          AND c.relkind IN ('r', 'S')
          AND c.oid <> ALL (v_skip)
        ORDER BY c.relkind, c.relname
    LOOP
        EXECUTE format('ALTER EXTENSION chameleon ADD %s sch_chameleon.%I',
                       CASE rec.relkind WHEN 'r' THEN 'TABLE' ELSE 'SEQUENCE' END, rec.relname);
    END LOOP;
    FOREACH v_statement IN ARRAY v_definitions LOOP
        EXECUTE v_statement;
    END LOOP;
END
$adopt$;

-- <<< adoption block

SELECT chameleon._adopt('prepare', '2.0.10');

CREATE SCHEMA sch_chameleon;

---------------------------------------------------------------------------------------------------------
-- Types
---------------------------------------------------------------------------------------------------------

CREATE TYPE sch_chameleon.en_src_status AS ENUM
    ('ready', 'initialising', 'initialised', 'syncing', 'synced', 'stopped', 'running', 'error');

CREATE TYPE sch_chameleon.en_binlog_event AS ENUM
    ('delete', 'update', 'insert', 'ddl');

CREATE TYPE sch_chameleon.en_src_type AS ENUM
    ('mysql', 'pgsql');

CREATE TYPE sch_chameleon.ty_replay_status AS (
    b_continue boolean,
    b_error boolean,
    v_table_error character varying[]
);

---------------------------------------------------------------------------------------------------------
-- Tables (fresh-install column order)
---------------------------------------------------------------------------------------------------------

-- Replay errors; no foreign keys so that the log outlives the batches it names.
CREATE TABLE sch_chameleon.t_error_log (
    i_id_log bigserial NOT NULL,
    i_id_batch bigint NOT NULL,
    i_id_source bigint NOT NULL,
    v_table_name character varying(100) NOT NULL,
    v_schema_name character varying(100) NOT NULL,
    t_table_pkey text NOT NULL,
    t_binlog_name text NOT NULL,
    i_binlog_position bigint NOT NULL,
    ts_error timestamp without time zone,
    t_sql text,
    t_error_message text,
    CONSTRAINT pk_t_error_log PRIMARY KEY (i_id_log)
);

-- One row per source.
CREATE TABLE sch_chameleon.t_sources (
    i_id_source bigserial NOT NULL,
    t_source text NOT NULL,
    jsb_schema_mappings jsonb NOT NULL,
    enm_status sch_chameleon.en_src_status NOT NULL DEFAULT 'ready',
    t_binlog_name text,
    i_binlog_position bigint,
    b_consistent boolean NOT NULL DEFAULT true,
    b_paused boolean NOT NULL DEFAULT false,
    b_maintenance boolean NOT NULL DEFAULT false,
    ts_last_maintenance timestamp without time zone,
    enm_source_type sch_chameleon.en_src_type NOT NULL,
    v_log_table character varying[],
    CONSTRAINT pk_t_sources PRIMARY KEY (i_id_source)
);

CREATE TABLE sch_chameleon.t_last_received (
    i_id_source bigserial NOT NULL,
    b_paused boolean NOT NULL DEFAULT false,
    ts_last_received timestamp without time zone,
    CONSTRAINT pk_t_last_received PRIMARY KEY (i_id_source),
    CONSTRAINT fk_last_received_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE
);

CREATE TABLE sch_chameleon.t_last_replayed (
    i_id_source bigserial NOT NULL,
    b_paused boolean NOT NULL DEFAULT false,
    ts_last_replayed timestamp without time zone,
    CONSTRAINT pk_t_last_replayed PRIMARY KEY (i_id_source),
    CONSTRAINT fk_last_replayed_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE
);

CREATE UNIQUE INDEX idx_t_sources_t_source ON sch_chameleon.t_sources (t_source);

-- Batches of binlog events with their start coordinates.
CREATE TABLE sch_chameleon.t_replica_batch (
    i_id_batch bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    t_binlog_name text,
    v_log_table character varying NOT NULL DEFAULT 't_log_replica',
    i_binlog_position bigint,
    t_gtid_set text,
    b_started boolean NOT NULL DEFAULT false,
    b_processed boolean NOT NULL DEFAULT false,
    b_replayed boolean NOT NULL DEFAULT false,
    ts_created timestamp without time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    ts_processed timestamp without time zone,
    ts_replayed timestamp without time zone,
    i_replayed bigint,
    i_skipped bigint,
    i_ddl bigint,
    CONSTRAINT pk_t_batch PRIMARY KEY (i_id_batch)
);

CREATE UNIQUE INDEX idx_t_replica_batch_binlog_name_position
    ON sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position);
CREATE UNIQUE INDEX idx_t_replica_batch_ts_created
    ON sch_chameleon.t_replica_batch (i_id_source, ts_created);

-- Parent of the per-source log tables; normally empty itself. i_id_batch is a bigserial as in
-- pg_chameleon (its sequence is never used: the reader always supplies the batch id).
CREATE TABLE sch_chameleon.t_log_replica (
    i_id_event bigserial NOT NULL,
    i_id_batch bigserial NOT NULL,
    v_table_name character varying(100) NOT NULL,
    v_schema_name character varying(100) NOT NULL,
    enm_binlog_event sch_chameleon.en_binlog_event NOT NULL,
    t_binlog_name text,
    i_binlog_position bigint,
    ts_event_datetime timestamp without time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    jsb_event_after jsonb,
    jsb_event_before jsonb,
    t_query text,
    i_my_event_time bigint,
    CONSTRAINT pk_log_replica PRIMARY KEY (i_id_event),
    CONSTRAINT fk_replica_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE
);

-- Replicated tables with their identity columns.
CREATE TABLE sch_chameleon.t_replica_tables (
    i_id_table bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    v_table_name character varying(64) NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    v_table_pkey character varying(100)[] NOT NULL,
    t_binlog_name text,
    i_binlog_position bigint,
    b_replica_enabled boolean NOT NULL DEFAULT true,
    CONSTRAINT pk_t_replica_tables PRIMARY KEY (i_id_table)
);

CREATE UNIQUE INDEX idx_t_replica_tables_table_schema
    ON sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name);

-- Rows the reader could not store even one by one.
CREATE TABLE sch_chameleon.t_discarded_rows (
    i_id_row bigserial NOT NULL,
    i_id_batch bigint NOT NULL,
    ts_discard timestamp with time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    v_table_name character varying(64) NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    t_row_data text,
    CONSTRAINT pk_t_discarded_rows PRIMARY KEY (i_id_row)
);

ALTER TABLE sch_chameleon.t_replica_batch
    ADD CONSTRAINT fk_t_replica_batch_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;

ALTER TABLE sch_chameleon.t_replica_tables
    ADD CONSTRAINT fk_t_replica_tables_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;

-- The queue of event ids of a processed batch that are still to be replayed.
CREATE TABLE sch_chameleon.t_batch_events (
    i_id_batch bigint NOT NULL,
    i_id_event bigint[] NOT NULL,
    CONSTRAINT pk_t_batch_id_events PRIMARY KEY (i_id_batch),
    CONSTRAINT fk_t_batch_id_events_i_id_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE
);

-- Saved DDL of indexes and keys (keep_existing_schema).
CREATE TABLE sch_chameleon.t_indexes (
    i_id_index bigserial NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL,
    t_index_drop text,
    t_index_create text,
    CONSTRAINT pk_t_indexes PRIMARY KEY (i_id_index)
);
CREATE UNIQUE INDEX idx_t_indexes_idx_table_schema
    ON sch_chameleon.t_indexes (v_schema_name, v_table_name, v_index_name);

CREATE TABLE sch_chameleon.t_pkeys (
    i_id_pkey bigserial NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL,
    t_pkey_drop text,
    t_pkey_create text,
    CONSTRAINT pk_t_pkeys PRIMARY KEY (i_id_pkey)
);
CREATE UNIQUE INDEX idx_t_pkeys_table_schema
    ON sch_chameleon.t_pkeys (v_schema_name, v_table_name);

CREATE TABLE sch_chameleon.t_ukeys (
    i_id_ukey bigserial NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    v_table_name character varying(64) NOT NULL,
    v_index_name character varying(64) NOT NULL,
    t_ukey_drop text,
    t_ukey_create text,
    CONSTRAINT pk_t_ukeys PRIMARY KEY (i_id_ukey)
);
CREATE UNIQUE INDEX idx_t_ukeys_table_schema
    ON sch_chameleon.t_ukeys (v_schema_name, v_table_name, v_index_name);

CREATE TABLE sch_chameleon.t_fkeys (
    i_id_fkey bigserial NOT NULL,
    v_schema_name character varying(64) NOT NULL,
    v_table_name character varying(64) NOT NULL,
    v_constraint_name character varying(64) NOT NULL,
    t_fkey_drop text,
    t_fkey_create text,
    t_fkey_validate text,
    CONSTRAINT pk_t_fkeys PRIMARY KEY (i_id_fkey)
);
CREATE UNIQUE INDEX idx_t_fkeys_idx_table_schema
    ON sch_chameleon.t_fkeys (v_schema_name, v_table_name, v_constraint_name);


---------------------------------------------------------------------------------------------------------
-- Functions
---------------------------------------------------------------------------------------------------------

-- Creates, when missing, the child log tables named in t_sources.v_log_table (all sources), each with
-- its own primary key, its foreign key to t_replica_batch and its index on i_id_batch. Idempotent.
CREATE FUNCTION sch_chameleon.fn_refresh_parts()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    v_t_table text;
BEGIN
    FOR v_t_table IN
        SELECT log_table.v_name
        FROM sch_chameleon.t_sources AS src
        CROSS JOIN LATERAL pg_catalog.unnest(src.v_log_table) AS log_table (v_name)
        WHERE log_table.v_name IS NOT NULL
        ORDER BY src.i_id_source, log_table.v_name
    LOOP
        -- Existing tables and indexes are left alone, silently (IF NOT EXISTS would say so).
        IF pg_catalog.to_regclass(pg_catalog.format('sch_chameleon.%I', v_t_table)) IS NULL THEN
            RAISE DEBUG 'CREATING TABLE %', v_t_table;
            EXECUTE pg_catalog.format(
                'CREATE TABLE IF NOT EXISTS sch_chameleon.%I ('
                '  CONSTRAINT %I PRIMARY KEY (i_id_event),'
                '  CONSTRAINT %I FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)'
                '    ON UPDATE RESTRICT ON DELETE CASCADE'
                ') INHERITS (sch_chameleon.t_log_replica)',
                v_t_table, 'pk_' || v_t_table, 'fk_' || v_t_table);
        END IF;
        IF pg_catalog.to_regclass(pg_catalog.format('sch_chameleon.%I', 'idx_id_batch_' || v_t_table)) IS NULL THEN
            EXECUTE pg_catalog.format(
                'CREATE INDEX IF NOT EXISTS %I ON sch_chameleon.%I (i_id_batch)',
                'idx_id_batch_' || v_t_table, v_t_table);
        END IF;
    END LOOP;
END;
$function$;

-- Replays at most p_i_max_events events of the oldest pending batch (processed, not yet replayed, with
-- an event queue) of source p_i_id_source. Called in a loop while b_continue is true.
--  * Each event becomes one statement: INSERT of the after image, UPDATE of every after-image column
--    matched on the before image's key columns, DELETE matched on the deleted row's key columns, or the
--    stored DDL. Values travel as quoted literals and are coerced by the target column types.
--  * Every statement runs in its own subtransaction. A failure is written to t_error_log and its
--    '<schema>.<table> SQLSTATE: x - ERROR MESSAGE: y' returned in v_table_error. Then:
--      p_b_exit_on_error: the statements of this call are rolled back, the queue and the counters are
--        left as they were, and (false, true, errors) is returned, so a retry starts again from the
--        first event of the same slice and applies nothing twice;
--      otherwise: the table is disabled (b_replica_enabled = false) and its events of this batch are
--        dropped (later events of it in the same slice are not executed); the other tables go on.
--  * Only tables registered for this source and enabled are replayed; events of other tables are
--    skipped. i_replayed and i_ddl accumulate; i_skipped counts the batch's log rows removed without
--    being applied, so replayed + ddl + skipped = events of the batch.
--  * Only an empty queue closes the batch (b_replayed, ts_replayed, queue row deleted); b_continue then
--    says whether another pending batch exists. A slice whose events are all skipped does not end it.
--  * Statements run with this function's search_path (pg_catalog, pg_temp): stored DDL must qualify
--    its names.
CREATE FUNCTION sch_chameleon.fn_replay_mysql(
    p_i_max_events integer,
    p_i_id_source integer,
    p_b_exit_on_error boolean
)
RETURNS sch_chameleon.ty_replay_status
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    v_ty_status sch_chameleon.ty_replay_status;
    v_i_id_batch bigint;
    v_t_log_table text;
    v_i_queue bigint[];
    v_i_slice bigint[];
    v_i_rest bigint[];
    v_ts_evt_source timestamp without time zone;
    v_i_replayed bigint := 0;
    v_i_ddl bigint := 0;
    v_i_deleted bigint := 0;
    v_i_rows bigint;
    v_t_disabled text[] := '{}';
    v_b_exit boolean := false;
    v_t_sqlstate text;
    v_t_sqlerrm text;
    v_t_error text;
    rec_event record;
BEGIN
    IF p_i_max_events IS NULL OR p_i_max_events < 1 THEN
        RAISE EXCEPTION 'fn_replay_mysql: the number of events to replay must be at least 1, not %',
            coalesce(p_i_max_events::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    v_ty_status.b_continue := false;
    v_ty_status.b_error := false;
    v_ty_status.v_table_error := NULL;

    -- The oldest pending batch of the source that has an event queue.
    SELECT bat.i_id_batch, bat.v_log_table, evt.i_id_event
    INTO v_i_id_batch, v_t_log_table, v_i_queue
    FROM sch_chameleon.t_replica_batch AS bat
    JOIN sch_chameleon.t_batch_events AS evt ON evt.i_id_batch = bat.i_id_batch
    WHERE bat.i_id_source = p_i_id_source
      AND bat.b_started
      AND bat.b_processed
      AND NOT bat.b_replayed
    ORDER BY bat.ts_created, bat.i_id_batch
    LIMIT 1;

    IF v_i_id_batch IS NULL THEN
        RETURN v_ty_status;
    END IF;

    v_i_slice := coalesce(v_i_queue[1:p_i_max_events], '{}');
    v_i_rest := coalesce(v_i_queue[p_i_max_events + 1:pg_catalog.cardinality(v_i_queue)], '{}');

    IF pg_catalog.cardinality(v_i_slice) = 0 THEN
        -- Queue exhausted: whatever is left of the batch in the log was not replayed.
        DELETE FROM sch_chameleon.t_log_replica WHERE i_id_batch = v_i_id_batch;
        GET DIAGNOSTICS v_i_rows = ROW_COUNT;

        UPDATE sch_chameleon.t_replica_batch
        SET b_replayed = true,
            i_skipped = coalesce(i_skipped, 0) + v_i_rows,
            ts_replayed = pg_catalog.clock_timestamp()
        WHERE i_id_batch = v_i_id_batch;

        DELETE FROM sch_chameleon.t_batch_events WHERE i_id_batch = v_i_id_batch;

        v_ty_status.b_continue := EXISTS (
            SELECT 1
            FROM sch_chameleon.t_replica_batch AS bat
            JOIN sch_chameleon.t_batch_events AS evt ON evt.i_id_batch = bat.i_id_batch
            WHERE bat.i_id_source = p_i_id_source
              AND bat.b_started
              AND bat.b_processed
              AND NOT bat.b_replayed);
        RETURN v_ty_status;
    END IF;

    -- Source time of the last event of the slice.
    SELECT pg_catalog.to_timestamp(log.i_my_event_time)
    INTO v_ts_evt_source
    FROM sch_chameleon.t_log_replica AS log
    WHERE log.i_id_batch = v_i_id_batch
      AND log.i_id_event = v_i_slice[pg_catalog.cardinality(v_i_slice)];

    BEGIN
        FOR rec_event IN EXECUTE pg_catalog.format($query$
            SELECT
                log.i_id_event,
                log.v_table_name,
                log.v_schema_name,
                log.enm_binlog_event,
                log.t_binlog_name,
                log.i_binlog_position,
                pg_catalog.format('%%I.%%I', log.v_schema_name, log.v_table_name) AS t_table,
                CASE
                    WHEN log.enm_binlog_event = 'ddl' THEN 'N/A'
                    ELSE img.t_pk_data
                END AS t_pk_data,
                CASE
                    WHEN log.enm_binlog_event = 'ddl' THEN log.t_query
                    -- a row event without any column in its image gives no statement
                    WHEN img.t_columns IS NULL THEN NULL
                    WHEN log.enm_binlog_event = 'insert' THEN
                        pg_catalog.format('INSERT INTO %%I.%%I (%%s) VALUES (%%s);',
                            log.v_schema_name, log.v_table_name, img.t_columns, img.t_values)
                    WHEN log.enm_binlog_event = 'update' THEN
                        pg_catalog.format('UPDATE %%I.%%I SET %%s WHERE %%s;',
                            log.v_schema_name, log.v_table_name, img.t_set, img.t_pk_data)
                    WHEN log.enm_binlog_event = 'delete' THEN
                        pg_catalog.format('DELETE FROM %%I.%%I WHERE %%s;',
                            log.v_schema_name, log.v_table_name, img.t_pk_data)
                END AS t_sql
            FROM sch_chameleon.%I AS log
            JOIN sch_chameleon.t_replica_tables AS tab
                ON tab.v_table_name = log.v_table_name
               AND tab.v_schema_name = log.v_schema_name
               AND tab.i_id_source = $1
               AND tab.b_replica_enabled
            CROSS JOIN LATERAL (
                SELECT
                    pg_catalog.string_agg(pg_catalog.format('%%I', kv.key), ',' ORDER BY kv.i_pos) AS t_columns,
                    pg_catalog.string_agg(pg_catalog.format('%%L', kv.value), ',' ORDER BY kv.i_pos) AS t_values,
                    pg_catalog.string_agg(pg_catalog.format('%%I=%%L', kv.key, kv.value), ',' ORDER BY kv.i_pos)
                        AS t_set,
                    pg_catalog.string_agg(DISTINCT pg_catalog.format('%%I=%%L', kv.key,
                            CASE
                                WHEN log.enm_binlog_event = 'update' THEN log.jsb_event_before ->> kv.key
                                ELSE kv.value
                            END), ' AND ')
                        FILTER (WHERE kv.key = ANY (tab.v_table_pkey)) AS t_pk_data
                FROM pg_catalog.jsonb_each_text(coalesce(log.jsb_event_after, '{}'))
                    WITH ORDINALITY AS kv (key, value, i_pos)
            ) AS img
            WHERE log.i_id_batch = $2
              AND log.i_id_event = ANY ($3)
            ORDER BY log.i_id_event
            $query$, v_t_log_table)
            USING p_i_id_source, v_i_id_batch, v_i_slice
        LOOP
            -- Events without a statement (no row image) and later events of a table disabled in this
            -- call are not executed; their log rows go with the slice and count as skipped.
            CONTINUE WHEN rec_event.t_sql IS NULL OR rec_event.t_table = ANY (v_t_disabled);

            BEGIN
                EXECUTE rec_event.t_sql;
                IF rec_event.enm_binlog_event = 'ddl' THEN
                    v_i_ddl := v_i_ddl + 1;
                ELSE
                    v_i_replayed := v_i_replayed + 1;
                END IF;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_t_sqlstate = RETURNED_SQLSTATE, v_t_sqlerrm = MESSAGE_TEXT;
                v_t_error := pg_catalog.format('%s SQLSTATE: %s - ERROR MESSAGE: %s',
                    rec_event.t_table, v_t_sqlstate, v_t_sqlerrm);
                RAISE NOTICE 'Could not replay event % of batch % on table %: % - %',
                    rec_event.i_id_event, v_i_id_batch, rec_event.t_table, v_t_sqlstate, v_t_sqlerrm;
                v_ty_status.v_table_error := pg_catalog.array_append(v_ty_status.v_table_error, v_t_error::varchar);

                IF p_b_exit_on_error THEN
                    -- Leave the loop through the enclosing block, which undoes this call's statements.
                    v_b_exit := true;
                    RAISE EXCEPTION 'chameleon: replay stopped on error';
                END IF;

                INSERT INTO sch_chameleon.t_error_log (
                    i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey,
                    t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message)
                VALUES (
                    v_i_id_batch, p_i_id_source, rec_event.v_table_name, rec_event.v_schema_name,
                    coalesce(rec_event.t_pk_data, ''), coalesce(rec_event.t_binlog_name, ''),
                    coalesce(rec_event.i_binlog_position, 0), pg_catalog.clock_timestamp(),
                    pg_catalog.quote_literal(rec_event.t_sql), v_t_sqlstate || ' - ' || v_t_sqlerrm);

                RAISE NOTICE 'The table % is no longer replicated', rec_event.t_table;
                UPDATE sch_chameleon.t_replica_tables
                SET b_replica_enabled = false
                WHERE i_id_source = p_i_id_source
                  AND v_table_name = rec_event.v_table_name
                  AND v_schema_name = rec_event.v_schema_name;

                DELETE FROM sch_chameleon.t_log_replica
                WHERE i_id_batch = v_i_id_batch
                  AND v_table_name = rec_event.v_table_name
                  AND v_schema_name = rec_event.v_schema_name;
                GET DIAGNOSTICS v_i_rows = ROW_COUNT;
                v_i_deleted := v_i_deleted + v_i_rows;
                v_t_disabled := pg_catalog.array_append(v_t_disabled, rec_event.t_table);
            END;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        IF NOT v_b_exit THEN
            RAISE;
        END IF;
        INSERT INTO sch_chameleon.t_error_log (
            i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey,
            t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message)
        VALUES (
            v_i_id_batch, p_i_id_source, rec_event.v_table_name, rec_event.v_schema_name,
            coalesce(rec_event.t_pk_data, ''), coalesce(rec_event.t_binlog_name, ''),
            coalesce(rec_event.i_binlog_position, 0), pg_catalog.clock_timestamp(),
            pg_catalog.quote_literal(rec_event.t_sql), v_t_sqlstate || ' - ' || v_t_sqlerrm);
        v_ty_status.b_continue := false;
        v_ty_status.b_error := true;
        RETURN v_ty_status;
    END;

    IF v_ts_evt_source IS NOT NULL THEN
        UPDATE sch_chameleon.t_last_replayed
        SET ts_last_replayed = v_ts_evt_source
        WHERE i_id_source = p_i_id_source;
    END IF;

    -- The slice is done: drop its log rows and keep the rest of the queue.
    DELETE FROM sch_chameleon.t_log_replica
    WHERE i_id_batch = v_i_id_batch
      AND i_id_event = ANY (v_i_slice);
    GET DIAGNOSTICS v_i_rows = ROW_COUNT;
    v_i_deleted := v_i_deleted + v_i_rows;

    UPDATE sch_chameleon.t_replica_batch
    SET i_replayed = coalesce(i_replayed, 0) + v_i_replayed,
        i_ddl = coalesce(i_ddl, 0) + v_i_ddl,
        i_skipped = coalesce(i_skipped, 0) + (v_i_deleted - v_i_replayed - v_i_ddl),
        ts_replayed = pg_catalog.clock_timestamp()
    WHERE i_id_batch = v_i_id_batch;

    UPDATE sch_chameleon.t_batch_events
    SET i_id_event = v_i_rest
    WHERE i_id_batch = v_i_id_batch;

    v_ty_status.b_continue := true;
    RETURN v_ty_status;
END;
$function$;


-- Binlog coordinates are text[] pairs {file, position}. Files compare by their numeric suffix (the part
-- after the last '.', e.g. mysql-bin.000010 -> 10), positions as numbers. {0,0} is the initial state.

-- Aggregate step: the lower of two coordinates.
CREATE FUNCTION sch_chameleon.fn_binlog_min(p_t_state text[], p_t_new text[])
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT CASE
        WHEN p_t_state = '{0,0}'::text[] THEN p_t_new
        WHEN pg_catalog.split_part(p_t_state[1], '.', -1)::bigint
             > pg_catalog.split_part(p_t_new[1], '.', -1)::bigint THEN p_t_new
        WHEN p_t_state[1] = p_t_new[1] AND p_t_state[2]::bigint >= p_t_new[2]::bigint THEN p_t_new
        ELSE p_t_state
    END;
$function$;

-- Aggregate step: the higher of two coordinates.
CREATE FUNCTION sch_chameleon.fn_binlog_max(p_t_state text[], p_t_new text[])
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT CASE
        WHEN p_t_state = '{0,0}'::text[] THEN p_t_new
        WHEN pg_catalog.split_part(p_t_new[1], '.', -1)::bigint
             > pg_catalog.split_part(p_t_state[1], '.', -1)::bigint THEN p_t_new
        WHEN pg_catalog.split_part(p_t_new[1], '.', -1)::bigint
             < pg_catalog.split_part(p_t_state[1], '.', -1)::bigint THEN p_t_state
        WHEN p_t_new[2]::bigint >= p_t_state[2]::bigint THEN p_t_new
        ELSE p_t_state
    END;
$function$;

-- Aggregate final step of binlog_max: an empty pair means no coordinate.
CREATE FUNCTION sch_chameleon.fn_binlog_max_final(p_t_state text[])
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT CASE
        WHEN p_t_state = '{"",""}'::text[] THEN NULL
        ELSE p_t_state
    END;
$function$;

-- Aggregate final step of binlog_min: the state as it is.
CREATE FUNCTION sch_chameleon.fn_binlog_min_final(p_t_state text[])
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT p_t_state;
$function$;

CREATE AGGREGATE sch_chameleon.binlog_max(text[]) (
    SFUNC = sch_chameleon.fn_binlog_max,
    STYPE = text[],
    FINALFUNC = sch_chameleon.fn_binlog_max_final,
    INITCOND = '{0,0}'
);

CREATE AGGREGATE sch_chameleon.binlog_min(text[]) (
    SFUNC = sch_chameleon.fn_binlog_min,
    STYPE = text[],
    FINALFUNC = sch_chameleon.fn_binlog_min_final,
    INITCOND = '{0,0}'
);

---------------------------------------------------------------------------------------------------------
-- Views
---------------------------------------------------------------------------------------------------------

CREATE VIEW sch_chameleon.v_version AS
    SELECT '2.0.10'::text AS t_version;

-- Every index of the database with the SQL to drop it and to create it again: plain indexes ('i') as
-- DROP INDEX / their definition, primary keys ('p') and unique constraints ('u') as ALTER TABLE.
CREATE VIEW sch_chameleon.v_idx_cons AS
    SELECT DISTINCT
        coalesce(con.contype, 'i'::"char") AS v_constraint_type,
        CASE
            WHEN con.contype IS NULL
                THEN pg_catalog.format('DROP INDEX %I.%I;', idx.schemaname, idx.indexname)
            ELSE pg_catalog.format('ALTER TABLE %I.%I DROP CONSTRAINT %I;',
                idx.schemaname, idx.tablename, con.conname)
        END AS t_sql_drop,
        CASE
            WHEN idx.tablespace IS NULL THEN ''
            ELSE pg_catalog.format('SET default_tablespace=%I;', idx.tablespace)
        END
        || ' '
        || CASE
            WHEN con.contype IS NULL THEN idx.indexdef
            ELSE pg_catalog.format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s',
                idx.schemaname, idx.tablename, con.conname, pg_catalog.pg_get_constraintdef(con.oid))
        END
        || '; SET default_tablespace=DEFAULT;' AS t_sql_create,
        idx.indexname AS v_index_name,
        idx.tablename AS v_table_name,
        idx.schemaname AS v_schema_name
    FROM pg_catalog.pg_indexes AS idx
    LEFT JOIN (
        pg_catalog.pg_constraint AS con
        JOIN pg_catalog.pg_class AS tab ON tab.oid = con.conrelid
        JOIN pg_catalog.pg_namespace AS sch ON sch.oid = tab.relnamespace
    )
        ON sch.nspname = idx.schemaname
       AND tab.relname = idx.tablename
       AND con.conname = idx.indexname
       AND con.contype IN ('p', 'u');

-- Every foreign key referencing a plain table, with the SQL to drop, re-create (NOT VALID) and validate it.
CREATE VIEW sch_chameleon.v_fkeys AS
    SELECT
        sch_ref.nspname AS v_schema_referenced,
        tab_ref.relname AS v_table_referenced,
        sch.nspname AS v_schema_referencing,
        tab.relname AS v_table_referencing,
        pg_catalog.format('ALTER TABLE ONLY %I.%I DROP CONSTRAINT %I ;',
            sch.nspname, tab.relname, con.conname) AS t_con_drop,
        pg_catalog.format('ALTER TABLE ONLY %I.%I ADD CONSTRAINT %I %s  NOT VALID ;',
            sch.nspname, tab.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid)) AS t_con_create,
        pg_catalog.format('ALTER TABLE ONLY %I.%I VALIDATE CONSTRAINT %I ;',
            sch.nspname, tab.relname, con.conname) AS t_con_validate,
        con.conname AS v_fk_name
    FROM pg_catalog.pg_constraint AS con
    JOIN pg_catalog.pg_class AS tab_ref ON tab_ref.oid = con.confrelid
    JOIN pg_catalog.pg_namespace AS sch_ref ON sch_ref.oid = tab_ref.relnamespace
    JOIN pg_catalog.pg_class AS tab ON tab.oid = con.conrelid
    JOIN pg_catalog.pg_namespace AS sch ON sch.oid = tab.relnamespace
    WHERE con.contype = 'f'
      AND tab_ref.relkind = 'r';

-- An existing pg_chameleon catalogue takes the place of the one just made (see above).
SELECT chameleon._adopt('adopt', '2.0.10');

-- Control functions: not for PUBLIC.
REVOKE ALL ON FUNCTION sch_chameleon.fn_refresh_parts() FROM PUBLIC;
REVOKE ALL ON FUNCTION sch_chameleon.fn_replay_mysql(integer, integer, boolean) FROM PUBLIC;

---------------------------------------------------------------------------------------------------------
-- pg_dump keeps the rows (and sequence positions) of the catalogue
---------------------------------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_error_log', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_error_log_i_id_log_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_sources', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_sources_i_id_source_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_last_received', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_last_received_i_id_source_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_last_replayed', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_last_replayed_i_id_source_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_batch', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_batch_i_id_batch_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica_i_id_event_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica_i_id_batch_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_tables', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_tables_i_id_table_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_discarded_rows', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_discarded_rows_i_id_row_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_batch_events', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_indexes', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_indexes_i_id_index_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_pkeys', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_pkeys_i_id_pkey_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_ukeys', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_ukeys_i_id_ukey_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_fkeys', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_fkeys_i_id_fkey_seq', '');

---------------------------------------------------------------------------------------------------------
-- SQL API (schema chameleon); the 2.0--2.1 step adds the rest
---------------------------------------------------------------------------------------------------------

CREATE FUNCTION chameleon.version()
RETURNS text
LANGUAGE C STRICT
AS 'MODULE_PATHNAME', 'chameleon_version';

-- The adoption helpers are not part of the extension.
DROP FUNCTION chameleon._adopt(text, text);
DROP FUNCTION chameleon._adopt_describe(name, oid[]);
