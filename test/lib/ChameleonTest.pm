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

our @EXPORT = qw(chameleon_node start_mariadb write_config db_conn_yaml fresh_copy compare_with_copy);

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
