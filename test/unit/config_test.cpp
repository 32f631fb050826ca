// Unit tests of src/config: loading, validation with exact error messages, defaults, effective
// settings, the example file, and the password permission rule on real files.
#include "config/config.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace cfg = chameleon::config;

const std::string kLabel = "/x/default.yml";
const std::string kPrefix = "configuration file \"/x/default.yml\": ";

cfg::Configuration Parse(const std::string &yaml) {
    return cfg::ParseConfiguration(yaml, "default", kLabel);
}

// The error `action` throws; a test failure if it throws none.
template <typename Action>
chameleon::Error ErrorOf(Action action) {
    try {
        action();
    } catch (const chameleon::Error &e) {
        return e;
    }
    ADD_FAILURE() << "no chameleon::Error was thrown";
    return chameleon::Error("(no error)");
}

chameleon::Error ParseError(const std::string &yaml) {
    return ErrorOf([&] { Parse(yaml); });
}

// Asserts the exact message (after the file prefix), SQLSTATE F0000, detail and hint.
void ExpectParseError(const std::string &yaml, const std::string &message, const std::string &detail = "",
                      const std::string &hint = "") {
    chameleon::Error e = ParseError(yaml);
    EXPECT_EQ(e.what(), kPrefix + message) << yaml;
    EXPECT_STREQ(e.SqlState(), "F0000");
    EXPECT_EQ(e.Detail(), detail);
    EXPECT_EQ(e.Hint(), hint);
}

std::string Indent(const std::string &lines, const std::string &spaces) {
    std::istringstream in(lines);
    std::string line, out;
    while (std::getline(in, line))
        out += line.empty() ? "\n" : spaces + line + "\n";
    return out;
}

// A valid file with one source "mysql", plus extra keys for the source and for its db_conn.
std::string SourceWith(const std::string &source_keys, const std::string &db_conn_keys = "") {
    return "sources:\n"
           "  mysql:\n"
           "    type: mysql\n"
           "    db_conn:\n"
           "      user: repl\n" +
           Indent(db_conn_keys, "      ") +
           "    schema_mappings:\n"
           "      sakila: sakila_pg\n" +
           Indent(source_keys, "    ");
}

const std::string kMinimal = SourceWith("");

// ---------------------------------------------------------------------------------------------
// Defaults and complete files
// ---------------------------------------------------------------------------------------------

TEST(ConfigDefaults, MinimalSourceTakesPgChameleonDefaults) {
    cfg::Configuration c = Parse(kMinimal);
    EXPECT_EQ(c.name, "default");
    EXPECT_EQ(c.path, kLabel);
    EXPECT_TRUE(c.type_override.empty());
    EXPECT_TRUE(c.fillfactor.empty());
    EXPECT_TRUE(c.ignored_keys.empty());
    ASSERT_EQ(c.sources.size(), 1u);
    const cfg::SourceConfig &s = c.Source("mysql");
    EXPECT_EQ(s.name, "mysql");
    EXPECT_EQ(s.type, "mysql");
    EXPECT_EQ(s.db_conn.host, "localhost");
    EXPECT_EQ(s.db_conn.port, 3306);
    EXPECT_EQ(s.db_conn.user, "repl");
    EXPECT_EQ(s.db_conn.password, "");
    EXPECT_EQ(s.db_conn.charset, "utf8");
    EXPECT_EQ(s.db_conn.connect_timeout, 10);
    EXPECT_EQ(s.db_conn.read_timeout, 60);
    ASSERT_EQ(s.schema_mappings.size(), 1u);
    EXPECT_EQ(s.schema_mappings[0], std::make_pair(std::string("sakila"), std::string("sakila_pg")));
    EXPECT_TRUE(s.limit_tables.empty());
    EXPECT_TRUE(s.skip_tables.empty());
    EXPECT_TRUE(s.grant_select_to.empty());
    EXPECT_EQ(s.lock_timeout, "120s");
    EXPECT_EQ(s.my_server_id, 100);
    EXPECT_EQ(s.replica_batch_size, 10000);
    EXPECT_EQ(s.replay_max_rows, 10000);
    EXPECT_EQ(s.batch_retention, "1 day");
    EXPECT_EQ(s.copy_max_memory, 300LL * 1024 * 1024);
    EXPECT_EQ(s.copy_mode, "file");
    EXPECT_EQ(s.out_dir, "/tmp");
    EXPECT_EQ(s.sleep_loop, 1);
    EXPECT_EQ(s.on_error_replay, "continue");
    EXPECT_EQ(s.on_error_read, "exit");
    EXPECT_EQ(s.on_error_copy, "exit");
    EXPECT_EQ(s.zero_dates, "null");
    EXPECT_EQ(s.nul_bytes, "error");
    EXPECT_EQ(s.auto_maintenance, "disabled");
    EXPECT_FALSE(s.gtid_enable);
    EXPECT_TRUE(s.skip_events.insert_targets.empty());
    EXPECT_TRUE(s.skip_events.update_targets.empty());
    EXPECT_TRUE(s.skip_events.delete_targets.empty());
    EXPECT_FALSE(s.keep_existing_schema);
    EXPECT_EQ(s.net_read_timeout, 600);
    EXPECT_EQ(s.copy_jobs, 2);
    EXPECT_TRUE(s.upgrade_leave_sources.empty());
}

TEST(ConfigDefaults, NullValuesMeanDefault) {
    cfg::Configuration c = Parse(SourceWith("limit_tables:\nskip_tables: ~\ngrant_select_to: null\n"
                                            "lock_timeout:\nskip_events:\n  insert:\n  update: ~\n",
                                            "host:\nport: ~\npassword:\n"));
    const cfg::SourceConfig &s = c.sources.at(0);
    EXPECT_EQ(s.db_conn.host, "localhost");
    EXPECT_EQ(s.db_conn.port, 3306);
    EXPECT_EQ(s.db_conn.password, "");
    EXPECT_EQ(s.lock_timeout, "120s");
    EXPECT_TRUE(s.limit_tables.empty());
    EXPECT_TRUE(s.skip_tables.empty());
    EXPECT_TRUE(s.grant_select_to.empty());
    EXPECT_TRUE(s.skip_events.insert_targets.empty());
}

TEST(ConfigDefaults, SourcesMissingOrEmptyIsFineUntilASourceIsAskedFor) {
    for (const std::string yaml : {"log_dir: /tmp\n", "sources:\n", "sources: {}\n"}) {
        cfg::Configuration c = Parse(yaml);
        EXPECT_TRUE(c.sources.empty()) << yaml;
        chameleon::Error e = ErrorOf([&] { c.Source("mysql"); });
        EXPECT_STREQ(e.what(), "configuration file \"/x/default.yml\": no source named \"mysql\"");
        EXPECT_STREQ(e.SqlState(), "42704");
        EXPECT_EQ(e.Detail(), "The file defines no sources.");
        EXPECT_EQ(e.Hint(), "");
    }
}

