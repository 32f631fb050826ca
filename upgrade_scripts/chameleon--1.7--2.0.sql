\echo Use "ALTER EXTENSION chameleon UPDATE TO '2.0'" to load this file. \quit
--
-- chameleon 1.7 -> 2.0: pg_chameleon's migration of a 1.x catalogue to the 2.x catalogue (pg_chameleon
-- upgrade_replica_schema, "Version 1.8 to 2.0 upgrade"), as one update step. The new source comes from
-- the YAML configuration named by GUC chameleon.upgrade_config (<chameleon.config_directory>/<name>.yml):
-- its schema_mappings list the my_database: destination pairs of the 1.x sources it takes over.
--
--   1. check that the catalogue version is 1.7;
--   2. check that every source has t_source_schema;
--   3. replay the batches left in the 1.7 catalogue (fn_process_batch, as pg_chameleon does);
--   4. check the configured schema_mappings against t_sources (abort listing matched and configured
--      mappings on any difference);
--   5. rename sch_chameleon to _sch_chameleon_version1: kept, and no longer part of the extension;
--   6. install the 2.0 catalogue (the same objects as chameleon--2.0.sql);
--   7. store the new sources;
--   8. migrate the replicated tables, each with its start coordinates from the replica batch data: the
--      start of the 1.x source's oldest batch not processed yet (or the table's own 1.x consistent
--      point, when that is later);
--   9. per source, the minimum coordinates become the first batch (where reading restarts) and the
--      maximum the consistent point (b_consistent = false).
-- All or nothing: a failing step leaves the 1.7 catalogue exactly as it was, with an error
-- "1.7 -> 2.0 migration failed at step N (what): why". Steps 3 to 9 need 1.7 sources: a catalogue
-- without sources is migrated without reading any configuration.
--
-- Called by chameleon.upgrade_replica_schema() (GUC chameleon_internal.upgrade_caller), the steps
-- report themselves as NOTICEs, and a failure after step 6 sends the 2.0 catalogue as far as it was
-- built along with the error (DETAIL 'chameleon-debug-copy:' || json), for the procedure to keep it in
-- _sch_chameleon_version2 once everything else is rolled back.
--
-- The helpers below are dropped at the end of the script; they are not part of any version.
--

-- The configuration through the library (these C functions are chameleon.show_config() and
-- chameleon._source_settings() of version 2.1).
CREATE FUNCTION chameleon._v1_show_config(config text)
RETURNS TABLE (source text, key text, value text, origin text)
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_show_config';

