# Taking over from pg_chameleon. A database holds the catalogue pg_chameleon 2.0.21 (catalogue
# 2.0.10) left when its replica was stopped: a source whose tables were copied, one batch replayed,
# one batch read and stored but only partly replayed (its first row changes applied and removed
# from the log, the rest waiting as jsonb rows in t_log_replica_src_1 with its queue in
# t_batch_events), and the next batch holding the binlog coordinates where pg_chameleon's reader
# stopped. Every row change in it is a real change made on MariaDB, encoded the way pg_chameleon
# encodes it. CREATE EXTENSION adopts the catalogue, ALTER EXTENSION UPDATE brings it to 2.1,
# start_replica replays the pending jsonb changes first and then streams from pg_chameleon's
# coordinates: the target equals MariaDB, nothing lost, nothing repeated.
#
# Then the maintenance procedure with live workers: ALTER EXTENSION is refused while the source
# runs (naming it); stop_all_replicas(), ALTER EXTENSION UPDATE TO '2.0' and back to '2.1',
# start_replica again, and the changes arrive. Once with nothing pending, once with batches read
# but not replayed when the source stops (a session blocks the replay worker with a lock): those
# survive: the downgrade refuses while they wait (2.0 has no place for chameleon's row images).
use strict;
use warnings;

use ChameleonTest;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('takeover', no_extension => 1);

# ---- MariaDB's tables, and a model of their rows (to write the same changes everywhere) ----
my %columns = (items => [qw(id name qty price updated)], tags => [qw(k1 k2 note)]);
my %key = (items => [qw(id)], tags => [qw(k1 k2)]);
my %numeric = map { $_ => 1 } qw(id qty k1); # JSON numbers; pg_chameleon writes str() of the others
my %model = (items => {}, tags => {});

$mysql->sql(q{
    CREATE DATABASE shop;
    CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40), qty INT, price DECIMAL(10,2), updated DATETIME);
    CREATE TABLE shop.tags (k1 INT, k2 VARCHAR(10), note VARCHAR(20), PRIMARY KEY (k1, k2));
});

sub key_of {
    my ($table, $row) = @_;
    return join('|', map { $row->{$_} } @{ $key{$table} });
}
sub literal {
    my ($v) = @_;
    return 'NULL' unless defined $v;
    return $v if $v =~ /^-?\d+$/;
    $v =~ s/'/''/g;
    return "'$v'";
}
sub where_key {
    my ($table, $row) = @_;
    return join(' AND ', map { "$_ = " . literal($row->{$_}) } @{ $key{$table} });
}
# Each change: the MariaDB (and PostgreSQL) statement, and pg_chameleon's images.
sub ins {
    my ($table, %row) = @_;
    $model{$table}{ key_of($table, \%row) } = {%row};
    my @c = @{ $columns{$table} };
    return { table => $table, action => 'insert', after => {%row}, before => {},
             sql => "INSERT INTO %s.$table (" . join(', ', @c) . ') VALUES (' . join(', ', map { literal($row{$_}) } @c) . ')' };
}
sub upd {
    my ($table, $key, %changes) = @_;
    my $before = $model{$table}{$key} or die "no $table row $key";
    my %after = (%$before, %changes);
    delete $model{$table}{$key};
    $model{$table}{ key_of($table, \%after) } = {%after};
    return { table => $table, action => 'update', after => {%after}, before => {%$before},
             sql => "UPDATE %s.$table SET " . join(', ', map { "$_ = " . literal($after{$_}) } sort keys %changes)
               . ' WHERE ' . where_key($table, $before) };
}
sub del {
    my ($table, $key) = @_;
    my $before = delete $model{$table}{$key} or die "no $table row $key";
    # pg_chameleon keeps a deleted row in jsb_event_after.
    return { table => $table, action => 'delete', after => {%$before}, before => {},
             sql => "DELETE FROM %s.$table WHERE " . where_key($table, $before) };
}
# Runs changes on MariaDB: one transaction per inner list.
sub run_on_mysql {
    my (@transactions) = @_;
    $mysql->sql(join("\n", map { 'BEGIN; ' . join('; ', map { sprintf($_->{sql}, 'shop') } @$_) . '; COMMIT;' } @transactions));
}
sub master_status {
    my ($file, $pos) = split /\t/, $mysql->sql('SHOW MASTER STATUS');
    return ($file, $pos);
}

