# Text values PostgreSQL cannot store (issue 9, item 8), against a real MariaDB: a NUL byte in a
# VARCHAR or TEXT value fails the whole copy by default, naming the table, the column, the row and
# the value; under the source's nul_bytes: strip the copy succeeds without the NUL bytes (in text
# and binary COPY), a NOTICE names the table and the count, and t_replica_tables.i_nul_stripped
# holds it; replicated rows are stripped and counted too, in the batch's transaction, with a LOG line.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('nul', conf => ['log_min_messages = log']);

$mysql->sql(q{
    CREATE DATABASE nb;
    CREATE TABLE nb.t (id INT PRIMARY KEY, v VARCHAR(20), tx TEXT);
    INSERT INTO nb.t VALUES (1, CONCAT('a', CHAR(0), 'b'), 'plain'),
                            (2, 'clean', CONCAT(CHAR(0), 'x', CHAR(0), CHAR(0), 'y', CHAR(0))),
                            (3, 'clean', 'clean'),
                            (4, CONCAT(CHAR(0)), CONCAT('z', CHAR(0)));
    CREATE TABLE nb.clean (id INT PRIMARY KEY, v VARCHAR(20));
    INSERT INTO nb.clean VALUES (1, 'nothing to strip');
});

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
sources:
  err:
    type: mysql
$conn    schema_mappings:
      nb: nb_err
  strip:
    type: mysql
$conn    schema_mappings:
      nb: nb_strip
    nul_bytes: strip
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source(s) FROM unnest(ARRAY['err', 'strip']) s");
is($node->safe_psql('postgres', q{SELECT string_agg(source || ' ' || value || ' ' || origin, ', ' ORDER BY source)
      FROM chameleon.show_config() WHERE key = 'nul_bytes'}),
    'err error default, strip strip file', 'show_config shows the policy of each source');

sub try_sql {
    my ($sql) = @_;
    my ($out, $err) = ('', '');
    my $rc = $node->psql('postgres', $sql, stdout => \$out, stderr => \$err, extra_params => ['-v', 'VERBOSITY=verbose']);
    return ($rc, $out, $err);
}

# MySQL's rows without their NUL bytes, as "id|v|tx" lines, against the destination's.
my $mysql_rows = q{SELECT CONCAT_WS('|', id, REPLACE(v, CHAR(0), ''), REPLACE(tx, CHAR(0), '')) FROM nb.t ORDER BY id};
sub pg_rows {
    my ($schema) = @_;
    return $node->safe_psql('postgres', "SELECT concat_ws('|', id, v, tx) FROM $schema.t ORDER BY id");
}
sub stripped_count {
    my ($table) = @_;
    return $node->safe_psql('postgres', "SELECT i_nul_stripped FROM sch_chameleon.t_replica_tables "
        . "WHERE v_schema_name = 'nb_strip' AND v_table_name = '$table'");
}

# ---- the default: the copy fails ----
for my $format ('on', 'off') {
    my ($rc, $out, $err) = try_sql("SET chameleon.copy_binary = $format; SELECT chameleon.init_replica('err')");
    isnt($rc, 0, "copy_binary $format: by default init_replica fails on a NUL byte");
    like($err, qr/ERROR:  22021: copy of MySQL table `nb`.`t` failed: column "v": the value contains a NUL byte, which PostgreSQL text cannot store\n/,
        "copy_binary $format: the exact message");
    like($err, qr/DETAIL:  Row with primary key \(id\)=\(1\), column "v", value "a\\x00b"\./,
        "copy_binary $format: the row, the column and the value named");
    is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'err'"), 'error',
        "copy_binary $format: the source is in error");
    is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.t_replica_tables WHERE v_schema_name = 'nb_err'"), '0',
        "copy_binary $format: nothing registered");
    is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname IN ('nb_err', '_nb_err_tmp')"), '0',
        "copy_binary $format: nothing left behind");
}

# ---- nul_bytes: strip: the copy succeeds without the NUL bytes ----
for my $format ('on', 'off') {
    my ($rc, $out, $err) = try_sql("SET chameleon.copy_binary = $format; SELECT chameleon.init_replica('strip')");
    is($rc, 0, "copy_binary $format: with nul_bytes: strip init_replica succeeds") or diag $err;
    like($err, qr/NOTICE:  00000: stripped NUL bytes from 4 values of `nb`.`t` \(nul_bytes: strip\), counted in sch_chameleon.t_replica_tables.i_nul_stripped\n/,
        "copy_binary $format: a NOTICE names the table and the count");
    unlike($err, qr/stripped NUL bytes from \d+ values of `nb`.`clean`/, "copy_binary $format: no NOTICE for a clean table");
    is(pg_rows('nb_strip'), $mysql->sql($mysql_rows), "copy_binary $format: the values are stored without their NUL bytes");
    is($node->safe_psql('postgres', "SELECT v FROM nb_strip.t WHERE id = 4"), '', "copy_binary $format: a value of NUL bytes only is empty, not NULL");
    is(stripped_count('t'), '4', "copy_binary $format: the catalogue holds the count of the copy");
    is(stripped_count('clean'), '0', "copy_binary $format: and 0 for the clean table");
}

# ---- replication: the same policy ----
my ($rc, $out, $err) = try_sql("SELECT chameleon.start_replica('strip')");
is($rc, 0, 'start_replica') or diag $err;
$mysql->sql(q{
    INSERT INTO nb.t VALUES (5, CONCAT('n', CHAR(0), 'ew'), 'plain');
    UPDATE nb.t SET tx = CONCAT('u', CHAR(0), 'p') WHERE id = 3;
    UPDATE nb.t SET tx = 'fixed' WHERE id = 2;
    INSERT INTO nb.clean VALUES (2, 'still nothing');
});
($rc, $out, $err) = try_sql("SELECT chameleon.wait_for_source('strip', '60 s')");
is($out, 't', 'wait_for_source: everything MySQL committed is replayed') or diag $err;
is(pg_rows('nb_strip'), $mysql->sql($mysql_rows), 'replicated values are stored without their NUL bytes');
# The insert's v and the first update's tx; the second update's before image held NUL bytes, but
# its stored values hold none.
is(stripped_count('t'), '6', 'replication adds the values it stripped to the count');
is(stripped_count('clean'), '0', 'a clean table stays at 0');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'strip'"), 'running',
    'the source keeps running');
like(slurp_file($node->logfile), qr/LOG:  chameleon read worker of source \d+: stripped NUL bytes from \d+ values of nb_strip.t in batch \d+ \(nul_bytes: strip\)/,
    'a LOG line names the table and the count');

$node->safe_psql('postgres', "SELECT chameleon.stop_replica('strip')");
done_testing();
