\echo Use "ALTER EXTENSION chameleon UPDATE TO '1.7'" to load this file. \quit
--
-- chameleon 1.6 -> 1.7: pg_chameleon's catalogue change of release 1.8.2 (cat_1.7): t_sources.t_source_schema,
-- the MySQL schema of a source, which the 1.7 -> 2.0 migration matches the new schema mappings against;
-- and chameleon.upgrade_replica_schema(), the entry point of that migration.
--

ALTER TABLE sch_chameleon.t_sources ADD COLUMN t_source_schema text;

-- The catalogue version, as pg_chameleon reads it.
CREATE OR REPLACE VIEW sch_chameleon.v_version AS
    SELECT '1.7'::text AS t_version;

---------------------------------------------------------------------------------------------------------
-- chameleon.upgrade_replica_schema(config, dry_run): pg_chameleon's upgrade_replica_schema for a 1.7
-- catalogue. It runs ALTER EXTENSION chameleon UPDATE (the 1.7 -> 2.0 migration, then the maintenance
-- steps) with chameleon.upgrade_config set to `config`, reports each step as a NOTICE, then what the
-- new catalogue holds. All or nothing: on failure the 1.7 catalogue is intact and the extension stays at
-- 1.7; when the failure came after the 2.0 catalogue was installed, the 2.0 catalogue as far as it was
-- built is kept in schema _sch_chameleon_version2 (outside the extension) for debugging, and a new
-- attempt is refused until that schema is dropped or renamed. With dry_run the whole migration runs and
-- is rolled back. It commits (to keep the debug copy), so it is CALLed outside a transaction block.
-- The 1.7 -> 2.0 step drops it: it belongs to the 1.7 API only.
---------------------------------------------------------------------------------------------------------

