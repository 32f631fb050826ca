# DDL replication (issue 11) from a source without binlog_row_metadata=FULL: MariaDB's table map
# events then carry no column names, so after a DDL only chameleon's schema registry says which
# value is which column. DDL that keeps the column count and types but moves names around (two INT
# columns swapping names; a column dropped and another of the same type added), ADD/DROP/MODIFY,
# a created table, and an immediate PostgreSQL restart between a DDL and the rows after it; then
# every table compared with a fresh copy of MySQL's data.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_minimal');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.swap (id INT PRIMARY KEY, a INT, b INT, s VARCHAR(10));
    CREATE TABLE app.shift (id INT PRIMARY KEY, x INT, y INT, z INT);
    CREATE TABLE app.grow (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.nokey (a INT, b VARCHAR(10));
    INSERT INTO app.swap VALUES (1, 10, 20, 'one'), (2, 11, 21, 'two');
    INSERT INTO app.shift VALUES (1, 1, 2, 3), (2, 4, 5, 6);
    INSERT INTO app.grow VALUES (1, 1), (2, 2);
    INSERT INTO app.nokey VALUES (1, 'x'), (1, 'x');
});

write_replica_config($node, $mysql, mappings => [['app', 'app_pg', 'app_check']]);
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
$mysql->sql("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
is($mysql->sql('SELECT @@global.binlog_row_metadata'), 'MINIMAL', 'the source logs table maps without column names');
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

$mysql->sql(q{
    INSERT INTO app.swap VALUES (3, 12, 22, 'three');
    ALTER TABLE app.swap CHANGE a b_old INT, CHANGE b a INT;
    ALTER TABLE app.swap CHANGE b_old b INT;
    INSERT INTO app.swap VALUES (4, 104, 204, 'four');
    UPDATE app.swap SET a = a + 1000 WHERE id = 1;
    UPDATE app.swap SET b = 0 WHERE id = 2;
    DELETE FROM app.swap WHERE id = 3;
    INSERT INTO app.shift VALUES (3, 7, 8, 9);
    ALTER TABLE app.shift DROP COLUMN x, ADD COLUMN w INT;
    INSERT INTO app.shift VALUES (4, 11, 12, 13);
    UPDATE app.shift SET w = 14 WHERE id = 1;
    UPDATE app.shift SET z = 60 WHERE id = 2;
    ALTER TABLE app.grow ADD COLUMN note VARCHAR(20) DEFAULT 'n', MODIFY v BIGINT UNSIGNED;
    INSERT INTO app.grow VALUES (3, 18446744073709551615, 'max');
    UPDATE app.grow SET note = 'upd' WHERE id = 1;
    ALTER TABLE app.grow ADD COLUMN st ENUM('x','y') NOT NULL DEFAULT 'y', ADD COLUMN fl SET('p','q');
    INSERT INTO app.grow VALUES (4, 4, 'enum', 'x', 'q');
    ALTER TABLE app.grow MODIFY st ENUM('w','x','y') NOT NULL DEFAULT 'y', MODIFY fl SET('o','p','q');
    INSERT INTO app.grow VALUES (5, 5, 'enum 2', 'w', 'o,q');
    UPDATE app.grow SET st = 'x', fl = 'p' WHERE id = 2;
    ALTER TABLE app.nokey ADD COLUMN c INT DEFAULT 5;
    INSERT INTO app.nokey VALUES (2, 'y', 6);
    UPDATE app.nokey SET c = 7 WHERE a = 1 LIMIT 1;
    DELETE FROM app.nokey WHERE c = 5 LIMIT 1;
    CREATE TABLE app.fresh (id INT PRIMARY KEY, p INT, q INT);
    INSERT INTO app.fresh VALUES (1, 2, 3);
    ALTER TABLE app.fresh CHANGE p q_tmp INT, CHANGE q p INT;
    INSERT INTO app.fresh VALUES (2, 20, 30);
});
wait_for_source($node, 'src', 'wait_for_source: the DDL and the rows around it are replayed');
is(query_or_error($node, "SELECT string_agg(concat_ws(':', id, a, b, s), ',' ORDER BY id) FROM app_pg.swap"),
    '1:1020:10:one,2:21:0:two,4:204:104:four', 'swapped column names: each value lands in its column by the registry');

# An immediate restart between a DDL and the rows after it.
$mysql->sql(q{ALTER TABLE app.shift DROP COLUMN y, ADD COLUMN v INT FIRST});
wait_for_source($node, 'src', 'the DDL before the restart is replayed');
$node->stop('immediate');
$node->start;
$mysql->sql(q{
    INSERT INTO app.shift (v, id, z, w) VALUES (100, 5, 101, 102);
    UPDATE app.shift SET v = 1, z = 30 WHERE id = 1;
});
wait_for_source($node, 'src', 'after an immediate restart, the rows after the DDL are replayed');
is(query_or_error($node, "SELECT string_agg(concat_ws(':', id, v, z, w), ',' ORDER BY id) FROM app_pg.shift"),
    '1:1:30:14,2:60,3:9,4:12:13,5:100:101:102', 'after the restart the rows decode with the registry version of their position');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors"), '0', 'no error');

compare_tables($node, $mysql, 'MINIMAL metadata',
    tables => [ map { ["app.$_", "app_pg.$_", "app_check.$_", { registry => 1, ordered => $_ ne 'shift' }] }
                qw(swap shift grow nokey fresh) ]);

done_testing();
