# chameleon.init_replica() against a real MariaDB: every type of DESIGN §6 at its edge values is
# copied and every value in PostgreSQL equals the MySQL value (a canonical text form per type,
# row by row); a table without primary key, an empty table, a 20 MB blob row, identifiers with
# spaces, quotes and mixed case; the catalogue afterwards (t_replica_tables with each table's
# coordinates, the first batch, the high watermark, the status); NOTICEs and v_progress.
use strict;
use warnings;

use ChameleonTest;
use JSON::PP;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('init', conf => ['chameleon.copy_progress_interval = 1']);

# ---------------------------------------------------------------------------------------------
# The type table: [column, MySQL type, MySQL canonical expression, PostgreSQL canonical expression].
# Canonical forms are ASCII (strings as hex) so that both clients print them the same way.
my @columns = (
    ['c_tinyint',   'TINYINT',               'CAST(`c_tinyint` AS CHAR)',   'c_tinyint::text'],
    ['c_utinyint',  'TINYINT UNSIGNED',      'CAST(`c_utinyint` AS CHAR)',  'c_utinyint::text'],
    ['c_smallint',  'SMALLINT',              'CAST(`c_smallint` AS CHAR)',  'c_smallint::text'],
    ['c_usmallint', 'SMALLINT UNSIGNED',     'CAST(`c_usmallint` AS CHAR)', 'c_usmallint::text'],
    ['c_medium',    'MEDIUMINT',             'CAST(`c_medium` AS CHAR)',    'c_medium::text'],
    ['c_umedium',   'MEDIUMINT UNSIGNED',    'CAST(`c_umedium` AS CHAR)',   'c_umedium::text'],
    ['c_int',       'INT',                   'CAST(`c_int` AS CHAR)',       'c_int::text'],
    ['c_uint',      'INT UNSIGNED',          'CAST(`c_uint` AS CHAR)',      'c_uint::text'],
    ['c_bigint',    'BIGINT',                'CAST(`c_bigint` AS CHAR)',    'c_bigint::text'],
    ['c_ubigint',   'BIGINT UNSIGNED',       'CAST(`c_ubigint` AS CHAR)',   'c_ubigint::text'],
    ['c_dec65',     'DECIMAL(65,30)',        'CAST(`c_dec65` AS CHAR)',     'c_dec65::text'],
    ['c_dec10',     'DECIMAL(10,0)',         'CAST(`c_dec10` AS CHAR)',     'c_dec10::text'],
    ['c_bit1',      'BIT(1)',                'BIN(`c_bit1`)',               'c_bit1::text'],
    ['c_bit10',     'BIT(10)',               'LPAD(BIN(`c_bit10`), 10, \'0\')', 'c_bit10::text'],
    ['c_bit64',     'BIT(64)',               'LPAD(BIN(`c_bit64`), 64, \'0\')', 'c_bit64::text'],
    ['c_year',      'YEAR',                  'CAST(`c_year` + 0 AS CHAR)',  'c_year::text'],
    ['c_date',      'DATE',
        "IF(YEAR(`c_date`) = 0 OR MONTH(`c_date`) = 0 OR DAYOFMONTH(`c_date`) = 0, NULL, DATE_FORMAT(`c_date`, '%Y-%m-%d'))",
        "to_char(c_date, 'YYYY-MM-DD')"],
    ['c_date_nn',   "DATE NOT NULL DEFAULT '2000-01-01'",
        "IF(YEAR(`c_date_nn`) = 0 OR MONTH(`c_date_nn`) = 0 OR DAYOFMONTH(`c_date_nn`) = 0, '-infinity', DATE_FORMAT(`c_date_nn`, '%Y-%m-%d'))",
        "CASE WHEN isfinite(c_date_nn) THEN to_char(c_date_nn, 'YYYY-MM-DD') ELSE c_date_nn::text END"],
    ['c_dt6',       'DATETIME(6)',
        "IF(YEAR(`c_dt6`) = 0 OR MONTH(`c_dt6`) = 0 OR DAYOFMONTH(`c_dt6`) = 0, NULL, DATE_FORMAT(`c_dt6`, '%Y-%m-%d %H:%i:%s.%f'))",
        "to_char(c_dt6, 'YYYY-MM-DD HH24:MI:SS.US')"],
    ['c_ts6',       'TIMESTAMP(6) NULL',
        'IF(`c_ts6` = 0, NULL, CAST(UNIX_TIMESTAMP(`c_ts6`) AS CHAR))',
        'extract(epoch from c_ts6)::numeric(20,6)::text'],
    ['c_time6',     'TIME(6)',               'CAST(CAST(TIME_TO_SEC(`c_time6`) AS DECIMAL(20,6)) AS CHAR)',
        'extract(epoch from c_time6)::numeric(20,6)::text'],
    ['c_char',      'CHAR(10)',              'HEX(`c_char`)',               "upper(encode(convert_to(c_char::text, 'UTF8'), 'hex'))"],
    ['c_varchar',   'VARCHAR(255)',          'HEX(`c_varchar`)',            "upper(encode(convert_to(c_varchar, 'UTF8'), 'hex'))"],
    ['c_text',      'MEDIUMTEXT',            'HEX(`c_text`)',               "upper(encode(convert_to(c_text, 'UTF8'), 'hex'))"],
    ['c_latin1',    'VARCHAR(40) CHARACTER SET latin1', 'HEX(CONVERT(`c_latin1` USING utf8mb4))',
        "upper(encode(convert_to(c_latin1, 'UTF8'), 'hex'))"],
    ['c_binary',    'BINARY(8)',             'HEX(`c_binary`)',             "upper(encode(c_binary, 'hex'))"],
    ['c_varbinary', 'VARBINARY(16)',         'HEX(`c_varbinary`)',          "upper(encode(c_varbinary, 'hex'))"],
    ['c_blob',      'BLOB',                  'HEX(`c_blob`)',               "upper(encode(c_blob, 'hex'))"],
    ['c_enum',      q{ENUM('a','b''c','x,y','back\\\\slash','tab	here','é','NULL',' lead')},
        'HEX(CONVERT(`c_enum` USING utf8mb4))', "upper(encode(convert_to(c_enum::text, 'UTF8'), 'hex'))"],
    ['c_set',       q{SET('x','y''q','z')},  'HEX(`c_set`)',                "upper(encode(convert_to(array_to_string(c_set, ','), 'UTF8'), 'hex'))"],
    ['c_uuid',      'UUID',                  'CAST(`c_uuid` AS CHAR)',      'c_uuid::text'],
    ['c_point',     'POINT',                 'HEX(ST_AsWKB(`c_point`))',    "upper(encode(c_point, 'hex'))"],
);
# Compared as numbers (the text forms of the two servers differ: 1e308 / 1e+308).
my @float_columns = (['c_float', 'FLOAT'], ['c_double', 'DOUBLE']);
my @json_columns = (['c_json', 'JSON']);

