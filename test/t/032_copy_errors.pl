# How the copy family fails, against a real MariaDB: a value PostgreSQL cannot store names the
# table, the column, the row's primary key and the value, and the whole run fails cleanly (loading
# schema dropped, previous destination intact, status error, message in t_error_log); with
# on_error_copy: skip in the source's configuration such rows go to t_discarded_rows instead
# (chameleon.copy_on_error overrides it for a session); cancelling the call
# (pg_cancel_backend) stops the workers and puts everything back; a MySQL connection killed, or a
# server that stops answering, mid-copy gives a clear error within read_timeout, never a hang; a
# failed pre-flight check refuses to start; misuse is refused with a message.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $mysql = start_mariadb();
my $node = chameleon_node('errors');

$mysql->sql(q{
    SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
    CREATE DATABASE errs;
    CREATE TABLE errs.bad_dates (id INT PRIMARY KEY, d DATE);
    INSERT INTO errs.bad_dates VALUES (1, '2021-02-28'), (2, '2021-02-30'), (3, '2021-03-01');
    CREATE TABLE errs.nul_text (id INT PRIMARY KEY, k VARCHAR(5), v VARCHAR(20), UNIQUE KEY (k));
    INSERT INTO errs.nul_text VALUES (6, 'f', 'fine'), (7, 'g', CONCAT('a', CHAR(0), 'b')), (8, 'h', 'fine too');
    CREATE TABLE errs.bad_json (id INT PRIMARY KEY, j JSON);
    INSERT INTO errs.bad_json VALUES (1, '{"a": 1}'), (2, '{"a": "\\\\u0000"}');
    CREATE DATABASE big;
    CREATE TABLE big.t (id INT PRIMARY KEY, pad VARCHAR(200));
    INSERT INTO big.t SELECT seq, REPEAT('b', 200) FROM big.seq_1_to_1500000;
});

my $port = $mysql->port;
my $conn = qq{    db_conn:\n      host: "127.0.0.1"\n      port: "$port"\n      user: "root"\n      password: ""\n      read_timeout: 3\n};
write_config($node, 'default', <<"YAML");
sources:
  dates:
    type: mysql
$conn    schema_mappings:
      errs: errs_dates
    limit_tables: [errs.bad_dates]
  nul:
    type: mysql
$conn    schema_mappings:
      errs: errs_nul
    limit_tables: [errs.nul_text]
  json:
    type: mysql
$conn    schema_mappings:
      errs: errs_json
    limit_tables: [errs.bad_json]
  skip:
    type: mysql
$conn    schema_mappings:
      errs: errs_skip
    skip_tables: [errs.bad_json]
    on_error_copy: skip
  big:
    type: mysql
$conn    schema_mappings:
      big: big_pg
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source(s) FROM unnest(ARRAY['dates', 'nul', 'json', 'skip', 'big']) s");

sub try_sql {
    my ($sql) = @_;
    my ($out, $err) = ('', '');
    my $rc = $node->psql('postgres', $sql, stdout => \$out, stderr => \$err, extra_params => ['-v', 'VERBOSITY=verbose']);
    return ($rc, $out, $err);
}

# ---- a value PostgreSQL refuses ----
$node->safe_psql('postgres', "CREATE SCHEMA errs_dates; CREATE TABLE errs_dates.previous (x int); INSERT INTO errs_dates.previous VALUES (1)");
# (The user's table in the destination would be refused by default: carry it, so that the copy runs.)
my ($rc, $out, $err) = try_sql("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.init_replica('dates')");
isnt($rc, 0, 'init_replica fails on a date PostgreSQL cannot store');
like($err, qr/ERROR:  22008: copy of MySQL table `errs`.`bad_dates` failed: date\/time field value out of range: "2021-02-30"/,
    'the error names the MySQL table and the value');
like($err, qr/DETAIL:  Row with primary key \(id\)=\(2\), column "d", value "2021-02-30"\./, 'and the row\'s key and the column');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'dates'"), 'error', 'status error');
is($node->safe_psql('postgres', q{SELECT v_schema_name || '.' || v_table_name || ' ' || t_sql || ' ' || t_error_message
      FROM sch_chameleon.t_error_log e JOIN sch_chameleon.t_sources s USING (i_id_source) WHERE s.t_source = 'dates'}),
    q{errs_dates.bad_dates init_replica('dates') 22008 - copy of MySQL table `errs`.`bad_dates` failed: date/time field value out of range: "2021-02-30"},
    'the message is in t_error_log');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname = '_errs_dates_tmp'"), '0', 'loading schema dropped');
