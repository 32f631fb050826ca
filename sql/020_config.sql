--
-- YAML configuration: set_configuration_files(), show_config(), and every kind of bad file.
--
CREATE EXTENSION chameleon;
SELECT current_setting('data_directory') AS pgdata \gset
\setenv PGDATA_DIR :pgdata

-- Before set_configuration_files(): no directory, no file.
SELECT regress.try($$SELECT * FROM chameleon.show_config()$$);

SELECT replace(chameleon.set_configuration_files(), :'pgdata', '$PGDATA') AS example;
\! stat -c '%a %n' "$PGDATA_DIR/chameleon" "$PGDATA_DIR/chameleon/config-example.yml" | sed "s|$PGDATA_DIR|\$PGDATA|"
-- Idempotent: a second call rewrites the example.
SELECT replace(chameleon.set_configuration_files(), :'pgdata', '$PGDATA') AS example;

-- The example file is complete and valid: every setting with its default.
SELECT * FROM chameleon.show_config('config-example');

-- A minimal source: type, db_conn and schema_mappings; everything else defaults.
SELECT regress.write_config('default', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: db.example.com
      user: replicator
      password: "s3cret"
    schema_mappings:
      sakila: sakila_pg
$$);
\! chmod 0600 "$PGDATA_DIR/chameleon/default.yml"
SELECT * FROM chameleon.show_config() WHERE origin = 'file' OR key LIKE 'db_conn.%';
SELECT count(*) AS settings, count(*) FILTER (WHERE origin = 'default') AS defaults FROM chameleon.show_config();
-- The password never shows.
SELECT count(*) AS password_leaks FROM chameleon.show_config() WHERE value LIKE '%s3cret%';

-- An existing pg_chameleon 2.x file works as is: keys that mean nothing in-process are ignored.
SELECT regress.write_config('pgchameleon', $$
---
pid_dir: '~/.pg_chameleon/pid/'
log_dir: '~/.pg_chameleon/logs/'
log_dest: file
log_level: info
log_days_keep: 10
rollbar_key: ''
rollbar_env: ''
type_override:
  "tinyint(1)":
    override_to: boolean
    override_tables:
      - "*"
pg_conn:
  host: "localhost"
  port: "5432"
  user: "usr_replica"
  password: "never_commit_passwords"
  database: "db_replica"
  charset: "utf8"
sources:
  mysql:
    db_conn:
      host: "localhost"
      port: "3306"
      user: "usr_replica"
      password: "never_commit_passwords"
      charset: 'utf8'
      connect_timeout: 10
    schema_mappings:
      delphis_mediterranea: loxodonta_africana
    limit_tables:
      - delphis_mediterranea.foo
    skip_tables:
      - delphis_mediterranea.bar
    grant_select_to:
      - usr_readonly
    lock_timeout: "120s"
    my_server_id: 100
    replica_batch_size: 10000
    replay_max_rows: 10000
    batch_retention: '1 day'
    copy_max_memory: "300M"
    copy_mode: 'file'
    out_dir: /tmp
    sleep_loop: 1
    on_error_replay: continue
    on_error_read: continue
    auto_maintenance: "disabled"
    gtid_enable: false
    type: mysql
    skip_events:
      insert:
        - delphis_mediterranea.foo
      delete:
        - delphis_mediterranea
      update:
    keep_existing_schema: No
    net_read_timeout: 600
$$);
\! chmod 0600 "$PGDATA_DIR/chameleon/pgchameleon.yml"
SELECT * FROM chameleon.show_config('pgchameleon') WHERE source IS NULL OR origin = 'file' ORDER BY source NULLS FIRST, key;

-- Errors name the file, the key path and what was expected.
SELECT regress.try($$SELECT * FROM chameleon.show_config('missing')$$);
SELECT regress.write_config('badyaml', $$
sources:
  mysql:
    type: mysql
    db_conn: {host: "a", port: 3306
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('badyaml')$$);
SELECT regress.write_config('unknownkey', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
    schema_mappings:
      a: b
    replica_bach_size: 100
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('unknownkey')$$);
SELECT regress.write_config('unknowntop', $$
sourcez:
  mysql:
    type: mysql
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('unknowntop')$$);
SELECT regress.write_config('wrongtype', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
      port: three thousand
    schema_mappings:
      a: b
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('wrongtype')$$);
SELECT regress.write_config('wrongtype2', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
    schema_mappings: [a, b]
    gtid_enable: maybe
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('wrongtype2')$$);
SELECT regress.write_config('badvalue', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
    schema_mappings:
      a: b
    copy_max_memory: 300X
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('badvalue')$$);
SELECT regress.write_config('pgsqlsource', $$
sources:
  pg:
    type: pgsql
    db_conn:
      host: localhost
      user: u
    schema_mappings:
      a: b
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('pgsqlsource')$$);
SELECT regress.write_config('nomappings', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('nomappings')$$);
SELECT regress.write_config('samedest', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
    schema_mappings:
      a: same
      c: same
$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('samedest')$$);
SELECT regress.write_config('empty', '');
SELECT regress.try($$SELECT * FROM chameleon.show_config('empty')$$);

-- A file holding a password must not be readable by group or others (as libpq's .pgpass).
SELECT regress.write_config('open', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
      password: secret
    schema_mappings:
      a: b
$$);
\! chmod 0644 "$PGDATA_DIR/chameleon/open.yml"
SELECT regress.try($$SELECT * FROM chameleon.show_config('open')$$);
\! chmod 0640 "$PGDATA_DIR/chameleon/open.yml"
SELECT regress.try($$SELECT * FROM chameleon.show_config('open')$$);
\! chmod 0600 "$PGDATA_DIR/chameleon/open.yml"
SELECT regress.try($$SELECT * FROM chameleon.show_config('open')$$);
-- Without a password, a readable file is fine.
SELECT regress.write_config('open_nopass', $$
sources:
  mysql:
    type: mysql
    db_conn:
      host: localhost
      user: u
    schema_mappings:
      a: b
$$);
\! chmod 0644 "$PGDATA_DIR/chameleon/open_nopass.yml"
SELECT regress.try($$SELECT * FROM chameleon.show_config('open_nopass')$$);

-- Configuration names cannot leave the directory.
SELECT regress.try($$SELECT * FROM chameleon.show_config('../../postgresql')$$);
SELECT regress.try($$SELECT * FROM chameleon.show_config('')$$);

-- chameleon.config_directory: relative to the data directory, or absolute.
SET chameleon.config_directory = 'elsewhere/conf';
SELECT replace(chameleon.set_configuration_files(), :'pgdata', '$PGDATA') AS example;
SELECT regress.try($$SELECT * FROM chameleon.show_config()$$);
RESET chameleon.config_directory;
SELECT count(*) > 0 AS default_back FROM chameleon.show_config();

-- Only superusers (or whoever they grant it to) read configurations.
CREATE ROLE config_reader_role LOGIN;
SET ROLE config_reader_role;
SELECT * FROM chameleon.show_config();
SELECT chameleon.set_configuration_files();
SELECT chameleon.version() = (SELECT default_version FROM pg_available_extensions WHERE name = 'chameleon') AS version_ok;
RESET ROLE;
DROP ROLE config_reader_role;

DROP EXTENSION chameleon CASCADE;
