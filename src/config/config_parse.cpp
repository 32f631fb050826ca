// The configuration keys, described once in tables: each entry knows how to read its key from YAML
// and how to show its effective value. ParseConfiguration and EffectiveSettings both walk the tables.
#include "config/config_internal.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <set>

namespace chameleon::config {
namespace internal {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
constexpr std::size_t kMaxPostgresName = 63; // NAMEDATALEN - 1: longer names are truncated

// One row of EffectiveSettings before its origin is known. `presence` is the key path (relative to
// the source or to the top level) whose presence in the file makes the origin "file".
struct Row {
    std::string key;
    std::string value;
    std::string presence;
};
using Rows = std::vector<Row>;

// Describes one key of a YAML map that is read into a T.
template <typename T>
struct KeySpec {
    std::string name;
    std::function<void(const Value &, T &)> parse;
    // Appends this key's rows; `key` is its path relative to the source or the top level. May be
    // empty for keys that are not shown.
    std::function<void(const T &, const std::string &key, Rows &)> show;
    bool required = false;
    bool takes_null = false; // parse also a null value (otherwise null means "use the default")
};

template <typename T>
using KeyTable = std::vector<KeySpec<T>>;

template <typename T>
KeySpec<T> Required(KeySpec<T> spec) {
    spec.required = true;
    return spec;
}

// ---- key kinds ----

// A key shown as a single row whose value is `format(target)`.
template <typename T>
KeySpec<T> SingleRowKey(const char *name, std::function<void(const Value &, T &)> parse,
                        std::function<std::string(const T &)> format) {
    return {name, std::move(parse), [format](const T &t, const std::string &key, Rows &rows) {
                rows.push_back({key, format(t), key});
            }};
}

template <typename T>
KeySpec<T> TextKey(const char *name, std::string T::*field) {
    return SingleRowKey<T>(
        name, [field](const Value &v, T &t) { t.*field = v.AsNonEmptyText(); },
        [field](const T &t) { return t.*field; });
}

template <typename T>
KeySpec<T> PasswordKey(const char *name, std::string T::*field) {
    return SingleRowKey<T>(
        name, [field](const Value &v, T &t) { t.*field = v.AsText(); },
        [field](const T &t) { return (t.*field).empty() ? std::string() : kMaskedPassword; });
}

template <typename T, typename I>
KeySpec<T> IntegerKey(const char *name, I T::*field, int64_t min, int64_t max) {
    return SingleRowKey<T>(
        name, [=](const Value &v, T &t) { t.*field = static_cast<I>(v.AsInteger(min, max)); },
        [field](const T &t) { return std::to_string(t.*field); });
}

template <typename T>
KeySpec<T> BooleanKey(const char *name, bool T::*field) {
    return SingleRowKey<T>(
        name, [field](const Value &v, T &t) { t.*field = v.AsBoolean(); },
        [field](const T &t) { return std::string(t.*field ? "true" : "false"); });
}

template <typename T>
KeySpec<T> ChoiceKey(const char *name, std::string T::*field, std::vector<std::string> choices) {
    return SingleRowKey<T>(
        name, [field, choices](const Value &v, T &t) { t.*field = v.AsChoice(choices); },
        [field](const T &t) { return t.*field; });
}

template <typename T>
KeySpec<T> SizeKey(const char *name, int64_t T::*field) {
    return SingleRowKey<T>(
        name, [field](const Value &v, T &t) { t.*field = v.AsSize(); },
        [field](const T &t) { return FormatSize(t.*field); });
}

template <typename T>
KeySpec<T> ListKey(const char *name, std::vector<std::string> T::*field, ItemForm form) {
    return SingleRowKey<T>(
        name, [field, form](const Value &v, T &t) { t.*field = v.AsList(form); },
        [field](const T &t) { return FormatList(t.*field); });
}

template <typename T>
void ParseMap(const Value &map, const KeyTable<T> &table, T &target);
template <typename T>
void ShowMap(const KeyTable<T> &table, const T &target, const std::string &prefix, Rows &rows);

// A map of its own keys (db_conn, skip_events), shown as "<name>.<key>" rows.
template <typename T, typename N>
KeySpec<T> NestedKey(const char *name, N T::*field, const KeyTable<N> &(*table)()) {
    return {name, [field, table](const Value &v, T &t) { ParseMap(v, table(), t.*field); },
            [field, table](const T &t, const std::string &key, Rows &rows) {
                ShowMap(table(), t.*field, key + ".", rows);
            }};
}

// ---- the generic map walk ----

const Value *Find(const Entries &entries, const std::string &key) {
    for (const auto &entry : entries) {
        if (entry.first == key)
            return &entry.second;
    }
    return nullptr;
}

std::string JoinNames(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

void CheckKnownKeys(const Value &map, const Entries &entries, const std::vector<std::string> &names) {
    for (const auto &[key, value] : entries) {
        if (std::find(names.begin(), names.end(), key) != names.end())
            continue;
        std::string nearest = NearestWord(key, names);
        std::string where = map.Path().empty() ? "at the top level" : "in " + map.Path();
        value.Fail("unknown key", "Keys allowed " + where + ": " + JoinNames(names) + ".",
                   nearest.empty() ? "" : "Did you mean \"" + nearest + "\"?");
    }
}

// A required key is missing; if a nested map holds a key of that name, the indentation is off.
[[noreturn]] void FailMissing(const Value &map, const Entries &entries, const std::string &name) {
    std::string hint;
    for (const auto &entry : entries) {
        if (FindKey(entry.second.Node(), name))
            hint = "A \"" + name + "\" key is under \"" + entry.second.Path() + "\"; check its indentation.";
    }
    map.Child(name, YAML::Node()).Fail("required key is missing", "", hint);
}

// Reads the keys of `map` into `target`: unknown keys first, then missing required keys, then each
// present key in table order (so that `type` is judged before the keys that depend on it).
template <typename T>
void ParseMap(const Value &map, const KeyTable<T> &table, T &target) {
    Entries entries = map.AsEntries();
    std::vector<std::string> names;
    for (const auto &spec : table)
        names.push_back(spec.name);
    CheckKnownKeys(map, entries, names);
    for (const auto &spec : table) {
        if (spec.required && Find(entries, spec.name) == nullptr)
            FailMissing(map, entries, spec.name);
    }
    for (const auto &spec : table) {
        const Value *value = Find(entries, spec.name);
        if (value == nullptr || (value->IsNull() && !spec.required && !spec.takes_null))
            continue;
        if (!value->IsNull())
            value->MarkPresent();
        spec.parse(*value, target);
    }
}

template <typename T>
void ShowMap(const KeyTable<T> &table, const T &target, const std::string &prefix, Rows &rows) {
    for (const auto &spec : table) {
        if (spec.show)
            spec.show(target, prefix + spec.name, rows);
    }
}

// ---- keys with their own rules ----

void ParseSourceType(const Value &value, SourceConfig &source) {
    if (value.Node().IsScalar() && value.Node().Scalar() == "pgsql") {
        value.Fail("source type \"pgsql\" is not supported by chameleon; expected mysql",
                   "chameleon replicates from MySQL and MariaDB; pg_chameleon's experimental PostgreSQL "
                   "sources have no equivalent.");
    }
    source.type = value.AsChoice({"mysql"});
}

void ParseSchemaMappings(const Value &value, SourceConfig &source) {
    static const std::string kExpected = "a non-empty map of MySQL schema to PostgreSQL schema";
    if (!value.Node().IsMap())
        value.FailExpected(kExpected);
    Entries entries = value.AsEntries();
    if (entries.empty())
        value.FailExpected(kExpected);
    for (const auto &[origin, target] : entries) {
        if (!target.Node().IsScalar() || target.Node().Scalar().empty())
            target.FailExpected("a non-empty PostgreSQL schema name");
        const std::string &destination = target.Node().Scalar();
        if (destination.size() > kMaxPostgresName)
            target.FailExpected("a PostgreSQL schema name of at most 63 bytes");
        for (const auto &[other_origin, other_destination] : source.schema_mappings) {
            if (other_destination == destination)
                value.Fail("origin schemas \"" + other_origin + "\" and \"" + origin +
                           "\" map to the same destination schema \"" + destination + "\"");
        }
        source.schema_mappings.emplace_back(origin, destination);
    }
}

// A list of 1.x source names, each once.
void ParseLeaveSources(const Value &value, SourceConfig &source) {
    std::vector<std::string> names = value.AsList(ItemForm::kName);
    for (std::size_t i = 1; i < names.size(); ++i) {
        auto earlier_end = names.begin() + static_cast<std::ptrdiff_t>(i);
        if (std::find(names.begin(), earlier_end, names[i]) != earlier_end)
            value.Item(i, value.Node()[i]).Fail("1.x source \"" + names[i] + "\" is listed twice");
    }
    source.upgrade_leave_sources = std::move(names);
}

// rename: {"schema.table": name, "schema.table.column": name}. MySQL names holding a dot cannot be
// written here. The PostgreSQL name must fit in 63 bytes and not be a system column's.
void ParseRenames(const Value &value, SourceConfig &source) {
    if (!value.Node().IsMap())
        value.FailExpected("a map of \"schema.table\" or \"schema.table.column\" to a PostgreSQL name");
    for (const auto &[key, target] : value.AsEntries()) {
        Rename rename;
        const size_t first = key.find('.');
        const size_t second = first == std::string::npos ? std::string::npos : key.find('.', first + 1);
        const size_t third = second == std::string::npos ? std::string::npos : key.find('.', second + 1);
        if (first == std::string::npos || third != std::string::npos)
            value.Fail("expected \"schema.table\" or \"schema.table.column\" as keys, got \"" + key + "\"");
        rename.schema = key.substr(0, first);
        rename.table =
            key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
        if (second != std::string::npos)
            rename.column = key.substr(second + 1);
        if (rename.schema.empty() || rename.table.empty() ||
            (second != std::string::npos && rename.column.empty()))
            value.Fail("expected \"schema.table\" or \"schema.table.column\" as keys, got \"" + key + "\"");
        if (!target.Node().IsScalar() || target.Node().Scalar().empty())
            target.FailExpected("a non-empty PostgreSQL name");
        rename.to = target.Node().Scalar();
        if (rename.to.size() > kMaxPostgresName)
            target.FailExpected("a PostgreSQL name of at most 63 bytes");
        static const std::set<std::string> kSystem = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"};
        if (!rename.column.empty() && kSystem.count(rename.to) > 0)
            target.FailExpected("a name that is not a PostgreSQL system column's");
        source.rename.push_back(std::move(rename));
    }
}

void ShowRenames(const SourceConfig &source, const std::string &key, Rows &rows) {
    for (const Rename &r : source.rename)
        rows.push_back(
            {key + "." + r.schema + "." + r.table + (r.column.empty() ? "" : "." + r.column), r.to, key});
}

void ShowSchemaMappings(const SourceConfig &source, const std::string &key, Rows &rows) {
    for (const auto &[origin, destination] : source.schema_mappings)
        rows.push_back({key + "." + origin, destination, key});
}

const KeyTable<DbConn> &DbConnKeys() {
    static const KeyTable<DbConn> table = {
        TextKey("host", &DbConn::host),
        IntegerKey("port", &DbConn::port, 1, 65535),
        Required(TextKey("user", &DbConn::user)),
        PasswordKey("password", &DbConn::password),
        TextKey("charset", &DbConn::charset),
        IntegerKey("connect_timeout", &DbConn::connect_timeout, 1, kMaxInt),
        IntegerKey("read_timeout", &DbConn::read_timeout, 1, kMaxInt),
    };
    return table;
}

const KeyTable<SkipEvents> &SkipEventsKeys() {
    static const KeyTable<SkipEvents> table = {
        ListKey("insert", &SkipEvents::insert_targets, ItemForm::kSchemaOrTable),
        ListKey("update", &SkipEvents::update_targets, ItemForm::kSchemaOrTable),
        ListKey("delete", &SkipEvents::delete_targets, ItemForm::kSchemaOrTable),
    };
    return table;
}

const KeyTable<SourceConfig> &SourceKeys() {
    static const std::vector<std::string> kOnError = {"continue", "exit"};
    static const KeyTable<SourceConfig> table = {
        Required(SingleRowKey<SourceConfig>("type", ParseSourceType,
                                            [](const SourceConfig &s) { return s.type; })),
        Required(NestedKey("db_conn", &SourceConfig::db_conn, DbConnKeys)),
        Required(KeySpec<SourceConfig>{"schema_mappings", ParseSchemaMappings, ShowSchemaMappings}),
        ListKey("limit_tables", &SourceConfig::limit_tables, ItemForm::kTable),
        ListKey("skip_tables", &SourceConfig::skip_tables, ItemForm::kTable),
        ListKey("grant_select_to", &SourceConfig::grant_select_to, ItemForm::kName),
        TextKey("lock_timeout", &SourceConfig::lock_timeout),
        IntegerKey("my_server_id", &SourceConfig::my_server_id, 1, 4294967295LL),
        IntegerKey("replica_batch_size", &SourceConfig::replica_batch_size, 1, kMaxInt),
        IntegerKey("replay_max_rows", &SourceConfig::replay_max_rows, 1, kMaxInt),
        TextKey("batch_retention", &SourceConfig::batch_retention),
        SizeKey("copy_max_memory", &SourceConfig::copy_max_memory),
        ChoiceKey("copy_mode", &SourceConfig::copy_mode, {"file", "direct"}),
        IntegerKey("copy_jobs", &SourceConfig::copy_jobs, 1, 64),
        TextKey("out_dir", &SourceConfig::out_dir),
        IntegerKey("sleep_loop", &SourceConfig::sleep_loop, 1, kMaxInt),
        ChoiceKey("on_error_replay", &SourceConfig::on_error_replay, kOnError),
        ChoiceKey("on_error_read", &SourceConfig::on_error_read, kOnError),
        ChoiceKey("on_error_ddl", &SourceConfig::on_error_ddl, {"table", "source"}),
        ChoiceKey("on_error_copy", &SourceConfig::on_error_copy, {"exit", "skip"}),
        ChoiceKey("zero_dates", &SourceConfig::zero_dates, {"null", "-infinity"}),
        ChoiceKey("nul_bytes", &SourceConfig::nul_bytes, {"error", "strip"}),
        TextKey("auto_maintenance", &SourceConfig::auto_maintenance),
        BooleanKey("gtid_enable", &SourceConfig::gtid_enable),
        NestedKey("skip_events", &SourceConfig::skip_events, SkipEventsKeys),
        BooleanKey("keep_existing_schema", &SourceConfig::keep_existing_schema),
        IntegerKey("net_read_timeout", &SourceConfig::net_read_timeout, 1, kMaxInt),
        SingleRowKey<SourceConfig>("upgrade_leave_sources", ParseLeaveSources,
                                   [](const SourceConfig &s) { return FormatList(s.upgrade_leave_sources); }),
        KeySpec<SourceConfig>{"rename", ParseRenames, ShowRenames},
    };
    return table;
}

const KeyTable<TypeOverride> &TypeOverrideKeys() {
    static const KeyTable<TypeOverride> table = {
        Required(TextKey("override_to", &TypeOverride::override_to)),
        Required(ListKey("override_tables", &TypeOverride::override_tables, ItemForm::kTableOrStar)),
    };
    return table;
}

const KeyTable<FillFactor> &FillFactorKeys() {
    static const KeyTable<FillFactor> table = {
        Required(ListKey("tables", &FillFactor::tables, ItemForm::kTable)),
    };
    return table;
}

void ParseTypeOverrides(const Value &value, Configuration &configuration) {
    for (const auto &[column_type, rule] : value.AsEntries()) {
        TypeOverride entry;
        entry.column_type = column_type;
        ParseMap(rule, TypeOverrideKeys(), entry);
        configuration.type_override.push_back(std::move(entry));
    }
}

void ShowTypeOverrides(const Configuration &configuration, const std::string &key, Rows &rows) {
    std::string text;
    for (const TypeOverride &entry : configuration.type_override) {
        text += (text.empty() ? "" : "; ") + entry.column_type + " -> " + entry.override_to + " for " +
                FormatList(entry.override_tables);
    }
    rows.push_back({key, text.empty() ? "(none)" : text, key});
}

void ParseFillFactors(const Value &value, Configuration &configuration) {
    for (const auto &[level, rule] : value.AsEntries()) {
        FillFactor entry;
        std::optional<int64_t> number = ParseDecimal(level);
        if (!number || *number < 10 || *number > 100)
            value.Fail("expected fillfactors from 10 to 100 as keys, got \"" + level + "\"");
        entry.fillfactor = static_cast<int>(*number);
        ParseMap(rule, FillFactorKeys(), entry);
        configuration.fillfactor.push_back(std::move(entry));
    }
}

void ShowFillFactors(const Configuration &configuration, const std::string &key, Rows &rows) {
    std::string text;
    for (const FillFactor &entry : configuration.fillfactor)
        text += (text.empty() ? "" : "; ") + std::to_string(entry.fillfactor) + " for " +
                FormatList(entry.tables);
    rows.push_back({key, text.empty() ? "(none)" : text, key});
}

void ParseSources(const Value &value, Configuration &configuration) {
    for (const auto &[name, body] : value.AsEntries()) {
        SourceConfig source;
        source.name = name;
        ParseMap(body, SourceKeys(), source);
        configuration.sources.push_back(std::move(source));
    }
}

// pg_chameleon keys that mean nothing in-process: accepted whatever their value, and reported.
KeySpec<Configuration> IgnoredKey(const char *name) {
    KeySpec<Configuration> spec{name,
                                [name](const Value &v, Configuration &c) {
                                    c.ignored_keys.push_back(name);
                                    c.ignored_values.push_back(RenderCompact(v.Node()));
                                },
                                nullptr};
    spec.takes_null = true;
    return spec;
}

const KeyTable<Configuration> &GlobalKeys() {
    static const KeyTable<Configuration> table = {
        {"type_override", ParseTypeOverrides, ShowTypeOverrides},
        {"fillfactor", ParseFillFactors, ShowFillFactors},
        {"sources", ParseSources, nullptr},
        IgnoredKey("pg_conn"),
        IgnoredKey("pid_dir"),
        IgnoredKey("log_dir"),
        IgnoredKey("log_dest"),
        IgnoredKey("log_level"),
        IgnoredKey("log_days_keep"),
        IgnoredKey("rollbar_key"),
        IgnoredKey("rollbar_env"),
    };
    return table;
}

// The one YAML document of the file; syntax errors carry yaml-cpp's line and column.
YAML::Node LoadSingleDocument(const std::string &yaml_text, const std::string &file_label) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(yaml_text);
    } catch (const YAML::Exception &e) {
        std::string where;
        if (!e.mark.is_null())
            where = " at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1);
        FailFile(file_label, "invalid YAML" + where + ": " + e.msg);
    }
    if (documents.empty())
        FailFile(file_label, "expected a map at the top level, got an empty document");
    if (documents.size() > 1)
        FailFile(file_label, "expected one YAML document, got " + std::to_string(documents.size()));
    return documents.front();
}

void AppendSettings(const Rows &rows, const std::string &source, const std::string &path_prefix,
                    const std::set<std::string> &keys_in_file, std::vector<Setting> &settings) {
    for (const Row &row : rows) {
        bool in_file = keys_in_file.count(path_prefix + row.presence) > 0;
        settings.push_back({source, row.key, row.value, in_file ? "file" : "default"});
    }
}

} // namespace