CREATE FUNCTION chameleon._v1_source_settings(source text, config text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'chameleon_source_settings';

-- NOTICEs reach the client only when chameleon.upgrade_replica_schema() runs the update (CREATE and
-- ALTER EXTENSION hide them).
CREATE FUNCTION chameleon._v1_report()
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $report$
BEGIN
    IF current_setting('chameleon_internal.upgrade_caller', true) IS DISTINCT FROM 'upgrade_replica_schema' THEN
        RETURN false;
    END IF;
    PERFORM set_config('client_min_messages',
                       coalesce(nullif(current_setting('chameleon_internal.upgrade_messages', true), ''), 'notice'), true);
    RETURN true;
END
$report$;

-- The whole content of schema p_schema, to build it again elsewhere: 'ddl' (schema, types, sequences
-- with their positions, tables), 'rows' (table -> rows) and 'post' (sequence ownership, constraints,
-- indexes, routines, views). Function bodies are kept as they are.
CREATE FUNCTION chameleon._v1_dump(p_schema name)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $dump$
DECLARE
    v_ns oid := to_regnamespace(p_schema);
    v_ddl text[] := ARRAY[format('CREATE SCHEMA %I', p_schema)];
    v_post text[] := '{}';
    v_rows jsonb := '{}';
    v_data jsonb;
    v_last bigint;
    v_called boolean;
    rec record;
BEGIN
    FOR rec IN
        SELECT t.oid, t.typname, t.typtype, t.typrelid
        FROM pg_type AS t
        WHERE t.typnamespace = v_ns
          AND (t.typtype = 'e' OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class AS c WHERE c.oid = t.typrelid AND c.relkind = 'c')))
        ORDER BY t.typtype DESC, t.typname
    LOOP
        IF rec.typtype = 'e' THEN
            v_ddl := v_ddl || format('CREATE TYPE %I.%I AS ENUM (%s)', p_schema, rec.typname,
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum AS e WHERE e.enumtypid = rec.oid));
        ELSE
            v_ddl := v_ddl || format('CREATE TYPE %I.%I AS (%s)', p_schema, rec.typname,
                (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                 FROM pg_attribute AS a WHERE a.attrelid = rec.typrelid AND a.attnum > 0 AND NOT a.attisdropped));
        END IF;
    END LOOP;

    FOR rec IN
        SELECT c.relname, s.seqtypid, s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcycle
        FROM pg_class AS c
        JOIN pg_sequence AS s ON s.seqrelid = c.oid
        WHERE c.relnamespace = v_ns
        ORDER BY c.relname
    LOOP
        EXECUTE format('SELECT last_value, is_called FROM %I.%I', p_schema, rec.relname) INTO v_last, v_called;
        v_ddl := v_ddl
            || format('CREATE SEQUENCE %I.%I AS %s INCREMENT %s MINVALUE %s MAXVALUE %s START %s%s', p_schema, rec.relname,
                      format_type(rec.seqtypid, NULL), rec.seqincrement, rec.seqmin, rec.seqmax, rec.seqstart,
                      CASE WHEN rec.seqcycle THEN ' CYCLE' ELSE '' END)
            || format('SELECT pg_catalog.setval(%L, %s, %L)', format('%I.%I', p_schema, rec.relname), v_last, v_called);
    END LOOP;

    -- Tables, parents before children; then their rows.
    FOR rec IN
        SELECT c.oid, c.relname, tab.t_parents
        FROM pg_class AS c
        CROSS JOIN LATERAL (
            SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) AS t_parents
            FROM pg_inherits AS i WHERE i.inhrelid = c.oid) AS tab
        WHERE c.relnamespace = v_ns AND c.relkind = 'r'
        ORDER BY tab.t_parents IS NOT NULL, c.relname
    LOOP
        v_ddl := v_ddl || format('CREATE TABLE %I.%I (%s)%s', p_schema, rec.relname,
            coalesce((SELECT string_agg(format('%I %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                                               CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                                               coalesce(' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid), '')),
                                        ', ' ORDER BY a.attnum)
                      FROM pg_attribute AS a
                      LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                      WHERE a.attrelid = rec.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0), ''),
            coalesce(' INHERITS (' || rec.t_parents || ')', ''));
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(t)), ''[]'') FROM ONLY %I.%I AS t', p_schema, rec.relname) INTO v_data;
        IF jsonb_array_length(v_data) > 0 THEN
            v_rows := v_rows || jsonb_build_object(rec.relname, v_data);
        END IF;
    END LOOP;

    FOR rec IN
        SELECT format('ALTER SEQUENCE %s OWNED BY %s.%I', d.objid::regclass, d.refobjid::regclass, a.attname) AS t_sql
        FROM pg_depend AS d
        JOIN pg_class AS c ON c.oid = d.objid
        JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
          AND c.relnamespace = v_ns AND c.relkind = 'S'
        ORDER BY 1
    LOOP
        v_post := v_post || rec.t_sql;
    END LOOP;
    FOR rec IN
        SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid)) AS t_sql
        FROM pg_constraint AS con
        JOIN pg_class AS c ON c.oid = con.conrelid
        WHERE c.relnamespace = v_ns AND con.conislocal
        ORDER BY CASE con.contype WHEN 'p' THEN 1 WHEN 'u' THEN 2 ELSE 3 END, c.relname, con.conname
    LOOP
        v_post := v_post || rec.t_sql;
    END LOOP;
    FOR rec IN
        SELECT pg_get_indexdef(x.indexrelid) AS t_sql
        FROM pg_index AS x
        JOIN pg_class AS c ON c.oid = x.indrelid
        WHERE c.relnamespace = v_ns
          AND NOT EXISTS (SELECT 1 FROM pg_constraint AS con WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid)
        ORDER BY 1
    LOOP
        v_post := v_post || rec.t_sql;
    END LOOP;
    FOR rec IN
        SELECT CASE
                   WHEN p.prokind = 'a' THEN
                       format('CREATE AGGREGATE %s (SFUNC = %s, STYPE = %s%s%s)', p.oid::regprocedure, a.aggtransfn::regproc,
                              format_type(a.aggtranstype, NULL),
                              CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc::text ELSE '' END,
                              CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END)
                   ELSE pg_get_functiondef(p.oid)
               END AS t_sql
        FROM pg_proc AS p
        LEFT JOIN pg_aggregate AS a ON a.aggfnoid = p.oid
        WHERE p.pronamespace = v_ns
        ORDER BY p.prokind = 'a', p.proname
    LOOP
        v_post := v_post || rec.t_sql;
    END LOOP;
    FOR rec IN
        SELECT format('CREATE VIEW %I.%I AS %s', p_schema, c.relname, pg_get_viewdef(c.oid)) AS t_sql
        FROM pg_class AS c
        WHERE c.relnamespace = v_ns AND c.relkind = 'v'
        ORDER BY c.relname
    LOOP
        v_post := v_post || rec.t_sql;
    END LOOP;

    RETURN jsonb_build_object('ddl', to_jsonb(v_ddl), 'rows', v_rows, 'post', to_jsonb(v_post));
