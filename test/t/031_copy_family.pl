# The copy family against a real MariaDB, each checked by its effect: type_override, limit_tables
# and skip_tables, grant_select_to, sync_tables on one table (the others untouched, log rows of the
# table removed), refresh_schema, copy_schema (structure, indexes and foreign keys, no rows),
# detach_replica (sequences past the largest values, foreign keys NOT VALID then validated, source
# gone, schemas kept) and keep_existing_schema (existing tables truncated and reloaded, their
# indexes and keys saved and rebuilt, foreign keys saved for later).
use strict;
use warnings;

use ChameleonTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $mysql = start_mariadb();
my $node = chameleon_node('family');

$mysql->sql(q{
    CREATE DATABASE shop;
    CREATE TABLE shop.customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL, vip TINYINT(1) NOT NULL DEFAULT 0);
    CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, amount DECIMAL(10,2),
        state ENUM('new','paid') NOT NULL DEFAULT 'new', flag TINYINT(1),
        KEY by_customer (customer_id),
        CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE);
    CREATE TABLE shop.skipme (id INT PRIMARY KEY);
    CREATE TABLE shop.audit (id INT PRIMARY KEY);
    INSERT INTO shop.customers (name, vip) VALUES ('ann', 1), ('bob', 0), ('cid', 1);
    INSERT INTO shop.orders (customer_id, amount, state, flag) VALUES (1, 10.50, 'paid', 1), (1, 3.00, 'new', 0), (3, 7.25, 'new', 1);
    INSERT INTO shop.skipme VALUES (1);
    INSERT INTO shop.audit VALUES (1);
    CREATE DATABASE hr;
    CREATE TABLE hr.dept (code CHAR(3) PRIMARY KEY, title VARCHAR(30));
    CREATE TABLE hr.staff (id INT PRIMARY KEY, manager_id INT, dept CHAR(3), customer_id INT,
        CONSTRAINT fk_manager FOREIGN KEY (manager_id) REFERENCES hr.staff (id),
        CONSTRAINT fk_dept FOREIGN KEY (dept) REFERENCES hr.dept (code) ON UPDATE CASCADE,
        CONSTRAINT fk_cust FOREIGN KEY (customer_id) REFERENCES shop.customers (id));
    INSERT INTO hr.dept VALUES ('ops', 'Operations'), ('dev', 'Development');
    INSERT INTO hr.staff VALUES (1, NULL, 'ops', NULL), (2, 1, 'dev', 2);
    CREATE DATABASE keep;
    CREATE TABLE keep.items (id INT PRIMARY KEY, name VARCHAR(20), flag TINYINT(1));
    INSERT INTO keep.items VALUES (1, 'one', 1), (2, 'two', 0), (3, 'three', 1);
});

my $port = $mysql->port;
my $conn = qq{    db_conn:\n      host: "127.0.0.1"\n      port: "$port"\n      user: "root"\n      password: ""\n};
write_config($node, 'default', <<"YAML");
type_override:
  "tinyint(1)":
    override_to: boolean
    override_tables:
      - "shop.customers"
      - "keep.items"
sources:
  src:
    type: mysql
$conn    schema_mappings:
      shop: shop_pg
      hr: hr_pg
    limit_tables: [shop.customers, shop.orders, shop.skipme]
    skip_tables: [shop.skipme]
    grant_select_to: [reader, ghost]
  structure:
    type: mysql
$conn    schema_mappings:
      shop: shop_struct
      hr: hr_struct
  keeper:
    type: mysql
$conn    schema_mappings:
      keep: keep_pg
    keep_existing_schema: Yes
    grant_select_to: [reader]
YAML
$node->safe_psql('postgres', q{
    CREATE ROLE reader LOGIN;
    SELECT chameleon.add_source('src');
    SELECT chameleon.add_source('structure');
    SELECT chameleon.add_source('keeper');
});

sub run_ok {
    my ($sql, $name) = @_;
    my ($out, $err) = ('', '');
    my $rc = $node->psql('postgres', $sql, stdout => \$out, stderr => \$err);
    is($rc, 0, $name) or diag $err;
    return ($out, $err);
}

# ---- init_replica: limit_tables, skip_tables, type_override, grant_select_to ----
my ($out, $err) = run_ok("SELECT chameleon.init_replica('src')", 'init_replica');
is($node->safe_psql('postgres', q{SELECT table_schema || '.' || table_name FROM information_schema.tables
      WHERE table_schema IN ('shop_pg', 'hr_pg') ORDER BY 1}),
    "hr_pg.dept\nhr_pg.staff\nshop_pg.customers\nshop_pg.orders",
    'limit_tables keeps customers and orders of shop (not audit), skip_tables drops skipme, hr is not limited');
