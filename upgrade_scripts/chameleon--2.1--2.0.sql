\echo Use "ALTER EXTENSION chameleon UPDATE TO '2.0'" to load this file. \quit
--
-- chameleon 2.1 -> 2.0: back to the pg_chameleon 2.0.10 catalogue and the 2.0 API (version() only).
-- Refused while a source is running or in error, like an update. Every catalogue row stays.
--
-- What goes is found, not listed: every member of the extension that version 2.0 has not, and every
-- column of a catalogue table that 2.0 has not (whatever the 2.0 -> 2.1 step added). What it cannot
-- undo (a changed 2.0 object, an added enum label) is caught by the last block, which checks that the
-- extension is exactly version 2.0 and otherwise refuses, listing what is left: such changes need their
-- own lines here.
--
-- Version 2.0 has no place for t_sources.t_config_name (the configuration file a source was added
-- from): a WARNING names the sources whose configuration is not 'default', to be set again after the
-- next update with chameleon.update_schema_mappings(source, config).
--

SELECT chameleon._check_sources_stopped('downgrade');

DO $warn$
DECLARE
    v_list text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.format('%s (%s)', src.t_source, src.t_config_name), ', ' ORDER BY src.t_source)
    INTO v_list
    FROM sch_chameleon.t_sources AS src
    WHERE src.t_config_name OPERATOR(pg_catalog.<>) 'default';
    IF v_list IS NOT NULL THEN
        RAISE WARNING 'version 2.0 does not record the configuration of a source: sources not from configuration "default": %',
                      v_list
            USING HINT = 'After updating to 2.1 again, record it with chameleon.update_schema_mappings(source, config).';
    END IF;
END
$warn$;

-- Row changes read by chameleon and not replayed yet are stored in 2.1's columns (t_row_after,
-- t_row_before), which 2.0 has not: the downgrade would lose them. Refuse, and say how to drain them.
DO $pending$
DECLARE
    v_list text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.format('%s (%s)', src.t_source, pending.n), ', ' ORDER BY src.t_source)
      INTO v_list
      FROM sch_chameleon.t_sources src
      JOIN LATERAL (SELECT pg_catalog.count(*) AS n FROM sch_chameleon.t_log_replica log
                      JOIN sch_chameleon.t_replica_batch bat ON bat.i_id_batch OPERATOR(pg_catalog.=) log.i_id_batch
                     WHERE bat.i_id_source OPERATOR(pg_catalog.=) src.i_id_source AND NOT bat.b_replayed
                       AND (log.t_row_after IS NOT NULL OR log.t_row_before IS NOT NULL)) pending ON true
     WHERE pending.n OPERATOR(pg_catalog.>) 0;
    IF v_list IS NOT NULL THEN
        RAISE EXCEPTION 'cannot downgrade extension chameleon: row changes read by chameleon are not replayed yet: %', v_list
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Version 2.0 has no place for chameleon''s row images; they would be lost.',
                  HINT = 'Start the sources again (chameleon.start_replica), let them replay (chameleon.wait_for_source), stop them, then downgrade.';
    END IF;
END
$pending$;

-- Version 2.0 has no record of skipped source transactions (chameleon.skip_transaction): say what goes.
DO $skipped$
DECLARE
    v_count bigint;
BEGIN
    SELECT pg_catalog.count(*) INTO v_count FROM sch_chameleon.t_skipped_transactions;
    IF v_count > 0 THEN
        RAISE WARNING 'version 2.0 does not record skipped source transactions: the % rows of sch_chameleon.t_skipped_transactions are dropped',
                      v_count
            USING HINT = 'Keep a copy first if you need them: CREATE TABLE public.skipped AS TABLE sch_chameleon.t_skipped_transactions.';
    END IF;
END
$skipped$;