my %rows = (
    1 => {    # minima and empty values
        c_tinyint => -128, c_utinyint => 0, c_smallint => -32768, c_usmallint => 0,
        c_medium => -8388608, c_umedium => 0, c_int => -2147483648, c_uint => 0,
        c_bigint => '-9223372036854775808', c_ubigint => 0,
        c_dec65 => '-99999999999999999999999999999999999.999999999999999999999999999999',
        c_dec10 => '-9999999999', c_bit1 => "b'0'", c_bit10 => "b'0000000001'", c_bit64 => "b'0'",
        c_year => 1901, c_date => "'1000-01-01'", c_date_nn => "'1000-01-01'",
        c_dt6 => "'1000-01-01 00:00:00.000000'", c_ts6 => "'1970-01-01 05:30:01.000000'",
        c_time6 => "'-838:59:59.000000'", c_char => "''", c_varchar => "''", c_text => "''",
        c_latin1 => "''", c_binary => "x'41'", c_varbinary => "x'00'", c_blob => "''",
        c_enum => "'a'", c_set => "''", c_uuid => "'00000000-0000-0000-0000-000000000000'",
        c_point => 'ST_GeomFromText(\'POINT(-180 -90)\')',
        c_float => '-3.4028234663852886e38', c_double => '-1.7976931348623157e308', c_json => "'{}'",
    },
    2 => {    # maxima and rich values
        c_tinyint => 127, c_utinyint => 255, c_smallint => 32767, c_usmallint => 65535,
        c_medium => 8388607, c_umedium => 16777215, c_int => 2147483647, c_uint => 4294967295,
        c_bigint => '9223372036854775807', c_ubigint => '18446744073709551615',
        c_dec65 => '99999999999999999999999999999999999.999999999999999999999999999999',
        c_dec10 => '9999999999', c_bit1 => "b'1'", c_bit10 => "b'1111111111'", c_bit64 => "b'" . ('1' x 64) . "'",
        c_year => 2155, c_date => "'9999-12-31'", c_date_nn => "'9999-12-31'",
        c_dt6 => "'9999-12-31 23:59:59.999999'", c_ts6 => "'2038-01-19 08:44:07.999999'",
        c_time6 => "'838:59:59.000000'", c_char => "'abcdefghij'",
        c_varchar => "'😀 👍🏽 ü ñ 日本 \"q\" ''s'''",
        c_text => "CONCAT('tab\\there', CHAR(10), 'new\\\\line back\\\\\\\\slash', CHAR(13), 'cr', REPEAT('x', 1000))",
        c_latin1 => "'déjà vu ÿ €'", c_binary => "x'FFFFFFFFFFFF0000'", c_varbinary => "x'0001FF005C0A0900'",
        c_blob => "x'00010203045C5C0A0D09FF00'", c_enum => "'back\\\\slash'", c_set => "'x,y''q,z'",
        c_uuid => "'ffffffff-ffff-ffff-ffff-ffffffffffff'", c_point => 'ST_GeomFromText(\'POINT(180.5 90.25)\')',
        c_float => '3.4028234663852886e38', c_double => '1.7976931348623157e308',
        c_json => q{'{"a": [1, 2.50, -3e10, null, true], "ü\\\\n": {"x": "\\\\u00e9 \\\\"q\\\\"", "empty": ""}, "big": 123456789012345678901234567890}'},
    },
    3 => {},    # NULL everywhere (but c_date_nn: its default)
    4 => {      # zero dates, invalid enum, tiny floats
        c_date => "'0000-00-00'", c_date_nn => "'0000-00-00'", c_dt6 => "'2020-00-15 10:00:00'",
        c_ts6 => "'0000-00-00 00:00:00'", c_time6 => "'-00:00:00.000001'", c_enum => "'not a label'",
        c_float => '1.17549435e-38', c_double => '5e-324', c_year => 0, c_varchar => "'NULL'",
        c_text => "'\\\\N'", c_enum => "'tab\\there'",
    },
    5 => {      # typical values
        c_float => '3.14159274', c_double => '0.30000000000000004e0', c_time6 => "'12:34:56.789012'",
        c_dt6 => "'2024-02-29 12:00:00.5'", c_ts6 => "'2024-02-29 12:00:00.5'", c_enum => "' lead'",
        c_json => q{'[1, "two", {"three": 3}]'}, c_bit10 => "b'101'", c_char => "'trail   '",
        c_set => "'z,x'", c_enum => "'NULL'",
    },
);