CREATE PROCEDURE chameleon.upgrade_replica_schema(config text DEFAULT 'default', dry_run boolean DEFAULT false)
LANGUAGE plpgsql
AS $procedure$
DECLARE
    c_copy_tag CONSTANT text := 'chameleon-debug-copy:';
    v_version text;
    v_target text;
    v_dry_run_done boolean := false;
    v_failed boolean := false;
    v_copied boolean := false;
    v_state text;
    v_message text;
    v_detail text;
    v_hint text;
    v_copy jsonb;
    v_statement text;
    v_table text;
    v_rows jsonb;
    rec_source record;
    rec_item record;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF config IS NULL OR dry_run IS NULL THEN
        RAISE EXCEPTION 'config and dry_run must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT e.extversion INTO v_version FROM pg_catalog.pg_extension AS e WHERE e.extname = 'chameleon';
    SELECT a.default_version INTO v_target FROM pg_catalog.pg_available_extensions AS a WHERE a.name = 'chameleon';
    IF v_version IS DISTINCT FROM '1.7' THEN
        RAISE EXCEPTION 'chameleon.upgrade_replica_schema() migrates a 1.7 catalogue, and extension chameleon is at version %',
                        v_version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Bring a 2.x catalogue up to date with ALTER EXTENSION chameleon UPDATE.';
    END IF;
    IF pg_catalog.to_regnamespace('_sch_chameleon_version2') IS NOT NULL THEN
        RAISE EXCEPTION 'schema _sch_chameleon_version2 exists: it keeps the 2.0 catalogue of a failed upgrade for debugging'
            USING ERRCODE = 'duplicate_schema',
                  HINT = 'Drop it (DROP SCHEMA _sch_chameleon_version2 CASCADE) or rename it, then call '
                         'chameleon.upgrade_replica_schema() again.';
    END IF;

    RAISE NOTICE 'upgrading the replica catalogue from version 1.7 to % with configuration "%"%',
        v_target, config, CASE WHEN dry_run THEN ' (dry run)' ELSE '' END;
    IF NOT dry_run THEN
        -- This procedure commits; inside a transaction block, this COMMIT refuses at once.
        COMMIT;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    END IF;

    BEGIN
        PERFORM pg_catalog.set_config('chameleon.upgrade_config', config, true);
        PERFORM pg_catalog.set_config('chameleon_internal.upgrade_caller', 'upgrade_replica_schema', true);
        PERFORM pg_catalog.set_config('chameleon_internal.upgrade_messages',
                                      pg_catalog.current_setting('client_min_messages'), true);
        EXECUTE pg_catalog.format('ALTER EXTENSION chameleon UPDATE TO %L', v_target);

        -- What the new catalogue holds.
        FOR rec_source IN EXECUTE
            'SELECT src.i_id_source, src.t_source, src.enm_source_type::text AS t_type, src.enm_status::text AS t_status,
                    src.b_consistent, src.t_binlog_name, src.i_binlog_position,
                    (SELECT pg_catalog.string_agg(pg_catalog.format(''%s -> %s'', map.key, map.value), '', '' ORDER BY map.key)
                     FROM pg_catalog.jsonb_each_text(src.jsb_schema_mappings) AS map) AS t_mappings
             FROM sch_chameleon.t_sources AS src
             ORDER BY src.i_id_source'
        LOOP
            RAISE NOTICE 'source "%" (id %, type %, status %): schema mappings %',
                rec_source.t_source, rec_source.i_id_source, rec_source.t_type, rec_source.t_status, rec_source.t_mappings;
            FOR rec_item IN EXECUTE
                'SELECT tab.v_schema_name, tab.v_table_name, tab.v_table_pkey::text AS t_key, tab.t_binlog_name,
                        tab.i_binlog_position
                 FROM sch_chameleon.t_replica_tables AS tab
                 WHERE tab.i_id_source = $1
                 ORDER BY tab.v_schema_name, tab.v_table_name'
                USING rec_source.i_id_source
            LOOP
                RAISE NOTICE '  table %.% (key %) starts at %:%', rec_item.v_schema_name, rec_item.v_table_name,
                    rec_item.t_key, rec_item.t_binlog_name, rec_item.i_binlog_position;
            END LOOP;
            FOR rec_item IN EXECUTE
                'SELECT bat.i_id_batch, bat.t_binlog_name, bat.i_binlog_position, bat.v_log_table
                 FROM sch_chameleon.t_replica_batch AS bat
                 WHERE bat.i_id_source = $1
                 ORDER BY bat.i_id_batch'
                USING rec_source.i_id_source
            LOOP
                RAISE NOTICE '  replication starts at %:% (batch %, log table %)', rec_item.t_binlog_name,
                    rec_item.i_binlog_position, rec_item.i_id_batch, rec_item.v_log_table;
            END LOOP;
            IF rec_source.t_binlog_name IS NOT NULL THEN
                RAISE NOTICE '  consistent from %:% (consistent now: %)', rec_source.t_binlog_name,
                    rec_source.i_binlog_position, CASE WHEN rec_source.b_consistent THEN 'yes' ELSE 'no' END;
            END IF;
        END LOOP;

        IF dry_run THEN
            v_dry_run_done := true;
            RAISE EXCEPTION 'dry run of the catalogue upgrade';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
        v_failed := NOT v_dry_run_done;
    END;

    IF v_dry_run_done THEN
        RAISE NOTICE 'dry run: the upgrade is rolled back, nothing changed';
        RETURN;
    END IF;
    IF NOT v_failed THEN
        COMMIT;
        RAISE NOTICE 'the replica catalogue is at version %: check it with SELECT * FROM sch_chameleon.v_status', v_target;
        RETURN;
    END IF;

    -- The 1.7 -> 2.0 step sends the 2.0 catalogue it had built along with the error.
    IF pg_catalog.starts_with(coalesce(v_detail, ''), c_copy_tag) THEN
        v_copy := pg_catalog.substr(v_detail, pg_catalog.length(c_copy_tag) + 1)::jsonb;
        v_detail := v_copy ->> 'detail';
        v_hint := v_copy ->> 'hint';
        IF NOT dry_run THEN
            BEGIN
                -- Function bodies still name sch_chameleon, as pg_chameleon's rollback leaves them.
                PERFORM pg_catalog.set_config('check_function_bodies', 'off', true);
                FOR v_statement IN SELECT pg_catalog.jsonb_array_elements_text(v_copy -> 'ddl') LOOP
                    EXECUTE v_statement;
                END LOOP;
                FOR v_table, v_rows IN SELECT item.key, item.value FROM pg_catalog.jsonb_each(v_copy -> 'rows') AS item LOOP
                    EXECUTE pg_catalog.format(
                        'INSERT INTO _sch_chameleon_version2.%I '
                        'SELECT * FROM pg_catalog.jsonb_populate_recordset(NULL::_sch_chameleon_version2.%I, $1)',
                        v_table, v_table)
                        USING v_rows;
                END LOOP;
                FOR v_statement IN SELECT pg_catalog.jsonb_array_elements_text(v_copy -> 'post') LOOP
                    EXECUTE v_statement;
                END LOOP;
                v_copied := true;
            EXCEPTION WHEN OTHERS THEN
                -- The failure itself matters more than its debug copy.
                v_hint := pg_catalog.concat_ws(' ', NULLIF(v_hint, ''),
                    pg_catalog.format('(The 2.0 catalogue could not be kept in _sch_chameleon_version2: %s.)', SQLERRM));
            END;
            IF v_copied THEN
                COMMIT;
            END IF;
        END IF;
    END IF;

    v_hint := pg_catalog.concat_ws(' ', NULLIF(v_hint, ''),
        'The 1.7 catalogue is unchanged and extension chameleon is still at version 1.7.',
        CASE WHEN v_copied THEN 'The 2.0 catalogue as far as it was built is kept in schema _sch_chameleon_version2 '
                                'for debugging: drop it before the next attempt.' END);
    IF coalesce(v_detail, '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, HINT = v_hint;
    ELSE
        RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_message, DETAIL = v_detail, HINT = v_hint;
    END IF;
END
$procedure$;
REVOKE ALL ON PROCEDURE chameleon.upgrade_replica_schema(text, boolean) FROM PUBLIC;
