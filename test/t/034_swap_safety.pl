# The schema swap destroys only what chameleon made (issue 9, items 1 and 2): objects chameleon did
# not create that depend on what init_replica, refresh_schema and sync_tables replace are refused by
# default, listed one by one; with chameleon.copy_dependents = 'carry' views, materialized views and
# foreign keys are created again on the new tables and the schema's own objects move into the new
# schema, each named in a NOTICE; a working schema chameleon did not mark is never dropped.
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('swap');

$mysql->sql(q{
    CREATE DATABASE app;
    CREATE TABLE app.film (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, rating ENUM('G','PG','R') NOT NULL);
    CREATE TABLE app.actor (id INT PRIMARY KEY, name VARCHAR(40));
    INSERT INTO app.film VALUES (1, 'Alien', 'R'), (2, 'Bambi', 'G'), (3, 'Cars', 'PG');
    INSERT INTO app.actor VALUES (1, 'ann'), (2, 'bob');
});
my $port = $mysql->port;
# One source `name` of configuration `config` with these schema mappings.
sub source_config {
    my ($config, $name, %mappings) = @_;
    write_config($node, $config, "sources:\n  $name:\n    type: mysql\n    db_conn:\n      host: \"127.0.0.1\"\n"
        . "      port: \"$port\"\n      user: \"root\"\n      password: \"\"\n    schema_mappings:\n"
        . join('', map { "      $_: $mappings{$_}\n" } sort keys %mappings));
}
source_config('default', 'src', app => 'app_pg');
$node->safe_psql('postgres', q{CREATE ROLE reader LOGIN; SELECT chameleon.add_source('src');});

sub psql_run {
    my ($sql) = @_;
    my ($out, $err) = ('', '');
    my $rc = $node->psql('postgres', $sql, stdout => \$out, stderr => \$err);
    return ($rc, $out, $err);
}

sub films_match {
    my ($name) = @_;
    my $source = $mysql->sql('SELECT GROUP_CONCAT(CONCAT(id, ":", title, ":", rating) ORDER BY id SEPARATOR ",") FROM app.film');
    chomp $source;
    is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || title || ':' || rating, ',' ORDER BY id) FROM app_pg.film}),
        $source, "$name: the target equals the source value by value");
}

my ($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('src')");
is($rc, 0, 'first init_replica') or diag $err;
films_match('first init_replica');

# The user's objects: elsewhere on chameleon's tables, and inside the destination schema.
$node->safe_psql('postgres', q{
    CREATE VIEW public.v_film AS SELECT id, title FROM app_pg.film WHERE rating <> 'R';
    GRANT SELECT ON public.v_film TO reader;
    COMMENT ON VIEW public.v_film IS 'family films';
    CREATE VIEW public.v_film_count AS SELECT count(*) AS n FROM public.v_film;
    CREATE MATERIALIZED VIEW public.mv_actors AS SELECT count(*) AS n FROM app_pg.actor;
    CREATE TABLE public.reviews (id int PRIMARY KEY, film_id int REFERENCES app_pg.film (id), stars int);
    INSERT INTO public.reviews VALUES (1, 1, 5), (2, 3, 4);
    CREATE TABLE public.rating_log (r app_pg.enum_film_rating);
    CREATE TABLE app_pg.notes (id int PRIMARY KEY, body text);
    INSERT INTO app_pg.notes VALUES (1, 'kept');
    CREATE FUNCTION app_pg.f_double(x int) RETURNS int LANGUAGE sql AS 'SELECT 2 * x';
    CREATE FUNCTION app_pg.f_touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN NEW.body := NEW.body || ''!''; RETURN NEW; END';
    CREATE TRIGGER notes_touch BEFORE INSERT ON app_pg.notes FOR EACH ROW EXECUTE FUNCTION app_pg.f_touch();
    COMMENT ON SCHEMA app_pg IS 'mine';
    GRANT USAGE ON SCHEMA app_pg TO reader;
});

# ---- by default: refused, listing each object, nothing changed ----
$mysql->sql(q{INSERT INTO app.film VALUES (4, 'Dune', 'PG')});
($rc, $out, $err) = psql_run("SELECT chameleon.init_replica('src')");
isnt($rc, 0, 'init_replica is refused by default');
like($err, qr/ERROR:  init_replica of source "src" would drop 8 objects that chameleon did not create, with schema "app_pg"\n/,
    'the refusal counts the objects');
for my $line (
    'view public.v_film (depends on table app_pg.film)',
    'view public.v_film_count (depends on view public.v_film)',
    'materialized view public.mv_actors (depends on table app_pg.actor)',
    'table column public.rating_log.r (depends on type app_pg.enum_film_rating)',
    'foreign key reviews_film_id_fkey on public.reviews (depends on table app_pg.film)',
    'table app_pg.notes (in schema "app_pg")',
    'function app_pg.f_double(integer) (in schema "app_pg")',
    'function app_pg.f_touch() (in schema "app_pg")') {
    like($err, qr/\Q$line\E/, "listed: $line");
}
like($err, qr/HINT:  Drop or move them first, or SET chameleon.copy_dependents = 'carry'/, 'with the way out');
is($node->safe_psql('postgres', 'SELECT count(*) FROM app_pg.film'), '3', 'the destination is untouched');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_namespace WHERE nspname IN ('_app_pg_tmp', '_app_pg_old')}), '0',
    'no working schema left');
