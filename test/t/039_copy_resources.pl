# The copy's resources (issue 9, item 9), against a real MariaDB: with on_error_copy: skip, 250,000
# rows nearly all discarded keep the copy worker's memory flat (its memory contexts, logged by
# pg_log_backend_memory_contexts, sampled early and late in the load), every discarded row is in
# t_discarded_rows and the good rows equal MySQL's value by value; a skip-mode load of many batches
# keeps only a few subtransaction XIDs in its transaction (PGPROC caches 64; past that every
# snapshot in the cluster reads pg_subtrans); a session whose copy workers cannot start fails as
# often as it is asked, never FATAL (a before_shmem_exit slot leaked each time, 20 a process); a
# cancel is seen at once while planning or detach_replica waits for a MySQL that does not answer;
# a short MySQL wait_timeout does not end the connections a copy leaves idle (the run used to fail
# at its end), and a control connection closed meanwhile is opened again.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $mysql = start_mariadb();
my $node = chameleon_node('resources');

$mysql->sql(q{
    SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
    CREATE DATABASE res;
    CREATE TABLE res.t (id INT PRIMARY KEY, v VARCHAR(40), d DATE);
    INSERT INTO res.t SELECT seq,
        CASE WHEN seq % 1000 IN (0, 500) THEN CONCAT('good ', seq) ELSE CONCAT('bad', CHAR(0), seq) END,
        CASE WHEN seq % 1000 = 500 THEN '2021-02-30' ELSE '2021-03-01' END
      FROM res.seq_1_to_250000;
    CREATE TABLE res.idle (id INT PRIMARY KEY, v VARCHAR(20));
    INSERT INTO res.idle VALUES (1, 'one'), (2, CONCAT('t', CHAR(0), 'wo')), (3, 'three');
    CREATE TABLE res.many (id INT PRIMARY KEY, d DATE);
    INSERT INTO res.many SELECT seq, CASE WHEN seq = 77777 THEN '2021-02-30' ELSE '2021-03-01' END
      FROM res.seq_1_to_150000;
});

my $conn = db_conn_yaml($mysql);
write_config($node, 'default', <<"YAML");
sources:
  mem:
    type: mysql
$conn    schema_mappings:
      res: res_mem
    limit_tables: [res.t]
    on_error_copy: skip
    copy_jobs: 1
  many:
    type: mysql
$conn    schema_mappings:
      res: res_many
    limit_tables: [res.many]
    on_error_copy: skip
    copy_jobs: 1
  idle:
    type: mysql
$conn    schema_mappings:
      res: res_idle
    limit_tables: [res.idle]
    on_error_copy: skip
    copy_jobs: 1
  stall:
    type: mysql
$conn      connect_timeout: 60
      read_timeout: 60
    schema_mappings:
      res: res_stall
    limit_tables: [res.many]
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source(s) FROM unnest(ARRAY['mem', 'many', 'idle', 'stall']) s");

# The total of the memory contexts of backend `pid`, as pg_log_backend_memory_contexts logs it.
sub context_total {
    my ($pid) = @_;
    my $offset = -s $node->logfile;
    $node->safe_psql('postgres', "SELECT pg_log_backend_memory_contexts($pid)");
    my $deadline = time + 30;
    while (time < $deadline) {
        my $log = slurp_file($node->logfile, $offset);
        return $1 if $log =~ /\[$pid\][^\n]*LOG:  Grand total: (\d+) bytes/;
        select(undef, undef, undef, 0.05);
    }
    return undef;
}

sub rows_seen {
    my ($source) = @_;
    return $node->safe_psql('postgres',
        "SELECT coalesce(max(rows_copied), 0) || ' ' || coalesce(max(pid), 0) FROM sch_chameleon.v_progress "
        . "WHERE source = '$source' AND table_name IS NOT NULL");
}