is($node->safe_psql('postgres', 'SELECT x FROM errs_dates.previous'), '1', 'the previous destination is intact');
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.t_replica_tables"), '0', 'nothing registered');

($rc, $out, $err) = try_sql("SELECT chameleon.init_replica('nul')");
isnt($rc, 0, 'init_replica fails on text holding a NUL byte');
like($err, qr/ERROR:  22021: copy of MySQL table `errs`.`nul_text` failed: column "v": the value contains a NUL byte, which PostgreSQL text cannot store/,
    'the error says why');
like($err, qr/DETAIL:  Row with primary key \(id\)=\(7\), column "v", value "a\\x00b"\./, 'and names the row, the column and the value');
like($err, qr/HINT:  Fix the value in MySQL, or set on_error_copy: skip in the source's configuration/, 'and what to do');

# A value PostgreSQL refuses after our checks: in binary COPY (the default for this table) the
# value is read again from MySQL by its key; in text COPY it comes from COPY itself.
for my $format ('on', 'off') {
    ($rc, $out, $err) = try_sql("SET chameleon.copy_binary = $format; SELECT chameleon.init_replica('json')");
    like($err, qr/ERROR:  22P05: copy of MySQL table `errs`.`bad_json` failed: unsupported Unicode escape sequence\n/,
        "copy_binary $format: jsonb refuses \\u0000");
    like($err, qr/DETAIL:  Row with primary key \(id\)=\(2\), column "j", value "\{"a": "\\u0000"\}"\.\n\\u0000 cannot be converted to text\./,
        "copy_binary $format: the error names the row, the column and the value");
}

# ---- skip bad rows ----
# The session can override the source's on_error_copy: 'exit' makes the same run fail.
($rc, $out, $err) = try_sql("SET chameleon.copy_on_error = 'exit'; SELECT chameleon.init_replica('skip')");
isnt($rc, 0, "chameleon.copy_on_error = 'exit' overrides the source's on_error_copy: skip");
like($err, qr/ERROR:  \S+: copy of MySQL table `errs`\.`(bad_dates|nul_text)` failed/, 'with the usual error');
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.t_discarded_rows"), '0', 'and nothing discarded');

($rc, $out, $err) = try_sql("SELECT chameleon.init_replica('skip')");
is($rc, 0, "with on_error_copy: skip init_replica succeeds") or diag $err;
like($out, qr/^init_replica of source "skip": 2 tables, 4 rows in .*, 2 rows discarded$/m, 'the summary counts the discarded rows');
is($node->safe_psql('postgres', 'SELECT string_agg(id::text, \',\' ORDER BY id) FROM errs_skip.bad_dates; '
      . 'SELECT string_agg(id::text, \',\' ORDER BY id) FROM errs_skip.nul_text'), "1,3\n6,8", 'the other rows are copied');
is($node->safe_psql('postgres', q{SELECT v_schema_name || '.' || v_table_name || ' ' || (t_row_data::jsonb ->> 'key') || ' ' || (t_row_data::jsonb ->> 'error')
      FROM sch_chameleon.t_discarded_rows ORDER BY v_table_name}),
    join("\n", 'errs_skip.bad_dates (id)=(2) date/time field value out of range: "2021-02-30" (column "d", value "2021-02-30")',
        'errs_skip.nul_text (id)=(7) column "v": the value contains a NUL byte, which PostgreSQL text cannot store (value "a\x00b")'),
    'the discarded rows are in t_discarded_rows with their key and error');
like($node->safe_psql('postgres', q{SELECT t_row_data::jsonb ->> 'row' FROM sch_chameleon.t_discarded_rows WHERE v_table_name = 'bad_dates'}),
    qr/^2\t2021-02-30$/, 'with the row');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'errs_skip' AND tablename = 'nul_text'}), '2',
    'the indexes are built');

