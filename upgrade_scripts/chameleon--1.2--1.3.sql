\echo Use "ALTER EXTENSION chameleon UPDATE TO '1.3'" to load this file. \quit
--
-- chameleon 1.2 -> 1.3: pg_chameleon's catalogue change of release 1.3 (cat_1.3), per-source log tables.
-- Each source gets two log tables t_log_replica_1_src_<id> and t_log_replica_2_src_<id> (named in
-- t_sources.v_log_table, made by fn_refresh_parts()); the rows of the global log tables t_log_replica_1 and
-- t_log_replica_2 move to the first table of the source their batch belongs to (row ids and values kept);
-- the global tables and t_replica_batch.v_log_table go.
--

ALTER TABLE sch_chameleon.t_sources ADD COLUMN v_log_table character varying[];

UPDATE sch_chameleon.t_sources
SET v_log_table = ARRAY['t_log_replica_1_src_' || i_id_source, 't_log_replica_2_src_' || i_id_source];

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
REVOKE ALL ON FUNCTION sch_chameleon.fn_refresh_parts() FROM PUBLIC;

-- The per-source log tables, then the rows of the global ones, by the source of their batch.
SELECT sch_chameleon.fn_refresh_parts();

DO $move$
DECLARE
    v_i_id_source bigint;
    v_t_target text;
    v_t_global text;
BEGIN
    FOR v_i_id_source, v_t_target IN
        SELECT src.i_id_source, src.v_log_table[1] FROM sch_chameleon.t_sources AS src ORDER BY src.i_id_source
    LOOP
        FOREACH v_t_global IN ARRAY ARRAY['t_log_replica_1', 't_log_replica_2'] LOOP
            EXECUTE pg_catalog.format(
                'INSERT INTO sch_chameleon.%I '
                'SELECT log.* FROM ONLY sch_chameleon.%I AS log '
                'JOIN sch_chameleon.t_replica_batch AS bat ON bat.i_id_batch OPERATOR(pg_catalog.=) log.i_id_batch '
                'WHERE bat.i_id_source OPERATOR(pg_catalog.=) $1 '
                'ORDER BY log.i_id_event '
                'ON CONFLICT DO NOTHING',
                v_t_target, v_t_global)
                USING v_i_id_source;
        END LOOP;
    END LOOP;
END
$move$;

-- Global log tables leave the extension (and its pg_dump list) before they go.
ALTER EXTENSION chameleon DROP TABLE sch_chameleon.t_log_replica_1;
ALTER EXTENSION chameleon DROP TABLE sch_chameleon.t_log_replica_2;
DROP TABLE sch_chameleon.t_log_replica_1;
DROP TABLE sch_chameleon.t_log_replica_2;

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

ALTER TABLE sch_chameleon.t_replica_batch DROP COLUMN v_log_table;

-- The catalogue version, as pg_chameleon reads it.
CREATE OR REPLACE VIEW sch_chameleon.v_version AS
    SELECT '1.3'::text AS t_version;