TEST(ConfigDefaults, UnknownSourceListsTheSourcesAndSuggestsTheNearest) {
    std::string yaml =
        kMinimal + "  other:\n    type: mysql\n    db_conn: {user: u}\n    schema_mappings: {a: b}\n";
    cfg::Configuration c = Parse(yaml);
    ASSERT_EQ(c.sources.size(), 2u);
    EXPECT_EQ(c.Source("other").schema_mappings.at(0).second, "b");
    chameleon::Error e = ErrorOf([&] { c.Source("mysq"); });
    EXPECT_STREQ(e.what(), "configuration file \"/x/default.yml\": no source named \"mysq\"");
    EXPECT_STREQ(e.SqlState(), "42704");
    EXPECT_EQ(e.Detail(), "Sources defined in the file: mysql, other.");
    EXPECT_EQ(e.Hint(), "Did you mean \"mysql\"?");
    e = ErrorOf([&] { c.Source("zzzzzz"); });
    EXPECT_EQ(e.Hint(), "");
}

// A file written the way pg_chameleon 2.0.21's example is, with its global keys.
const std::string kPgChameleonFile = R"yaml(---
# global settings
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
  password: "pg_secret"
  database: "db_replica"
  charset: "utf8"

sources:
  mysql:
    db_conn:
      host: "db1.example.com"
      port: "3307"
      user: "usr_replica"
      password: "my_secret"
      charset: 'utf8mb4'
      connect_timeout: 10
    schema_mappings:
      shop: shop_pg
      crm: crm_pg
    limit_tables:
      - shop.orders
    skip_tables:
      - shop.audit
    grant_select_to:
      - usr_readonly
    lock_timeout: "120s"
    my_server_id: 4294967295
    replica_batch_size: 5000
    replay_max_rows: 2000
    batch_retention: '2 days'
    copy_max_memory: "64k"
    copy_mode: 'direct'
    out_dir: /var/tmp
    sleep_loop: 3
    on_error_replay: exit
    on_error_read: continue
    on_error_ddl: source
    on_error_copy: skip
    zero_dates: -infinity
    nul_bytes: strip
    auto_maintenance: "1 day"
    gtid_enable: Yes
    type: mysql
    skip_events:
      insert:
        - shop.orders
      delete:
        - crm
      update:
    keep_existing_schema: No
    net_read_timeout: 900
    upgrade_leave_sources: [legacy_crm, old_shop]

fillfactor:
  "30":
    tables:
      - "shop.orders"
  "40":
    tables:
      - "crm.contacts"
)yaml";

TEST(ConfigFull, PgChameleonStyleFileLoadsAsIs) {
    cfg::Configuration c = Parse(kPgChameleonFile);
    EXPECT_EQ(c.ignored_keys,
              (std::vector<std::string>{"pg_conn", "pid_dir", "log_dir", "log_dest", "log_level",
                                        "log_days_keep", "rollbar_key", "rollbar_env"}));
    EXPECT_EQ(c.ignored_values.at(0), "{host: localhost, port: 5432, user: usr_replica, password: ********, "
                                      "database: db_replica, charset: utf8}");
    EXPECT_EQ(c.ignored_values.at(2), "~/.pg_chameleon/logs/");
    EXPECT_EQ(c.ignored_values.at(6), "");
    ASSERT_EQ(c.type_override.size(), 1u);
    EXPECT_EQ(c.type_override[0].column_type, "tinyint(1)");
    EXPECT_EQ(c.type_override[0].override_to, "boolean");
    EXPECT_EQ(c.type_override[0].override_tables, std::vector<std::string>{"*"});
    ASSERT_EQ(c.fillfactor.size(), 2u);
    EXPECT_EQ(c.fillfactor[0].fillfactor, 30);
    EXPECT_EQ(c.fillfactor[0].tables, std::vector<std::string>{"shop.orders"});
    EXPECT_EQ(c.fillfactor[1].fillfactor, 40);

    const cfg::SourceConfig &s = c.Source("mysql");
    EXPECT_EQ(s.db_conn.host, "db1.example.com");
    EXPECT_EQ(s.db_conn.port, 3307);
    EXPECT_EQ(s.db_conn.password, "my_secret");
    EXPECT_EQ(s.db_conn.charset, "utf8mb4");
    EXPECT_EQ(s.db_conn.read_timeout, 60);
    EXPECT_EQ(s.schema_mappings,
              (std::vector<std::pair<std::string, std::string>>{{"shop", "shop_pg"}, {"crm", "crm_pg"}}));
    EXPECT_EQ(s.limit_tables, std::vector<std::string>{"shop.orders"});
    EXPECT_EQ(s.skip_tables, std::vector<std::string>{"shop.audit"});
    EXPECT_EQ(s.grant_select_to, std::vector<std::string>{"usr_readonly"});
    EXPECT_EQ(s.my_server_id, 4294967295LL);
    EXPECT_EQ(s.replica_batch_size, 5000);
    EXPECT_EQ(s.replay_max_rows, 2000);
    EXPECT_EQ(s.batch_retention, "2 days");
    EXPECT_EQ(s.copy_max_memory, 64 * 1024);
    EXPECT_EQ(s.copy_mode, "direct");
    EXPECT_EQ(s.out_dir, "/var/tmp");
    EXPECT_EQ(s.sleep_loop, 3);
    EXPECT_EQ(s.on_error_replay, "exit");
    EXPECT_EQ(s.on_error_read, "continue");
    EXPECT_EQ(s.on_error_copy, "skip");
    EXPECT_EQ(s.zero_dates, "-infinity");
    EXPECT_EQ(s.nul_bytes, "strip");
    EXPECT_EQ(s.auto_maintenance, "1 day");
    EXPECT_TRUE(s.gtid_enable);
    EXPECT_EQ(s.skip_events.insert_targets, std::vector<std::string>{"shop.orders"});
    EXPECT_TRUE(s.skip_events.update_targets.empty());
    EXPECT_EQ(s.skip_events.delete_targets, std::vector<std::string>{"crm"});
    EXPECT_FALSE(s.keep_existing_schema);
    EXPECT_EQ(s.net_read_timeout, 900);
    EXPECT_EQ(s.copy_jobs, 2);
    EXPECT_EQ(s.upgrade_leave_sources, (std::vector<std::string>{"legacy_crm", "old_shop"}));
}

using Row = std::tuple<std::string, std::string, std::string, std::string>;

std::vector<Row> Rows(const cfg::Configuration &c) {
    std::vector<Row> rows;
    for (const cfg::Setting &s : cfg::EffectiveSettings(c))
        rows.emplace_back(s.source, s.key, s.value, s.origin);
    return rows;
}