-- Version 2.0: its members (as pg_describe_object names them), the columns of its tables, its enum
-- labels. (This helper is dropped at the end of the script.)
CREATE FUNCTION chameleon._v20_objects()
RETURNS SETOF text
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $objects$
    SELECT pg_catalog.unnest(ARRAY[
            'function chameleon.version()',
            'function sch_chameleon.binlog_max(text[])', 'function sch_chameleon.binlog_min(text[])',
            'function sch_chameleon.fn_binlog_max(text[],text[])', 'function sch_chameleon.fn_binlog_max_final(text[])',
            'function sch_chameleon.fn_binlog_min(text[],text[])', 'function sch_chameleon.fn_binlog_min_final(text[])',
            'function sch_chameleon.fn_refresh_parts()', 'function sch_chameleon.fn_replay_mysql(integer,integer,boolean)',
            'schema chameleon', 'schema sch_chameleon',
            'sequence sch_chameleon.t_discarded_rows_i_id_row_seq', 'sequence sch_chameleon.t_error_log_i_id_log_seq',
            'sequence sch_chameleon.t_fkeys_i_id_fkey_seq', 'sequence sch_chameleon.t_indexes_i_id_index_seq',
            'sequence sch_chameleon.t_last_received_i_id_source_seq', 'sequence sch_chameleon.t_last_replayed_i_id_source_seq',
            'sequence sch_chameleon.t_log_replica_i_id_batch_seq', 'sequence sch_chameleon.t_log_replica_i_id_event_seq',
            'sequence sch_chameleon.t_pkeys_i_id_pkey_seq', 'sequence sch_chameleon.t_replica_batch_i_id_batch_seq',
            'sequence sch_chameleon.t_replica_tables_i_id_table_seq', 'sequence sch_chameleon.t_sources_i_id_source_seq',
            'sequence sch_chameleon.t_ukeys_i_id_ukey_seq',
            'table sch_chameleon.t_batch_events', 'table sch_chameleon.t_discarded_rows', 'table sch_chameleon.t_error_log',
            'table sch_chameleon.t_fkeys', 'table sch_chameleon.t_indexes', 'table sch_chameleon.t_last_received',
            'table sch_chameleon.t_last_replayed', 'table sch_chameleon.t_log_replica', 'table sch_chameleon.t_pkeys',
            'table sch_chameleon.t_replica_batch', 'table sch_chameleon.t_replica_tables', 'table sch_chameleon.t_sources',
            'table sch_chameleon.t_ukeys',
            'type sch_chameleon.en_binlog_event', 'type sch_chameleon.en_src_status', 'type sch_chameleon.en_src_type',
            'type sch_chameleon.ty_replay_status',
            'view sch_chameleon.v_fkeys', 'view sch_chameleon.v_idx_cons', 'view sch_chameleon.v_version',
            -- columns
            'column t_batch_events: i_id_batch, i_id_event',
            'column t_discarded_rows: i_id_row, i_id_batch, ts_discard, v_table_name, v_schema_name, t_row_data',
            'column t_error_log: i_id_log, i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, '
                't_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message',
            'column t_fkeys: i_id_fkey, v_schema_name, v_table_name, v_constraint_name, t_fkey_drop, t_fkey_create, '
                't_fkey_validate',
            'column t_indexes: i_id_index, v_schema_name, v_table_name, v_index_name, t_index_drop, t_index_create',
            'column t_last_received: i_id_source, b_paused, ts_last_received',
            'column t_last_replayed: i_id_source, b_paused, ts_last_replayed',
            'column t_log_replica: i_id_event, i_id_batch, v_table_name, v_schema_name, enm_binlog_event, t_binlog_name, '
                'i_binlog_position, ts_event_datetime, jsb_event_after, jsb_event_before, t_query, i_my_event_time',
            'column t_pkeys: i_id_pkey, v_schema_name, v_table_name, v_index_name, t_pkey_drop, t_pkey_create',
            'column t_replica_batch: i_id_batch, i_id_source, t_binlog_name, v_log_table, i_binlog_position, t_gtid_set, '
                'b_started, b_processed, b_replayed, ts_created, ts_processed, ts_replayed, i_replayed, i_skipped, i_ddl',
            'column t_replica_tables: i_id_table, i_id_source, v_table_name, v_schema_name, v_table_pkey, t_binlog_name, '
                'i_binlog_position, b_replica_enabled',
            'column t_sources: i_id_source, t_source, jsb_schema_mappings, enm_status, t_binlog_name, i_binlog_position, '
                'b_consistent, b_paused, b_maintenance, ts_last_maintenance, enm_source_type, v_log_table',
            'column t_ukeys: i_id_ukey, v_schema_name, v_table_name, v_index_name, t_ukey_drop, t_ukey_create',
            -- enum labels
            'enum en_binlog_event: delete, update, insert, ddl',
            'enum en_src_status: ready, initialising, initialised, syncing, synced, stopped, running, error',
            'enum en_src_type: mysql, pgsql'])
$objects$;

