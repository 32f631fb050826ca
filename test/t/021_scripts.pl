# The versioned scripts as installed: every one has its \echo guard; the base scripts carry the same
# adoption block, byte for byte, and no CREATE OR REPLACE; every version on the way to the current one
# has its scripts.
use strict;
use warnings;

use Test::More;

# pg_config of the server under test (the harness puts its bindir first in PATH).
my $sharedir = `pg_config --sharedir`;
die 'pg_config --sharedir failed' if $? != 0;
chomp $sharedir;
my $dir = "$sharedir/extension";
opendir(my $dh, $dir) or die "cannot read $dir: $!";
my @scripts = sort grep { /^chameleon--.*\.sql$/ } readdir($dh);
closedir($dh);

sub slurp {
    my ($path) = @_;
    open(my $fh, '<', $path) or die "cannot read $path: $!";
    local $/;
    my $text = <$fh>;
    close($fh);
    return $text;
}

my @bases = grep { /^chameleon--[0-9.]+\.sql$/ } @scripts;
is_deeply([ map { /^chameleon--(.*)\.sql$/ } @bases ], [ '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '2.0' ],
    'a base script for every version that can be adopted');
for my $step ('1.2--1.3', '1.3--1.4', '1.4--1.5', '1.5--1.6', '1.6--1.7', '1.7--2.0', '2.0--2.1', '2.1--2.0') {
    ok((grep { $_ eq "chameleon--$step.sql" } @scripts), "step script $step");
}

my %blocks;
for my $script (@scripts) {
    my $text = slurp("$dir/$script");
    like($text, qr/\A\\echo Use "(CREATE|ALTER) EXTENSION chameleon[^"]*" to load this file\. \\quit\n/, "$script: \\echo guard");
    # Scripts are read in the database's encoding: keep them ASCII (the 2.0 -> 2.1 step is shared work).
    unlike($text, qr/[^\x00-\x7f]/, "$script: ASCII only") unless $script eq 'chameleon--2.0--2.1.sql';
    next unless $script =~ /^chameleon--[0-9.]+\.sql$/;
    unlike($text, qr/^\s*CREATE\s+OR\s+REPLACE/mi, "$script: no CREATE OR REPLACE in a base script");
    if ($text =~ /^(-- >>> adoption block.*?^-- <<< adoption block)$/ms) {
        $blocks{$script} = $1;
    }
    ok(defined $blocks{$script}, "$script: has the adoption block");
}
my @distinct = do { my %seen; grep { !$seen{$_}++ } values %blocks };
is(scalar(@distinct), 1, 'the adoption block is the same in every base script');

done_testing();