# ---- what pg_chameleon copied, replayed, and read ----
# The rows of its initial copy.
my @initial = (
    [ ins('items', id => 1, name => 'apple', qty => 10, price => '1.50', updated => '2024-05-01 10:00:00'),
      ins('items', id => 2, name => 'pear', qty => 0, price => '2.25', updated => undef),
      ins('items', id => 3, name => "o'range", qty => 7, price => '0.99', updated => '2024-05-02 11:30:00'),
      ins('items', id => 4, name => 'plum', qty => 4, price => '3.00', updated => '2024-05-03 12:00:00'),
      ins('tags', k1 => 1, k2 => 'red', note => 'first'),
      ins('tags', k1 => 1, k2 => 'blue', note => undef),
      ins('tags', k1 => 2, k2 => 'red', note => 'second') ]);
run_on_mysql(@initial);
my ($copy_file, $copy_pos) = master_status();
# Batch 1, replayed by pg_chameleon before it stopped (so in the copy below already).
run_on_mysql([ ins('items', id => 5, name => 'kiwi', qty => 1, price => '0.50', updated => '2024-05-04 08:00:00'),
               upd('items', '1', qty => 9) ]);
my ($b2_file, $b2_pos) = master_status();
# The target as pg_chameleon left it after the copy and batch 1.
my %target = map { my $t = $_; $t => [ map { {%$_} } values %{ $model{$t} } ] } keys %model;

# Batch 2: read and stored by pg_chameleon, partly replayed. One change per statement, so that
# each is one rows event of the binlog.
my @batch2 = (
    [ ins('items', id => 6, name => 'fig', qty => 3, price => '4.10', updated => '2024-05-05 09:15:00'),
      upd('items', '2', qty => 5, updated => '2024-05-05 09:16:00') ],
    [ upd('items', '3', id => 30, name => 'orange') ],                              # the key changes
    [ del('items', '4'),
      ins('tags', k1 => 3, k2 => 'green', note => 'third'),
      upd('tags', '1|blue', note => 'was null'),
      upd('tags', '2|red', k2 => 'pink') ],                                          # a composite key changes
    [ del('tags', '1|red'),
      ins('items', id => 7, name => undef, qty => undef, price => undef, updated => undef),
      upd('items', '6', price => '4.20', name => 'fig, dried') ],
);
run_on_mysql(@batch2);
my ($b3_file, $b3_pos) = master_status();
my @changes2 = map { @$_ } @batch2;
my $already_replayed = 3; # pg_chameleon replayed the first slice of batch 2 before it stopped

# Binlog coordinates of each change (end position of its rows event), as pg_chameleon logs them.
my @events = grep { $_->[2] =~ /^(Write|Update|Delete)_rows/ } map { [ split /\t/ ] }
  split /\n/, $mysql->sql("SHOW BINLOG EVENTS IN '$b2_file' FROM $b2_pos");
is(scalar(@events), scalar(@changes2), 'batch 2: one rows event per change in the binlog');

# Changes after pg_chameleon stopped (not in its catalogue), in a new binlog file.
$mysql->sql('FLUSH BINARY LOGS');
my @after_stop = (
    [ ins('items', id => 8, name => 'lime', qty => 2, price => '0.30', updated => '2024-05-06 07:00:00'),
      upd('items', '7', name => 'mystery') ],
    [ del('items', '5'), upd('tags', '3|green', note => 'third!') ]);
run_on_mysql(@after_stop);

