\echo Use "CREATE EXTENSION chameleon VERSION '1.3'" to load this file. \quit
--
-- chameleon 1.3: the pg_chameleon replica catalogue 1.3 (pg_chameleon 1.3), object for object: each source
-- has its own log tables (t_sources.v_log_table, made by fn_refresh_parts()). Unlike pg_chameleon's own
-- 1.3 create_schema.sql, the obsolete global log tables are not created (its upgrade removes them).
--
-- Conventions: every name is schema-qualified (the control file installs into pg_catalog), functions
-- pin search_path, every catalogue table and sequence is registered with pg_extension_config_dump so
-- that pg_dump keeps its rows. Per-source log tables are made at run time and are not extension members.
-- In a database that already holds a pg_chameleon catalogue at this version, the script adopts it
-- (see the adoption block).
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

SELECT chameleon._adopt('prepare', '1.3');

CREATE SCHEMA sch_chameleon;

-- The catalogue version, as pg_chameleon reads it.
CREATE VIEW sch_chameleon.v_version AS
    SELECT '1.3'::text AS t_version;

---------------------------------------------------------------------------------------------------------
-- Types
---------------------------------------------------------------------------------------------------------

CREATE TYPE sch_chameleon.en_src_status AS ENUM
    ('ready', 'initialising', 'initialised', 'stopped', 'running', 'error');

CREATE TYPE sch_chameleon.en_binlog_event AS ENUM
    ('delete', 'update', 'insert', 'ddl');

---------------------------------------------------------------------------------------------------------
-- Tables (the column order of pg_chameleon's fresh install of this version)
---------------------------------------------------------------------------------------------------------

-- One row per source (one pg_chameleon 1.x configuration file): its MySQL schema goes to t_dest_schema;
-- v_log_table names its two log tables, element 1 being the one the reader writes to.
CREATE TABLE sch_chameleon.t_sources (
    i_id_source bigserial NOT NULL,
    t_source text NOT NULL,
    t_dest_schema text NOT NULL,
    enm_status sch_chameleon.en_src_status NOT NULL DEFAULT 'ready',
    ts_last_event timestamp without time zone,
    v_log_table character varying[],
    CONSTRAINT pk_t_sources PRIMARY KEY (i_id_source)
);
CREATE UNIQUE INDEX idx_t_sources_t_source ON sch_chameleon.t_sources (t_source);
CREATE UNIQUE INDEX idx_t_sources_t_dest_schema ON sch_chameleon.t_sources (t_dest_schema);

-- Batches of binlog events with their start coordinates.
CREATE TABLE sch_chameleon.t_replica_batch (
    i_id_batch bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    t_binlog_name text,
    i_binlog_position integer,
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

-- Parent of the log tables, empty itself: jsb_event_data is the row (inserted, after update, deleted),
-- jsb_event_update the before image of an update, t_query the translated DDL. i_id_batch is a
-- bigserial as in pg_chameleon (its sequence is never used).
CREATE TABLE sch_chameleon.t_log_replica (
    i_id_event bigserial NOT NULL,
    i_id_batch bigserial NOT NULL,
    v_table_name character varying(100) NOT NULL,
    v_schema_name character varying(100) NOT NULL,
    enm_binlog_event sch_chameleon.en_binlog_event NOT NULL,
    t_binlog_name text,
    i_binlog_position integer,
    ts_event_datetime timestamp without time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    jsb_event_data jsonb,
    jsb_event_update jsonb,
    t_query text,
    CONSTRAINT pk_log_replica PRIMARY KEY (i_id_event),
    CONSTRAINT fk_replica_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE
);

-- Replicated tables (those with a primary key). v_table_pkey holds one element: the key columns,
-- double-quoted and comma-separated.
CREATE TABLE sch_chameleon.t_replica_tables (
    i_id_table bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    v_table_name character varying(100) NOT NULL,
    v_schema_name character varying(100) NOT NULL,
    v_table_pkey character varying(100)[] NOT NULL,
    CONSTRAINT pk_t_replica_tables PRIMARY KEY (i_id_table)
);
CREATE UNIQUE INDEX idx_t_replica_tables_table_schema
    ON sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name);

-- Rows the reader could not store.
CREATE TABLE sch_chameleon.t_discarded_rows (
    i_id_row bigserial NOT NULL,
    i_id_batch bigint NOT NULL,
    ts_discard timestamp with time zone NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    t_row_data text,
    CONSTRAINT pk_t_discarded_rows PRIMARY KEY (i_id_row)
);

ALTER TABLE sch_chameleon.t_replica_batch
    ADD CONSTRAINT fk_t_replica_batch_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;

ALTER TABLE sch_chameleon.t_replica_tables
    ADD CONSTRAINT fk_t_replica_tables_i_id_source FOREIGN KEY (i_id_source)
        REFERENCES sch_chameleon.t_sources (i_id_source) ON UPDATE RESTRICT ON DELETE CASCADE;

-- Index definitions saved by pg_chameleon 1.x.
CREATE TABLE sch_chameleon.t_index_def (
    i_id_def bigserial NOT NULL,
    i_id_source bigint NOT NULL,
    v_schema character varying(100),
    v_table character varying(100),
    v_index character varying(100),
    t_create text,
    t_drop text,
    CONSTRAINT pk_t_index_def PRIMARY KEY (i_id_def)
);
CREATE UNIQUE INDEX idx_schema_table_source
    ON sch_chameleon.t_index_def (i_id_source, v_schema, v_table, v_index);

---------------------------------------------------------------------------------------------------------
-- Functions
---------------------------------------------------------------------------------------------------------

-- Creates, when missing, the per-source log tables named in t_sources.v_log_table: children of
-- t_log_replica with their own primary key and foreign key to t_replica_batch (the 1.3 form: no index
-- on i_id_batch yet).
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
        CROSS JOIN LATERAL unnest(src.v_log_table) AS log_table (v_name)
        WHERE log_table.v_name IS NOT NULL
        ORDER BY src.i_id_source, log_table.v_name
    LOOP
        IF to_regclass(format('sch_chameleon.%I', v_t_table)) IS NULL THEN
            RAISE DEBUG 'CREATING TABLE %', v_t_table;
            EXECUTE format(
                'CREATE TABLE sch_chameleon.%I ('
                '  CONSTRAINT %I PRIMARY KEY (i_id_event),'
                '  CONSTRAINT %I FOREIGN KEY (i_id_batch) REFERENCES sch_chameleon.t_replica_batch (i_id_batch)'
                '    ON UPDATE RESTRICT ON DELETE CASCADE'
                ') INHERITS (sch_chameleon.t_log_replica)',
                v_t_table, 'pk_' || v_t_table, 'fk_' || v_t_table);
        END IF;
    END LOOP;
END;
$function$;

-- The 1.x replay function as it is from catalogue 1.1 to 1.5: replays at most $1 events of the oldest
-- pending batch (started, processed, not replayed) of source $2, oldest events first, and returns
-- whether the caller should call again.
--  * Only events of tables registered for that source are replayed; DDL runs after a SET search_path
--    to the event's schema (local to this function: it does not change the session's), then the
--    batch's i_ddl grows by one; every replayed event row is deleted.
--  * Row events: INSERT of every column of jsb_event_data; UPDATE setting every column of
--    jsb_event_data where the key columns equal their values in jsb_event_update (the before image);
--    DELETE where the key columns equal their values in jsb_event_data. The key columns are the
--    1.x v_table_pkey element, a comma-separated list of double-quoted names. (Unlike pg_chameleon,
--    key values are quoted as literals, so a value holding a quote does not break the statement.)
--  * i_replayed is set to the number of row events of this call (pg_chameleon overwrites it).
--  * A call that finds no event to replay closes the batch: b_replayed, ts_replayed, and its
--    remaining log rows (events of unregistered tables) are deleted and counted in i_skipped. It
--    returns true only if another pending batch of the source exists.
-- One call is one statement: any failure undoes the whole call.
CREATE FUNCTION sch_chameleon.fn_process_batch(integer, integer)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    p_i_max_events ALIAS FOR $1;
    p_i_id_source ALIAS FOR $2;
    v_b_loop boolean := true;
    v_b_found boolean := false;
    v_i_replayed bigint := 0;
    v_i_id_batch bigint;
    v_i_closed bigint;
    v_i_skipped bigint;
    v_t_pk_columns text;
    v_t_pk_values text;
    v_t_sql text;
    rec_event record;