is($node->safe_psql('postgres', q{SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'src'}), 'initialised',
    'the source keeps its status');

# ---- carry: a column typed with chameleon's enum cannot be carried ----
($rc, $out, $err) = psql_run("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.init_replica('src')");
isnt($rc, 0, 'carry still refuses what it cannot carry');
like($err, qr/ERROR:  init_replica of source "src" cannot carry over 1 object that would be dropped with schema "app_pg"\nDETAIL:  table column public.rating_log.r \(depends on type app_pg.enum_film_rating\)\n/,
    'naming the column');
$node->safe_psql('postgres', 'DROP TABLE public.rating_log');

sub check_carried {
    my ($what, $err) = @_;
    films_match($what);
    my $family = $mysql->sql(q{SELECT GROUP_CONCAT(CONCAT(id, ':', title) ORDER BY id SEPARATOR ',') FROM app.film WHERE rating <> 'R'});
    chomp $family;
    is($node->safe_psql('postgres', q{SET ROLE reader; SELECT string_agg(id || ':' || title, ',' ORDER BY id) FROM public.v_film}),
        $family, "$what: the view reads the new tables, with its grant");
    is($node->safe_psql('postgres', q{SELECT obj_description('public.v_film'::regclass, 'pg_class')}), 'family films', "$what: and its comment");
    my $films = $node->safe_psql('postgres', q{SELECT count(*) FROM app_pg.film WHERE rating <> 'R'});
    is($node->safe_psql('postgres', 'SELECT n FROM public.v_film_count'), $films, "$what: the view on the view too");
    my $actors = $mysql->sql('SELECT COUNT(*) FROM app.actor');
    chomp $actors;
    is($node->safe_psql('postgres', 'SELECT n FROM public.mv_actors'), $actors, "$what: the materialized view, refreshed");
    is($node->safe_psql('postgres', q{SELECT convalidated || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'reviews_film_id_fkey'}),
        'true FOREIGN KEY (film_id) REFERENCES app_pg.film(id)', "$what: the foreign key, validated");
    is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || body, ',' ORDER BY id) FROM app_pg.notes}), '1:kept',
        "$what: the schema's own table, with its rows");
    is($node->safe_psql('postgres', q{INSERT INTO app_pg.notes VALUES (9, 'x') RETURNING body; DELETE FROM app_pg.notes WHERE id = 9}),
        'x!', "$what: its trigger and function");
    is($node->safe_psql('postgres', 'SELECT app_pg.f_double(21)'), '42', "$what: the schema's own function");
    is($node->safe_psql('postgres', q{SELECT obj_description('app_pg'::regnamespace, 'pg_namespace') || ' ' || has_schema_privilege('reader', 'app_pg', 'USAGE')}),
        'mine true', "$what: the schema's comment and grant");
    is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_namespace WHERE nspname IN ('_app_pg_tmp', '_app_pg_old')}), '0',
        "$what: no working schema left");
}

# ---- carry: init_replica ----
($rc, $out, $err) = psql_run("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.init_replica('src')");
is($rc, 0, 'init_replica carries the objects over') or diag $err;
for my $line (
    'NOTICE:  kept table app_pg.notes: moved from "_app_pg_old" into the new schema',
    'NOTICE:  kept function app_pg.f_double(integer): moved from "_app_pg_old" into the new schema',
    'NOTICE:  carried over view public.v_film: created again on the new tables',
    'NOTICE:  carried over view public.v_film_count: created again on the new tables',
    'NOTICE:  carried over materialized view public.mv_actors: created again on the new tables',
    'NOTICE:  carried over foreign key reviews_film_id_fkey on public.reviews: created again and validated',
    'NOTICE:  kept the comment and the 1 grants of schema "app_pg"') {
    like($err, qr/\Q$line\E/, "init_replica: $line");
}
check_carried('init_replica', $err);

