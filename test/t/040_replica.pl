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

my $port = $mysql->port;
my $conn = qq{    db_conn:\n      host: "127.0.0.1"\n      port: "$port"\n      user: "root"\n      password: ""\n};
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
sub compare_with_copy {
    my ($what) = @_;
    $node->safe_psql('postgres', "SELECT chameleon.drop_source('check') FROM sch_chameleon.t_sources WHERE t_source = 'check'");
    $node->safe_psql('postgres', "DROP SCHEMA IF EXISTS shop_check CASCADE");
    $node->safe_psql('postgres', "SELECT chameleon.add_source('check')");
    $node->safe_psql('postgres', "SELECT chameleon.init_replica('check')");
    for my $t (qw(customers orders events)) {
        my $count = $node->safe_psql('postgres', "SELECT count(*) FROM shop_check.$t");
        my $my_count = $mysql->sql("SELECT count(*) FROM shop.$t");
        is($count, $my_count, "$what: $t: the copy holds MySQL's rows");
        # The enum types of the two schemas differ by name: compare the rows as text.
        my $diff = $node->safe_psql('postgres', qq{
            SELECT count(*) FROM (
              (SELECT r::text FROM shop_pg.$t r EXCEPT ALL SELECT c::text FROM shop_check.$t c)
              UNION ALL
              (SELECT c::text FROM shop_check.$t c EXCEPT ALL SELECT r::text FROM shop_pg.$t r)) d});
        is($diff, '0', "$what: $t: replicated rows equal copied rows, every column")
          or diag $node->safe_psql('postgres', qq{
            (SELECT 'replica', r::text FROM shop_pg.$t r EXCEPT ALL SELECT 'replica', c::text FROM shop_check.$t c)
            UNION ALL (SELECT 'copy', c::text FROM shop_check.$t c EXCEPT ALL SELECT 'copy', r::text FROM shop_pg.$t r) LIMIT 20});
    }
}
compare_with_copy('after the workload');

is($node->safe_psql('postgres',
        "SELECT inserts > 0 AND updates > 0 AND deletes > 0 FROM sch_chameleon.v_tables WHERE source = 'src' AND table_name = 'orders'"),
    't', 'v_tables counts inserts, updates and deletes');
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error');

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
compare_with_copy('after stop and start');

($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
like($err, qr/ERROR:  source "src" is running/, 'start_replica refuses a running source');

done_testing();
