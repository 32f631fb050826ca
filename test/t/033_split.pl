# Large tables copied by several workers by primary-key ranges, against a real MariaDB: every row
# arrives once, whatever the key type and range (negative keys, BIGINT UNSIGNED up to 2^64-1), and
# the ranges are one consistent snapshot: a writer moves value between rows at both ends of the
# key range all through the copy, and the copied total is still the invariant total.
use strict;
use warnings;

use ChameleonTest;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('split', conf => ['chameleon.copy_split_rows = 50000']);

$mysql->sql(q{
    CREATE DATABASE big;
    CREATE TABLE big.signed_keys (id INT PRIMARY KEY, val INT NOT NULL, pad VARCHAR(60)) ENGINE=InnoDB;
    INSERT INTO big.signed_keys SELECT CAST(seq AS SIGNED) - 150000, 10, REPEAT('s', 60) FROM big.seq_1_to_300000;
    CREATE TABLE big.unsigned_keys (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
    INSERT INTO big.unsigned_keys SELECT seq * 61489146912365, CONCAT('u', seq) FROM big.seq_1_to_100000;
    INSERT INTO big.unsigned_keys VALUES (0, 'zero'), (18446744073709551615, 'max');
    CREATE TABLE big.small (id INT PRIMARY KEY);
    INSERT INTO big.small VALUES (1), (2);
});

$mysql->sql(q{DELIMITER //
    CREATE PROCEDURE big.churn(n INT)
    BEGIN
        DECLARE i INT DEFAULT 0;
        WHILE i < n DO
            START TRANSACTION;
            UPDATE big.signed_keys SET val = val - (1 + i % 997) WHERE id = -149999 + (i * 7919) % 300000;
            UPDATE big.signed_keys SET val = val + (1 + i % 997) WHERE id = -149999 + (i * 104729 + 150000) % 300000;
            COMMIT;
            SET i = i + 1;
        END WHILE;
    END//
    DELIMITER ;
});
$mysql->sql('ANALYZE TABLE big.signed_keys, big.unsigned_keys');

my $port = $mysql->port;
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
    db_conn: {host: "127.0.0.1", port: "$port", user: root, password: ""}
    schema_mappings:
      big: big_pg
    limit_tables: [big.signed_keys, big.small]
    copy_jobs: 3
  usrc:
    type: mysql
    db_conn: {host: "127.0.0.1", port: "$port", user: root, password: ""}
    schema_mappings:
      big: big_u
    limit_tables: [big.unsigned_keys]
    copy_jobs: 2
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src'); SELECT chameleon.add_source('usrc')");

# A writer keeps moving value between rows all over the key range during the whole copy: ranges
# read at different points would not add up.
my ($out, $err) = ('', '');
my $writer = IPC::Run::start(['bash', "$ENV{CHAMELEON_TEST_LIB}/mariadb.sh", 'client', $mysql->dir, '-e',
        'CALL big.churn(100000000)'], '>', \$out, '2>', \$err);
sleep 1;
my $before_moves = $mysql->sql('SELECT SUM(ABS(val - 10)) FROM big.signed_keys');

my ($stdout, $stderr) = ('', '');
my $rc = $node->psql('postgres', "SELECT chameleon.init_replica('src')", stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'init_replica') or diag $stderr;
my $during_moves = $mysql->sql('SELECT SUM(ABS(val - 10)) FROM big.signed_keys');
# (Inside the procedure the process list shows the current statement, not the CALL.)
my $churn = '';
for (1 .. 100) {
    $churn = $mysql->sql(q{SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE big.signed_keys SET val%'});
    last if $churn ne '';
}
$mysql->sql("KILL $churn");
$writer->finish;
cmp_ok($during_moves, '>', $before_moves, 'the writer was moving values during the copy');
note "moves: $before_moves before, $during_moves after";

like($stderr, qr/NOTICE:  copied `big`.`signed_keys` to "big_pg"."signed_keys": 300000 rows in .* by [23] workers in 12 key ranges/,
    'the large table is copied by several workers');
like($stderr, qr/NOTICE:  copied `big`.`small` to "big_pg"."small": 2 rows in [^\n]* \(\d+ rows\/s, binary\), 1 indexes/,
    'a small table is not split');

is($node->safe_psql('postgres', 'SELECT count(*), count(DISTINCT id), min(id), max(id), sum(val) FROM big_pg.signed_keys'),
    '300000|300000|-149999|150000|3000000', 'every row once, and the total moved around is the invariant total: one snapshot');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'big_pg'}), '2', 'indexes built once');
is($node->safe_psql('postgres', q{SELECT string_agg(v_table_name, ',' ORDER BY v_table_name) FROM sch_chameleon.t_replica_tables
      WHERE t_binlog_name IS NOT NULL}), 'signed_keys,small', 'each table registered with its point');

$rc = $node->psql('postgres', "SELECT chameleon.init_replica('usrc')", stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'init_replica of the BIGINT UNSIGNED table') or diag $stderr;
like($stderr, qr/NOTICE:  copied `big`.`unsigned_keys` to "big_u"."unsigned_keys": 100002 rows in .* by 2 workers in 8 key ranges/,
    'one table, two workers: split');
is($node->safe_psql('postgres', "SELECT count(*), count(DISTINCT id), min(id), max(id), md5(string_agg(id || v, ',' ORDER BY id)) FROM big_u.unsigned_keys"),
    '100002|100002|0|18446744073709551615|'
      . $mysql->sql("SET SESSION group_concat_max_len = 100000000; SELECT MD5(GROUP_CONCAT(CONCAT(id, v) ORDER BY id SEPARATOR ',')) FROM big.unsigned_keys"),
    'BIGINT UNSIGNED keys from 0 to 2^64-1, row for row');

done_testing();