# ---- carry: refresh_schema ----
$mysql->sql(q{INSERT INTO app.film VALUES (5, 'Eden', 'G'); INSERT INTO app.actor VALUES (3, 'cid')});
($rc, $out, $err) = psql_run("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.refresh_schema('src', 'app')");
is($rc, 0, 'refresh_schema carries the objects over') or diag $err;
like($err, qr/NOTICE:  carried over view public.v_film: created again on the new tables/, 'refresh_schema: names the view');
check_carried('refresh_schema', $err);

# ---- sync_tables: refused by default, carried over on request ----
$mysql->sql(q{INSERT INTO app.film VALUES (6, 'Fargo', 'R')});
($rc, $out, $err) = psql_run("SELECT chameleon.sync_tables('src', ARRAY['app.film'])");
isnt($rc, 0, 'sync_tables is refused by default');
like($err, qr/ERROR:  sync_tables of source "src" would drop 3 objects that chameleon did not create, with the tables it replaces in schema "app_pg"\nDETAIL:  view public.v_film \(depends on table app_pg.film\)\nforeign key reviews_film_id_fkey on public.reviews \(depends on table app_pg.film\)\nview public.v_film_count \(depends on view public.v_film\)\n/,
    'listing the views and the foreign key');
($rc, $out, $err) = psql_run("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.sync_tables('src', ARRAY['app.film'])");
is($rc, 0, 'sync_tables carries them over') or diag $err;
like($err, qr/NOTICE:  carried over foreign key reviews_film_id_fkey on public.reviews: created again and validated/, 'sync_tables: names the foreign key');
check_carried('sync_tables', $err);

# ---- a working schema chameleon did not make is never dropped ----
$node->safe_psql('postgres', q{CREATE SCHEMA _app_pg_old; CREATE TABLE _app_pg_old.precious (x int); INSERT INTO _app_pg_old.precious VALUES (7)});
($rc, $out, $err) = psql_run("SET chameleon.copy_dependents = 'carry'; SELECT chameleon.init_replica('src')");
isnt($rc, 0, 'an unmarked _<dest>_old stops the run');
like($err, qr/ERROR:  chameleon.init_replica\(\) needs schema "_app_pg_old", which exists and was not created by chameleon for this source\n/,
    'saying so');
is($node->safe_psql('postgres', 'SELECT x FROM _app_pg_old.precious'), '7', 'and it is kept');
$node->safe_psql('postgres', q{DROP SCHEMA _app_pg_old CASCADE; CREATE SCHEMA _app_pg_tmp; CREATE TABLE _app_pg_tmp.precious (x int)});
($rc, $out, $err) = psql_run("SELECT chameleon.sync_tables('src', ARRAY['app.actor'])");
like($err, qr/ERROR:  chameleon.sync_tables\(\) needs schema "_app_pg_tmp", which exists and was not created by chameleon for this source\n/,
    'an unmarked _<dest>_tmp too');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_tables WHERE schemaname = '_app_pg_tmp'}), '1', 'and it is kept');

# ---- a mapping onto another destination's working schema is refused ----
source_config('clash', 'clash', app => '_app_pg_old');
($rc, $out, $err) = psql_run("SELECT chameleon.add_source('clash', 'clash')");
like($err, qr/ERROR:  destination schema "_app_pg_old" of source "clash" collides with destination schema "app_pg" of source "src"\n/,
    'add_source refuses a destination named like a working schema');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_sources WHERE t_source = 'clash'}), '0', 'the source is not added');
source_config('default', 'src', app => 'app_pg', more => '_app_pg_tmp');
$node->safe_psql('postgres', q{DROP SCHEMA _app_pg_tmp CASCADE});
($rc, $out, $err) = psql_run("SELECT chameleon.update_schema_mappings('src')");
like($err, qr/ERROR:  destination schema "(?:_app_pg_tmp|app_pg)" of source "src" collides with destination schema "(?:app_pg|_app_pg_tmp)" of source "src"\n/,
    'update_schema_mappings refuses one too (its own mappings count)');
is($node->safe_psql('postgres', q{SELECT jsb_schema_mappings::text FROM sch_chameleon.t_sources WHERE t_source = 'src'}),
    '{"app": "app_pg"}', 'the mappings are unchanged');

done_testing();