END
$dump$;

-- A failed step: the error names the step. After step 6, when chameleon.upgrade_replica_schema() runs
-- the update, the 2.0 catalogue built so far goes with the error (renamed _sch_chameleon_version2, as
-- pg_chameleon's rollback leaves it; the rename is rolled back with everything else).
CREATE FUNCTION chameleon._v1_fail(p_step integer, p_title text, p_state text, p_message text, p_detail text, p_hint text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fail$
DECLARE
    v_message text := format('1.7 -> 2.0 migration failed at step %s (%s): %s', p_step, p_title, p_message);
    v_copy jsonb;
BEGIN
    IF p_step > 6 AND current_setting('chameleon_internal.upgrade_caller', true) = 'upgrade_replica_schema'
       AND to_regnamespace('_sch_chameleon_version2') IS NULL THEN
        EXECUTE 'ALTER SCHEMA sch_chameleon RENAME TO _sch_chameleon_version2';
        v_copy := chameleon._v1_dump('_sch_chameleon_version2')
                  || jsonb_build_object('detail', nullif(p_detail, ''), 'hint', nullif(p_hint, ''));
        RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = v_message, DETAIL = 'chameleon-debug-copy:' || v_copy::text;
    END IF;
    IF coalesce(p_detail, '') = '' AND coalesce(p_hint, '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = v_message;
    ELSIF coalesce(p_detail, '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = v_message, HINT = p_hint;
    ELSIF coalesce(p_hint, '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = v_message, DETAIL = p_detail;
    ELSE
        RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = v_message, DETAIL = p_detail, HINT = p_hint;
    END IF;
END
$fail$;

-- Steps 1 to 5, on the 1.7 catalogue.
CREATE FUNCTION chameleon._v1_before()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $before$
DECLARE
    v_step integer;
    v_title text;
    v_found text;
    v_list text;
    v_config text;
    v_source text;
    v_settings jsonb;
    v_matched text;
    v_configured text;
    v_i_configured integer;
    v_i_matched integer;
    v_events bigint;
    v_calls integer;
    v_state text;
    v_message text;
    v_detail text;
    v_hint text;
    rec record;
BEGIN
    PERFORM chameleon._v1_report();
    BEGIN
        v_step := 1;
        v_title := 'check the catalogue version';
        RAISE NOTICE 'step 1: checking the catalogue version';
        EXECUTE 'SELECT t_version::text FROM sch_chameleon.v_version' INTO v_found;
        IF v_found IS DISTINCT FROM '1.7' THEN
            RAISE EXCEPTION 'the catalogue version is %, and the migration starts from version 1.7', coalesce(v_found, 'unknown')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'sch_chameleon.v_version must read 1.7, as pg_chameleon 1.8.2 leaves it.';
        END IF;

        v_step := 2;
        v_title := 'check the MySQL schema of every source';
        RAISE NOTICE 'step 2: checking that every source has t_source_schema';
        SELECT string_agg(format('%s (id %s)', src.t_source, src.i_id_source), ', ' ORDER BY src.i_id_source)
        INTO v_list
        FROM sch_chameleon.t_sources AS src
        WHERE coalesce(src.t_source_schema, '') = '';
        IF v_list IS NOT NULL THEN
            RAISE EXCEPTION 'sources without t_source_schema: %', v_list
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'pg_chameleon 1.8.2 records the MySQL schema of a source when the source starts: start each '
                             'source once with pg_chameleon 1.8.2, or set sch_chameleon.t_sources.t_source_schema to the '
                             'my_database of its configuration, then try again.';
        END IF;

        IF NOT EXISTS (SELECT 1 FROM sch_chameleon.t_sources) THEN
            RAISE NOTICE 'steps 3 and 4: the catalogue has no source, there is nothing to replay nor to check';
        ELSE
            v_step := 3;
            v_title := 'replay the batches left in the 1.7 catalogue';
            RAISE NOTICE 'step 3: replaying the batches left in the 1.7 catalogue';
            FOR rec IN
                SELECT src.i_id_source, src.t_source, count(*) AS i_events
                FROM sch_chameleon.t_log_replica AS log
                JOIN sch_chameleon.t_replica_batch AS bat ON bat.i_id_batch = log.i_id_batch
                JOIN sch_chameleon.t_sources AS src ON src.i_id_source = bat.i_id_source
                GROUP BY src.i_id_source, src.t_source
                ORDER BY src.i_id_source
            LOOP
                v_calls := 0;
                LOOP
                    v_calls := v_calls + 1;
                    EXIT WHEN NOT sch_chameleon.fn_process_batch(10000, rec.i_id_source::integer);
                END LOOP;
                SELECT count(*) INTO v_events
                FROM sch_chameleon.t_log_replica AS log
                JOIN sch_chameleon.t_replica_batch AS bat ON bat.i_id_batch = log.i_id_batch
                WHERE bat.i_id_source = rec.i_id_source;
                RAISE NOTICE 'source "%": % of % logged events replayed or skipped, % left in batches not processed yet',
                    rec.t_source, rec.i_events - v_events, rec.i_events, v_events;
            END LOOP;

            v_step := 4;
            v_title := 'check the schema mappings';
            v_config := current_setting('chameleon.upgrade_config');
            RAISE NOTICE 'step 4: checking the schema mappings of configuration "%" against the 1.7 sources', v_config;
            FOR v_source IN
                SELECT DISTINCT cfg.source FROM chameleon._v1_show_config(v_config) AS cfg WHERE cfg.source IS NOT NULL ORDER BY 1
            LOOP
                v_settings := chameleon._v1_source_settings(v_source, v_config);
                SELECT count(*), count(src.i_id_source),
                       coalesce(string_agg(format('%s -> %s', map.key, map.value), ', ' ORDER BY map.key)
                                FILTER (WHERE src.i_id_source IS NOT NULL), '(none)'),
                       coalesce(string_agg(format('%s -> %s', map.key, map.value), ', ' ORDER BY map.key), '(none)')
                INTO v_i_configured, v_i_matched, v_matched, v_configured
                FROM jsonb_each_text(v_settings -> 'schema_mappings') AS map
                LEFT JOIN sch_chameleon.t_sources AS src
                    ON src.t_source_schema = map.key AND src.t_dest_schema = map.value;
                IF v_i_matched <> v_i_configured OR v_i_configured = 0 THEN
                    SELECT string_agg(format('%s (%s -> %s)', src.t_source, src.t_source_schema, src.t_dest_schema), ', '
                                      ORDER BY src.i_id_source)
                    INTO v_list
                    FROM sch_chameleon.t_sources AS src;
                    RAISE EXCEPTION 'the schema mappings of source "%" do not match the 1.7 catalogue', v_source
                        USING ERRCODE = 'invalid_parameter_value',
                              DETAIL = format('Matched mappings: %s. Configured mappings: %s.', v_matched, v_configured),
                              HINT = format('Each schema_mappings entry must be the my_database: destination schema of a 1.x '
                                            'source (1.7 sources: %s).', v_list);
                END IF;
                RAISE NOTICE 'source "%": % schema mappings match the 1.7 catalogue', v_source, v_i_matched;
            END LOOP;
            FOR rec IN
                SELECT src.t_source, src.t_source_schema, src.t_dest_schema
                FROM sch_chameleon.t_sources AS src
                WHERE NOT EXISTS (
                    SELECT 1
                    FROM chameleon._v1_show_config(v_config) AS cfg
                    WHERE cfg.key = 'schema_mappings.' || src.t_source_schema AND cfg.value = src.t_dest_schema)
                ORDER BY src.i_id_source
            LOOP
                RAISE NOTICE '1.7 source "%" (% -> %) is not in the configuration: it is not migrated',
                    rec.t_source, rec.t_source_schema, rec.t_dest_schema;
            END LOOP;
        END IF;

        v_step := 5;
        v_title := 'keep the 1.7 catalogue as _sch_chameleon_version1';
        RAISE NOTICE 'step 5: renaming sch_chameleon to _sch_chameleon_version1';
        IF to_regnamespace('_sch_chameleon_version1') IS NOT NULL THEN
            RAISE EXCEPTION 'schema _sch_chameleon_version1 already exists'
                USING ERRCODE = 'duplicate_schema',
                      HINT = 'It keeps the 1.x catalogue of an earlier migration: drop or rename it, then try again.';
        END IF;
        FOR rec IN
            SELECT obj.type, obj.identity
            FROM pg_depend AS d
            CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) AS obj
            WHERE d.refclassid = 'pg_extension'::regclass
              AND d.refobjid = (SELECT e.oid FROM pg_extension AS e WHERE e.extname = 'chameleon')
              AND d.deptype = 'e'
              AND (obj.schema = 'sch_chameleon' OR (d.classid = 'pg_namespace'::regclass AND d.objid = 'sch_chameleon'::regnamespace))
            ORDER BY d.classid = 'pg_namespace'::regclass, obj.type, obj.identity
        LOOP
            EXECUTE format('ALTER EXTENSION chameleon DROP %s %s', rec.type, rec.identity);
        END LOOP;
        ALTER SCHEMA sch_chameleon RENAME TO _sch_chameleon_version1;
        RAISE NOTICE 'step 6: installing the 2.0 catalogue';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        PERFORM chameleon._v1_fail(v_step, v_title, v_state, v_message, v_detail, v_hint);
    END;
END
$before$;

-- Steps 7 to 9, on the new 2.0 catalogue; the 1.7 catalogue is _sch_chameleon_version1.
CREATE FUNCTION chameleon._v1_after()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $after$
DECLARE
    v_step integer;
    v_title text;
    v_config text := current_setting('chameleon.upgrade_config');
    v_source text;
    v_settings jsonb;
    v_destination text;
    v_owner text;
    v_id bigint;
    v_old record;
    v_start text[];
    v_lowest text[];
    v_highest text[];
    v_tables bigint;
    v_t_first_log text;
    v_state text;
    v_message text;
    v_detail text;
    v_hint text;
    rec record;
    rec_map record;
BEGIN
    PERFORM chameleon._v1_report();
    IF NOT EXISTS (SELECT 1 FROM _sch_chameleon_version1.t_sources) THEN
        RAISE NOTICE 'steps 7 to 9: no source to migrate';
        RETURN;
    END IF;

    v_step := 7;
    v_title := 'store the new sources';
    BEGIN
        RAISE NOTICE 'step 7: storing the sources of configuration "%"', v_config;
        FOR v_source IN
            SELECT DISTINCT cfg.source FROM chameleon._v1_show_config(v_config) AS cfg WHERE cfg.source IS NOT NULL ORDER BY 1
        LOOP
            -- As chameleon.add_source(): the name becomes part of the log table names.
            IF v_source !~ '^[A-Za-z0-9_]{1,47}$' THEN
                RAISE EXCEPTION 'invalid source name "%"', v_source
                    USING ERRCODE = 'invalid_name',
                          HINT = 'A source name has 1 to 47 characters among letters, digits and underscore.';
            END IF;
            v_settings := chameleon._v1_source_settings(v_source, v_config);
            FOR v_destination IN SELECT map.value FROM jsonb_each_text(v_settings -> 'schema_mappings') AS map ORDER BY 1 LOOP
                SELECT src.t_source INTO v_owner
                FROM sch_chameleon.t_sources AS src, jsonb_each_text(src.jsb_schema_mappings) AS map
                WHERE map.value = v_destination
                LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'destination schema "%" is already mapped by source "%"', v_destination, v_owner
                        USING ERRCODE = 'duplicate_object',
                              HINT = 'A destination schema can belong to one source only.';
                END IF;
            END LOOP;
            INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, v_log_table, enm_source_type)
            VALUES (v_source, v_settings -> 'schema_mappings',
                    ARRAY[format('t_log_replica_%s_1', v_source), format('t_log_replica_%s_2', v_source)],
                    (v_settings ->> 'type')::sch_chameleon.en_src_type)
            RETURNING i_id_source INTO v_id;
            PERFORM sch_chameleon.fn_refresh_parts();
            INSERT INTO sch_chameleon.t_last_received (i_id_source) VALUES (v_id);
            INSERT INTO sch_chameleon.t_last_replayed (i_id_source) VALUES (v_id);
            RAISE NOTICE 'source "%" stored with id %', v_source, v_id;
        END LOOP;
        -- Log tables are made at run time and stay outside the extension.
        FOR rec IN
            SELECT i.inhrelid::regclass AS child
            FROM pg_inherits AS i
            JOIN pg_depend AS d ON d.classid = 'pg_class'::regclass AND d.objid = i.inhrelid AND d.deptype = 'e'
            WHERE i.inhparent = 'sch_chameleon.t_log_replica'::regclass
        LOOP
            EXECUTE format('ALTER EXTENSION chameleon DROP TABLE %s', rec.child);
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        PERFORM chameleon._v1_fail(v_step, v_title, v_state, v_message, v_detail, v_hint);
    END;

    v_step := 8;
    v_title := 'migrate the replicated tables';
    BEGIN
        RAISE NOTICE 'step 8: migrating the replicated tables with their start coordinates';
        FOR rec_map IN
            SELECT src.i_id_source, src.t_source, map.key AS t_origin, map.value AS t_destination
            FROM sch_chameleon.t_sources AS src
            CROSS JOIN LATERAL jsonb_each_text(src.jsb_schema_mappings) AS map
            ORDER BY src.i_id_source, map.key
        LOOP
            SELECT old.i_id_source, old.t_source,
                   (SELECT count(*) FROM _sch_chameleon_version1.t_replica_tables AS tab WHERE tab.i_id_source = old.i_id_source)
                       AS i_tables
            INTO v_old
            FROM _sch_chameleon_version1.t_sources AS old
            WHERE old.t_source_schema = rec_map.t_origin AND old.t_dest_schema = rec_map.t_destination;
            IF NOT FOUND OR v_old.i_tables = 0 THEN
                CONTINUE;
            END IF;

            -- Where the 1.x reader stands: the start of its oldest batch not processed yet.
            SELECT sch_chameleon.binlog_min(ARRAY[bat.t_binlog_name, bat.i_binlog_position::text])
            INTO v_start
            FROM _sch_chameleon_version1.t_replica_batch AS bat
            WHERE bat.i_id_source = v_old.i_id_source
              AND NOT bat.b_processed
              AND bat.t_binlog_name IS NOT NULL
              AND bat.i_binlog_position IS NOT NULL;
            IF v_start = '{0,0}' THEN
                RAISE EXCEPTION '1.7 source "%" has % replicated tables but no batch that was not processed: the point '
                                'where its reader stands is unknown', v_old.t_source, v_old.i_tables
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = 'pg_chameleon 1.8.2 keeps a batch for the position its reader starts from; start and stop '
                                 'the source once with it, or leave its schema out of schema_mappings and initialise the '
                                 'schema again after the migration.';
            END IF;

            INSERT INTO sch_chameleon.t_replica_tables
                (i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, i_binlog_position, b_replica_enabled)
            SELECT rec_map.i_id_source, tab.v_table_name, rec_map.t_destination,
                   string_to_array(replace(tab.v_table_pkey[1], '"', ''), ','),
                   coord.t_point[1], coord.t_point[2]::bigint, true
            FROM _sch_chameleon_version1.t_replica_tables AS tab
            CROSS JOIN LATERAL (
                SELECT CASE
                           WHEN tab.t_binlog_name IS NULL OR tab.i_binlog_position IS NULL THEN v_start
                           ELSE sch_chameleon.fn_binlog_max(v_start, ARRAY[tab.t_binlog_name, tab.i_binlog_position::text])
                       END AS t_point
            ) AS coord
            WHERE tab.i_id_source = v_old.i_id_source
            ORDER BY tab.i_id_table;
            RAISE NOTICE 'source "%": % tables of schema % (1.7 source "%") start from %:%', rec_map.t_source,
                v_old.i_tables, rec_map.t_destination, v_old.t_source, v_start[1], v_start[2];
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        PERFORM chameleon._v1_fail(v_step, v_title, v_state, v_message, v_detail, v_hint);
    END;

    v_step := 9;
    v_title := 'write the start point and the consistent point';
    BEGIN
        RAISE NOTICE 'step 9: writing the start point and the consistent point of each source';
        FOR rec IN SELECT src.i_id_source, src.t_source FROM sch_chameleon.t_sources AS src ORDER BY src.i_id_source LOOP
            SELECT sch_chameleon.binlog_min(ARRAY[tab.t_binlog_name, tab.i_binlog_position::text]),
                   sch_chameleon.binlog_max(ARRAY[tab.t_binlog_name, tab.i_binlog_position::text]),
                   count(*)
            INTO v_lowest, v_highest, v_tables
            FROM sch_chameleon.t_replica_tables AS tab
            WHERE tab.i_id_source = rec.i_id_source;
            IF v_tables = 0 THEN
                RAISE NOTICE 'source "%" has no replicated table: initialise it with init_replica', rec.t_source;
                CONTINUE;
            END IF;
            -- The first batch, as pg_chameleon saves it: on the log table that comes next.
            UPDATE sch_chameleon.t_sources
            SET v_log_table = ARRAY[v_log_table[2], v_log_table[1]]
            WHERE i_id_source = rec.i_id_source
            RETURNING v_log_table[1] INTO v_t_first_log;
            INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table)
            VALUES (rec.i_id_source, v_lowest[1], v_lowest[2]::bigint, v_t_first_log);
            UPDATE sch_chameleon.t_sources
            SET t_binlog_name = v_highest[1],
                i_binlog_position = v_highest[2]::bigint,
                b_consistent = false
            WHERE i_id_source = rec.i_id_source;
            RAISE NOTICE 'source "%": replication starts from %:%, consistent from %:%', rec.t_source,
                v_lowest[1], v_lowest[2], v_highest[1], v_highest[2];
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        PERFORM chameleon._v1_fail(v_step, v_title, v_state, v_message, v_detail, v_hint);
    END;
END
$after$;

-- Steps 1 to 5.
SELECT chameleon._v1_before();

---------------------------------------------------------------------------------------------------------
-- Step 6: the 2.0 catalogue, exactly as chameleon--2.0.sql installs it (pg_chameleon's migration runs
-- its current create_schema.sql).
---------------------------------------------------------------------------------------------------------

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

-- Steps 7 to 9.
SELECT chameleon._v1_after();

-- The 1.7 API and this script's helpers go.
DROP PROCEDURE chameleon.upgrade_replica_schema(text, boolean);
DROP FUNCTION chameleon._v1_after();
DROP FUNCTION chameleon._v1_before();
DROP FUNCTION chameleon._v1_fail(integer, text, text, text, text, text);
DROP FUNCTION chameleon._v1_dump(name);
DROP FUNCTION chameleon._v1_report();
DROP FUNCTION chameleon._v1_source_settings(text, text);
DROP FUNCTION chameleon._v1_show_config(text);
