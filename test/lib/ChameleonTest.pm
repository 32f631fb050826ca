# Helpers for chameleon's TAP tests: a PostgreSQL node with chameleon preloaded, throwaway MariaDB
# servers, and configuration files. Every server started here is stopped at exit, even on failure.
package ChameleonTest;

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use File::Path qw(make_path);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(chameleon_node start_mariadb write_config write_replica_config db_conn_yaml fresh_copy compare_with_copy
    table_structure compare_tables wait_for_source query_or_error poll_until);

my $lib_dir = $ENV{CHAMELEON_TEST_LIB} // dirname(__FILE__);
my @mariadb_servers;

# A started PostgreSQL node with chameleon in shared_preload_libraries and CREATE EXTENSION done.
sub chameleon_node {
    my ($name, %opts) = @_;
    my $node = PostgreSQL::Test::Cluster->new($name);
    $node->init;
    $node->append_conf('postgresql.conf', join("\n",
        "shared_preload_libraries = 'chameleon'",
        "max_worker_processes = 16",
        "log_min_messages = warning",
        @{ $opts{conf} // [] }, ''));
    $node->start;
    $node->safe_psql('postgres', 'CREATE EXTENSION chameleon') unless $opts{no_extension};
    return $node;
}

# Writes <config_directory>/<name>.yml of `node` (default directory: <data>/chameleon).
sub write_config {
    my ($node, $name, $yaml, $mode) = @_;
    my $dir = $node->data_dir . '/chameleon';
    make_path($dir, { mode => 0700 });
    my $path = "$dir/$name.yml";
    open(my $fh, '>', $path) or die "cannot write $path: $!";
    print $fh $yaml;
    close($fh) or die "cannot close $path: $!";
    chmod($mode // 0600, $path) or die "cannot chmod $path: $!";
    return $path;
}

# The db_conn block of a source reaching `mysql` as root (indented for a source entry).
sub db_conn_yaml {
    my ($mysql) = @_;
    my $port = $mysql->port;
    return qq{    db_conn:\n      host: "127.0.0.1"\n      port: "$port"\n      user: "root"\n      password: ""\n};
}

# The configuration of a replicating source `src` and of the source `check` whose copies
# compare_tables / compare_with_copy compare it with: `mappings` => [[MySQL schema, src's schema,
# check's schema], ...]; `src_extra` / `check_extra`: more keys of each (indented YAML lines).
sub write_replica_config {
    my ($node, $mysql, %args) = @_;
    my $conn = db_conn_yaml($mysql);
    my ($src, $check) = ('', '');
    for my $m (@{ $args{mappings} }) {
        $src .= "      $m->[0]: $m->[1]\n";
        $check .= "      $m->[0]: $m->[2]\n";
    }
    return write_config($node, 'default',
        "sources:\n  src:\n    type: mysql\n${conn}    schema_mappings:\n$src" . ($args{src_extra} // '')
        . "  check:\n    type: mysql\n${conn}    my_server_id: 101\n    schema_mappings:\n$check"
        . ($args{check_extra} // ''));
}

# A fresh copy of MySQL's data by the source `check` (added again, its `schemas` dropped first).
sub fresh_copy {
    my ($node, $check, @schemas) = @_;
    # Every destination of the check source goes: init_replica refuses to replace tables it did not
    # make, and once the source is dropped its earlier copies are no longer its own.
    push @schemas, split /\n/, $node->safe_psql('postgres', "SELECT map.value FROM sch_chameleon.t_sources src, "
        . "jsonb_each_text(src.jsb_schema_mappings) map WHERE src.t_source = '$check'");
    $node->safe_psql('postgres', "SELECT chameleon.drop_source('$check') FROM sch_chameleon.t_sources WHERE t_source = '$check'");
    $node->safe_psql('postgres', "DROP SCHEMA IF EXISTS $_ CASCADE") for @schemas;
    $node->safe_psql('postgres', "SELECT chameleon.add_source('$check')");
    $node->safe_psql('postgres', "SELECT chameleon.init_replica('$check')");
}

# Replicated tables against a fresh copy of the same MySQL data: init_replica of the source `check`
# (whose schema_mappings map the same MySQL schemas to the `copy` schemas) copies MySQL again, then
# each table must hold as many rows as MySQL and the same rows as the copy, whole rows as text
# (every column), EXCEPT ALL both ways (duplicates count). So a replicated value must equal the
# value init_replica produces for it. `tables`: [[MySQL schema.table, replica schema, copy schema], ...].
sub compare_with_copy {
    my ($node, $mysql, $what, %args) = @_;
    my $check = $args{check} // 'check';
    my %copy_schemas = map { $_->[2] => 1 } @{ $args{tables} };
    fresh_copy($node, $check, sort keys %copy_schemas);
    for my $t (@{ $args{tables} }) {
        my ($mysql_table, $replica, $copy) = @$t;
        my ($table) = $mysql_table =~ /\.(.*)$/;
        my ($r, $c) = ("$replica.$table", "$copy.$table");
        is($node->safe_psql('postgres', "SELECT count(*) FROM $c"), $mysql->sql("SELECT count(*) FROM $mysql_table"),
            "$what: $c: the copy holds MySQL's rows");
        # The enum types of the two schemas differ by name: compare the rows as text.
        my $diff = $node->safe_psql('postgres', qq{
            SELECT count(*) FROM (
              (SELECT r::text FROM $r r EXCEPT ALL SELECT c::text FROM $c c)
              UNION ALL
              (SELECT c::text FROM $c c EXCEPT ALL SELECT r::text FROM $r r)) d});
        is($diff, '0', "$what: $r: replicated rows equal copied rows, every column")
          or diag column_differences($node, $r, $c);
    }
}

# The output of a query, or "error: <stderr>" when it fails (so that a test goes on to its other
# assertions when the engine left a table unlike what it expected).
sub query_or_error {
    my ($node, $sql) = @_;
    my ($rc, $out, $err) = $node->psql('postgres', $sql);
    return $rc == 0 ? $out : "error: $err";
}

# Runs `sql` until its output is `expected`, at most `timeout` seconds (default 30); true if it was
# (poll_query_until with a bound of its own, so that a test that fails does so quickly).
sub poll_until {
    my ($node, $sql, $expected, $timeout) = @_;
    my $deadline = time() + ($timeout // 30);
    while (1) {
        my ($rc, $out) = $node->psql('postgres', $sql);
        return 1 if $rc == 0 && $out eq $expected;
        return 0 if time() > $deadline;
        select(undef, undef, undef, 0.1);
    }
}

# wait_for_source as a test: true when the source caught up; on failure the error (or the timeout)
# is shown. Returns (ok, stderr) so that callers can look at the WARNINGs too.
sub wait_for_source {
    my ($node, $source, $what, $timeout) = @_;
    my ($rc, $out, $err) = $node->psql('postgres', "SELECT chameleon.wait_for_source('$source', '" . ($timeout // 60) . " s')");
    my $ok = is($rc == 0 ? $out : "error: $err", 't', $what);
    diag $err if !$ok;
    return ($ok, $err);
}

# The PostgreSQL definition of a table (a regclass text such as app_pg.t or "app_pg"."t"), as a
# hash of texts, its schema written S (so that a replica and a copy in another schema compare):
#   columns  one line per column: name, format_type, NOT NULL, identity, generated, default
#            (ordered by name, or by attnum with `ordered`)
#   order    the column names in attnum order
#   enums    one line per enum column: column name and the labels in order
#   indexes  one line per index: pg_get_indexdef with the index name written I (primary, unique,
#            columns and expressions), ordered
#   names    the index and constraint names, enum type names (`_pkey` included), ordered
#   constraints  one line per primary key / unique / check constraint: kind and definition
# A table that does not exist gives { missing => '<table> does not exist' }.
sub table_structure {
    my ($node, $table, %opts) = @_;
    my $q = sub { my ($sql) = @_; return $node->safe_psql('postgres', $sql); };
    my $oid = $q->("SELECT to_regclass('$table')::oid");
    return { missing => "$table does not exist" } if $oid eq '';
    my $schema = $q->("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $oid");
    my $norm = sub {
        my ($text) = @_;
        $text =~ s/"\Q$schema\E"\./S./g;
        $text =~ s/\b\Q$schema\E\./S./g;
        return $text;
    };
    my %s;
    my $cols = $q->(qq{
        SELECT string_agg(concat_ws(' | ', a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                   'identity:' || a.attidentity::text, 'generated:' || a.attgenerated::text,
                   'default:' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')), E'\\n' ORDER BY }
        . ($opts{ordered} ? 'a.attnum' : 'a.attname') . qq{)
          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = $oid AND a.attnum > 0 AND NOT a.attisdropped});
    $s{columns} = $norm->($cols);
    $s{order} = $q->("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = $oid AND attnum > 0 AND NOT attisdropped");
    $s{enums} = $q->(qq{
        SELECT coalesce(string_agg(a.attname || ': ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                                   FROM pg_enum e WHERE e.enumtypid = a.atttypid), E'\\n' ORDER BY a.attname), '')
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         WHERE a.attrelid = $oid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'e'});
    $s{indexes} = $norm->($q->(qq{
        SELECT coalesce(string_agg(d, E'\\n' ORDER BY d), '') FROM (
          SELECT CASE WHEN i.indisprimary THEN 'PRIMARY ' ELSE '' END
                 || regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX )\\S+ ON \\S+', '\\1I ON T') AS d
            FROM pg_index i WHERE i.indrelid = $oid) x}));
    $s{constraints} = $norm->($q->(qq{
        SELECT coalesce(string_agg(contype::text || ' ' || pg_get_constraintdef(oid), E'\\n' ORDER BY contype, pg_get_constraintdef(oid)), '')
          FROM pg_constraint WHERE conrelid = $oid AND contype IN ('p', 'u', 'c', 'x')}));
    $s{names} = $q->(qq{
        SELECT coalesce(string_agg(n, E'\\n' ORDER BY n), '') FROM (
          SELECT 'index ' || c.relname AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $oid
          UNION ALL
          SELECT 'constraint ' || conname FROM pg_constraint WHERE conrelid = $oid
          UNION ALL
          SELECT 'type ' || t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = $oid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'e') x});
    return \%s;
}

# Replicated tables against a fresh copy of the same MySQL data (the source `check`, see
# compare_with_copy), column by column BY NAME (so a column added FIRST/AFTER by DDL, whose
# PostgreSQL position cannot follow MySQL's, still compares), for each table:
#   - MySQL, the copy and the replica hold the same number of rows;
#   - the replica's definition equals the copy's (table_structure: columns with their types,
#     NOT NULL, defaults, identity; enum labels; indexes and constraints); with `ordered` in a
#     table's options, the column order too; and, on their own, the names of its indexes,
#     constraints and enum types;
#   - the rows are equal, every column as text, EXCEPT ALL both ways (duplicates count);
#   - with `registry` in the options, chameleon's schema registry (v_schema_registry, the latest
#     version) lists MySQL's columns as information_schema.COLUMNS shows them, in order.
# `source`: the replicating source (default src).
# `tables`: [[MySQL schema.table, replica table, copy table, {options}], ...] (replica and copy as
# regclass texts, e.g. 'app_pg.t', 'app_check.t'). `copy => 0` skips the fresh copy (made already).
sub compare_tables {
    my ($node, $mysql, $what, %args) = @_;
    my $check = $args{check} // 'check';
    my $source = $args{source} // 'src';
    if ($args{copy} // 1) {
        my %copy_schemas = map { ($_->[2] =~ /^"?([^".]+)/)[0] => 1 } @{ $args{tables} };
        fresh_copy($node, $check, sort keys %copy_schemas);
    }
    for my $t (@{ $args{tables} }) {
        my ($mysql_table, $r, $c, $opts) = @$t;
        $opts //= {};
        my $label = "$what: $mysql_table";
        my $exists = sub { $node->safe_psql('postgres', "SELECT to_regclass('$_[0]') IS NOT NULL") eq 't' };
        if (!ok($exists->($r), "$label: the replica $r exists")) {
            fail("$label: (no replica table to compare)") for 1 .. 4;
            next;
        }
        ok($exists->($c), "$label: the copy $c exists") or next;
        my $n = $mysql->sql("SELECT count(*) FROM $mysql_table");
        is($node->safe_psql('postgres', "SELECT (SELECT count(*) FROM $r) || ' ' || (SELECT count(*) FROM $c)"),
            "$n $n", "$label: MySQL, the replica and the copy hold $n rows");
        my $rs = table_structure($node, $r, ordered => $opts->{ordered});
        my $cs = table_structure($node, $c, ordered => $opts->{ordered});
        my @keys = qw(columns enums indexes constraints);
        push @keys, 'order' if $opts->{ordered};
        is_deeply({ map { $_ => $rs->{$_} } @keys }, { map { $_ => $cs->{$_} } @keys },
            "$label: the replica's definition equals the one init_replica gives (columns, types, defaults, "
            . "NOT NULL, enum labels, indexes, constraints" . ($opts->{ordered} ? ', column order' : '') . ')')
          or diag "replica $r:\n" . join("\n", map { "  $_: " . ($rs->{$_} // $rs->{missing}) } @keys)
            . "\ncopy $c:\n" . join("\n", map { "  $_: " . ($cs->{$_} // $cs->{missing}) } @keys);
        # Known gap (issue 11 note): replication gives each index the name init_replica would give
        # when that name is free; two tables that swapped names (RENAME a TO tmp, b TO a, tmp TO b)
        # each hold the name the other wants. `names_todo` marks such tables (replication finds each
        # index on its own table, so nothing else depends on the names).
        TODO: {
            local $TODO = $opts->{names_todo} ? 'index names of tables that swapped names are not swapped' : undef;
            is($rs->{names} // $rs->{missing}, $cs->{names} // $cs->{missing},
                "$label: the replica's index, constraint and enum type names are the ones init_replica gives");
        }
        # The rows, by the names of the copy's columns that the replica has too (a missing column
        # fails above).
        my @cols = split /\n/, $node->safe_psql('postgres', qq{
            SELECT quote_ident(c.attname) FROM pg_attribute c
             WHERE c.attrelid = '$c'::regclass AND c.attnum > 0 AND NOT c.attisdropped
               AND EXISTS (SELECT 1 FROM pg_attribute r WHERE r.attrelid = '$r'::regclass AND r.attname = c.attname
                           AND r.attnum > 0 AND NOT r.attisdropped)
             ORDER BY c.attnum});
        my $list = join(', ', map { "$_\::text" } @cols);
        my ($rc, $diff, $err) = $node->psql('postgres', qq{
            SELECT count(*) FROM (
              (SELECT $list FROM $r EXCEPT ALL SELECT $list FROM $c)
              UNION ALL
              (SELECT $list FROM $c EXCEPT ALL SELECT $list FROM $r)) d});
        is($rc == 0 ? $diff : "error: $err", '0', "$label: replicated rows equal copied rows, every column")
          or diag $node->safe_psql('postgres', qq{
            (SELECT 'replica', ROW($list)::text FROM $r EXCEPT ALL SELECT 'replica', ROW($list)::text FROM $c)
            UNION ALL (SELECT 'copy', ROW($list)::text FROM $c EXCEPT ALL SELECT 'copy', ROW($list)::text FROM $r) LIMIT 20});
        if ($opts->{registry}) {
            my ($ms, $mt) = split /\./, $mysql_table, 2;
            $ms =~ s/`//g;
            $mt =~ s/`//g;
            my $expected = $mysql->sql(qq{
                SET SESSION group_concat_max_len = 1000000;
                SELECT GROUP_CONCAT(CONCAT(column_name, ' ', column_type) ORDER BY ordinal_position SEPARATOR '\\n')
                  FROM information_schema.columns WHERE table_schema = '$ms' AND table_name = '$mt'});
            $expected =~ s/\\n/\n/g;
            my ($rrc, $got, $rerr) = $node->psql('postgres', qq{
                SELECT string_agg((c.e->>'name') || ' ' || (c.e->>'type'), E'\\n' ORDER BY c.ord)
                  FROM (SELECT columns FROM sch_chameleon.v_schema_registry
                         WHERE source = '$source' AND schema_name = '$ms' AND table_name = '$mt'
                         ORDER BY version DESC LIMIT 1) v,
                       jsonb_array_elements(v.columns) WITH ORDINALITY c(e, ord)});
            is($rrc == 0 ? $got : "error: $rerr", $expected,
                "$label: the schema registry's latest version lists MySQL's columns and types (information_schema)");
        }
    }
}

# Which columns differ between two tables of the same shape (their values as multisets), with
# samples: the diagnosis of a failed comparison, readable even when rows hold megabytes.
sub column_differences {
    my ($node, $r, $c) = @_;
    my @cols = split /\n/, $node->safe_psql('postgres',
        "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '$r'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    my $out = '';
    for my $col (@cols) {
        my $d = $node->safe_psql('postgres', qq{
            SELECT string_agg(w || ': ' || coalesce(left(v, 200), 'NULL') || CASE WHEN length(v) > 200 THEN '... (' || length(v) || ' chars)' ELSE '' END, E'\\n')
              FROM (SELECT * FROM (
                (SELECT 'replica' AS w, $col\::text AS v FROM $r EXCEPT ALL SELECT 'replica', $col\::text FROM $c)
                UNION ALL (SELECT 'copy', $col\::text FROM $c EXCEPT ALL SELECT 'copy', $col\::text FROM $r)) d
                ORDER BY v, w LIMIT 6) l});
        $out .= "column $col differs:\n$d\n" if $d ne '';
    }
    return $out eq '' ? 'no column differs on its own (the rows combine them differently)' : $out;
}

# Starts a throwaway MariaDB (binary log ROW/FULL/metadata FULL unless overridden by @options,
# which are mariadbd options such as '--binlog_format=STATEMENT'). Returns a ChameleonTest::MariaDB.
sub start_mariadb {
    my (@options) = @_;
    my $dir = PostgreSQL::Test::Utils::tempdir('mariadb');
    my $port = `bash $lib_dir/mariadb.sh start $dir -- @options`;
    die "MariaDB did not start in $dir" if $? != 0;
    chomp $port;
    my $server = bless { dir => $dir, port => $port }, 'ChameleonTest::MariaDB';
    push @mariadb_servers, $server;
    note "MariaDB on 127.0.0.1:$port ($dir)";
    return $server;
}

END {
    my $status = $?;
    $_->stop for @mariadb_servers;
    $? = $status;
}

package ChameleonTest::MariaDB;

sub port { return $_[0]{port} }
sub dir { return $_[0]{dir} }

# Runs SQL as root; dies on error; returns the output (tab-separated, no column names).
sub sql {
    my ($self, $sql) = @_;
    my $out = $self->try_sql($sql);
    die "MariaDB error for [$sql]: $self->{last_error}" if $self->{last_rc} != 0;
    return $out;
}

# Runs SQL as root; returns the output; leaves the exit code and stderr in last_rc / last_error.
sub try_sql {
    my ($self, $sql) = @_;
    my ($out, $err) = ('', '');
    IPC::Run::run([ 'bash', "$lib_dir/mariadb.sh", 'client', $self->{dir}, '-N', '-B', '-e', $sql ],
        '>', \$out, '2>', \$err);
    $self->{last_rc} = $? >> 8;
    $self->{last_error} = $err;
    chomp $out;
    return $out;
}

# Runs `sql` until it succeeds with an output equal to `expected` (or matching it, a qr//), at most
# `timeout` seconds (default 60); true if it did.
sub poll_until {
    my ($self, $sql, $expected, $timeout) = @_;
    my $deadline = time() + ($timeout // 60);
    while (1) {
        my $out = $self->try_sql($sql);
        return 1 if $self->{last_rc} == 0 && (ref $expected eq 'Regexp' ? $out =~ $expected : $out eq $expected);
        return 0 if time() > $deadline;
        select(undef, undef, undef, 0.1);
    }
}

sub stop {
    my ($self) = @_;
    return if $self->{stopped};
    # A server a test froze (SIGSTOP) must be able to act on the TERM.
    my $pid = $self->pid;
    kill 'CONT', $pid if $pid;
    system('bash', "$lib_dir/mariadb.sh", 'stop', $self->{dir});
    $self->{stopped} = 1;
}

# The mariadbd process id (undef when it is not running).
sub pid {
    my ($self) = @_;
    open(my $fh, '<', "$self->{dir}/mariadbd.launch.pid") or return undef;
    my $pid = <$fh>;
    close($fh);
    chomp $pid if defined $pid;
    return $pid;
}

# Starts the server again on the same data directory and port (after stop).
sub restart {
    my ($self) = @_;
    my $out = `bash $lib_dir/mariadb.sh restart $self->{dir}`;
    die "MariaDB did not restart in $self->{dir}" if $? != 0;
    $self->{stopped} = 0;
}

# Runs a SQL script in a background client session (script and output in files, so that the client
# never waits for this process); returns a ChameleonTest::Background whose finish() waits for it and
# returns (exit code, stdout, stderr).
sub background_sql {
    my ($self, $sql) = @_;
    my $base = "$self->{dir}/background." . ++$self->{background};
    open(my $fh, '>', "$base.sql") or die "cannot write $base.sql: $!";
    print $fh $sql;
    close($fh) or die "cannot close $base.sql: $!";
    my $bg = bless { base => $base }, 'ChameleonTest::Background';
    $bg->{harness} = IPC::Run::start([ 'bash', "$lib_dir/mariadb.sh", 'client', $self->{dir}, '-N', '-B' ],
        '<', "$base.sql", '>', "$base.out", '2>', "$base.err");
    return $bg;
}

package ChameleonTest::Background;

sub finish {
    my ($self) = @_;
    $self->{harness}->finish;
    my $read = sub {
        open(my $fh, '<', $_[0]) or return '';
        local $/;
        my $text = <$fh>;
        close($fh);
        return $text // '';
    };
    return ($self->{harness}->result(0), $read->("$self->{base}.out"), $read->("$self->{base}.err"));
}

1;