TEST(ConfigSettings, EveryRowOfAFullFileInOrder) {
    std::vector<Row> expected = {
        {"", "type_override", "tinyint(1) -> boolean for [*]", "file"},
        {"", "fillfactor", "30 for [shop.orders]; 40 for [crm.contacts]", "file"},
        {"", "pg_conn",
         "{host: localhost, port: 5432, user: usr_replica, password: ********, database: db_replica, "
         "charset: utf8}",
         "ignored"},
        {"", "pid_dir", "~/.pg_chameleon/pid/", "ignored"},
        {"", "log_dir", "~/.pg_chameleon/logs/", "ignored"},
        {"", "log_dest", "file", "ignored"},
        {"", "log_level", "info", "ignored"},
        {"", "log_days_keep", "10", "ignored"},
        {"", "rollbar_key", "", "ignored"},
        {"", "rollbar_env", "", "ignored"},
        {"mysql", "type", "mysql", "file"},
        {"mysql", "db_conn.host", "db1.example.com", "file"},
        {"mysql", "db_conn.port", "3307", "file"},
        {"mysql", "db_conn.user", "usr_replica", "file"},
        {"mysql", "db_conn.password", "********", "file"},
        {"mysql", "db_conn.charset", "utf8mb4", "file"},
        {"mysql", "db_conn.connect_timeout", "10", "file"},
        {"mysql", "db_conn.read_timeout", "60", "default"},
        {"mysql", "schema_mappings.shop", "shop_pg", "file"},
        {"mysql", "schema_mappings.crm", "crm_pg", "file"},
        {"mysql", "limit_tables", "[shop.orders]", "file"},
        {"mysql", "skip_tables", "[shop.audit]", "file"},
        {"mysql", "grant_select_to", "[usr_readonly]", "file"},
        {"mysql", "lock_timeout", "120s", "file"},
        {"mysql", "my_server_id", "4294967295", "file"},
        {"mysql", "replica_batch_size", "5000", "file"},
        {"mysql", "replay_max_rows", "2000", "file"},
        {"mysql", "batch_retention", "2 days", "file"},
        {"mysql", "copy_max_memory", "64k", "file"},
        {"mysql", "copy_mode", "direct", "file"},
        {"mysql", "copy_jobs", "2", "default"},
        {"mysql", "out_dir", "/var/tmp", "file"},
        {"mysql", "sleep_loop", "3", "file"},
        {"mysql", "on_error_replay", "exit", "file"},
        {"mysql", "on_error_read", "continue", "file"},
        {"mysql", "on_error_ddl", "source", "file"},
        {"mysql", "on_error_copy", "skip", "file"},
        {"mysql", "zero_dates", "-infinity", "file"},
        {"mysql", "nul_bytes", "strip", "file"},
        {"mysql", "auto_maintenance", "1 day", "file"},
        {"mysql", "gtid_enable", "true", "file"},
        {"mysql", "skip_events.insert", "[shop.orders]", "file"},
        {"mysql", "skip_events.update", "(none)", "default"},
        {"mysql", "skip_events.delete", "[crm]", "file"},
        {"mysql", "keep_existing_schema", "false", "file"},
        {"mysql", "net_read_timeout", "900", "file"},
        {"mysql", "upgrade_leave_sources", "[legacy_crm, old_shop]", "file"},
    };
    EXPECT_EQ(Rows(Parse(kPgChameleonFile)), expected);
}

TEST(ConfigSettings, MinimalSourceShowsDefaults) {
    std::vector<Row> expected = {
        {"", "type_override", "(none)", "default"},
        {"", "fillfactor", "(none)", "default"},
        {"mysql", "type", "mysql", "file"},
        {"mysql", "db_conn.host", "localhost", "default"},
        {"mysql", "db_conn.port", "3306", "default"},
        {"mysql", "db_conn.user", "repl", "file"},
        {"mysql", "db_conn.password", "", "default"},
        {"mysql", "db_conn.charset", "utf8", "default"},
        {"mysql", "db_conn.connect_timeout", "10", "default"},
        {"mysql", "db_conn.read_timeout", "60", "default"},
        {"mysql", "schema_mappings.sakila", "sakila_pg", "file"},
        {"mysql", "limit_tables", "(none)", "default"},
        {"mysql", "skip_tables", "(none)", "default"},
        {"mysql", "grant_select_to", "(none)", "default"},
        {"mysql", "lock_timeout", "120s", "default"},
        {"mysql", "my_server_id", "100", "default"},
        {"mysql", "replica_batch_size", "10000", "default"},
        {"mysql", "replay_max_rows", "10000", "default"},
        {"mysql", "batch_retention", "1 day", "default"},
        {"mysql", "copy_max_memory", "300M", "default"},
        {"mysql", "copy_mode", "file", "default"},
        {"mysql", "copy_jobs", "2", "default"},
        {"mysql", "out_dir", "/tmp", "default"},
        {"mysql", "sleep_loop", "1", "default"},
        {"mysql", "on_error_replay", "continue", "default"},
        {"mysql", "on_error_read", "exit", "default"},
        {"mysql", "on_error_ddl", "table", "default"},
        {"mysql", "on_error_copy", "exit", "default"},
        {"mysql", "zero_dates", "null", "default"},
        {"mysql", "nul_bytes", "error", "default"},
        {"mysql", "auto_maintenance", "disabled", "default"},
        {"mysql", "gtid_enable", "false", "default"},
        {"mysql", "skip_events.insert", "(none)", "default"},
        {"mysql", "skip_events.update", "(none)", "default"},
        {"mysql", "skip_events.delete", "(none)", "default"},
        {"mysql", "keep_existing_schema", "false", "default"},
        {"mysql", "net_read_timeout", "600", "default"},
        {"mysql", "upgrade_leave_sources", "(none)", "default"},
    };
    EXPECT_EQ(Rows(Parse(kMinimal)), expected);
}

TEST(ConfigSettings, PasswordsNeverAppear) {
    cfg::Configuration c = Parse(kPgChameleonFile);
    for (const cfg::Setting &s : cfg::EffectiveSettings(c)) {
        EXPECT_EQ(s.value.find("my_secret"), std::string::npos) << s.key;
        EXPECT_EQ(s.value.find("pg_secret"), std::string::npos) << s.key;
    }
    // A password that is present but empty shows as empty, from the file.
    std::vector<Row> rows = Rows(Parse(SourceWith("", "password: ''\n")));
    EXPECT_EQ(rows.at(6), Row("mysql", "db_conn.password", "", "file"));
}

TEST(ConfigSettings, SizesShowInTheLargestExactUnit) {
    auto size_row = [](const std::string &value) {
        return std::get<2>(Rows(Parse(SourceWith("copy_max_memory: " + value + "\n"))).at(19));
    };
    EXPECT_EQ(size_row("1G"), "1G");
    EXPECT_EQ(size_row("2048M"), "2G");
    EXPECT_EQ(size_row("1024"), "1k");
    EXPECT_EQ(size_row("1000"), "1000");
    EXPECT_EQ(size_row("\"1536k\""), "1536k");
}

// ---------------------------------------------------------------------------------------------
// The example file
// ---------------------------------------------------------------------------------------------