my @all = (@columns, @float_columns, @json_columns);
my $create = "CREATE TABLE types.all_types (id INT PRIMARY KEY,\n"
  . join(",\n", map { "`$_->[0]` $_->[1]" } @all) . ')';
$mysql->sql("CREATE DATABASE types; CREATE DATABASE `Odd Shop`; CREATE DATABASE other");
$mysql->sql($create);
for my $id (sort keys %rows) {
    my $r = $rows{$id};
    my @names = ('id', sort keys %$r);
    my $sql = "SET SESSION sql_mode = ''; SET SESSION time_zone = '+05:30'; INSERT INTO types.all_types ("
      . join(', ', map { "`$_`" } @names) . ') VALUES ('
      . join(', ', $id, map { $r->{$_} } sort keys %$r) . ')';
    $mysql->sql($sql);
}
# A non-UTC server: a reader that did not set its session to UTC would shift every TIMESTAMP.
$mysql->sql("SET GLOBAL time_zone = '-03:00'");

# The other tables.
$mysql->sql(q{
    CREATE TABLE types.no_pk (a INT, b VARCHAR(10));
    INSERT INTO types.no_pk VALUES (1, 'one'), (1, 'one'), (NULL, NULL);
    CREATE TABLE types.empty (id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT, v TEXT);
    CREATE TABLE types.big_blob (id INT PRIMARY KEY, b LONGBLOB);
    INSERT INTO types.big_blob VALUES (1, REPEAT(UNHEX('00FF5C0A41'), 4194304)), (2, x'00');
    CREATE TABLE types.uniq_only (a INT NOT NULL, b INT, UNIQUE KEY ua (a));
    INSERT INTO types.uniq_only VALUES (1, 1), (2, NULL);
    CREATE TABLE `Odd Shop`.`Mixed Case "Quoted" ``Tbl``` (
        `Mixed Col` INT NOT NULL, `quo"te` VARCHAR(10), `tick``col` INT, `ünï` TEXT,
        PRIMARY KEY (`Mixed Col`), KEY `Odd "Index"` (`quo"te`));
    INSERT INTO `Odd Shop`.`Mixed Case "Quoted" ``Tbl``` VALUES (1, 'x"y', 2, 'ü'), (2, NULL, NULL, NULL);
    CREATE TABLE other.t (id INT PRIMARY KEY);
    INSERT INTO other.t VALUES (42);
});