is($node->safe_psql('postgres', q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
      WHERE attrelid = 'shop_pg.customers'::regclass AND attname = 'vip'}), 'boolean', 'type_override: tinyint(1) → boolean');
is($node->safe_psql('postgres', q{SELECT string_agg(name || '=' || vip, ',' ORDER BY id) FROM shop_pg.customers}),
    'ann=true,bob=false,cid=true', 'type_override: the values converted');
is($node->safe_psql('postgres', q{SELECT column_default FROM information_schema.columns
      WHERE table_schema = 'shop_pg' AND table_name = 'customers' AND column_name = 'vip'}), 'false',
    'type_override: the default too');
is($node->safe_psql('postgres', q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
      WHERE attrelid = 'shop_pg.orders'::regclass AND attname = 'flag'}), 'smallint', 'override_tables limits the rule');
like($err, qr/WARNING:  role "ghost" of grant_select_to does not exist: SELECT not granted/, 'a missing role is a warning');
is($node->safe_psql('postgres', q{SET ROLE reader; SELECT count(*) FROM shop_pg.orders; SELECT count(*) FROM hr_pg.staff}),
    "3\n2", 'grant_select_to: the role reads the copied tables');
$node->safe_psql('postgres', 'CREATE TABLE shop_pg.later (x int)');
is($node->safe_psql('postgres', 'SET ROLE reader; SELECT count(*) FROM shop_pg.later'), '0',
    'grant_select_to: and the tables created there later');
$node->safe_psql('postgres', 'DROP TABLE shop_pg.later');

# ---- sync_tables on one table ----
my $before = $node->safe_psql('postgres', q{SELECT v_table_name || ':' || i_binlog_position FROM sch_chameleon.t_replica_tables
      WHERE v_schema_name = 'shop_pg' ORDER BY 1});
$mysql->sql(q{INSERT INTO shop.orders (customer_id, amount, state) VALUES (2, 99.99, 'paid');
              INSERT INTO shop.customers (name) VALUES ('dan');});
# Log rows waiting for replay: those of orders must go, the others stay.
$node->safe_psql('postgres', q{
    INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, v_log_table)
        SELECT i_id_source, 'x', 1, 't_log_replica_src_1' FROM sch_chameleon.t_sources WHERE t_source = 'src';
    INSERT INTO sch_chameleon.t_log_replica_src_1 (i_id_batch, v_table_name, v_schema_name, enm_binlog_event)
        SELECT max(i_id_batch), t, 'shop_pg', 'insert' FROM sch_chameleon.t_replica_batch, unnest(ARRAY['orders', 'customers', 'orders']) t GROUP BY t;
});
($out, $err) = run_ok("SELECT chameleon.sync_tables('src', ARRAY['shop.orders'])", 'sync_tables');
like($out, qr/^sync_tables of source "src": 1 table, 4 rows in /, 'sync_tables says what it did');
is($node->safe_psql('postgres', 'SELECT count(*) FROM shop_pg.orders'), '4', 'the synced table has the new row');
is($node->safe_psql('postgres', 'SELECT count(*) FROM shop_pg.customers'), '3', 'the other table is untouched');
my $after = $node->safe_psql('postgres', q{SELECT v_table_name || ':' || i_binlog_position FROM sch_chameleon.t_replica_tables
      WHERE v_schema_name = 'shop_pg' ORDER BY 1});
my ($cb) = $before =~ /customers:(\d+)/;
my ($ca) = $after =~ /customers:(\d+)/;
my ($ob) = $before =~ /orders:(\d+)/;
my ($oa) = $after =~ /orders:(\d+)/;
is($ca, $cb, 'the other table keeps its consistent point');
cmp_ok($oa, '>', $ob, 'the synced table has a new consistent point');
is($node->safe_psql('postgres', q{SELECT string_agg(v_table_name, ',' ORDER BY v_table_name) FROM sch_chameleon.t_log_replica_src_1}),
    'customers', "the synced table's pending log rows are removed");
is($node->safe_psql('postgres', q{SELECT enm_status, b_consistent FROM sch_chameleon.t_sources WHERE t_source = 'src'}),
    'synced|f', 'status synced, not consistent until the high watermark');
is($node->safe_psql('postgres', q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
      WHERE attrelid = 'shop_pg.orders'::regclass AND attname = 'state'}), 'shop_pg.enum_orders_state',
    'the enum type moved with the table');
