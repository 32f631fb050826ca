# DDL replication (issue 11), refusal: a statement MariaDB runs but chameleon cannot replicate
# (ALTER TABLE ... TRUNCATE PARTITION: rows change without row events), naming a replicated table.
#   on_error_ddl: table (default): that table stops at that point of the stream (rows before it
#     replayed, none after), v_tables shows it disabled with one error, v_errors holds the statement
#     and the message of the contract (table, binlog position, the reason translate_ddl gives, the
#     offset), the other table keeps replicating; sync_tables brings it back.
#   on_error_ddl: source: the source goes to error with that message, wait_for_source raises it;
#     the statement is carried by hand on the target, skip_transaction passes over it, start_replica
#     resumes, and no row written around it is lost.
# And a statement chameleon translates but PostgreSQL refuses to apply (MODIFY of a VARCHAR holding
# 'abc' to INT under sql_mode '': MySQL makes it 0, the USING cast fails): a replay error like a row
# error (on_error_replay: continue, the default): that table stops, nothing of the statement applied,
# v_errors holds the statement and PostgreSQL's error.
# Each phase ends with the tables compared with a fresh copy of MySQL's data.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('ddl_refusal');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.parted (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) (
        PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN (200), PARTITION p2 VALUES LESS THAN MAXVALUE);
    CREATE TABLE app.kept (id INT PRIMARY KEY, v INT);
    CREATE TABLE app.conv (id INT PRIMARY KEY, s VARCHAR(10));
    INSERT INTO app.conv VALUES (1, '12'), (2, 'abc');
    INSERT INTO app.parted VALUES (1, 1), (2, 2), (101, 101), (102, 102), (201, 201);
    INSERT INTO app.kept VALUES (1, 1);
});

sub config {
    my ($on_error_ddl) = @_;
    write_replica_config($node, $mysql, mappings => [['app', 'app_pg', 'app_check']], src_extra => $on_error_ddl);
}
config('');
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");
$node->safe_psql('postgres', "SELECT chameleon.init_replica('src')");
my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica succeeds') or diag $err;