my $port = $mysql->port;
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$port"
      user: "root"
      password: ""
      read_timeout: 120
    schema_mappings:
      types: types_pg
      "Odd Shop": "Odd Dest"
    copy_jobs: 2
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('src')");

# ---------------------------------------------------------------------------------------------
my ($stdout, $stderr) = ('', '');
my $rc = $node->psql('postgres', "SELECT chameleon.init_replica('src')", stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'init_replica succeeds') or diag $stderr;
like($stdout, qr/^init_replica of source "src": 6 tables, 14 rows in .* rows\/s\)$/, 'init_replica returns its summary')
  or diag $stdout;
is($node->safe_psql('postgres', "SELECT enm_status, b_consistent FROM sch_chameleon.t_sources"), 'initialised|f',
    'status initialised, not consistent until the high watermark');
like($stderr, qr/NOTICE:  copied `types`.`all_types` to "types_pg"."all_types": 5 rows in .* rows\/s, binary\)/,
    'a NOTICE per table copied; every type of the table has a binary encoder');
like($stderr, qr/NOTICE:  copied `types`.`big_blob` to "types_pg"."big_blob": 2 rows in .*, 1 indexes in /,
    'the NOTICE names the indexes built');

# ---- every value, row by row ----
sub check_values {
    my ($how) = @_;
    my $my_canon = join(", '|', ", map { "COALESCE($_->[2], '<NULL>')" } @columns);
    my $pg_canon = join(" || '|' || ", map { "coalesce($_->[3], '<NULL>')" } @columns);
    my $from_mysql = $mysql->sql("SELECT CONCAT(id, '|', $my_canon) FROM types.all_types ORDER BY id");
    my $from_pg = $node->safe_psql('postgres', "SET timezone = 'Asia/Tokyo'; SELECT id || '|' || $pg_canon FROM types_pg.all_types ORDER BY id");
    my @my_lines = split /\n/, $from_mysql;
    my @pg_lines = split /\n/, $from_pg;
    is(scalar @pg_lines, 5, "$how: five rows in PostgreSQL");
    for my $i (0 .. $#my_lines) {
        my @m = split /\|/, $my_lines[$i], -1;
        my @p = split /\|/, ($pg_lines[$i] // ''), -1;
        for my $c (0 .. $#columns) {
            is($p[$c + 1], $m[$c + 1], "$how: row $m[0], $columns[$c][0]: same value");
        }
    }
    # Spot checks that the canonical forms mean what they should.
    is($node->safe_psql('postgres', 'SELECT c_ubigint, c_uint, c_dec65 FROM types_pg.all_types WHERE id = 2'),
        '18446744073709551615|4294967295|99999999999999999999999999999999999.999999999999999999999999999999',
        "$how: unsigned maxima widened, DECIMAL(65,30) exact");
    is($node->safe_psql('postgres', "SELECT c_ts6 = '2038-01-19 03:14:07.999999+00', c_time6 = interval '838:59:59', "
          . "c_binary = '\\xffffffffffff0000'::bytea FROM types_pg.all_types WHERE id = 2"),
        't|t|t', "$how: TIMESTAMP from a +05:30 session is the right instant; TIME beyond 24 h; BINARY keeps trailing zero bytes");
    is($node->safe_psql('postgres', "SELECT c_date IS NULL, c_date_nn, c_dt6 IS NULL, c_ts6 IS NULL, c_enum::text "
          . "FROM types_pg.all_types WHERE id = 4"),
        "t|-infinity|t|t|tab\there", "$how: zero dates: NULL, or -infinity where NOT NULL");
    is($node->safe_psql('postgres', "SELECT c_varchar FROM types_pg.all_types WHERE id = 2"),
        "😀 👍🏽 ü ñ 日本 \"q\" 's'", "$how: utf8mb4 intact");
    is($node->safe_psql('postgres', "SELECT c_varchar, c_text FROM types_pg.all_types WHERE id = 4"),
        'NULL|\\N', "$how: the strings 'NULL' and '\\N' are not NULL");

    # Floats and doubles, compared as numbers.
    for my $f (@float_columns) {
        my $name = $f->[0];
        my $expr = $f->[1] eq 'FLOAT' ? "CAST(`$name` AS DOUBLE)" : "`$name`";
        my @m = split /\n/, $mysql->sql("SELECT COALESCE($expr, 'NULL') FROM types.all_types ORDER BY id");
        my @p = split /\n/, $node->safe_psql('postgres',
            "SELECT coalesce(${name}::float8::text, 'NULL') FROM types_pg.all_types ORDER BY id");
        for my $i (0 .. $#m) {
            my ($a, $b) = ($m[$i], $p[$i]);
            if ($a eq 'NULL' || $b eq 'NULL') {
                is($b, $a, "$how: row " . ($i + 1) . ", $name: same NULL");
            } else {
                is(sprintf('%.17g', $b), sprintf('%.17g', $a), "$how: row " . ($i + 1) . ", $name: same number ($a)");
            }
        }
    }
    is($node->safe_psql('postgres', 'SELECT c_float FROM types_pg.all_types WHERE id = 5'), '3.1415927',
        "$how: FLOAT keeps all of its bits (MySQL prints 3.14159)");

    # JSON, compared as data.
    my $json = JSON::PP->new->utf8->canonical->allow_nonref;
    my @mj = split /\n/, $mysql->sql("SELECT COALESCE(HEX(`c_json`), 'NULL') FROM types.all_types ORDER BY id");
    my @pj = split /\n/, $node->safe_psql('postgres',
        "SELECT coalesce(encode(convert_to(c_json::text, 'UTF8'), 'hex'), 'NULL') FROM types_pg.all_types ORDER BY id");
    for my $i (0 .. $#mj) {
        if ($mj[$i] eq 'NULL') {
            is($pj[$i], 'NULL', "$how: row " . ($i + 1) . ", c_json: NULL");
            next;
        }
        my $a = $json->decode(pack('H*', $mj[$i]));
        my $b = $json->decode(pack('H*', $pj[$i]));
        is($json->encode($b), $json->encode($a), "$how: row " . ($i + 1) . ", c_json: same document");
    }
}
check_values('binary COPY');

# The same table loaded in text COPY (chameleon.copy_binary off) holds the same values.
$rc = $node->psql('postgres', "SET chameleon.copy_binary = off; SELECT chameleon.sync_tables('src', ARRAY['types.all_types'])",
    stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'sync_tables of the type table in text COPY') or diag $stderr;
like($stderr, qr/NOTICE:  copied `types`.`all_types` to "types_pg"."all_types": 5 rows in .* rows\/s, text\)/, 'in text');
check_values('text COPY');