TEST(ConfigExample, ParsesAndItsValuesAreTheDefaults) {
    cfg::Configuration c = Parse(cfg::ExampleConfiguration());
    EXPECT_TRUE(c.ignored_keys.empty());
    ASSERT_EQ(c.sources.size(), 1u);
    const cfg::SourceConfig &s = c.sources[0];
    cfg::SourceConfig defaults;
    EXPECT_EQ(s.name, "mysql");
    EXPECT_EQ(s.type, defaults.type);
    EXPECT_EQ(s.db_conn.host, defaults.db_conn.host);
    EXPECT_EQ(s.db_conn.port, defaults.db_conn.port);
    EXPECT_EQ(s.db_conn.charset, defaults.db_conn.charset);
    EXPECT_EQ(s.db_conn.connect_timeout, defaults.db_conn.connect_timeout);
    EXPECT_EQ(s.db_conn.read_timeout, defaults.db_conn.read_timeout);
    EXPECT_EQ(s.limit_tables, defaults.limit_tables);
    EXPECT_EQ(s.skip_tables, defaults.skip_tables);
    EXPECT_EQ(s.grant_select_to, defaults.grant_select_to);
    EXPECT_EQ(s.lock_timeout, defaults.lock_timeout);
    EXPECT_EQ(s.my_server_id, defaults.my_server_id);
    EXPECT_EQ(s.replica_batch_size, defaults.replica_batch_size);
    EXPECT_EQ(s.replay_max_rows, defaults.replay_max_rows);
    EXPECT_EQ(s.batch_retention, defaults.batch_retention);
    EXPECT_EQ(s.copy_max_memory, defaults.copy_max_memory);
    EXPECT_EQ(s.copy_mode, defaults.copy_mode);
    EXPECT_EQ(s.copy_jobs, defaults.copy_jobs);
    EXPECT_EQ(s.out_dir, defaults.out_dir);
    EXPECT_EQ(s.sleep_loop, defaults.sleep_loop);
    EXPECT_EQ(s.on_error_replay, defaults.on_error_replay);
    EXPECT_EQ(s.on_error_read, defaults.on_error_read);
    EXPECT_EQ(s.on_error_copy, defaults.on_error_copy);
    EXPECT_EQ(s.zero_dates, defaults.zero_dates);
    EXPECT_EQ(s.nul_bytes, defaults.nul_bytes);
    EXPECT_EQ(s.auto_maintenance, defaults.auto_maintenance);
    EXPECT_EQ(s.gtid_enable, defaults.gtid_enable);
    EXPECT_EQ(s.keep_existing_schema, defaults.keep_existing_schema);
    EXPECT_EQ(s.net_read_timeout, defaults.net_read_timeout);
    EXPECT_EQ(s.upgrade_leave_sources, defaults.upgrade_leave_sources);
    EXPECT_TRUE(s.skip_events.insert_targets.empty());
}

TEST(ConfigExample, DocumentsEveryKey) {
    const std::string &text = cfg::ExampleConfiguration();
    cfg::Configuration c = Parse(text);
    for (const cfg::Setting &s : cfg::EffectiveSettings(c)) {
        if (s.key.rfind("schema_mappings.", 0) == 0)
            continue;
        std::string last = s.key.substr(s.key.rfind('.') + 1);
        EXPECT_NE(text.find(last + ":"), std::string::npos) << s.key;
        // Every key is written out; only the lists are left empty (null), so that a copy of the
        // example replicates everything.
        if (s.value != "(none)") {
            EXPECT_EQ(s.origin, "file") << s.key << " is not written in the example";
        }
    }
    for (const char *ignored : {"pg_conn", "pid_dir", "log_dir", "log_dest", "log_level", "log_days_keep",
                                "rollbar_key", "rollbar_env"})
        EXPECT_NE(text.find(ignored), std::string::npos) << ignored;
}

// ---------------------------------------------------------------------------------------------
// YAML syntax and structure
// ---------------------------------------------------------------------------------------------

TEST(ConfigErrors, InvalidYamlNamesLineAndColumn) {
    ExpectParseError("sources:\n  mysql: [a\n",
                     "invalid YAML at line 3, column 1: end of sequence flow not found");
    ExpectParseError("sources: a: b\n", "invalid YAML at line 1, column 11: illegal map value");
}

TEST(ConfigErrors, TopLevelMustBeOneMap) {
    ExpectParseError("", "expected a map at the top level, got an empty document");
    ExpectParseError("# only a comment\n", "expected a map at the top level, got an empty document");
    ExpectParseError("- a\n- b\n", "expected a map at the top level, got a list");
    ExpectParseError("hello\n", "expected a map at the top level, got \"hello\"");
    ExpectParseError("a: 1\n---\nb: 2\n", "expected one YAML document, got 2");
}

TEST(ConfigErrors, UnknownKeysSuggestTheNearestValidKey) {
    ExpectParseError(
        "log_lvel: info\n", "log_lvel: unknown key",
        "Keys allowed at the top level: type_override, fillfactor, sources, pg_conn, pid_dir, log_dir, "
        "log_dest, log_level, log_days_keep, rollbar_key, rollbar_env.",
        "Did you mean \"log_level\"?");
    ExpectParseError(
        SourceWith("", "prot: 3306\n"), "sources.mysql.db_conn.prot: unknown key",
        "Keys allowed in sources.mysql.db_conn: host, port, user, password, charset, connect_timeout, "
        "read_timeout.",
        "Did you mean \"port\"?");
    ExpectParseError(
        SourceWith("limit_table: [a.b]\n"), "sources.mysql.limit_table: unknown key",
        "Keys allowed in sources.mysql: type, db_conn, schema_mappings, limit_tables, skip_tables, "
        "grant_select_to, lock_timeout, my_server_id, replica_batch_size, replay_max_rows, "
        "batch_retention, copy_max_memory, copy_mode, copy_jobs, out_dir, sleep_loop, on_error_replay, "
        "on_error_read, on_error_ddl, on_error_copy, zero_dates, nul_bytes, auto_maintenance, gtid_enable, "
        "skip_events, "
        "keep_existing_schema, "
        "net_read_timeout, upgrade_leave_sources, rename.",
        "Did you mean \"limit_tables\"?");
}

TEST(ConfigErrors, UnknownKeyWithNothingCloseHasNoHint) {
    chameleon::Error e = ParseError(SourceWith("index_parallel_jobs: 4\n"));
    EXPECT_EQ(e.what(), kPrefix + "sources.mysql.index_parallel_jobs: unknown key");
    EXPECT_EQ(e.Hint(), "");
    e = ParseError(SourceWith("skip_events:\n  truncate: [a]\n"));
    EXPECT_EQ(e.what(), kPrefix + "sources.mysql.skip_events.truncate: unknown key");
    EXPECT_EQ(e.Detail(), "Keys allowed in sources.mysql.skip_events: insert, update, delete.");
    EXPECT_EQ(e.Hint(), "");
}

TEST(ConfigErrors, DuplicateAndOddKeys) {
    ExpectParseError(SourceWith("", "port: 1\nport: 2\n"), "sources.mysql.db_conn.port: duplicate key");
    ExpectParseError("sources:\n  '': {}\n", "sources: expected non-empty string keys, got \"\" as a key");
    ExpectParseError("sources:\n  ? [a]\n  : {}\n",
                     "sources: expected non-empty string keys, got a list as a key");
}