# ---- pg_chameleon's catalogue: its 2.0.10 objects (those of chameleon 2.0, detached) ----
$node->safe_psql('postgres', q{
    CREATE EXTENSION chameleon VERSION '2.0';
    DO $$
    DECLARE
        r record;
    BEGIN
        FOR r IN
            SELECT obj.type, obj.identity
            FROM pg_depend AS d CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) AS obj
            WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chameleon') AND d.deptype = 'e'
              AND (obj.schema = 'sch_chameleon' OR (d.classid = 'pg_namespace'::regclass AND d.objid = 'sch_chameleon'::regnamespace))
        LOOP
            EXECUTE format('ALTER EXTENSION chameleon DROP %s %s', r.type, r.identity);
        END LOOP;
    END
    $$;
    DROP EXTENSION chameleon;
});
is($node->safe_psql('postgres', "SELECT t_version FROM sch_chameleon.v_version"), '2.0.10',
    "a bare pg_chameleon 2.0.10 catalogue, outside any extension");

# The copied tables, with the rows of the copy and batch 1.
my @target_sql = (
    'CREATE SCHEMA shop_pg',
    'CREATE TABLE shop_pg.items (id integer NOT NULL PRIMARY KEY, name character varying(40), qty integer, price numeric(10,2), updated timestamp without time zone)',
    'CREATE TABLE shop_pg.tags (k1 integer NOT NULL, k2 character varying(10) NOT NULL, note character varying(20), PRIMARY KEY (k1, k2))');
for my $t (sort keys %target) {
    for my $row (@{ $target{$t} }) {
        push @target_sql, "INSERT INTO shop_pg.$t (" . join(', ', @{ $columns{$t} }) . ') VALUES ('
          . join(', ', map { literal($row->{$_}) } @{ $columns{$t} }) . ')';
    }
}
# pg_chameleon's replay of the first slice of batch 2 (fn_replay_mysql applied them as SQL).
push @target_sql, sprintf($_->{sql}, 'shop_pg') for @changes2[ 0 .. $already_replayed - 1 ];
$node->safe_psql('postgres', join(";\n", @target_sql));

