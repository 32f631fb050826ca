# Continuous replication, end to end: init_replica, start_replica, a mixed workload on MariaDB
# (inserts, updates including primary key changes, deletes, multi-statement and rolled-back
# transactions, a table without primary key holding duplicate rows), wait_for_source, and the
# target compared row by row, all columns, with a fresh init_replica copy of the same MySQL data
# (so replicated values must equal copied ones). Then stop_replica, writes while stopped, start
# again: resumed at the right coordinates.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('replica');

$mysql->sql(q{
    CREATE DATABASE shop;
    CREATE TABLE shop.customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL,
        vip TINYINT(1) NOT NULL DEFAULT 0, balance DECIMAL(12,2), born DATE, seen DATETIME(3),
        touched TIMESTAMP(6) NULL, kind ENUM('a','b','c'), tags SET('x','y','z'), doc JSON, pic BLOB,
        score DOUBLE, ratio FLOAT, flags BIT(5), big BIGINT UNSIGNED, note TEXT);
    CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2), state VARCHAR(10));
    CREATE TABLE shop.events (code VARCHAR(10), payload VARCHAR(20));
    INSERT INTO shop.customers (name, vip, balance, born, seen, touched, kind, tags, doc, pic, score, ratio, flags, big, note)
        VALUES ('ann', 1, 10.50, '1990-01-02', '2024-01-01 10:00:00.123', '2024-01-01 10:00:00.654321', 'a', 'x,z',
                '{"k": [1, 2]}', x'00ff10', 1.5, 0.1, b'10101', 18446744073709551615, 'héllo'),
               ('bob', 0, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    INSERT INTO shop.orders VALUES (1, 1, 9.99, 'new'), (2, 2, 5.00, 'new');
    INSERT INTO shop.events VALUES ('dup', 'same'), ('dup', 'same'), ('one', 'x');
});

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
$conn    schema_mappings:
      shop: shop_pg
    on_error_replay: exit
  check:
    type: mysql
$conn    my_server_id: 101
    schema_mappings:
      shop: shop_check
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");

my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;
is($node->safe_psql('postgres', "SELECT status FROM sch_chameleon.v_status WHERE name = 'src'"), 'running',
    'the source is running');
ok($node->poll_query_until('postgres',
        "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type IN ('chameleon read src', 'chameleon replay src')"),
    'a read and a replay worker run, named in pg_stat_activity');

# ---- the workload ----
$mysql->sql(q{
    INSERT INTO shop.customers (name, balance, kind, tags, doc, score, flags, big, note)
        VALUES ('cid', 1.25, 'b', 'y', '{"a": null}', -2.5e-3, b'00001', 0, 'x');
    UPDATE shop.customers SET balance = balance + 1, tags = 'x,y,z', doc = '[true]' WHERE id = 1;
    UPDATE shop.customers SET id = 100 WHERE id = 2;
    BEGIN;
      INSERT INTO shop.orders VALUES (3, 100, 1.00, 'new'), (4, 1, 2.00, 'new');
      UPDATE shop.orders SET state = 'paid' WHERE id IN (1, 3);
      DELETE FROM shop.orders WHERE id = 2;
    COMMIT;
    BEGIN;
      INSERT INTO shop.orders VALUES (99, 1, 1.00, 'ghost');
      DELETE FROM shop.customers WHERE id = 1;
    ROLLBACK;
    UPDATE shop.events SET payload = 'changed' WHERE code = 'dup' LIMIT 1;
    DELETE FROM shop.events WHERE code = 'one';
    INSERT INTO shop.events VALUES ('dup', 'same');
});
# A larger transaction with many rows.
$mysql->sql(q{
    INSERT INTO shop.orders (id, customer_id, amount, state)
        SELECT 1000 + seq, 1, seq / 100, 'bulk' FROM shop.seq_1_to_20000;
    UPDATE shop.orders SET amount = amount + 1 WHERE state = 'bulk' AND id % 2 = 0;
    DELETE FROM shop.orders WHERE state = 'bulk' AND id % 3 = 0;
});