TEST(ConfigErrors, RequiredKeys) {
    ExpectParseError("sources:\n  mysql:\n    db_conn: {user: u}\n    schema_mappings: {a: b}\n",
                     "sources.mysql.type: required key is missing");
    ExpectParseError("sources:\n  mysql:\n    type: mysql\n    schema_mappings: {a: b}\n",
                     "sources.mysql.db_conn: required key is missing");
    ExpectParseError("sources:\n  mysql:\n    type: mysql\n    db_conn: {user: u}\n",
                     "sources.mysql.schema_mappings: required key is missing");
    ExpectParseError(
        "sources:\n  mysql:\n    type: mysql\n    db_conn: {host: h}\n    schema_mappings: {a: b}\n",
        "sources.mysql.db_conn.user: required key is missing");
    ExpectParseError("type_override:\n  int: {override_tables: ['*']}\n",
                     "type_override.int.override_to: required key is missing");
    ExpectParseError("fillfactor:\n  '50': {}\n", "fillfactor.50.tables: required key is missing");
}

TEST(ConfigErrors, MisplacedRequiredKeyGetsAnIndentationHint) {
    // As in pg_chameleon's own example, whose pgsql source has its keys indented under db_conn.
    ExpectParseError(
        "sources:\n  pg:\n    db_conn:\n      user: u\n      type: pgsql\n      schema_mappings: {a: b}\n",
        "sources.pg.type: required key is missing", "",
        "A \"type\" key is under \"sources.pg.db_conn\"; check its indentation.");
}

// ---------------------------------------------------------------------------------------------
// Types and values
// ---------------------------------------------------------------------------------------------

