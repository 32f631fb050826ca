\echo Use "ALTER EXTENSION chameleon UPDATE TO '1.5'" to load this file. \quit
--
-- chameleon 1.4 -> 1.5: pg_chameleon's catalogue change of release 1.5 (cat_1.5). fn_refresh_parts() also
-- makes the index idx_id_batch_<table> on i_id_batch, and runs once for the existing log tables.
--

-- Creates, when missing, the per-source log tables named in t_sources.v_log_table: children of
-- t_log_replica with their own primary key, foreign key to t_replica_batch and index on i_id_batch.
-- Idempotent; the index is also added to an existing table that lacks it.
CREATE OR REPLACE FUNCTION sch_chameleon.fn_refresh_parts()
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
        IF to_regclass(format('sch_chameleon.%I', 'idx_id_batch_' || v_t_table)) IS NULL THEN
            EXECUTE format('CREATE INDEX %I ON sch_chameleon.%I (i_id_batch)', 'idx_id_batch_' || v_t_table, v_t_table);
        END IF;
    END LOOP;
END;
$function$;

SELECT sch_chameleon.fn_refresh_parts();

-- Log tables are made at run time and stay outside the extension, also when this script made them.
DO $detach$
DECLARE
    v_child regclass;
BEGIN
    FOR v_child IN
        SELECT i.inhrelid::regclass
        FROM pg_catalog.pg_inherits AS i
        JOIN pg_catalog.pg_depend AS d
            ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = i.inhrelid AND d.deptype = 'e'
        WHERE i.inhparent = 'sch_chameleon.t_log_replica'::pg_catalog.regclass
    LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION chameleon DROP TABLE %s', v_child);
    END LOOP;
END
$detach$;

-- The catalogue version, as pg_chameleon reads it.
CREATE OR REPLACE VIEW sch_chameleon.v_version AS
    SELECT '1.5'::text AS t_version;
