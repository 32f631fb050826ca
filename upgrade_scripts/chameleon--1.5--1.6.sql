\echo Use "ALTER EXTENSION chameleon UPDATE TO '1.6'" to load this file. \quit
--
-- chameleon 1.5 -> 1.6: pg_chameleon's catalogue change of release 1.6 (cat_1.6). The MySQL time of each
-- event (i_my_event_time), the source's last replayed time (ts_last_replay; ts_last_event becomes
-- ts_last_received), and the event queue t_batch_events, filled for every batch that has log rows, which
-- drives the new replay function.
--

ALTER TABLE sch_chameleon.t_log_replica ADD COLUMN i_my_event_time bigint;
ALTER TABLE sch_chameleon.t_sources ADD COLUMN ts_last_replay timestamp without time zone;
ALTER TABLE sch_chameleon.t_sources RENAME COLUMN ts_last_event TO ts_last_received;

-- The queue of event ids of a processed batch that are still to be replayed.
CREATE TABLE sch_chameleon.t_batch_events (
    i_id_batch bigint NOT NULL,
    i_id_event bigint[] NOT NULL,
    CONSTRAINT pk_t_batch_id_events PRIMARY KEY (i_id_batch)
);
ALTER TABLE sch_chameleon.t_batch_events
    ADD CONSTRAINT fk_t_batch_id_events_i_id_batch FOREIGN KEY (i_id_batch)
        REFERENCES sch_chameleon.t_replica_batch (i_id_batch) ON UPDATE RESTRICT ON DELETE CASCADE;
SELECT pg_catalog.pg_extension_config_dump('sch_chameleon.t_batch_events', '');

-- The queue of every batch with log rows, in the order the events were logged.
INSERT INTO sch_chameleon.t_batch_events (i_id_batch, i_id_event)
SELECT log.i_id_batch, pg_catalog.array_agg(log.i_id_event ORDER BY log.ts_event_datetime, log.i_id_event)
FROM sch_chameleon.t_log_replica AS log
GROUP BY log.i_id_batch;

-- The 1.x replay function from catalogue 1.6 on, driven by the event queue (t_batch_events): replays
-- the first $1 queued events of the oldest pending batch (started, processed, not replayed, with a
-- queue row) of source $2 and returns whether the caller should call again. pg_chameleon's behaviour,
-- quirks included, because the 1.7 -> 2.0 migration replays the leftover batches with it:
--  * Events are matched to t_replica_tables by table and schema name only (destination schemas are
--    unique per source in 1.x). Events of unregistered tables, of tables without key columns and
--    row events with an empty image give no statement.
--  * The key columns are the 1.x v_table_pkey element (a comma-separated list of double-quoted
--    names). INSERT of every column of jsb_event_data; UPDATE setting every column of jsb_event_data
--    where the key columns equal their values in jsb_event_update (the before image); DELETE where the
--    key columns equal their values in jsb_event_data; DDL runs as stored, except that the SET
--    search_path 1.8.2 puts in front of it runs as SET LOCAL, so that it does not leak to the session.
--  * Statements run in event id order, without an exception handler: any failure undoes the call.
--  * ts_last_replay of the source takes the MySQL time of the slice's last event, when it has one.
--  * A call that executes no statement (empty queue, or a slice of events that give none) closes the
--    batch: all its remaining log rows are deleted and counted in i_skipped, b_replayed, ts_replayed,
--    queue row deleted. Otherwise i_replayed and i_ddl grow, i_skipped is 0, the slice's log rows
--    (replayed or not) are deleted and the rest of the queue is kept.
--  * Returns true if a statement ran or another pending batch with a queue row exists.
CREATE OR REPLACE FUNCTION sch_chameleon.fn_process_batch(integer, integer)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    p_i_max_events ALIAS FOR $1;
    p_i_id_source ALIAS FOR $2;
    v_b_loop boolean := false;
    v_i_replayed bigint := 0;
    v_i_ddl bigint := 0;
    v_i_skipped bigint := 0;
    v_i_id_batch bigint;
    v_i_queue bigint[];
    v_i_slice bigint[];
    v_i_rest bigint[];
    v_ts_source timestamp without time zone;
    rec_event record;