# ---- the DDL ----
is($node->safe_psql('postgres', q{
    SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NN' ELSE '' END, ', ' ORDER BY attnum)
      FROM pg_attribute WHERE attrelid = 'types_pg.all_types'::regclass AND attnum > 0}),
    join(', ', 'id integer NN', 'c_tinyint smallint', 'c_utinyint integer', 'c_smallint smallint', 'c_usmallint integer',
        'c_medium integer', 'c_umedium bigint', 'c_int integer', 'c_uint bigint', 'c_bigint bigint',
        'c_ubigint numeric(20,0)', 'c_dec65 numeric(65,30)', 'c_dec10 numeric(10,0)', 'c_bit1 bit varying(1)',
        'c_bit10 bit varying(10)', 'c_bit64 bit varying(64)', 'c_year smallint', 'c_date date', 'c_date_nn date NN',
        'c_dt6 timestamp(6) without time zone', 'c_ts6 timestamp(6) with time zone', 'c_time6 interval',
        'c_char character(10)', 'c_varchar character varying(255)', 'c_text text', 'c_latin1 character varying(40)',
        'c_binary bytea', 'c_varbinary bytea', 'c_blob bytea', 'c_enum types_pg.enum_all_types_c_enum', 'c_set text[]',
        'c_uuid uuid', 'c_point bytea', 'c_float real', 'c_double double precision', 'c_json jsonb'),
    'the DESIGN §6 types');