# The refusal translate_ddl gives for a statement: (offset, reason).
sub refusal {
    my ($statement) = @_;
    my $t = query_or_error($node, "SELECT chameleon.translate_ddl(\$s\$$statement\$s\$, 'src', 'app')");
    return $t =~ /^-- refused at offset (\d+): (.*)$/s ? ($1, $2) : (undef, "not refused: $t");
}
# The binlog file and the start and end positions of the query event holding `statement`.
sub event_of {
    my ($statement) = @_;
    for my $file (map { (split /\t/)[0] } split /\n/, $mysql->sql('SHOW BINARY LOGS')) {
        for my $line (split /\n/, $mysql->sql("SHOW BINLOG EVENTS IN '$file'")) {
            my ($log, $pos, $type, $server, $end, $info) = split /\t/, $line, 6;
            return ($log, $pos, $end) if $type eq 'Query' && index($info, $statement) >= 0;
        }
    }
    return ('?', -1, -1);
}
# Checks that `message` is the contract's refusal message for `statement` on app.parted.
sub check_message {
    my ($message, $statement, $what, $prefix) = @_;
    $prefix //= '';
    my ($offset, $reason) = refusal($statement);
    ok(defined $offset, "$what: translate_ddl refuses the statement") or diag $reason;
    like($reason, qr/TRUNCATE PARTITION/, "$what: the reason names the construct");
    my ($file, $start, $end) = event_of($statement);
    my $off = $offset // '?';
    # on_error_ddl: table says to copy the table again; source also names skip_transaction.
    my $way_out = $what =~ /^source/
        ? 'skip it with chameleon\.skip_transaction\(\) \(after applying it by hand to the target if it matters\), or copy the table again with chameleon\.sync_tables\(\)'
        : 'copy the table again with chameleon\.sync_tables\(\)';
    my $re = qr/^$prefix(?:DDL on table app\.parted at \Q$file\E:(\d+) cannot be replicated: \Q$reason\E \(at offset \Q$off\E\); $way_out)$/;
    like($message, $re, "$what: the message names the table, the position, the reason and the offset");
    my ($pos) = ($message // '') =~ $re;
    ok(defined $pos && ($pos == $start || $pos == $end), "$what: the position is the statement's ($file:$start-$end)")
      or diag "message position: " . ($pos // 'none');
}

# ---- on_error_ddl: table (the default); and a statement PostgreSQL refuses to apply ----
my $stmt1 = 'ALTER TABLE app.parted TRUNCATE PARTITION p0';
my $stmt_conv = 'ALTER TABLE app.conv MODIFY s INT';
$mysql->sql(qq{
    INSERT INTO app.parted VALUES (3, 3);
    INSERT INTO app.kept VALUES (2, 2);
    INSERT INTO app.conv VALUES (3, '30');
    $stmt1;
    INSERT INTO app.parted VALUES (4, 4), (103, 103);
    UPDATE app.parted SET v = 0 WHERE id = 101;
    INSERT INTO app.kept VALUES (3, 3);
    SET SESSION sql_mode = '';
    $stmt_conv;
    SET SESSION sql_mode = DEFAULT;
    INSERT INTO app.conv VALUES (4, 40);
    UPDATE app.conv SET s = 1 WHERE id = 1;
    UPDATE app.kept SET v = 10 WHERE id = 1;
});
is($mysql->sql('SELECT GROUP_CONCAT(s ORDER BY id) FROM app.conv'), '1,0,30,40', 'MySQL converted \'abc\' to 0');
wait_for_source($node, 'src', 'table: wait_for_source returns (the source keeps running)');
is(query_or_error($node, "SELECT string_agg(table_name || ':' || enabled || ':' || errors, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    'conv:false:1,kept:true:0,parted:false:1', 'table: only the tables the statements name stop, each with one error');
is(query_or_error($node, "SELECT status FROM sch_chameleon.v_status WHERE name = 'src'"), 'running', 'table: the source runs');
is(query_or_error($node, "SELECT count(*) FROM sch_chameleon.v_errors WHERE source = 'src'"), '2', 'table: two v_errors rows');
is(query_or_error($node, "SELECT schema_name || '|' || table_name || '|' || sql FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'parted'"),
    "app_pg|parted|$stmt1", 'table: v_errors names the table (PostgreSQL schema, as for row errors) and holds the statement');
check_message(query_or_error($node, "SELECT message FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'parted'"), $stmt1, 'table');
is(query_or_error($node, "SELECT binlog_name || ':' || binlog_position FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'parted'"),
    join(':', (query_or_error($node, "SELECT message FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'parted'") =~ /^DDL on table \S+ at (\S+):(\d+) /)),
    'table: v_errors.binlog_name and binlog_position are the message\'s');
is(query_or_error($node, "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM app_pg.parted"), '1:1,2:2,3:3,101:101,102:102,201:201',
    'table: the stopped table holds the rows written before the statement, none after, nothing half-applied');
is(query_or_error($node, "SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM app_pg.kept"), '1:10,2:2,3:3',
    'table: the other table keeps replicating');
# The statement PostgreSQL refused.
like(query_or_error($node, "SELECT sql FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'conv'"),
    qr/^(\Q$stmt_conv\E|ALTER TABLE "app_pg"\."conv" ALTER COLUMN "s" TYPE integer.*)$/s,
    'replay error: v_errors.sql holds the statement');
like(query_or_error($node, "SELECT message FROM sch_chameleon.v_errors WHERE source = 'src' AND table_name = 'conv'"),
    qr/invalid input syntax for type integer: "abc"/, 'replay error: v_errors.message holds PostgreSQL\'s error');
is(query_or_error($node, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app_pg.conv'::regclass AND attname = 's'"),
    'character varying(10)', 'replay error: nothing of the statement is applied');
like(query_or_error($node, "SELECT string_agg(id || ':' || s, ',' ORDER BY id) FROM app_pg.conv"), qr/^1:12,2:abc(,3:30)?$/,
    'replay error: no row written after the statement is applied');
TODO: {
    local $TODO = 'the contract says "like a row error" and does not say whether the rows of that table written '
      . 'before the statement in the same batch are kept';
    is(query_or_error($node, "SELECT string_agg(id || ':' || s, ',' ORDER BY id) FROM app_pg.conv"), '1:12,2:abc,3:30',
        'replay error: the rows written before the statement are there');
}

# sync_tables brings it back.
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['app.parted', 'app.conv'])");
is($rc, 0, 'table: sync_tables of the stopped tables succeeds') or diag $err;
$node->safe_psql('postgres', "SELECT chameleon.start_replica('src')");
$mysql->sql(q{INSERT INTO app.parted VALUES (5, 5), (150, 150); UPDATE app.parted SET v = 1 WHERE id = 102; INSERT INTO app.kept VALUES (4, 4);
    INSERT INTO app.conv VALUES (5, 50);});
wait_for_source($node, 'src', 'table: caught up after sync_tables');
is(query_or_error($node, "SELECT string_agg(table_name || ':' || enabled, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    'conv:true,kept:true,parted:true', 'table: the tables replicate again');
compare_tables($node, $mysql, 'table: after sync_tables',
    tables => [ map { ["app.$_", "app_pg.$_", "app_check.$_", { ordered => 1 }] } qw(parted kept conv) ]);

# ---- on_error_ddl: source ----
$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
config("    on_error_ddl: source\n");
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'source: start_replica with on_error_ddl: source succeeds') or diag $err;
my $stmt2 = 'ALTER TABLE app.parted TRUNCATE PARTITION p1';
$mysql->sql(qq{
    INSERT INTO app.kept VALUES (10, 10);
    INSERT INTO app.parted VALUES (6, 6);
    $stmt2;
    INSERT INTO app.kept VALUES (11, 11);
    INSERT INTO app.parted VALUES (104, 104), (7, 7);
    UPDATE app.parted SET v = 2 WHERE id = 1;
});
ok(poll_until($node, "SELECT status = 'error' FROM sch_chameleon.v_status WHERE name = 'src'", 't', 30),
    'source: the source stops in error');
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '30 s')");
isnt($rc, 0, 'source: wait_for_source raises the error');
my ($raised) = $err =~ /(DDL on table .*?)$/m;
check_message($raised, $stmt2, 'source: the error wait_for_source raises');
# v_status.last_error may say which worker met it (e.g. "read: ").
check_message(query_or_error($node, "SELECT last_error FROM sch_chameleon.v_status WHERE name = 'src'"), $stmt2,
    'source: v_status.last_error', qr/(?:\w+: )?/);

# The statement carried by hand on the target, then skipped, then the source resumed.
$node->safe_psql('postgres', "DELETE FROM app_pg.parted WHERE id >= 100 AND id < 200");
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.skip_transaction('src')");
is($rc, 0, 'source: skip_transaction succeeds') or diag $err;
{
    my ($file, $start, $end) = event_of($stmt2);
    like($out, qr/TRUNCATE PARTITION|\Q$file\E:($start|$end)\b/,
        'source: skip_transaction names the statement it passed over (its text or its binlog position)');
}
is(query_or_error($node, "SELECT status FROM sch_chameleon.v_status WHERE name = 'src'"), 'stopped', 'source: the source is stopped');
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'source: start_replica resumes') or diag $err;
$mysql->sql(q{INSERT INTO app.parted VALUES (105, 105), (8, 8); INSERT INTO app.kept VALUES (12, 12);});
wait_for_source($node, 'src', 'source: caught up after the skip');
is(query_or_error($node, "SELECT string_agg(table_name || ':' || enabled, ',' ORDER BY table_name) FROM sch_chameleon.v_tables WHERE source = 'src'"),
    'conv:true,kept:true,parted:true', 'source: every table replicates');
compare_tables($node, $mysql, 'source: after the skip',
    tables => [ map { ["app.$_", "app_pg.$_", "app_check.$_", { ordered => 1 }] } qw(parted kept) ]);

done_testing();