-- Everything version 2.0 has not goes: members leave the extension (and pg_dump's list), then are
-- dropped, dependent objects first; then the columns 2.0 tables have not.
DO $remove$
DECLARE
    v_pending text[] := '{}';
    v_failed text[];
    v_statement text;
    v_error text;
    rec record;
BEGIN
    FOR rec IN
        SELECT obj.type, obj.identity,
               CASE obj.type WHEN 'view' THEN 1 WHEN 'aggregate' THEN 2 WHEN 'function' THEN 3 WHEN 'procedure' THEN 3
                             WHEN 'table' THEN 4 WHEN 'sequence' THEN 5 WHEN 'type' THEN 6 ELSE 7 END AS i_order
        FROM pg_catalog.pg_depend AS d
        JOIN pg_catalog.pg_extension AS e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
        CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) AS obj
        WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND d.deptype OPERATOR(pg_catalog.=) 'e'
          AND e.extname OPERATOR(pg_catalog.=) 'chameleon'
          AND pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) OPERATOR(pg_catalog.<>) ALL
              (ARRAY(SELECT chameleon._v20_objects()) OPERATOR(pg_catalog.||) ARRAY['function chameleon._v20_objects()'])
        ORDER BY 3, 2
    LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION chameleon DROP %s %s', rec.type, rec.identity);
        v_pending := v_pending OPERATOR(pg_catalog.||) pg_catalog.format('DROP %s IF EXISTS %s', rec.type, rec.identity);
    END LOOP;

    -- Objects that others of the list depend on go in a later round.
    WHILE pg_catalog.cardinality(v_pending) OPERATOR(pg_catalog.>) 0 LOOP
        v_failed := '{}';
        FOREACH v_statement IN ARRAY v_pending LOOP
            BEGIN
                EXECUTE v_statement;
            EXCEPTION WHEN dependent_objects_still_exist THEN
                v_failed := v_failed OPERATOR(pg_catalog.||) v_statement;
                v_error := SQLERRM;
            END;
        END LOOP;
        IF pg_catalog.cardinality(v_failed) OPERATOR(pg_catalog.=) pg_catalog.cardinality(v_pending) THEN
            RAISE EXCEPTION 'the 2.1 -> 2.0 downgrade cannot drop what version 2.0 has not: %', v_error
                USING ERRCODE = 'dependent_objects_still_exist',
                      DETAIL = pg_catalog.array_to_string(v_failed, E'\n');
        END IF;
        v_pending := v_failed;
    END LOOP;

    FOR rec IN
        SELECT c.relname, a.attname
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
        JOIN chameleon._v20_objects() AS cols (t_item)
            ON pg_catalog.split_part(cols.t_item, ': ', 1) OPERATOR(pg_catalog.=) ('column ' OPERATOR(pg_catalog.||) c.relname)
        WHERE c.relnamespace OPERATOR(pg_catalog.=) 'sch_chameleon'::pg_catalog.regnamespace
          AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
          AND a.attname OPERATOR(pg_catalog.<>) ALL
              (pg_catalog.string_to_array(pg_catalog.split_part(cols.t_item, ': ', 2), ', ')::pg_catalog.name[])
        ORDER BY 1, a.attnum
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE sch_chameleon.%I DROP COLUMN %I', rec.relname, rec.attname);
    END LOOP;
END
$remove$;

REVOKE USAGE ON SCHEMA chameleon FROM PUBLIC;

-- The extension is now exactly version 2.0, or the downgrade is refused with what is left.
DO $check$
DECLARE
    v_left text;
BEGIN
    WITH expected (t_object) AS (
        SELECT chameleon._v20_objects()
    ), actual (t_object) AS (
        SELECT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
        FROM pg_catalog.pg_depend AS d
        JOIN pg_catalog.pg_extension AS e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
        WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND d.deptype OPERATOR(pg_catalog.=) 'e'
          AND e.extname OPERATOR(pg_catalog.=) 'chameleon'
          AND NOT (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                   AND d.objid OPERATOR(pg_catalog.=) 'chameleon._v20_objects()'::pg_catalog.regprocedure)
        UNION ALL
        SELECT pg_catalog.format('column %s: %s', c.relname,
                   pg_catalog.string_agg(a.attname::text, ', ' ORDER BY a.attnum))
        FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
        WHERE c.relnamespace OPERATOR(pg_catalog.=) 'sch_chameleon'::pg_catalog.regnamespace
          AND c.relkind OPERATOR(pg_catalog.=) 'r'
          AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
          AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                      WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                        AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.deptype OPERATOR(pg_catalog.=) 'e')
        GROUP BY c.relname
        UNION ALL
        SELECT pg_catalog.format('enum %s: %s', t.typname,
                   pg_catalog.string_agg(en.enumlabel::text, ', ' ORDER BY en.enumsortorder))
        FROM pg_catalog.pg_type AS t
        JOIN pg_catalog.pg_enum AS en ON en.enumtypid OPERATOR(pg_catalog.=) t.oid
        WHERE t.typnamespace OPERATOR(pg_catalog.=) 'sch_chameleon'::pg_catalog.regnamespace
        GROUP BY t.typname
        UNION ALL
        -- pg_dump's list must name existing members only
        SELECT pg_catalog.format('pg_dump entry %s', cfg.relid)
        FROM pg_catalog.pg_extension AS e
        CROSS JOIN LATERAL pg_catalog.unnest(e.extconfig) AS cfg (relid)
        WHERE e.extname OPERATOR(pg_catalog.=) 'chameleon'
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                          WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                            AND d.objid OPERATOR(pg_catalog.=) cfg.relid AND d.deptype OPERATOR(pg_catalog.=) 'e')
    )
    SELECT pg_catalog.string_agg(diff.t_line, E'\n' ORDER BY diff.t_line)
    INTO v_left
    FROM (
        SELECT 'left: ' || act.t_object AS t_line FROM actual AS act
        EXCEPT
        SELECT 'left: ' || exp.t_object FROM expected AS exp
        UNION ALL
        (SELECT 'missing: ' || exp.t_object FROM expected AS exp
         EXCEPT
         SELECT 'missing: ' || act.t_object FROM actual AS act)
    ) AS diff;
    IF v_left IS NOT NULL THEN
        RAISE EXCEPTION 'the 2.1 -> 2.0 downgrade does not give back version 2.0 of extension chameleon'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = v_left,
                  HINT = 'chameleon--2.1--2.0.sql must undo everything chameleon--2.0--2.1.sql does.';
    END IF;
END
$check$;

DROP FUNCTION chameleon._v20_objects();