is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '120 s')"), 't',
    'wait_for_source: everything MySQL committed is replayed');

# ---- source against target: a fresh copy of the same MySQL data, compared as whole rows ----
sub compare {
    my ($what) = @_;
    compare_with_copy($node, $mysql, $what, check => 'check',
        tables => [ map { ["shop.$_", 'shop_pg', 'shop_check'] } qw(customers orders events) ]);
}
compare('after the workload');

is($node->safe_psql('postgres',
        "SELECT inserts > 0 AND updates > 0 AND deletes > 0 FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'orders'"),
    't', 'v_tables counts inserts, updates and deletes');
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error');

# A new binlog file with no transaction in it yet: the idle reader still reaches MySQL's position.
$mysql->sql('FLUSH BINARY LOGS');
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '30 s')"), 't',
    'wait_for_source after a binlog rotation with nothing written since');

# ---- run_maintenance: the pause protocol with live workers ----
($rc, $out, $err) = $node->psql('postgres', "CALL chameleon.run_maintenance('src')");
is($rc, 0, 'run_maintenance succeeds while replicating') or diag $err;
like($err, qr/NOTICE:  log table sch_chameleon.t_log_replica_src_1 emptied/,
    'both workers paused, and the log tables of replayed batches were emptied (1)');
like($err, qr/NOTICE:  log table sch_chameleon.t_log_replica_src_2 emptied/,
    'both workers paused, and the log tables of replayed batches were emptied (2)');
is($node->safe_psql('postgres', "SELECT b_paused, b_maintenance, ts_last_maintenance IS NOT NULL FROM sch_chameleon.t_sources "
        . "WHERE t_source = 'src'"), 'f|f|t', 'the source is resumed and the maintenance recorded');
$mysql->sql(q{INSERT INTO shop.orders VALUES (6, 1, 4.00, 'maint')});
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')"), 't', 'changes arrive after the maintenance');
is($node->safe_psql('postgres', "SELECT state FROM shop_pg.orders WHERE id = 6"), 'maint', 'the row is there');

# ---- stop, write, start: resumed where it stopped ----
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.stop_replica('src')");
is($rc, 0, 'stop_replica succeeds') or diag $err;
is($node->safe_psql('postgres',
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'chameleon re% src'"), '0',
    'stop_replica returns once the workers are gone');
is($node->safe_psql('postgres', "SELECT status FROM sch_chameleon.v_status WHERE name = 'src'"), 'stopped',
    'the source is stopped');
$mysql->sql(q{
    INSERT INTO shop.orders VALUES (5, 1, 3.00, 'late');
    UPDATE shop.customers SET note = 'while stopped' WHERE id = 100;
});
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')"), 't', 'caught up after a restart');
compare('after stop and start');

($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
like($err, qr/ERROR:  source "src" is running/, 'start_replica refuses a running source');

# translate_ddl with a source: its mappings, and its tables as MySQL defines them now.
is($node->safe_psql('postgres', q{SELECT chameleon.translate_ddl('ALTER TABLE orders ADD COLUMN note TEXT, MODIFY state VARCHAR(20) NOT NULL', 'src')}),
    qq{ALTER TABLE "shop_pg"."orders" ADD COLUMN "note" text;\n}
      . qq{ALTER TABLE "shop_pg"."orders" ALTER COLUMN "state" TYPE character varying(20) USING "state"::character varying(20);\n}
      . qq{UPDATE "shop_pg"."orders" SET "state" = ''::character varying(20) WHERE "state" IS NULL;\n}
      . qq{ALTER TABLE "shop_pg"."orders" ALTER COLUMN "state" SET NOT NULL;},
    'translate_ddl translates against the source\'s mappings and MySQL\'s definition of the table');

done_testing();