ParsedDocument ParseDocument(const std::string &yaml_text, const std::string &name,
                             const std::string &file_label) {
    ParsedDocument document;
    document.configuration.name = name;
    document.configuration.path = file_label;
    document.root = LoadSingleDocument(yaml_text, file_label);
    ParseContext context{file_label, &document.configuration.keys_in_file};
    Value root(document.root, "", &context);
    if (!document.root.IsMap())
        FailFile(file_label, "expected a map at the top level, got " + root.Describe());
    ParseMap(root, GlobalKeys(), document.configuration);
    return document;
}

bool HoldsPassword(const ParsedDocument &document) {
    for (const SourceConfig &source : document.configuration.sources) {
        if (!source.db_conn.password.empty())
            return true;
    }
    std::optional<YAML::Node> pg_conn = FindKey(document.root, "pg_conn");
    std::optional<YAML::Node> password = pg_conn ? FindKey(*pg_conn, "password") : std::nullopt;
    return password && password->IsScalar() && !password->Scalar().empty();
}

} // namespace internal

Configuration ParseConfiguration(const std::string &yaml_text, const std::string &name,
                                 const std::string &file_label) {
    return internal::ParseDocument(yaml_text, name, file_label).configuration;
}

std::vector<Setting> EffectiveSettings(const Configuration &configuration) {
    using namespace internal;
    std::vector<Setting> settings;
    Rows global_rows;
    ShowMap(GlobalKeys(), configuration, "", global_rows);
    AppendSettings(global_rows, "", "", configuration.keys_in_file, settings);
    for (std::size_t i = 0; i < configuration.ignored_keys.size(); ++i)
        settings.push_back({"", configuration.ignored_keys[i], configuration.ignored_values[i], "ignored"});
    for (const SourceConfig &source : configuration.sources) {
        Rows rows;
        ShowMap(SourceKeys(), source, "", rows);
        AppendSettings(rows, source.name, "sources." + source.name + ".", configuration.keys_in_file,
                       settings);
    }
    return settings;
}

const SourceConfig &Configuration::Source(const std::string &source) const {
    std::vector<std::string> names;
    for (const SourceConfig &candidate : sources) {
        if (candidate.name == source)
            return candidate;
        names.push_back(candidate.name);
    }
    std::string detail = names.empty() ? "The file defines no sources."
                                       : "Sources defined in the file: " + internal::JoinNames(names) + ".";
    std::string nearest = internal::NearestWord(source, names);
    throw Error("configuration file \"" + path + "\": no source named \"" + source + "\"",
                sqlstate::kUndefinedObject, detail,
                nearest.empty() ? "" : "Did you mean \"" + nearest + "\"?");
}

} // namespace chameleon::config