BEGIN
    FOR rec_event IN
        SELECT log.i_id_event, log.i_id_batch, log.v_table_name, log.v_schema_name, log.enm_binlog_event,
               log.jsb_event_data, log.jsb_event_update, log.t_query, tab.v_table_pkey
        FROM (
            SELECT bat.i_id_batch
            FROM ONLY sch_chameleon.t_replica_batch AS bat
            WHERE bat.i_id_source = p_i_id_source
              AND bat.b_started
              AND bat.b_processed
              AND NOT bat.b_replayed
            ORDER BY bat.ts_created, bat.i_id_batch
            LIMIT 1
        ) AS pending
        JOIN sch_chameleon.t_log_replica AS log ON log.i_id_batch = pending.i_id_batch
        JOIN sch_chameleon.t_replica_tables AS tab
            ON tab.v_table_name = log.v_table_name
           AND tab.v_schema_name = log.v_schema_name
           AND tab.i_id_source = p_i_id_source
        ORDER BY log.ts_event_datetime, log.i_id_event
        LIMIT p_i_max_events
    LOOP
        v_b_found := true;

        IF rec_event.enm_binlog_event = 'ddl' THEN
            -- SET LOCAL: a plain SET would outlive this function in the session.
            EXECUTE format('SET LOCAL search_path=%I;', rec_event.v_schema_name)
                    || regexp_replace(rec_event.t_query, '^\s*SET\s+search_path\M', 'SET LOCAL search_path', 'i');
            DELETE FROM sch_chameleon.t_log_replica WHERE i_id_event = rec_event.i_id_event;
            UPDATE sch_chameleon.t_replica_batch
            SET i_ddl = coalesce(i_ddl, 0) + 1
            WHERE i_id_batch = rec_event.i_id_batch;
            CONTINUE;
        END IF;

        -- The key: the stored quoted column list, and the values of those columns in order.
        v_t_pk_columns := array_to_string(rec_event.v_table_pkey, ',');
        SELECT string_agg(quote_nullable(CASE
                              WHEN rec_event.enm_binlog_event = 'update' THEN rec_event.jsb_event_update ->> key_column.v_name
                              ELSE rec_event.jsb_event_data ->> key_column.v_name
                          END), ',' ORDER BY key_column.i_pos)
        INTO v_t_pk_values
        FROM unnest(string_to_array(replace(v_t_pk_columns, '"', ''), ',')) WITH ORDINALITY AS key_column (v_name, i_pos);

        SELECT CASE rec_event.enm_binlog_event
                   WHEN 'insert' THEN
                       format('INSERT INTO %I.%I (%s) VALUES (%s) ;', rec_event.v_schema_name, rec_event.v_table_name,
                              string_agg(format('%I', img.key), ',' ORDER BY img.i_pos),
                              string_agg(quote_nullable(img.value), ',' ORDER BY img.i_pos))
                   WHEN 'update' THEN
                       format('UPDATE %I.%I SET %s WHERE (%s)=(%s) ;', rec_event.v_schema_name, rec_event.v_table_name,
                              string_agg(format('%I=%L', img.key, img.value), ',' ORDER BY img.i_pos),
                              v_t_pk_columns, v_t_pk_values)
                   ELSE
                       format('DELETE FROM %I.%I WHERE (%s)=(%s) ;', rec_event.v_schema_name, rec_event.v_table_name,
                              v_t_pk_columns, v_t_pk_values)
               END
        INTO v_t_sql
        FROM jsonb_each_text(rec_event.jsb_event_data) WITH ORDINALITY AS img (key, value, i_pos);

        EXECUTE v_t_sql;
        DELETE FROM sch_chameleon.t_log_replica WHERE i_id_event = rec_event.i_id_event;
        v_i_replayed := v_i_replayed + 1;
        v_i_id_batch := rec_event.i_id_batch;
    END LOOP;

    IF v_i_replayed > 0 THEN
        UPDATE sch_chameleon.t_replica_batch
        SET i_replayed = v_i_replayed,
            ts_replayed = clock_timestamp()
        WHERE i_id_batch = v_i_id_batch;
    END IF;

    IF NOT v_b_found THEN
        UPDATE sch_chameleon.t_replica_batch
        SET b_replayed = true,
            ts_replayed = clock_timestamp()
        WHERE i_id_batch = (
            SELECT bat.i_id_batch
            FROM ONLY sch_chameleon.t_replica_batch AS bat
            WHERE bat.i_id_source = p_i_id_source
              AND bat.b_started
              AND bat.b_processed
              AND NOT bat.b_replayed
            ORDER BY bat.ts_created, bat.i_id_batch
            LIMIT 1)
        RETURNING i_id_batch INTO v_i_closed;

        IF v_i_closed IS NOT NULL THEN
            DELETE FROM sch_chameleon.t_log_replica WHERE i_id_batch = v_i_closed;
            GET DIAGNOSTICS v_i_skipped = ROW_COUNT;
            UPDATE sch_chameleon.t_replica_batch SET i_skipped = v_i_skipped WHERE i_id_batch = v_i_closed;
        END IF;

        v_b_loop := EXISTS (
            SELECT 1
            FROM ONLY sch_chameleon.t_replica_batch AS bat
            WHERE bat.i_id_source = p_i_id_source
              AND bat.b_started
              AND bat.b_processed
              AND NOT bat.b_replayed);
    END IF;

    RETURN v_b_loop;