# The source, its log tables, its tables, and its batches, as pg_chameleon writes them.
my $json = JSON::PP->new->canonical;
sub image {
    my ($row) = @_;
    return $json->encode({ map { $_ => (defined $row->{$_} && $numeric{$_} ? 0 + $row->{$_} : $row->{$_}) } keys %$row });
}
my $event_time = time;
my @log_rows;
for my $i (0 .. $#changes2) {
    my $c = $changes2[$i];
    push @log_rows, sprintf("(2, '%s', 'shop_pg', '%s', '%s', %d, %s::jsonb, %s::jsonb, %d)",
        $c->{table}, $c->{action}, $events[$i][0], $events[$i][4],
        literal(image($c->{after})), literal(image($c->{before})), $event_time);
}
$node->safe_psql('postgres', qq{
    BEGIN;
    INSERT INTO sch_chameleon.t_sources (t_source, jsb_schema_mappings, enm_status, t_binlog_name, i_binlog_position,
                                         b_consistent, enm_source_type, v_log_table)
    VALUES ('src', '{"shop": "shop_pg"}', 'stopped', NULL, NULL, true, 'mysql',
            ARRAY['t_log_replica_src_2', 't_log_replica_src_1']);
    SELECT sch_chameleon.fn_refresh_parts();
    INSERT INTO sch_chameleon.t_last_received (i_id_source, ts_last_received) VALUES (1, to_timestamp($event_time) AT TIME ZONE 'UTC');
    INSERT INTO sch_chameleon.t_last_replayed (i_id_source, ts_last_replayed) VALUES (1, to_timestamp($event_time) AT TIME ZONE 'UTC');
    INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, v_table_pkey)
    VALUES (1, 'items', 'shop_pg', ARRAY['id']), (1, 'tags', 'shop_pg', ARRAY['k1', 'k2']);
    -- batch 1: from the copy's coordinates, replayed
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table, b_started,
                                               b_processed, b_replayed, ts_created, ts_processed, ts_replayed,
                                               i_replayed, i_skipped, i_ddl)
    VALUES (1, '$copy_file', $copy_pos, 't_log_replica_src_2', true, true, true, clock_timestamp(), clock_timestamp(),
            clock_timestamp(), 2, 0, 0);
    -- batch 2: read, processed, replayed up to its first slice
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table, b_started,
                                               b_processed, ts_created, ts_processed)
    VALUES (1, '$b2_file', $b2_pos, 't_log_replica_src_1', true, true, clock_timestamp(), clock_timestamp());
    INSERT INTO sch_chameleon.t_log_replica_src_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event,
                                                   t_binlog_name, i_binlog_position, jsb_event_after, jsb_event_before,
                                                   i_my_event_time)
    VALUES @{[ join(",\n           ", @log_rows) ]};
    INSERT INTO sch_chameleon.t_batch_events (i_id_batch, i_id_event)
    SELECT i_id_batch, array_agg(i_id_event)
    FROM (SELECT i_id_batch, i_id_event FROM sch_chameleon.t_log_replica WHERE i_id_batch = 2 ORDER BY ts_event_datetime) e
    GROUP BY i_id_batch;
    -- fn_replay_mysql's first slice: applied above, removed from the log and from the queue
    UPDATE sch_chameleon.t_batch_events SET i_id_event = i_id_event[$already_replayed + 1 : array_length(i_id_event, 1)]
    WHERE i_id_batch = 2;
    DELETE FROM sch_chameleon.t_log_replica WHERE i_id_batch = 2 AND i_id_event IN (
        SELECT i_id_event FROM sch_chameleon.t_log_replica WHERE i_id_batch = 2 ORDER BY i_id_event LIMIT $already_replayed);
    UPDATE sch_chameleon.t_replica_batch SET i_replayed = $already_replayed, i_ddl = 0 WHERE i_id_batch = 2;
    -- batch 3: where the reader stopped
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table, ts_created)
    VALUES (1, '$b3_file', $b3_pos, 't_log_replica_src_2', clock_timestamp());
    COMMIT;
});
my $pending = scalar(@changes2) - $already_replayed;
is($node->safe_psql('postgres', "SELECT count(*) || ' ' || cardinality((SELECT i_id_event FROM sch_chameleon.t_batch_events)) FROM sch_chameleon.t_log_replica_src_1"),
    "$pending $pending", "pg_chameleon's catalogue holds $pending unreplayed jsonb changes in batch 2");

# ---- adoption and update ----
my $port = $mysql->port;
my $conn = qq{    db_conn:\n      host: "127.0.0.1"\n      port: "$port"\n      user: "root"\n      password: ""\n};
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
$conn    schema_mappings:
      shop: shop_pg
  check:
    type: mysql
$conn    my_server_id: 101
    schema_mappings:
      shop: shop_check
YAML
my ($rc, $out, $err) = $node->psql('postgres', "CREATE EXTENSION chameleon VERSION '2.0'");
is($rc, 0, "CREATE EXTENSION chameleon VERSION '2.0' adopts pg_chameleon's catalogue") or diag $err;
($rc, $out, $err) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.1'");
is($rc, 0, 'ALTER EXTENSION chameleon UPDATE TO 2.1') or diag $err;
my @shown = map { my ($a, $t, $after, $before) = split /\|/; [ $a, $t, decode_json($after), decode_json($before) ] }
  split /\n/, $node->safe_psql('postgres', q{
    SELECT action, table_name, row_after, row_before FROM sch_chameleon.v_pending_changes WHERE source = 'src' ORDER BY event_id});