is($node->safe_psql('postgres', q{SELECT string_agg(quote_literal(enumlabel), ',' ORDER BY enumsortorder)
      FROM pg_enum WHERE enumtypid = 'types_pg.enum_all_types_c_enum'::regtype}),
    q{'','a','b''c','x,y',E'back\\\\slash','tab	here','é','NULL',' lead'}, 'the enum type keeps the odd labels, and the error value first');
is($node->safe_psql('postgres', "SELECT column_default FROM information_schema.columns "
      . "WHERE table_schema = 'types_pg' AND table_name = 'all_types' AND column_name = 'c_date_nn'"),
    "'2000-01-01'::date", 'defaults that translate');

# ---- the other tables ----
is($node->safe_psql('postgres', 'SELECT coalesce(a::text, \'N\') || coalesce(b, \'N\') FROM types_pg.no_pk ORDER BY 1'),
    "1one\n1one\nNN", 'a table without primary key is copied, duplicates included');
is($node->safe_psql('postgres', 'SELECT count(*) FROM types_pg.empty'), '0', 'an empty table is created');
is($node->safe_psql('postgres', "SELECT pg_get_serial_sequence('types_pg.empty', 'id') IS NOT NULL, "
      . "format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'types_pg.empty'::regclass AND attname = 'id'"),
    't|numeric(20,0)', 'BIGINT UNSIGNED AUTO_INCREMENT: numeric(20,0) with its own sequence');
is($node->safe_psql('postgres', 'SELECT id, length(b), md5(b) FROM types_pg.big_blob ORDER BY id'),
    join("\n", '1|20971520|' . $mysql->sql('SELECT MD5(b) FROM types.big_blob WHERE id = 1'), '2|1|93b885adfe0da089cdf634904fd59f71'),
    'a 20 MB blob row arrives byte for byte');
is($node->safe_psql('postgres', q{SELECT "Mixed Col", "quo""te", "tick`col", "ünï" FROM "Odd Dest"."Mixed Case ""Quoted"" `Tbl`" ORDER BY 1}),
    "1|x\"y|2|ü\n2|||", 'identifiers with spaces, quotes and mixed case');
is($node->safe_psql('postgres', q{SELECT indexname FROM pg_indexes WHERE schemaname = 'Odd Dest' ORDER BY 1}),
    "Mixed Case \"Quoted\" `Tbl`_pkey\nOdd \"Index\"", 'their indexes too');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname IN ('other', '_types_pg_tmp', '_Odd Dest_tmp', '_types_pg_old')"),
    '0', 'unmapped schemas are not copied; no loading schema is left');

# ---- the catalogue ----
is($node->safe_psql('postgres', q{SELECT v_schema_name || '.' || v_table_name || ' ' || v_table_pkey::text
      FROM sch_chameleon.t_replica_tables ORDER BY 1}),
    join("\n", 'Odd Dest.Mixed Case "Quoted" `Tbl` {"Mixed Col"}', 'types_pg.all_types {id}', 'types_pg.big_blob {id}',
        'types_pg.empty {id}', 'types_pg.no_pk {}', 'types_pg.uniq_only {a}'),
    'every table registered, PK-less ones with an empty key (full-row identity)');
my $master = $mysql->sql('SHOW MASTER STATUS');
my ($file) = split /\t/, $master;
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_replica_tables
      WHERE t_binlog_name = '} . $file . q{' AND i_binlog_position > 0 AND t_gtid_set ~ '^0-\d+-\d+$'}),
    '6', 'each table has its binlog coordinates and GTID position');
