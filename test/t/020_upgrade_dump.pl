# pg_dump of a database with chameleon and a populated catalogue restores into an empty database with
# the same catalogue rows: the current version (here reached by the 1.7 -> 2.x migration, so the kept
# 1.7 catalogue and the per-source log tables come along), and an older version (1.7, 1.2), which is
# restored into a database where the extension was first created at that version (pg_dump's CREATE
# EXTENSION names no version).
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = chameleon_node('dump', no_extension => 1);
my $dump_file = PostgreSQL::Test::Utils::tempdir() . '/catalogue.sql';

# Every row of the catalogue schemas (log tables included), every sequence position, and the
# extension's version and members, as one sorted text.
my $catalogue_query = q{
    CREATE FUNCTION pg_temp.catalogue_rows() RETURNS SETOF text LANGUAGE plpgsql AS $$
    DECLARE
        v_rel record;
    BEGIN
        RETURN QUERY SELECT 'extension ' || extversion FROM pg_extension WHERE extname = 'chameleon';
        RETURN QUERY
            SELECT 'member ' || pg_describe_object(d.classid, d.objid, d.objsubid)
            FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
            WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'chameleon';
        FOR v_rel IN
            SELECT n.nspname, c.relname, c.relkind
            FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('sch_chameleon', '_sch_chameleon_version1', 'shop_pg') AND c.relkind IN ('r', 'S')
        LOOP
            IF v_rel.relkind = 'r' THEN
                RETURN QUERY EXECUTE format('SELECT %L || to_jsonb(t)::text FROM ONLY %I.%I AS t',
                                            v_rel.nspname || '.' || v_rel.relname || ' ', v_rel.nspname, v_rel.relname);
            ELSE
                RETURN QUERY EXECUTE format('SELECT %L || last_value || '' '' || is_called FROM %I.%I',
                                            v_rel.nspname || '.' || v_rel.relname || ' ', v_rel.nspname, v_rel.relname);
            END IF;
        END LOOP;
    END
    $$;
    SELECT string_agg(r, E'\n' ORDER BY r) FROM pg_temp.catalogue_rows() AS r;
};

# Dumps database $from and restores it into a new, empty database $to (after $prepare, if any).
sub dump_and_restore {
    my ($from, $to, $prepare) = @_;
    my $bindir = $node->config_data('--bindir');
    $node->command_ok([ "$bindir/pg_dump", '-d', $node->connstr($from), '-f', $dump_file ], "pg_dump of $from");
    $node->safe_psql('postgres', "CREATE DATABASE $to");
    $node->safe_psql($to, $prepare) if $prepare;
    $node->command_ok([ "$bindir/psql", '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($to), '-f', $dump_file ],
        "restore into $to");
}

# ---- a 1.7 catalogue with two sources, log tables, batches and queued events ----
my $fixture_17 = q{
    CREATE EXTENSION chameleon VERSION '1.7';
    CREATE SCHEMA shop_pg;
    CREATE TABLE shop_pg.items (id integer PRIMARY KEY, name text);
    INSERT INTO shop_pg.items VALUES (1, 'apple');
    INSERT INTO sch_chameleon.t_sources (t_source, t_source_schema, t_dest_schema, enm_status, v_log_table)
    VALUES ('shop', 'shop', 'shop_pg', 'stopped', ARRAY['t_log_replica_1_src_1', 't_log_replica_2_src_1']),
           ('hr', 'hr', 'hr_pg', 'stopped', ARRAY['t_log_replica_1_src_2', 't_log_replica_2_src_2']);
    SELECT sch_chameleon.fn_refresh_parts();
    INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
    VALUES (1, 'items', 'shop_pg', ARRAY['"id"']);
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, b_started, b_processed, ts_created)
    VALUES (1, 'mysql-bin.000001', 4, true, true, '2024-01-01 10:00:00'),
           (1, 'mysql-bin.000001', 500, true, false, '2024-01-01 10:01:00'),
           (2, 'mysql-bin.000007', 4, true, false, '2024-01-01 10:00:30');
    INSERT INTO sch_chameleon.t_log_replica_1_src_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_data, jsb_event_update)
    VALUES (1, 'items', 'shop_pg', 'insert', '{"id": 2, "name": "pear"}', '{}'),
           (2, 'items', 'shop_pg', 'insert', '{"id": 3, "name": "plum"}', '{}');
    INSERT INTO sch_chameleon.t_batch_events VALUES (1, '{1}');
    INSERT INTO sch_chameleon.t_index_def (i_id_source, v_schema, v_table, v_index, t_create, t_drop)
    VALUES (1, 'shop_pg', 'items', 'idx', 'CREATE INDEX ...', 'DROP INDEX ...');
};