TEST(ConfigValues, WrongTypes) {
    ExpectParseError("sources: [a]\n", "sources: expected a map, got a list");
    ExpectParseError("sources:\n  mysql:\n", "sources.mysql: expected a map, got null");
    ExpectParseError("sources:\n  mysql: yes\n", "sources.mysql: expected a map, got \"yes\"");
    ExpectParseError(
        "sources:\n  mysql:\n    type: mysql\n    db_conn: localhost\n    schema_mappings: {a: b}\n",
        "sources.mysql.db_conn: expected a map, got \"localhost\"");
    ExpectParseError(SourceWith("", "port: [3306]\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got a list");
    ExpectParseError(SourceWith("", "host: {a: b}\n"),
                     "sources.mysql.db_conn.host: expected a non-empty string, got a map");
    ExpectParseError(SourceWith("", "host: ''\n"),
                     "sources.mysql.db_conn.host: expected a non-empty string, got \"\"");
    ExpectParseError(SourceWith("", "password: [a]\n"),
                     "sources.mysql.db_conn.password: expected a string, got a list");
    ExpectParseError(SourceWith("limit_tables: shop.orders\n"),
                     "sources.mysql.limit_tables: expected a list, got \"shop.orders\"");
    ExpectParseError(SourceWith("skip_events: [insert]\n"),
                     "sources.mysql.skip_events: expected a map, got a list");
    ExpectParseError("type_override: [a]\n", "type_override: expected a map, got a list");
}

TEST(ConfigValues, Integers) {
    ExpectParseError(SourceWith("", "port: abc\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"abc\"");
    ExpectParseError(SourceWith("", "port: \"abc\"\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"abc\"");
    ExpectParseError(SourceWith("", "port: 0\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"0\"");
    ExpectParseError(SourceWith("", "port: 65536\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"65536\"");
    ExpectParseError(SourceWith("", "port: 3306.0\n"),
                     "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"3306.0\"");
    ExpectParseError(
        SourceWith("", "port: 99999999999999999999\n"),
        "sources.mysql.db_conn.port: expected an integer from 1 to 65535, got \"99999999999999999999\"");
    EXPECT_EQ(Parse(SourceWith("", "port: \"3306\"\n")).sources[0].db_conn.port, 3306);
    EXPECT_EQ(Parse(SourceWith("", "port: 65535\n")).sources[0].db_conn.port, 65535);
}

TEST(ConfigValues, TimeoutsMustBePositive) {
    ExpectParseError(
        SourceWith("", "connect_timeout: 0\n"),
        "sources.mysql.db_conn.connect_timeout: expected an integer from 1 to 2147483647, got \"0\"");
    ExpectParseError(
        SourceWith("", "read_timeout: -5\n"),
        "sources.mysql.db_conn.read_timeout: expected an integer from 1 to 2147483647, got \"-5\"");
    ExpectParseError(SourceWith("net_read_timeout: 0\n"),
                     "sources.mysql.net_read_timeout: expected an integer from 1 to 2147483647, got \"0\"");
    ExpectParseError(SourceWith("sleep_loop: 0\n"),
                     "sources.mysql.sleep_loop: expected an integer from 1 to 2147483647, got \"0\"");
    ExpectParseError(SourceWith("replica_batch_size: 0\n"),
                     "sources.mysql.replica_batch_size: expected an integer from 1 to 2147483647, got \"0\"");
    ExpectParseError(
        SourceWith("replay_max_rows: 2147483648\n"),
        "sources.mysql.replay_max_rows: expected an integer from 1 to 2147483647, got \"2147483648\"");
}

TEST(ConfigValues, ServerIdAndCopyJobsRanges) {
    ExpectParseError(SourceWith("my_server_id: 0\n"),
                     "sources.mysql.my_server_id: expected an integer from 1 to 4294967295, got \"0\"");
    ExpectParseError(
        SourceWith("my_server_id: 4294967296\n"),
        "sources.mysql.my_server_id: expected an integer from 1 to 4294967295, got \"4294967296\"");
    ExpectParseError(SourceWith("copy_jobs: 0\n"),
                     "sources.mysql.copy_jobs: expected an integer from 1 to 64, got \"0\"");
    ExpectParseError(SourceWith("copy_jobs: 65\n"),
                     "sources.mysql.copy_jobs: expected an integer from 1 to 64, got \"65\"");
    EXPECT_EQ(Parse(SourceWith("copy_jobs: 64\n")).sources[0].copy_jobs, 64);
    EXPECT_EQ(Parse(SourceWith("my_server_id: '1'\n")).sources[0].my_server_id, 1);
}

TEST(ConfigValues, BooleansAsPyYamlReadsThem) {
    for (const char *yes : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "\"yes\""})
        EXPECT_TRUE(Parse(SourceWith(std::string("gtid_enable: ") + yes + "\n")).sources[0].gtid_enable)
            << yes;
    for (const char *no : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
        EXPECT_FALSE(Parse(SourceWith(std::string("keep_existing_schema: ") + no + "\n"))
                         .sources[0]
                         .keep_existing_schema)
            << no;
    ExpectParseError(
        SourceWith("gtid_enable: maybe\n"),
        "sources.mysql.gtid_enable: expected a boolean (true/false, yes/no, on/off), got \"maybe\"");
    ExpectParseError(
        SourceWith("keep_existing_schema: y\n"),
        "sources.mysql.keep_existing_schema: expected a boolean (true/false, yes/no, on/off), got \"y\"");
    ExpectParseError(SourceWith("gtid_enable: 1\n"),
                     "sources.mysql.gtid_enable: expected a boolean (true/false, yes/no, on/off), got \"1\"");
}

TEST(ConfigValues, Choices) {
    ExpectParseError(SourceWith("on_error_replay: stop\n"),
                     "sources.mysql.on_error_replay: expected continue or exit, got \"stop\"");
    ExpectParseError(SourceWith("on_error_read: retry\n"),
                     "sources.mysql.on_error_read: expected continue or exit, got \"retry\"");
    ExpectParseError(SourceWith("on_error_copy: continue\n"),
                     "sources.mysql.on_error_copy: expected exit or skip, got \"continue\"");
    ExpectParseError(SourceWith("zero_dates: infinity\n"),
                     "sources.mysql.zero_dates: expected null or -infinity, got \"infinity\"");
    ExpectParseError(SourceWith("nul_bytes: remove\n"),
                     "sources.mysql.nul_bytes: expected error or strip, got \"remove\"");
    ExpectParseError(SourceWith("copy_mode: pipe\n"),
                     "sources.mysql.copy_mode: expected file or direct, got \"pipe\"");
}

TEST(ConfigValues, SourceType) {
    const std::string pgsql = "sources:\n  pg:\n    type: pgsql\n    db_conn: {user: u, database: db}\n"
                              "    schema_mappings: {a: b}\n";
    ExpectParseError(
        pgsql, "sources.pg.type: source type \"pgsql\" is not supported by chameleon; expected mysql",
        "chameleon replicates from MySQL and MariaDB; pg_chameleon's experimental PostgreSQL sources "
        "have no equivalent.");
    const std::string oracle =
        "sources:\n  o:\n    type: oracle\n    db_conn: {user: u}\n    schema_mappings: {a: b}\n";
    ExpectParseError(oracle, "sources.o.type: expected mysql, got \"oracle\"");
}

TEST(ConfigValues, CopyMaxMemory) {
    auto memory = [](const std::string &value) {
        return Parse(SourceWith("copy_max_memory: " + value + "\n")).sources[0].copy_max_memory;
    };
    EXPECT_EQ(memory("\"300M\""), 300LL * 1024 * 1024);
    EXPECT_EQ(memory("64k"), 64LL * 1024);
    EXPECT_EQ(memory("2G"), 2LL * 1024 * 1024 * 1024);
    EXPECT_EQ(memory("1048576"), 1048576);
    const std::string expected =
        "sources.mysql.copy_max_memory: expected a positive size in bytes with an optional "
        "suffix k, M or G (like \"300M\"), got ";
    ExpectParseError(SourceWith("copy_max_memory: 300X\n"), expected + "\"300X\"");
    ExpectParseError(SourceWith("copy_max_memory: 300m\n"), expected + "\"300m\"");
    ExpectParseError(SourceWith("copy_max_memory: 1T\n"), expected + "\"1T\"");
    ExpectParseError(SourceWith("copy_max_memory: M\n"), expected + "\"M\"");
    ExpectParseError(SourceWith("copy_max_memory: 0\n"), expected + "\"0\"");
    ExpectParseError(SourceWith("copy_max_memory: -1k\n"), expected + "\"-1k\"");
    ExpectParseError(SourceWith("copy_max_memory: 9999999999999G\n"), expected + "\"9999999999999G\"");
}

TEST(ConfigValues, SchemaMappings) {
    const std::string head = "sources:\n  mysql:\n    type: mysql\n    db_conn: {user: u}\n";
    const std::string expected =
        "sources.mysql.schema_mappings: expected a non-empty map of MySQL schema to PostgreSQL schema, got ";
    ExpectParseError(head + "    schema_mappings:\n", expected + "null");
    ExpectParseError(head + "    schema_mappings: {}\n", expected + "an empty map");
    ExpectParseError(head + "    schema_mappings: [a]\n", expected + "a list");
    ExpectParseError(head + "    schema_mappings: sakila\n", expected + "\"sakila\"");
    ExpectParseError(
        head + "    schema_mappings: {sakila: }\n",
        "sources.mysql.schema_mappings.sakila: expected a non-empty PostgreSQL schema name, got null");
    ExpectParseError(
        head + "    schema_mappings: {sakila: ''}\n",
        "sources.mysql.schema_mappings.sakila: expected a non-empty PostgreSQL schema name, got \"\"");
    ExpectParseError(
        head + "    schema_mappings: {sakila: [a]}\n",
        "sources.mysql.schema_mappings.sakila: expected a non-empty PostgreSQL schema name, got a list");
    ExpectParseError(
        head + "    schema_mappings: {sakila: " + std::string(64, 'x') + "}\n",
        "sources.mysql.schema_mappings.sakila: expected a PostgreSQL schema name of at most 63 bytes, "
        "got \"" +
            std::string(60, 'x') + "...\"");
    ExpectParseError(
        head + "    schema_mappings: {a: same, b: other, c: same}\n",
        "sources.mysql.schema_mappings: origin schemas \"a\" and \"c\" map to the same destination "
        "schema \"same\"");
    EXPECT_EQ(Parse(head + "    schema_mappings: {a: " + std::string(63, 'x') + "}\n")
                  .sources[0]
                  .schema_mappings[0]
                  .second.size(),
              63u);
}

TEST(ConfigValues, DestinationsMayRepeatAcrossSources) {
    // add_source checks destinations against the catalogue; within one file two sources may
    // share a destination until both are added.
    cfg::Configuration c = Parse(kMinimal + "  other:\n    type: mysql\n    db_conn: {user: u}\n"
                                            "    schema_mappings: {x: sakila_pg}\n");
    EXPECT_EQ(c.sources.size(), 2u);
}

TEST(ConfigValues, TableLists) {
    ExpectParseError(SourceWith("limit_tables: [shop.orders, orders]\n"),
                     "sources.mysql.limit_tables[1]: expected \"schema.table\", got \"orders\"");
    ExpectParseError(SourceWith("skip_tables: [a.b.c]\n"),
                     "sources.mysql.skip_tables[0]: expected \"schema.table\", got \"a.b.c\"");
    ExpectParseError(SourceWith("skip_tables: [.b]\n"),
                     "sources.mysql.skip_tables[0]: expected \"schema.table\", got \".b\"");
    ExpectParseError(SourceWith("limit_tables: [{a: b}]\n"),
                     "sources.mysql.limit_tables[0]: expected \"schema.table\", got a map");
    ExpectParseError(SourceWith("grant_select_to: [ro, '']\n"),
                     "sources.mysql.grant_select_to[1]: expected a non-empty name, got \"\"");
    ExpectParseError(
        SourceWith("skip_events:\n  delete: [a.b.c]\n"),
        "sources.mysql.skip_events.delete[0]: expected \"schema\" or \"schema.table\", got \"a.b.c\"");
    ExpectParseError("type_override:\n  int: {override_to: bigint, override_tables: [x]}\n",
                     "type_override.int.override_tables[0]: expected \"schema.table\" or \"*\", got \"x\"");
    ExpectParseError("fillfactor:\n  '50': {tables: ['*']}\n",
                     "fillfactor.50.tables[0]: expected \"schema.table\", got \"*\"");
    cfg::Configuration c = Parse(SourceWith("skip_events:\n  update: [shop, crm.contacts]\n"));
    EXPECT_EQ(c.sources[0].skip_events.update_targets, (std::vector<std::string>{"shop", "crm.contacts"}));
}

TEST(ConfigValues, UpgradeLeaveSources) {
    ExpectParseError(SourceWith("upgrade_leave_sources: legacy\n"),
                     "sources.mysql.upgrade_leave_sources: expected a list, got \"legacy\"");
    ExpectParseError(SourceWith("upgrade_leave_sources: [legacy, '']\n"),
                     "sources.mysql.upgrade_leave_sources[1]: expected a non-empty name, got \"\"");
    ExpectParseError(SourceWith("upgrade_leave_sources: [legacy, crm, legacy]\n"),
                     "sources.mysql.upgrade_leave_sources[2]: 1.x source \"legacy\" is listed twice");
    cfg::Configuration c = Parse(SourceWith("upgrade_leave_sources:\n  - legacy\n"));
    EXPECT_EQ(c.sources[0].upgrade_leave_sources, std::vector<std::string>{"legacy"});
}

TEST(ConfigValues, FillFactorKeys) {
    ExpectParseError("fillfactor:\n  '5': {tables: [a.b]}\n",
                     "fillfactor: expected fillfactors from 10 to 100 as keys, got \"5\"");
    ExpectParseError("fillfactor:\n  101: {tables: [a.b]}\n",
                     "fillfactor: expected fillfactors from 10 to 100 as keys, got \"101\"");
    ExpectParseError("fillfactor:\n  '*': {tables: [a.b]}\n",
                     "fillfactor: expected fillfactors from 10 to 100 as keys, got \"*\"");
    cfg::Configuration c = Parse("fillfactor:\n  10: {tables: [a.b]}\n  100: {tables: }\n");
    ASSERT_EQ(c.fillfactor.size(), 2u);
    EXPECT_EQ(c.fillfactor[0].fillfactor, 10);
    EXPECT_EQ(c.fillfactor[1].fillfactor, 100);
    EXPECT_TRUE(c.fillfactor[1].tables.empty());
}

TEST(ConfigValues, TypeOverrideLikeTheReference) {
    cfg::Configuration c =
        Parse("type_override: {\"tinyint(1)\": {override_to: boolean, override_tables: [\"*\"]},"
              " \"enum('a','b')\": {override_to: text, override_tables: [s.t1, s.t2]}}\n");
    ASSERT_EQ(c.type_override.size(), 2u);
    EXPECT_EQ(c.type_override[1].column_type, "enum('a','b')");
    EXPECT_EQ(c.type_override[1].override_to, "text");
    EXPECT_EQ(c.type_override[1].override_tables, (std::vector<std::string>{"s.t1", "s.t2"}));
    EXPECT_EQ(cfg::EffectiveSettings(c).at(0).value,
              "tinyint(1) -> boolean for [*]; enum('a','b') -> text for [s.t1, s.t2]");
    ExpectParseError("type_override:\n  int: {override_to: '', override_tables: ['*']}\n",
                     "type_override.int.override_to: expected a non-empty string, got \"\"");
}

TEST(ConfigValues, IgnoredKeysTakeAnyValue) {
    cfg::Configuration c = Parse("pg_conn:\nlog_level: [a, b]\nlog_days_keep: {x: 1}\n");
    EXPECT_EQ(c.ignored_keys, (std::vector<std::string>{"pg_conn", "log_level", "log_days_keep"}));
    EXPECT_EQ(c.ignored_values, (std::vector<std::string>{"", "[a, b]", "{x: 1}"}));
}

TEST(ConfigValues, MergeKeysWorkAsInPyYaml) {
    cfg::Configuration c = Parse("sources:\n"
                                 "  one: &base\n"
                                 "    type: mysql\n"
                                 "    db_conn: {user: u, port: 3307}\n"
                                 "    schema_mappings: {a: a_pg}\n"
                                 "    copy_jobs: 4\n"
                                 "  two:\n"
                                 "    <<: *base\n"
                                 "    schema_mappings: {b: b_pg}\n");
    ASSERT_EQ(c.sources.size(), 2u);
    const cfg::SourceConfig &two = c.Source("two");
    EXPECT_EQ(two.db_conn.port, 3307);
    EXPECT_EQ(two.copy_jobs, 4);
    EXPECT_EQ(two.schema_mappings.at(0).first, "b");
    ExpectParseError("sources:\n  one:\n    <<: 5\n",
                     "sources.one.<<: expected a map or a list of maps to merge, got \"5\"");
}

// ---------------------------------------------------------------------------------------------
// Configuration names
// ---------------------------------------------------------------------------------------------

TEST(ConfigName, ValidNames) {
    for (const char *name : {"default", "prod-1", "a_b.c", "X9"})
        EXPECT_NO_THROW(cfg::CheckConfigName(name)) << name;
}

TEST(ConfigName, InvalidNamesAreRefusedWith22023) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "A configuration name must not be empty."},
        {"../etc/passwd", "A configuration name must not start with \".\"."},
        {".hidden", "A configuration name must not start with \".\"."},
        {"a/b", "A configuration name must not contain \"/\"."},
        {"a..b", "A configuration name must not contain \"..\"."},
        {"a b", "A configuration name may contain only ASCII letters, digits, \"_\", \"-\" and \".\"."},
        {"caf\xc3\xa9",
         "A configuration name may contain only ASCII letters, digits, \"_\", \"-\" and \".\"."},
        {std::string(201, 'a'), "A configuration name must be at most 200 characters long."},
    };
    for (const auto &[name, detail] : cases) {
        chameleon::Error e = ErrorOf([&] { cfg::CheckConfigName(name); });
        EXPECT_EQ(e.what(), "invalid configuration name \"" + name + "\"");
        EXPECT_STREQ(e.SqlState(), "22023");
        EXPECT_EQ(e.Detail(), detail) << name;
    }
}

// ---------------------------------------------------------------------------------------------
// Files: existence, reading, permissions
// ---------------------------------------------------------------------------------------------

class ConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/chameleon_config_test.XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string Write(const std::string &name, const std::string &text, mode_t mode) {
        std::string path = dir_ + "/" + name + ".yml";
        std::ofstream(path) << text;
        EXPECT_EQ(chmod(path.c_str(), mode), 0);
        return path;
    }
    chameleon::Error LoadError(const std::string &name) {
        return ErrorOf([&] { cfg::LoadConfiguration(dir_, name); });
    }

    std::string dir_;
};

TEST_F(ConfigFile, LoadsAFileOfMode0600) {
    std::string path = Write("prod-1", kPgChameleonFile, 0600);
    cfg::Configuration c = cfg::LoadConfiguration(dir_, "prod-1");
    EXPECT_EQ(c.name, "prod-1");
    EXPECT_EQ(c.path, path);
    EXPECT_EQ(c.Source("mysql").db_conn.password, "my_secret");
    // A trailing slash on the directory gives the same path.
    EXPECT_EQ(cfg::LoadConfiguration(dir_ + "/", "prod-1").path, path);
}

TEST_F(ConfigFile, MissingFile) {
    chameleon::Error e = LoadError("nope");
    EXPECT_EQ(e.what(), "configuration file \"" + dir_ + "/nope.yml\": file does not exist");
    EXPECT_STREQ(e.SqlState(), "F0000");
    EXPECT_EQ(
        e.Hint(),
        "Run chameleon.set_configuration_files(), then copy config-example.yml to nope.yml and edit it.");
}

TEST_F(ConfigFile, NotARegularFile) {
    ASSERT_EQ(mkdir((dir_ + "/adir.yml").c_str(), 0700), 0);
    chameleon::Error e = LoadError("adir");
    EXPECT_EQ(e.what(), "configuration file \"" + dir_ + "/adir.yml\": not a regular file");
    EXPECT_STREQ(e.SqlState(), "F0000");
}

TEST_F(ConfigFile, UnreadableFile) {
    if (geteuid() == 0)
        GTEST_SKIP() << "root reads files of any mode; run the binary as an unprivileged user for this test";
    Write("locked", kMinimal, 0000);
    chameleon::Error e = LoadError("locked");
    EXPECT_EQ(e.what(),
              "configuration file \"" + dir_ + "/locked.yml\": could not open file: Permission denied");
    EXPECT_STREQ(e.SqlState(), "F0000");
}

TEST_F(ConfigFile, ParseErrorsNameTheRealPath) {
    Write("broken", "sources: [\n", 0600);
    chameleon::Error e = LoadError("broken");
    EXPECT_EQ(e.what(),
              "configuration file \"" + dir_ +
                  "/broken.yml\": invalid YAML at line 2, column 1: end of sequence flow not found");
}

TEST_F(ConfigFile, BadNameIsRefusedBeforeAnyFileAccess) {
    chameleon::Error e = LoadError("../x");
    EXPECT_STREQ(e.what(), "invalid configuration name \"../x\"");
    EXPECT_STREQ(e.SqlState(), "22023");
}

TEST_F(ConfigFile, PasswordInAFileReadableByOthersIsRefused) {
    for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610}) {
        std::string path = Write("open", SourceWith("", "password: secret\n"), mode);
        chameleon::Error e = LoadError("open");
        EXPECT_EQ(e.what(), "configuration file \"" + path +
                                "\" contains a password and is readable by group or others");
        EXPECT_STREQ(e.SqlState(), "F0000");
        char mode_text[8];
        std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(mode));
        EXPECT_EQ(e.Detail(), std::string("The file's mode is ") + mode_text + ".");
        EXPECT_EQ(e.Hint(), "Run chmod 0600 on it.");
        EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
    }
}