# ---- cancellation ----
sub wait_copying {
    my ($source) = @_;
    return $node->poll_query_until('postgres',
        "SELECT count(*) > 0 FROM sch_chameleon.v_progress WHERE source = '$source' AND state = 'copying' AND rows_copied > 1000");
}
my $bg = $node->background_psql('postgres', on_error_stop => 0);
$bg->query_until(qr/started/, "SELECT pg_backend_pid() AS pid \\gset\n\\echo started\nSELECT chameleon.init_replica('big');\n");
ok(wait_copying('big'), 'the copy is under way');
my $conductor = $node->safe_psql('postgres', "SELECT pid FROM sch_chameleon.v_progress WHERE source = 'big' AND table_name IS NULL");
my $start = time;
$node->safe_psql('postgres', "SELECT pg_cancel_backend($conductor)");
my $stderr = '';
$bg->{stderr} = '';
$bg->query_until(qr/done/, "\\echo done\n");
like($bg->{stderr}, qr/ERROR:  canceling statement due to user request/, 'the call is cancelled');
cmp_ok(time - $start, '<', 10, 'promptly');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'chameleon copy'}), '0', 'the workers are gone');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname IN ('_big_pg_tmp', 'big_pg')"), '0',
    'no loading schema is left, no destination created');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'big'"), 'ready',
    'the source is back to its previous state');
is($node->safe_psql('postgres', 'SELECT count(*) FROM sch_chameleon.v_progress'), '0', 'v_progress is empty');

# ---- a MySQL connection killed mid-copy ----
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('big');\n");
ok(wait_copying('big'), 'the copy is under way again');
# (The table is large enough to be split by key ranges: each worker reads with its own connection.)
# Killing the first reader can end the run before the next KILL: a reader that is already gone
# is not an error.
my $killed = 0;
for my $victim (split /\n/, $mysql->sql(q{SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT `id`, `pad` FROM `big`.`t`%'})) {
    $mysql->try_sql("KILL $victim");
    $killed++ if $mysql->{last_rc} == 0;
}
cmp_ok($killed, '>', 0, 'a reading MySQL connection was killed');
$bg->{stderr} = '';
$bg->query_until(qr/done/, "\\echo done\n");
like($bg->{stderr}, qr/ERROR:  copy of MySQL table `big`.`t` failed: MySQL error \d+ while reading rows: /,
    'a killed MySQL connection is a clear error');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'big'"), 'error', 'status error');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname = '_big_pg_tmp'"), '0', 'no loading schema left');

# ---- a MySQL server that stops answering ----
my $mysqld = `cat @{[ $mysql->dir ]}/mariadbd.launch.pid`;
chomp $mysqld;
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('big');\n");
ok(wait_copying('big'), 'the copy is under way once more');
kill 'STOP', $mysqld;
$start = time;
$bg->{stderr} = '';
$bg->query_until(qr/done/, "\\echo done\n");
my $waited = time - $start;
kill 'CONT', $mysqld;
like($bg->{stderr}, qr/ERROR:  copy of MySQL table `big`.`t` failed: MySQL error 2013 while reading rows: /,
    'a silent server is a clear error');
cmp_ok($waited, '<', 20, 'within the read timeout, not a hang');
$bg->quit;

# ---- refusals ----
($rc, $out, $err) = try_sql("BEGIN; CREATE TABLE public.w (x int); SELECT chameleon.init_replica('big')");
like($err, qr/ERROR:  25001: chameleon.init_replica\(\) cannot run in a transaction that has already modified data/,
    'not in a transaction that wrote data');
($rc, $out, $err) = try_sql("SELECT chameleon.init_replica('nobody')");
like($err, qr/ERROR:  42704: source "nobody" does not exist/, 'an unknown source');
$node->safe_psql('postgres', "UPDATE sch_chameleon.t_sources SET enm_status = 'running' WHERE t_source = 'big'");
($rc, $out, $err) = try_sql("SELECT chameleon.init_replica('big')");
like($err, qr/ERROR:  55006: source "big" is running\n.*HINT:  Stop it first with chameleon.stop_replica\(\)/s, 'a running source');
$node->safe_psql('postgres', "UPDATE sch_chameleon.t_sources SET enm_status = 'stopped' WHERE t_source = 'big'");

my $stmt = start_mariadb('--binlog_format=STATEMENT');
my $stmt_port = $stmt->port;
$stmt->sql('CREATE DATABASE s');
write_config($node, 'other', <<"YAML");
sources:
  stmt:
    type: mysql
    db_conn: {host: "127.0.0.1", port: "$stmt_port", user: root, password: ""}
    schema_mappings:
      s: s_pg
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('stmt', 'other')");
($rc, $out, $err) = try_sql("SELECT chameleon.init_replica('stmt')");
like($err, qr/ERROR:  55000: pre-flight check of source "stmt" failed: binlog_format\n/, 'a failed pre-flight check refuses');
like($err, qr/DETAIL:  binlog_format: STATEMENT/, 'and says what was found');
is($node->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'stmt'"), 'ready', 'nothing changed');

done_testing();