# ---- 250,000 rows, nearly all discarded: the worker's memory stays flat ----
my $bg = $node->background_psql('postgres', on_error_stop => 0);
my $start = time;
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('mem');\n");
my (@samples, $pid);
for my $at (25000, 200000) {
    my ($rows, $worker) = (0, 0);
    while (time - $start < 120) {
        ($rows, $worker) = split / /, rows_seen('mem');
        last if $rows >= $at;
        select(undef, undef, undef, 0.02);
    }
    $pid //= $worker;
    my $total = $worker ? context_total($worker) : undef;
    note "after $rows rows: the copy worker's memory contexts hold " . ($total // 'unknown') . ' bytes';
    push @samples, $total;
}
$bg->{stderr} = '';
my $out = $bg->query_until(qr/done/, "\\echo done\n");
like($out, qr/init_replica of source "mem": 1 table, 250 rows in .*, 249750 rows discarded/, 'the copy in skip mode completes')
  or diag $bg->{stderr};
ok(defined $samples[0] && defined $samples[1], 'the copy worker\'s memory was sampled twice during the load');
my $growth = ($samples[1] // 0) - ($samples[0] // 0);
note "memory growth between the samples: $growth bytes";
cmp_ok($growth, '<', 8 << 20, 'the worker\'s memory stays flat while rows are discarded (less than 8 MB over 175,000 rows)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_discarded_rows WHERE v_schema_name = 'res_mem'}),
    '249750', 'every discarded row is in t_discarded_rows');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_discarded_rows WHERE v_schema_name = 'res_mem'
      AND t_row_data::jsonb ->> 'error' LIKE 'date/time field value out of range%'}),
    '250', 'the rows PostgreSQL refused among them, with their error');
is($node->safe_psql('postgres', q{SELECT string_agg(concat_ws('|', id, v, d), E'\n' ORDER BY id) FROM res_mem.t}),
    $mysql->sql(q{SELECT CONCAT_WS('|', id, v, d) FROM res.t WHERE id % 1000 = 0 ORDER BY id}),
    'the good rows equal MySQL\'s, value by value');

# ---- a skip-mode load of many batches keeps few subtransaction XIDs ----
$node->safe_psql('postgres', "ALTER SYSTEM SET log_min_messages = debug1; SELECT pg_reload_conf()");
my $offset = -s $node->logfile;
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('many');\n");
$out = $bg->query_until(qr/done/, "\\echo done\n");
$node->safe_psql('postgres', "ALTER SYSTEM RESET log_min_messages; SELECT pg_reload_conf()");
like($out, qr/init_replica of source "many": 1 table, 149999 rows in .*, 1 rows discarded/, 'a skip-mode copy of 15 batches');
my $log = slurp_file($node->logfile, $offset);
ok($log =~ /skip-mode load of `res`\.`many`: (\d+) batches, (\d+) kept in their subtransactions, (\d+) loaded again in the table's transaction, (\d+) subtransaction XIDs held, overflowed (\w+)/,
    'the load says how it used subtransactions');