TEST_F(ConfigFile, PgConnPasswordCountsToo) {
    std::string path = Write("pgconn", "pg_conn: {user: u, password: pw}\n", 0644);
    chameleon::Error e = LoadError("pgconn");
    EXPECT_EQ(e.what(),
              "configuration file \"" + path + "\" contains a password and is readable by group or others");
}

TEST_F(ConfigFile, NoPasswordOrPrivateFileIsFine) {
    Write("nopw", kMinimal, 0644);
    EXPECT_EQ(cfg::LoadConfiguration(dir_, "nopw").sources.size(), 1u);
    Write("emptypw", SourceWith("", "password: ''\n") + "pg_conn: {password: ''}\n", 0644);
    EXPECT_EQ(cfg::LoadConfiguration(dir_, "emptypw").sources.size(), 1u);
    Write("private", SourceWith("", "password: secret\n"), 0400);
    EXPECT_EQ(cfg::LoadConfiguration(dir_, "private").sources[0].db_conn.password, "secret");
    Write("exec", SourceWith("", "password: secret\n"), 0700);
    EXPECT_EQ(cfg::LoadConfiguration(dir_, "exec").sources[0].db_conn.password, "secret");
}

TEST(ConfigRename, TablesAndColumnsShownOneRowEach) {
    cfg::Configuration c =
        Parse(SourceWith("rename:\n  shop.orders: orders_mysql\n  shop.orders.xmin: xmin_mysql\n"));
    const cfg::SourceConfig &s = c.Source("mysql");
    ASSERT_EQ(s.rename.size(), 2u);
    EXPECT_EQ(s.rename[0].schema, "shop");
    EXPECT_EQ(s.rename[0].table, "orders");
    EXPECT_EQ(s.rename[0].column, "");
    EXPECT_EQ(s.rename[0].to, "orders_mysql");
    EXPECT_EQ(s.rename[1].column, "xmin");
    EXPECT_EQ(s.rename[1].to, "xmin_mysql");
    int shown = 0;
    for (const cfg::Setting &row : cfg::EffectiveSettings(c)) {
        if (row.key == "rename.shop.orders") {
            EXPECT_EQ(row.value, "orders_mysql");
            EXPECT_EQ(row.origin, "file");
            ++shown;
        } else if (row.key == "rename.shop.orders.xmin") {
            EXPECT_EQ(row.value, "xmin_mysql");
            ++shown;
        }
    }
    EXPECT_EQ(shown, 2);
}