END;
$function$;

-- An existing pg_chameleon catalogue takes the place of the one just made (see above).
SELECT chameleon._adopt('adopt', '1.3');

-- Control functions: not for PUBLIC.
REVOKE ALL ON FUNCTION sch_chameleon.fn_refresh_parts() FROM PUBLIC;
REVOKE ALL ON FUNCTION sch_chameleon.fn_process_batch(integer, integer) FROM PUBLIC;

---------------------------------------------------------------------------------------------------------
-- pg_dump keeps the rows (and sequence positions) of the catalogue
---------------------------------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_sources', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_sources_i_id_source_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_batch', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_batch_i_id_batch_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica_i_id_event_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_log_replica_i_id_batch_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_tables', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_replica_tables_i_id_table_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_discarded_rows', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_discarded_rows_i_id_row_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_index_def', '');
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_index_def_i_id_def_seq', '');

---------------------------------------------------------------------------------------------------------
-- SQL API (schema chameleon)
---------------------------------------------------------------------------------------------------------

CREATE FUNCTION chameleon.version()
RETURNS text
LANGUAGE C STRICT
AS 'MODULE_PATHNAME', 'chameleon_version';

-- The adoption helpers are not part of the extension.
DROP FUNCTION chameleon._adopt(text, text);
DROP FUNCTION chameleon._adopt_describe(name, oid[]);