$node->safe_psql('postgres', 'CREATE DATABASE v17');
$node->safe_psql('v17', $fixture_17);
my $rows_17 = $node->safe_psql('v17', $catalogue_query);
like($rows_17, qr/t_log_replica_1_src_1 \{.*"plum"/, '1.7: the fixture has log rows in a per-source table');
dump_and_restore('v17', 'v17_restored', "CREATE EXTENSION chameleon VERSION '1.7'");
is($node->safe_psql('v17_restored', $catalogue_query), $rows_17, '1.7: the restored catalogue has the same rows, sequences and members');

# ---- the same catalogue migrated to the current version: sources, tables, batches, log tables, and
# ---- the kept 1.7 catalogue ----
write_config($node, 'upgrade', <<'YAML');
sources:
  mysql:
    type: mysql
    db_conn: {host: 127.0.0.1, user: repl, password: secret}
    schema_mappings:
      shop: shop_pg
      hr: hr_pg
YAML
$node->safe_psql('v17', q{CALL chameleon.upgrade_replica_schema('upgrade')});
is($node->safe_psql('v17', q{SELECT extversion FROM pg_extension WHERE extname = 'chameleon'}), '2.1', 'migrated to 2.1');
is($node->safe_psql('v17', q{SELECT name || ' ' || config FROM sch_chameleon.v_sources}), 'mysql upgrade',
    'the migrated source keeps the name of the configuration the migration read');
is($node->safe_psql('v17', q{SELECT string_agg(v_table_name || ' ' || t_binlog_name || ':' || i_binlog_position, ',') FROM sch_chameleon.t_replica_tables}),
    'items mysql-bin.000001:500', 'the migrated table starts where the 1.x reader stood');
is($node->safe_psql('v17', q{SELECT string_agg(id || ' ' || name, ',' ORDER BY id) FROM shop_pg.items}),
    '1 apple,2 pear', 'the processed batch was replayed by the migration');
# More rows in the new catalogue, in its log tables too.
$node->safe_psql('v17', q{
    INSERT INTO sch_chameleon.t_log_replica_mysql_2 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_after, jsb_event_before, i_my_event_time)
    SELECT i_id_batch, 'items', 'shop_pg', 'insert', '{"id": 9}', '{}', 1704103200 FROM sch_chameleon.t_replica_batch;
    INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, t_binlog_name, i_binlog_position)
    VALUES (1, 1, 'items', 'shop_pg', 'id=''9''', 'mysql-bin.000001', 600);
});
my $rows_21 = $node->safe_psql('v17', $catalogue_query);
like($rows_21, qr/_sch_chameleon_version1\.t_log_replica_1_src_1 \{.*"plum"/, '2.1: the kept 1.7 catalogue has its leftover events');
like($rows_21, qr/sch_chameleon\.t_log_replica_mysql_2 \{/, '2.1: the new per-source log table has rows');
dump_and_restore('v17', 'v21_restored');
is($node->safe_psql('v21_restored', $catalogue_query), $rows_21, '2.1: the restored catalogue has the same rows, sequences and members');
is($node->safe_psql('v21_restored', q{SELECT config FROM sch_chameleon.v_sources}), 'upgrade',
    'the restored source still names its configuration');
# The restored catalogue works: the new sequence values follow the old ones.
is($node->safe_psql('v21_restored', q{
    INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, t_table_pkey, t_binlog_name, i_binlog_position)
    VALUES (1, 1, 'items', 'shop_pg', '', '', 0) RETURNING i_id_log}), '2', 'the restored sequences go on from their positions');

# ---- 1.2: the global log tables are extension members, with pg_dump's rows ----
$node->safe_psql('postgres', 'CREATE DATABASE v12');
$node->safe_psql('v12', q{
    CREATE EXTENSION chameleon VERSION '1.2';
    INSERT INTO sch_chameleon.t_sources (t_source, t_dest_schema) VALUES ('a', 'dest_a');
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table)
    VALUES (1, 'mysql-bin.000001', 4, 't_log_replica_2');
    INSERT INTO sch_chameleon.t_log_replica_2 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event, jsb_event_data)
    VALUES (1, 't', 'dest_a', 'insert', '{"id": 1}');
});
my $rows_12 = $node->safe_psql('v12', $catalogue_query);
like($rows_12, qr/sch_chameleon\.t_log_replica_2 \{/, '1.2: a row in a global log table');
dump_and_restore('v12', 'v12_restored', "CREATE EXTENSION chameleon VERSION '1.2'");
is($node->safe_psql('v12_restored', $catalogue_query), $rows_12, '1.2: the restored catalogue has the same rows, sequences and members');

$node->stop;
done_testing();
