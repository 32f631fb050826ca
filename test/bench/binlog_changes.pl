#!/usr/bin/perl
# binlog_changes.pl: turns MariaDB's own decoding of a binlog range into the change file that
# test/bench/replay_client.cpp applies (the limits of test/bench/replication_bench.sh). The
# changes come from MariaDB's decoder, not from chameleon's, so the limits do not share its bugs.
#
#   mariadb-binlog --base64-output=DECODE-ROWS -vv --start-position=A --stop-position=B FILE \
#       | perl binlog_changes.pl TABLES > changes
#
# TABLES has one line per table to keep, tab-separated:
#   schema.table  col,col,...  primary key column indexes (0-based, comma)  unsigned flags (0/1, comma)
# Rows of other tables are dropped; transactions left empty are dropped.
# Output (see replay_client.cpp): T lines, then per source transaction B, I/U/D rows, C. Values are
# in COPY text escapes (\N for NULL).
# Scope: the types the benchmark uses (integers, strings, decimals, temporal values printed as
# quoted strings). mariadb-binlog prints bytes below 0x20 as \xNN and everything else raw, so a
# string holding a backslash followed by "xNN" would be misread: the benchmark's data has none.
use strict;
use warnings;

my $tables_file = shift or die "usage: binlog_changes.pl TABLES < decoded binlog\n";
open my $tf, '<', $tables_file or die "binlog_changes.pl: $tables_file: $!\n";
my (%num, @ncols, @unsigned);
my $n = 0;
while (my $l = <$tf>) {
    chomp $l;
    next if $l eq '';
    my ($name, $cols, $pk, $uns) = split /\t/, $l;
    die "binlog_changes.pl: table $name has no primary key\n" unless defined $pk && $pk ne '';
    $num{$name} = $n;
    my @c = split /,/, $cols;
    $ncols[$n] = scalar @c;
    $unsigned[$n] = [ split /,/, ($uns // '') ];
    print "T\t$n\t$name\t$cols\t$pk\n";
    $n++;
}
close $tf;

my @tx;           # rows of the open transaction
my ($op, $table, $part, @before, @after);
my ($ntx, $ni, $nu, $nd) = (0, 0, 0, 0);

sub value {
    my ($raw, $col) = @_;
    return '\N' if $raw eq 'NULL';
    if ($raw =~ /^'(.*)'$/s) {
        my $s = $1;
        $s =~ s/\\x([0-9a-fA-F]{2})/chr(hex $1)/ge;
        $s =~ s/\\/\\\\/g;
        $s =~ s/\t/\\t/g;
        $s =~ s/\n/\\n/g;
        $s =~ s/\r/\\r/g;
        return $s;
    }
    # integers: "-5 (4294967291)" — the second form is the unsigned reading
    if ($raw =~ /^(-?\d+) \((\d+)\)$/) {
        return $unsigned[$table][$col] ? $2 : $1;
    }
    return $raw;
}

sub end_row {
    return unless defined $op;
    if (defined $table) {
        my $want = $ncols[$table];
        my @b = @before[0 .. $want - 1];
        my @a = @after[0 .. $want - 1];
        if ($op eq 'I') {
            push @tx, join("\t", 'I', $table, map { $_ // '\N' } @a);
            $ni++;
        } elsif ($op eq 'D') {
            push @tx, join("\t", 'D', $table, map { $_ // '\N' } @b);
            $nd++;
        } else {
            push @tx, join("\t", 'U', $table, (map { $_ // '\N' } @b), (map { $_ // '\N' } @a));
            $nu++;
        }
    }
    undef $op;
    undef $table;
    @before = ();
    @after = ();
}

while (my $l = <STDIN>) {
    if ($l =~ /^### (INSERT INTO|UPDATE|DELETE FROM) `([^`]*)`\.`([^`]*)`/) {
        end_row();
        $op = $1 eq 'INSERT INTO' ? 'I' : $1 eq 'UPDATE' ? 'U' : 'D';
        $table = $num{"$2.$3"};
        $part = $op eq 'I' ? 'after' : 'before';
        next;
    }
    if ($l =~ /^### WHERE/) { $part = 'before'; next; }
    if ($l =~ /^### SET/)   { $part = 'after';  next; }
    if ($l =~ /^###   @(\d+)=(.*) \/\* [^*]*\*\/\s*$/) {
        next unless defined $table;
        my $v = value($2, $1 - 1);
        if ($part eq 'before') { $before[$1 - 1] = $v } else { $after[$1 - 1] = $v }
        next;
    }
    die "binlog_changes.pl: cannot read row line: $l" if $l =~ /^###/;
    end_row();
    if ($l =~ /^COMMIT\/\*!\*\/;/) {
        if (@tx) {
            print "B\n", map({ "$_\n" } @tx), "C\n";
            $ntx++;
        }
        @tx = ();
    } elsif ($l =~ /^(START TRANSACTION|BEGIN)\b/) {
        @tx = ();
    }
}
end_row();
die "binlog_changes.pl: the range ends inside a transaction\n" if @tx;
printf STDERR "binlog_changes.pl: %d transactions, %d row changes (%d inserts, %d updates, %d deletes)\n",
    $ntx, $ni + $nu + $nd, $ni, $nu, $nd;