TEST(ConfigRename, BadKeysAndNamesRefused) {
    ExpectParseError(
        SourceWith("rename: [a]\n"),
        "sources.mysql.rename: expected a map of \"schema.table\" or \"schema.table.column\" to a "
        "PostgreSQL name, got a list");
    ExpectParseError(
        SourceWith("rename:\n  orders: x\n"),
        "sources.mysql.rename: expected \"schema.table\" or \"schema.table.column\" as keys, got "
        "\"orders\"");
    ExpectParseError(
        SourceWith("rename:\n  a.b.c.d: x\n"),
        "sources.mysql.rename: expected \"schema.table\" or \"schema.table.column\" as keys, got "
        "\"a.b.c.d\"");
    ExpectParseError(SourceWith("rename:\n  a.b: ''\n"),
                     "sources.mysql.rename.a.b: expected a non-empty PostgreSQL name, got \"\"");
    ExpectParseError(SourceWith("rename:\n  a.b: " + std::string(64, 'n') + "\n"),
                     "sources.mysql.rename.a.b: expected a PostgreSQL name of at most 63 bytes, got \"" +
                         std::string(60, 'n') + "...\"");
    ExpectParseError(
        SourceWith("rename:\n  a.b.c: xmin\n"),
        "sources.mysql.rename.a.b.c: expected a name that is not a PostgreSQL system column's, got "
        "\"xmin\"");
}

} // namespace