is($node->safe_psql('postgres', q{SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'shop_pg' AND tablename = 'orders'}),
    'by_customer,orders_pkey', 'with its indexes');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_%\\_tmp'}), '0', 'no loading schema left');
is($node->safe_psql('postgres', 'SET ROLE reader; SELECT count(*) FROM shop_pg.orders'), '4', 'the reader still reads it');
my ($rc) = $node->psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['shop.audit'])", stderr => \$err);
like($err, qr/ERROR:  table "shop.audit" is excluded by limit_tables or skip_tables of source "src"/, 'sync_tables refuses an excluded table');
$node->psql('postgres', "SELECT chameleon.sync_tables('src', ARRAY['nowhere.t'])", stderr => \$err);
like($err, qr/ERROR:  table "nowhere.t" is not in a schema mapped by source "src"/, 'and a table of an unmapped schema');

# ---- refresh_schema ----
$mysql->sql(q{INSERT INTO hr.staff VALUES (3, 1, 'ops', NULL); UPDATE hr.dept SET title = 'Ops' WHERE code = 'ops';});
my $shop_before = $node->safe_psql('postgres', q{SELECT i_binlog_position FROM sch_chameleon.t_replica_tables WHERE v_table_name = 'customers'});
($out, $err) = run_ok("SELECT chameleon.refresh_schema('src', 'hr')", 'refresh_schema');
is($node->safe_psql('postgres', q{SELECT count(*) FROM hr_pg.staff; SELECT title FROM hr_pg.dept WHERE code = 'ops'}),
    "3\nOps", 'the schema is copied again');
is($node->safe_psql('postgres', 'SELECT count(*) FROM shop_pg.customers'), '3', 'the other schema is untouched');
is($node->safe_psql('postgres', q{SELECT i_binlog_position FROM sch_chameleon.t_replica_tables WHERE v_table_name = 'customers'}),
    $shop_before, "and keeps its tables' points");
is($node->safe_psql('postgres', q{SELECT enm_status FROM sch_chameleon.t_sources WHERE t_source = 'src'}), 'initialised',
    'status initialised after refresh_schema');
$node->psql('postgres', "SELECT chameleon.refresh_schema('src', 'payroll')", stderr => \$err);
like($err, qr/ERROR:  schema "payroll" is not mapped by source "src"/, 'refresh_schema refuses an unmapped schema');

# ---- copy_schema: structure, indexes, foreign keys, no rows ----
($out, $err) = run_ok("SELECT chameleon.copy_schema('structure')", 'copy_schema');
like($out, qr/^copy_schema of source "structure": 6 tables created in /, 'copy_schema says what it did');
is($node->safe_psql('postgres', q{SELECT (SELECT count(*) FROM shop_struct.orders) + (SELECT count(*) FROM hr_struct.staff)}),
    '0', 'no rows');
is($node->safe_psql('postgres', q{SELECT conrelid::regclass || ' ' || conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE contype = 'f' AND connamespace IN ('shop_struct'::regnamespace, 'hr_struct'::regnamespace) ORDER BY 1}),
    join("\n",
        'hr_struct.staff fk_cust true FOREIGN KEY (customer_id) REFERENCES shop_struct.customers(id) ON UPDATE RESTRICT ON DELETE RESTRICT',
        'hr_struct.staff fk_dept true FOREIGN KEY (dept) REFERENCES hr_struct.dept(code) ON UPDATE CASCADE ON DELETE RESTRICT',
        'hr_struct.staff fk_manager true FOREIGN KEY (manager_id) REFERENCES hr_struct.staff(id) ON UPDATE RESTRICT ON DELETE RESTRICT',
        'shop_struct.orders fk_customer true FOREIGN KEY (customer_id) REFERENCES shop_struct.customers(id) ON UPDATE RESTRICT ON DELETE CASCADE'),
    'the MySQL foreign keys, across schemas, validated');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_replica_tables r JOIN sch_chameleon.t_sources s USING (i_id_source)
      WHERE s.t_source = 'structure' AND r.t_binlog_name IS NOT NULL}), '6', 'the tables are registered with their points');

# ---- detach_replica ----
$node->safe_psql('postgres', 'DELETE FROM shop_pg.customers WHERE id = 3');    # orders of customer 3 become orphans
($out, $err) = run_ok("SELECT chameleon.detach_replica('src')", 'detach_replica');
is($out, 'detach_replica of source "src": 2 sequences reset, 3 foreign keys created, 1 failed', 'detach_replica says what it did');
like($err, qr/WARNING:  foreign key created NOT VALID, its validation failed: insert or update on table "orders" violates foreign key constraint "fk_customer"/,
    'a foreign key that does not validate is a warning');