is_deeply(\@shown, [ map { [ $_->{action}, $_->{table}, $_->{after}, $_->{before} ] } @changes2[ $already_replayed .. $#changes2 ] ],
    'v_pending_changes shows the pending pg_chameleon changes as jsonb');

# ---- source against target ----
sub compare_with_copy {
    my ($what) = @_;
    $node->safe_psql('postgres', "SELECT chameleon.drop_source('check') FROM sch_chameleon.t_sources WHERE t_source = 'check'");
    $node->safe_psql('postgres', "DROP SCHEMA IF EXISTS shop_check CASCADE");
    $node->safe_psql('postgres', "SELECT chameleon.add_source('check')");
    $node->safe_psql('postgres', "SELECT chameleon.init_replica('check')");
    for my $t (sort keys %columns) {
        my $rows = $node->safe_psql('postgres', "SELECT count(*) FROM shop_pg.$t");
        is($rows, scalar(keys %{ $model{$t} }), "$what: $t holds as many rows as MariaDB");
        my $diff = $node->safe_psql('postgres', qq{
            SELECT count(*) FROM (
              (SELECT r::text FROM shop_pg.$t r EXCEPT ALL SELECT c::text FROM shop_check.$t c)
              UNION ALL
              (SELECT c::text FROM shop_check.$t c EXCEPT ALL SELECT r::text FROM shop_pg.$t r)) d});
        is($diff, '0', "$what: $t: replicated rows equal a fresh copy of MariaDB's, every column")
          or diag $node->safe_psql('postgres', qq{
            (SELECT 'replica', r::text FROM shop_pg.$t r EXCEPT ALL SELECT 'replica', c::text FROM shop_check.$t c)
            UNION ALL (SELECT 'copy', c::text FROM shop_check.$t c EXCEPT ALL SELECT 'copy', r::text FROM shop_pg.$t r)});
    }
    is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.v_errors WHERE source = 'src'"), '0',
        "$what: no error recorded")
      or diag $node->safe_psql('postgres', "SELECT table_name, key, sql_state, message, row FROM sch_chameleon.v_errors");
}

# ---- start: the jsonb batch first, then the stream from pg_chameleon's coordinates ----
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica on the adopted source') or diag $err;
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')"), 't', 'caught up');
is($node->safe_psql('postgres', "SELECT b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = 2"), 't',
    "pg_chameleon's pending batch is replayed");
is($node->safe_psql('postgres', "SELECT count(*) FROM sch_chameleon.t_log_replica_src_1 WHERE i_id_batch = 2"), '0',
    'its jsonb rows are gone from the log');
is($node->safe_psql('postgres', "SELECT i_id_batch || ' ' || b_replayed FROM sch_chameleon.t_replica_batch WHERE i_id_batch = 1"),
    '1 true', 'the batch pg_chameleon had replayed stays replayed');
is($node->safe_psql('postgres', q{
        SELECT b2.ts_replayed <= b3.ts_replayed AND b3.b_replayed
        FROM sch_chameleon.t_replica_batch b2, sch_chameleon.t_replica_batch b3 WHERE b2.i_id_batch = 2 AND b3.i_id_batch = 3}),
    't', "the batch streamed from pg_chameleon's coordinates is replayed after the pending one");
compare_with_copy('takeover');

# Live changes.
run_on_mysql([ ins('items', id => 9, name => 'date', qty => 12, price => '5.55', updated => '2024-05-07 07:07:07'),
               upd('items', '8', id => 80) ],
             [ del('tags', '3|green'), ins('tags', k1 => 4, k2 => 'red', note => 'live') ]);
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')"), 't', 'live changes: caught up');
compare_with_copy('live changes after the takeover');

# ---- the maintenance procedure with live workers ----
($rc, $out, $err) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.0'");
like($err, qr/ERROR:  cannot downgrade extension chameleon while sources are running or in error: src \(running\)\n/,
    'ALTER EXTENSION is refused while the source runs, naming it');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'chameleon'"), '2.1',
    'the extension stays at 2.1');
ok($node->poll_query_until('postgres',
        "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type IN ('chameleon read src', 'chameleon replay src')"),
    'its workers still run');

# Nothing pending: stop, down to 2.0 and up to 2.1, start.
sub maintenance_round_trip {
    my ($what) = @_;
    ($rc, $out, $err) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.0'");
    if ($rc != 0) {
        # Refusing is right only when the 2.0 catalogue cannot hold what is pending.
        like($err, qr/ERROR:  .*pending/, "$what: the downgrade is refused because changes are pending");
        return;
    }
    pass("$what: ALTER EXTENSION chameleon UPDATE TO '2.0' with the source stopped");
    ($rc, $out, $err) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.1'");
    is($rc, 0, "$what: ALTER EXTENSION chameleon UPDATE TO '2.1' again") or diag $err;
}
is($node->safe_psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')"), 't', 'caught up before the maintenance');
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.stop_all_replicas()");
is($out, '1', 'stop_all_replicas() stops the source') or diag $err;
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'chameleon re% src'"), '0',
    'its workers are gone');