is($node->safe_psql('postgres', q{
    SELECT b.t_binlog_name = s.t_binlog_name,
           b.i_binlog_position <= (SELECT min(i_binlog_position) FROM sch_chameleon.t_replica_tables),
           s.i_binlog_position >= (SELECT max(i_binlog_position) FROM sch_chameleon.t_replica_tables),
           b.v_log_table = s.v_log_table[1], b.t_gtid_set IS NOT NULL,
           s.enm_status, s.b_consistent
      FROM sch_chameleon.t_replica_batch b JOIN sch_chameleon.t_sources s USING (i_id_source)}),
    't|t|t|t|t|synced|f', 'first batch at the start, high watermark at the end, status synced (last: sync_tables), not consistent yet');
is($node->safe_psql('postgres', 'SELECT count(*) FROM sch_chameleon.v_progress'), '0', 'v_progress is empty afterwards');

# ---- a second init_replica replaces everything, the old schema is dropped ----
$mysql->sql('INSERT INTO types.no_pk VALUES (7, \'seven\')');
$node->safe_psql('postgres', "CREATE VIEW public.keep_me AS SELECT 1 AS x");
$rc = $node->psql('postgres', "SELECT chameleon.init_replica('src')", stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'init_replica again') or diag $stderr;
is($node->safe_psql('postgres', 'SELECT count(*) FROM types_pg.no_pk'), '4', 'the new rows are there');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_%\\_old' OR nspname LIKE '\\_%\\_tmp'"),
    '0', 'the replaced schema is dropped');
is($node->safe_psql('postgres', 'SELECT count(*) FROM sch_chameleon.t_replica_batch'), '1', 'one batch, as after any init');

# ---- zero_dates: -infinity turns every zero date into -infinity instead of NULL ----
write_config($node, 'default', <<"YAML");
sources:
  src:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$port"
      user: "root"
      password: ""
      read_timeout: 120
    schema_mappings:
      types: types_pg
      "Odd Shop": "Odd Dest"
    copy_jobs: 2
  zeros:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$port"
      user: "root"
      password: ""
    schema_mappings:
      types: types_inf
    limit_tables: [types.all_types]
    zero_dates: -infinity
YAML
$node->safe_psql('postgres', "SELECT chameleon.add_source('zeros')");
$rc = $node->psql('postgres', "SELECT chameleon.init_replica('zeros')", stdout => \$stdout, stderr => \$stderr);
is($rc, 0, 'init_replica with zero_dates: -infinity') or diag $stderr;
is($node->safe_psql('postgres', "SELECT c_date, c_date_nn, c_dt6, c_ts6 FROM types_inf.all_types WHERE id = 4"),
    '-infinity|-infinity|-infinity|-infinity', 'zero dates are -infinity in nullable columns too');
is($node->safe_psql('postgres', "SELECT count(*) FROM types_inf.all_types t JOIN types_pg.all_types p USING (id) "
      . "WHERE t.c_date IS NOT DISTINCT FROM p.c_date AND t.c_ts6 IS NOT DISTINCT FROM p.c_ts6"),
    '4', 'the other rows are the same as with the default policy');

# ---- progress while it runs, from another session ----
$mysql->sql('CREATE TABLE types.slow (id INT PRIMARY KEY, pad VARCHAR(100)); '
      . "INSERT INTO types.slow SELECT seq, REPEAT('p', 100) FROM types.seq_1_to_600000");
my $bg = $node->background_psql('postgres', on_error_stop => 0);
$bg->query_until(qr/started/, "\\echo started\nSELECT chameleon.init_replica('src');\n");
my $seen = $node->poll_query_until('postgres',
    "SELECT count(*) > 0 FROM sch_chameleon.v_progress WHERE table_name = 'slow' AND state = 'copying' AND rows_copied > 0");
ok($seen, 'v_progress shows the table being copied to another session');
is($node->safe_psql('postgres', "SELECT operation, phase, pid > 0, rows_estimated > 0 FROM sch_chameleon.v_progress WHERE table_name IS NULL"),
    'init_replica|copying|t|t', 'and the run as a whole');
$bg->quit;
$node->poll_query_until('postgres', "SELECT count(*) = 0 FROM sch_chameleon.v_progress");

done_testing();