my ($batches, $kept, $again, $held, $overflowed) = ($1 // 0, $2 // 0, $3 // 0, $4 // 99, $5 // '');
cmp_ok($batches, '>=', 15, "$batches batches");
cmp_ok($held, '<=', 8, "at most 8 subtransaction XIDs held by the table's transaction ($held)");
is($overflowed, 'no', 'the subtransaction cache never overflowed');
is($kept + $again, $batches, "the others were loaded in the table's transaction ($kept kept, $again again)");
is($node->safe_psql('postgres', q{SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || min(id) || ' ' || max(id) || ' ' || bool_and(d = '2021-03-01')::int FROM res_many.many}),
    '149999 149999 1 150000 1', 'every good row once, value by value');
is($node->safe_psql('postgres', q{SELECT t_row_data::jsonb ->> 'key' FROM sch_chameleon.t_discarded_rows WHERE v_schema_name = 'res_many'}),
    '(id)=(77777)', 'the bad row is discarded');

# ---- a short MySQL wait_timeout ----
# The copy is held up in PostgreSQL (its discarded row waits for a lock on t_discarded_rows) for
# longer than wait_timeout: its MySQL connections (the leader's control connection, the reader) sit
# idle meanwhile. Then the control connection is killed, as a proxy or firewall might: the leader
# connects again at the finish.
$mysql->sql('SET GLOBAL wait_timeout = 2');
my $locker = $node->background_psql('postgres');
$locker->query_safe('BEGIN; LOCK TABLE sch_chameleon.t_discarded_rows IN SHARE MODE');
$offset = -s $node->logfile;
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('idle');\n");
ok($node->poll_query_until('postgres',
    q{SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'chameleon copy' AND wait_event_type = 'Lock'}),
    'the copy waits for the lock');
sleep 5;
my @idle = split /\n/, $mysql->sql(q{SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Sleep' ORDER BY ID});
is(scalar(@idle), 2, 'its two MySQL connections are still there after 5 s idle with wait_timeout = 2')
  or diag $mysql->sql('SHOW PROCESSLIST');
$mysql->sql("KILL $idle[0]") if @idle; # the control connection, opened first
$locker->query_safe('COMMIT');
$bg->{stderr} = '';
$out = $bg->query_until(qr/done/, "\\echo done\n");
$mysql->sql('SET GLOBAL wait_timeout = 28800');
like($out, qr/init_replica of source "idle": 1 table, 2 rows in .*, 1 rows discarded/,
    'the copy succeeds') or diag $bg->{stderr};
like(slurp_file($node->logfile, $offset), qr/chameleon copy worker 0: the MySQL control connection was closed while idle; connecting again/,
    'the leader connected again for the finish');
is($node->safe_psql('postgres', q{SELECT string_agg(id || '|' || v, ',' ORDER BY id) FROM res_idle.idle}), '1|one,3|three',
    'with MySQL\'s rows');
$locker->quit;

# ---- a cancel while MySQL does not answer ----
# MariaDB frozen (SIGSTOP): the connection is accepted, the server's greeting never comes. The
# planning of init_replica and detach_replica wait on their latch, so a cancel ends them at once
# (connect_timeout and read_timeout are 60 s).
my $mysqld = $mysql->pid;
for my $call ("chameleon.init_replica('stall')", "chameleon.detach_replica('mem')") {
    kill 'STOP', $mysqld;
    $bg->query_until(qr/started/, "\\echo started\nSELECT $call;\n");
    ok($node->poll_query_until('postgres',
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE position(\$\$$call\$\$ in query) > 0 AND pid <> pg_backend_pid() AND wait_event = 'Extension'"),
        "$call waits for MySQL");
    my $waiting = $node->safe_psql('postgres',
        "SELECT pid FROM pg_stat_activity WHERE position(\$\$$call\$\$ in query) > 0 AND pid <> pg_backend_pid()");
    my $cancelled = time;
    $node->psql('postgres', "SELECT pg_cancel_backend(" . ($waiting || 0) . ")");
    $bg->{stderr} = '';
    $bg->query_until(qr/done/, "\\echo done\n");
    my $took = time - $cancelled;
    kill 'CONT', $mysqld;
    like($bg->{stderr}, qr/ERROR:  canceling statement due to user request/, "$call is cancelled");
    cmp_ok($took, '<', 10, "promptly (not after connect_timeout or read_timeout)");
}
is($node->safe_psql('postgres', "SELECT string_agg(t_source || ' ' || enm_status, ', ' ORDER BY t_source) FROM sch_chameleon.t_sources "
      . "WHERE t_source IN ('mem', 'stall')"), 'mem initialised, stall ready', 'nothing changed');
$bg->quit;

# ---- copy workers that cannot start ----
my $starved = chameleon_node('starved', conf => ['max_worker_processes = 0']);
write_config($starved, 'default', <<"YAML");
sources:
  many:
    type: mysql
$conn    schema_mappings:
      res: res_many
    limit_tables: [res.many]
YAML
$starved->safe_psql('postgres', "SELECT chameleon.add_source('many')");
my $err = '';
$starved->psql('postgres', join('', map { "SELECT chameleon.init_replica('many');\n" } 1 .. 24) . "SELECT 'alive';\n",
    stdout => \$out, stderr => \$err, on_error_stop => 0);
is(scalar(() = $err =~ /ERROR:  could not start a copy worker/g), 24, 'each of 24 runs in one session fails to start its leader')
  or diag $err;
unlike($err, qr/FATAL/, 'and the session survives them');
is($out, 'alive', 'the session is still there');
is($starved->safe_psql('postgres', "SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'many'"), 'ready',
    'the source is as it was');

done_testing();