is($node->safe_psql('postgres', "SELECT status FROM sch_chameleon.v_status WHERE name = 'src'"), 'stopped', 'status stopped');
run_on_mysql([ upd('items', '9', qty => 11) ]);
maintenance_round_trip('nothing pending');
run_on_mysql([ ins('items', id => 12, name => 'quince', qty => 1, price => '1.10', updated => '2024-05-09 10:00:00') ]);
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica after the maintenance') or diag $err;
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')");
is($out, 't', 'caught up after the maintenance') or diag $err;
compare_with_copy('after stop_all_replicas, downgrade and update, start');

# Batches waiting when the source is stopped: a session holds a lock on a target table, so the
# replay worker waits while the read worker goes on storing batches.
my ($lock_out, $lock_err) = ('', '');
my $locker = IPC::Run::start([ 'psql', '-XAtq', '-d', $node->connstr('postgres'), '-c',
        "BEGIN; LOCK TABLE shop_pg.items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300); COMMIT" ],
    '>', \$lock_out, '2>', \$lock_err);
ok($node->poll_query_until('postgres', "SELECT count(*) = 1 FROM pg_locks WHERE relation = 'shop_pg.items'::regclass AND mode = 'AccessExclusiveLock' AND granted"),
    'a session locks shop_pg.items');
run_on_mysql([ ins('items', id => 10, name => 'lemon', qty => 1, price => '0.75', updated => '2024-05-08 08:08:08'),
               upd('items', '1', qty => 8) ],
             [ upd('tags', '4|red', note => 'stopped') ]);
ok($node->poll_query_until('postgres', q{
        SELECT v.pending_batches > 0 AND EXISTS (SELECT 1 FROM pg_stat_activity a
                                                  WHERE a.backend_type = 'chameleon replay src' AND a.wait_event_type = 'Lock')
        FROM sch_chameleon.v_status v WHERE v.name = 'src'}),
    'changes are read and stored while the replay worker waits for the lock');
my $pending_rows = $node->safe_psql('postgres', "SELECT pending_rows FROM sch_chameleon.v_status WHERE name = 'src'");
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.stop_all_replicas()");
is($out, '1', 'stop_all_replicas() stops the source while its replay worker waits') or diag $err;
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'chameleon re% src'"), '0',
    'its workers are gone');
$node->safe_psql('postgres', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE shop_pg.items%'");
$locker->finish;
is($node->safe_psql('postgres', "SELECT pending_batches > 0 FROM sch_chameleon.v_status WHERE name = 'src'"), 't',
    "batches wait in the log ($pending_rows row changes)");
($rc, $out, $err) = $node->psql('postgres', "ALTER EXTENSION chameleon UPDATE TO '2.0'");
like($err, qr/ERROR:  cannot downgrade extension chameleon: row changes read by chameleon are not replayed yet: src \($pending_rows\)\n.*HINT:  Start the sources again \(chameleon\.start_replica\), let them replay \(chameleon\.wait_for_source\), stop them, then downgrade\./s,
    'changes pending: the downgrade is refused, naming the source and its pending row changes');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'chameleon'"), '2.1',
    'changes pending: the extension stays at 2.1');
run_on_mysql([ ins('items', id => 11, name => 'melon', qty => 2, price => '3.30', updated => '2024-05-09 09:09:09') ]);
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.start_replica('src')");
is($rc, 0, 'start_replica after the maintenance') or diag $err;
($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('src', '60 s')");
is($out, 't', 'every batch is replayed after the maintenance with changes pending') or diag $err;
compare_with_copy('pending changes kept: the downgrade refused, start');

$node->safe_psql('postgres', "SELECT chameleon.stop_replica('src')");
done_testing();