BEGIN
    SELECT bat.i_id_batch, evt.i_id_event
    INTO v_i_id_batch, v_i_queue
    FROM ONLY sch_chameleon.t_replica_batch AS bat
    JOIN sch_chameleon.t_batch_events AS evt ON evt.i_id_batch = bat.i_id_batch
    WHERE bat.i_id_source = p_i_id_source
      AND bat.b_started
      AND bat.b_processed
      AND NOT bat.b_replayed
    ORDER BY bat.ts_created, bat.i_id_batch
    LIMIT 1;

    v_i_slice := v_i_queue[1:p_i_max_events];
    v_i_rest := v_i_queue[p_i_max_events + 1:array_length(v_i_queue, 1)];

    SELECT to_timestamp(log.i_my_event_time)
    INTO v_ts_source
    FROM sch_chameleon.t_log_replica AS log
    WHERE log.i_id_batch = v_i_id_batch
      AND log.i_id_event = v_i_slice[array_length(v_i_slice, 1)];

    IF v_i_id_batch IS NULL THEN
        RETURN false;
    END IF;

    FOR rec_event IN
        SELECT log.i_id_event, log.enm_binlog_event,
               CASE log.enm_binlog_event
                   -- SET LOCAL: a plain SET would outlive this function in the session.
                   WHEN 'ddl' THEN regexp_replace(log.t_query, '^\s*SET\s+search_path\M', 'SET LOCAL search_path', 'i')
                   WHEN 'insert' THEN format('INSERT INTO %I.%I (%s) VALUES (%s);', log.v_schema_name, log.v_table_name,
                                             array_to_string(img.t_columns, ','), array_to_string(img.t_values, ','))
                   WHEN 'update' THEN format('UPDATE %I.%I SET %s WHERE %s;', log.v_schema_name, log.v_table_name,
                                             img.t_set, pk.t_pk_before)
                   ELSE format('DELETE FROM %I.%I WHERE %s;', log.v_schema_name, log.v_table_name, pk.t_pk_data)
               END AS t_sql
        FROM sch_chameleon.t_log_replica AS log
        JOIN sch_chameleon.t_replica_tables AS tab
            ON tab.v_table_name = log.v_table_name
           AND tab.v_schema_name = log.v_schema_name
        CROSS JOIN LATERAL (
            SELECT string_agg(DISTINCT format('%I=%L', key_column.v_name, log.jsb_event_data ->> key_column.v_name), ' AND ')
                       AS t_pk_data,
                   string_agg(DISTINCT format('%I=%L', key_column.v_name, log.jsb_event_update ->> key_column.v_name), ' AND ')
                       AS t_pk_before
            FROM unnest(string_to_array(replace(tab.v_table_pkey[1], '"', ''), ',')) AS key_column (v_name)
        ) AS pk
        CROSS JOIN LATERAL (
            -- A DDL event has no image: one placeholder pair keeps it in the result.
            SELECT array_agg(format('%I', pair.key) ORDER BY pair.i_pos) AS t_columns,
                   array_agg(quote_nullable(pair.value) ORDER BY pair.i_pos) AS t_values,
                   string_agg(DISTINCT format('%I=%L', pair.key, pair.value), ',') AS t_set
            FROM jsonb_each_text(coalesce(log.jsb_event_data, '{"-": "-"}'::jsonb)) WITH ORDINALITY AS pair (key, value, i_pos)
        ) AS img
        WHERE log.i_id_batch = v_i_id_batch
          AND log.i_id_event = ANY (v_i_slice)
          AND pk.t_pk_data IS NOT NULL
          AND img.t_columns IS NOT NULL
        ORDER BY log.i_id_event
    LOOP
        EXECUTE rec_event.t_sql;
        IF rec_event.enm_binlog_event = 'ddl' THEN
            v_i_ddl := v_i_ddl + 1;
        ELSE
            v_i_replayed := v_i_replayed + 1;
        END IF;
    END LOOP;

    IF v_ts_source IS NOT NULL THEN
        UPDATE sch_chameleon.t_sources SET ts_last_replay = v_ts_source WHERE i_id_source = p_i_id_source;
    END IF;

    IF v_i_replayed = 0 AND v_i_ddl = 0 THEN
        DELETE FROM sch_chameleon.t_log_replica WHERE i_id_batch = v_i_id_batch;
        GET DIAGNOSTICS v_i_skipped = ROW_COUNT;
        UPDATE sch_chameleon.t_replica_batch
        SET b_replayed = true,
            i_skipped = v_i_skipped,
            ts_replayed = clock_timestamp()
        WHERE i_id_batch = v_i_id_batch;
        DELETE FROM sch_chameleon.t_batch_events WHERE i_id_batch = v_i_id_batch;
        v_b_loop := false;
    ELSE
        UPDATE sch_chameleon.t_replica_batch
        SET i_ddl = coalesce(i_ddl, 0) + v_i_ddl,
            i_replayed = coalesce(i_replayed, 0) + v_i_replayed,
            i_skipped = 0,
            ts_replayed = clock_timestamp()
        WHERE i_id_batch = v_i_id_batch;
        UPDATE sch_chameleon.t_batch_events SET i_id_event = v_i_rest WHERE i_id_batch = v_i_id_batch;
        DELETE FROM sch_chameleon.t_log_replica
        WHERE i_id_batch = v_i_id_batch
          AND i_id_event = ANY (v_i_slice);
        v_b_loop := true;
    END IF;

    IF EXISTS (
        SELECT 1
        FROM ONLY sch_chameleon.t_replica_batch AS bat
        JOIN sch_chameleon.t_batch_events AS evt ON evt.i_id_batch = bat.i_id_batch
        WHERE bat.i_id_source = p_i_id_source
          AND bat.b_started
          AND bat.b_processed
          AND NOT bat.b_replayed)
    THEN
        v_b_loop := true;
    END IF;

    RETURN v_b_loop;
END;
$function$;

-- The catalogue version, as pg_chameleon reads it.
CREATE OR REPLACE VIEW sch_chameleon.v_version AS
    SELECT '1.6'::text AS t_version;