is($node->safe_psql('postgres', q{INSERT INTO shop_pg.customers (name) VALUES ('eve') RETURNING id}), '3',
    'identity sequences continue after the largest value (ids 1 and 2 are left)');
is($node->safe_psql('postgres', q{INSERT INTO shop_pg.orders (customer_id, amount) VALUES (1, 1) RETURNING id}), '5',
    'on every table');
is($node->safe_psql('postgres', q{SELECT conname || ' ' || convalidated FROM pg_constraint
      WHERE contype = 'f' AND connamespace IN ('shop_pg'::regnamespace, 'hr_pg'::regnamespace) ORDER BY 1}),
    "fk_cust true\nfk_customer false\nfk_dept true\nfk_manager true", 'the foreign keys exist');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_sources WHERE t_source = 'src'}), '0', 'the source is gone');
is($node->safe_psql('postgres', q{SELECT count(*) FROM sch_chameleon.t_replica_tables WHERE v_schema_name IN ('shop_pg', 'hr_pg')}),
    '0', 'with its tables');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_class WHERE relname LIKE 't_log_replica_src_%'}), '0', 'and log tables');
is($node->safe_psql('postgres', 'SELECT count(*) FROM hr_pg.staff'), '3', 'the schemas stay, ordinary schemas now');

# ---- keep_existing_schema ----
$node->safe_psql('postgres', q{
    CREATE SCHEMA keep_pg;
    CREATE TABLE keep_pg.items (id integer PRIMARY KEY, name text, flag boolean, note text DEFAULT 'kept');
    CREATE INDEX items_name ON keep_pg.items (name);
    CREATE TABLE keep_pg.lines (id int PRIMARY KEY, item_id int REFERENCES keep_pg.items (id));
    INSERT INTO keep_pg.items VALUES (1, 'stale', false, 'x'), (9, 'gone', false, 'x');
    INSERT INTO keep_pg.lines VALUES (1, 1);
});
my $items_oid = $node->safe_psql('postgres', q{SELECT 'keep_pg.items'::regclass::oid});
($out, $err) = run_ok("SELECT chameleon.init_replica('keeper')", 'init_replica with keep_existing_schema');
is($node->safe_psql('postgres', q{SELECT string_agg(id || ':' || name || ':' || flag || ':' || note, ',' ORDER BY id) FROM keep_pg.items}),
    '1:one:true:kept,2:two:false:kept,3:three:true:kept', 'the existing table is truncated and reloaded, its own columns keep their defaults');
is($node->safe_psql('postgres', q{SELECT 'keep_pg.items'::regclass::oid}), $items_oid, 'the same table, not a new one');
is($node->safe_psql('postgres', q{SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'keep_pg' AND tablename = 'items'}),
    'items_name,items_pkey', 'its primary key and indexes are rebuilt');
is($node->safe_psql('postgres', q{SELECT (SELECT count(*) FROM sch_chameleon.t_indexes WHERE v_schema_name = 'keep_pg' AND v_index_name = 'items_name'),
      (SELECT count(*) FROM sch_chameleon.t_pkeys WHERE v_schema_name = 'keep_pg' AND v_table_name = 'items'),
      (SELECT count(*) FROM sch_chameleon.t_fkeys WHERE v_schema_name = 'keep_pg' AND v_table_name = 'lines')}),
    '1|1|1', 'indexes, primary key and the foreign key referencing it are saved in the catalogue');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_constraint WHERE conrelid = 'keep_pg.lines'::regclass AND contype = 'f'}),
    '0', 'the foreign key waits for the source to become consistent');
is($node->safe_psql('postgres', q{SELECT has_table_privilege('reader', 'keep_pg.items', 'SELECT')}), 'f',
    'grant_select_to is ignored with keep_existing_schema (as in pg_chameleon)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_keep%'}), '0', 'no loading schema');
$mysql->sql('ALTER TABLE keep.items ADD COLUMN extra INT');
$node->psql('postgres', "SELECT chameleon.init_replica('keeper')", stderr => \$err);
like($err, qr/ERROR:  column "extra" of MySQL table `keep`.`items` is missing from "keep_pg"."items"/,
    'keep_existing_schema refuses a table that lacks a MySQL column');
is($node->safe_psql('postgres', 'SELECT count(*) FROM keep_pg.items'), '3', 'and changes nothing');

done_testing();
