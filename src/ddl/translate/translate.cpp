#include "ddl/translate/translate.hpp"

#include "common/error.hpp"
#include "ddl/names.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/translate/definition.hpp"

#include <algorithm>
#include <set>

namespace chameleon::ddl::translate {

using parser::AlterKind;
using parser::AlterSpec;
using parser::TableName;

// ---- Registry ----

const MysqlTable *Registry::Find(const std::string &schema, const std::string &table) const {
    auto it = tables_.find({schema, table});
    return it == tables_.end() ? nullptr : &it->second;
}

std::vector<const MysqlTable *> Registry::InSchema(const std::string &schema) const {
    std::vector<const MysqlTable *> out;
    for (auto it = tables_.lower_bound({schema, ""}); it != tables_.end() && it->first.first == schema; ++it)
        out.push_back(&it->second);
    return out;
}

std::vector<const MysqlTable *> Registry::All() const {
    std::vector<const MysqlTable *> out;
    for (const auto &entry : tables_)
        out.push_back(&entry.second);
    return out;
}

void Registry::Put(MysqlTable table) {
    std::pair<std::string, std::string> key{table.schema, table.name};
    tables_[key] = std::move(table);
}

bool Registry::Erase(const std::string &schema, const std::string &table) {
    return tables_.erase({schema, table}) > 0;
}

void Registry::Apply(const Translation &translation) {
    if (translation.outcome != Outcome::kApplied)
        return;
    for (const TableChange &c : translation.changes) {
        switch (c.kind) {
            case ChangeKind::kCreate:
            case ChangeKind::kCreateFromRows:
            case ChangeKind::kAlter:
            case ChangeKind::kRename:
                Erase(c.schema, c.table);
                if (c.definition.has_value())
                    Put(*c.definition);
                break;
            case ChangeKind::kDrop:
            case ChangeKind::kStopReplicating:
                Erase(c.schema, c.table);
                break;
            case ChangeKind::kTruncate:
            case ChangeKind::kStartReplicating:
                break;
        }
    }
}

const char *ChangeKindName(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::kCreate:
            return "create";
        case ChangeKind::kCreateFromRows:
            return "create-from-rows";
        case ChangeKind::kAlter:
            return "alter";
        case ChangeKind::kRename:
            return "rename";
        case ChangeKind::kDrop:
            return "drop";
        case ChangeKind::kTruncate:
            return "truncate";
        case ChangeKind::kStopReplicating:
            return "stop-replicating";
        case ChangeKind::kStartReplicating:
            return "start-replicating";
    }
    return "?";
}

const char *OutcomeName(Outcome outcome) {
    switch (outcome) {
        case Outcome::kApplied:
            return "applied";
        case Outcome::kIgnored:
            return "ignored";
        case Outcome::kRefused:
            return "refused";
    }
    return "?";
}

namespace {

// Thrown inside the translator; Translate turns it into a kRefused Translation.
struct Refuse {
    size_t offset;
    std::string message;
};

std::string Cut(const std::string &text, size_t bytes) {
    return TruncateUtf8(text, bytes);
}

// DEFAULT clause text of a mapped column ("" when none).
std::string DefaultSql(const MappedColumn &m, const std::string &type) {
    if (m.default_value.has_value())
        return QuoteLiteral(*m.default_value) + "::" + type;
    return m.default_expression;
}

bool IsArrayType(const MappedColumn &m) {
    return m.pg_type.size() > 2 && m.pg_type.compare(m.pg_type.size() - 2, 2, "[]") == 0;
}

bool IsPlainText(const MappedColumn &m) {
    return m.kind == CopyKind::kText && !m.enum_type && m.pg_type != "jsonb";
}

// What a column holds, for type changes: PostgreSQL casts between some of these only.
enum class ValueClass { kNumber, kText, kBytes, kTemporal, kDuration, kBits, kOther };

ValueClass ClassOf(const MappedColumn &m) {
    switch (m.kind) {
        case CopyKind::kNumber:
        case CopyKind::kBitInteger:
            return m.pg_type == "boolean" ? ValueClass::kOther : ValueClass::kNumber;
        case CopyKind::kText:
            return m.enum_type || m.pg_type == "jsonb" ? ValueClass::kOther : ValueClass::kText;
        case CopyKind::kBytea:
        case CopyKind::kGeometryWkb:
            return ValueClass::kBytes;
        case CopyKind::kDate:
        case CopyKind::kDateTime:
        case CopyKind::kTimestampUtc:
            return ValueClass::kTemporal;
        case CopyKind::kTime:
            return ValueClass::kDuration;
        case CopyKind::kBitString:
            return ValueClass::kBits;
        default:
            return ValueClass::kOther;
    }
}

// Why the values of a `from` column cannot become `to` values in PostgreSQL ("" when they can):
// PostgreSQL has no cast, and MySQL's own conversion (20050102 → DATE, TIME → HHMMSS, an integer
// → the enum label of that index, ...) would need more than one.
std::string NoConversion(const MappedColumn &from, const MappedColumn &to) {
    const ValueClass f = ClassOf(from), t = ClassOf(to);
    if (f == t || f == ValueClass::kText || t == ValueClass::kText || t == ValueClass::kBytes ||
        IsArrayType(from) || IsArrayType(to))
        return "";
    if (f == ValueClass::kBytes)
        return t == ValueClass::kNumber || t == ValueClass::kOther ? "" : "binary data";
    const bool numeric_to_other =
        f == ValueClass::kNumber &&
        (t == ValueClass::kTemporal || t == ValueClass::kDuration || t == ValueClass::kBits || to.enum_type);
    const bool to_numeric =
        t == ValueClass::kNumber &&
        (f == ValueClass::kTemporal || f == ValueClass::kDuration || f == ValueClass::kBits);
    const bool time_date = (f == ValueClass::kTemporal && t == ValueClass::kDuration) ||
                           (f == ValueClass::kDuration && t == ValueClass::kTemporal);
    if (numeric_to_other || to_numeric || time_date)
        return "MySQL's conversion";
    return "";
}

// The USING expression converting column `qcol` from `from` to `to` (of type text `type`).
std::string UsingExpression(const MappedColumn &from, const MappedColumn &to, const std::string &qcol,
                            const std::string &type) {
    const std::string source = from.enum_type ? qcol + "::text" : qcol;
    if (IsArrayType(to) && !IsArrayType(from))
        return "pg_catalog.string_to_array(" + qcol + "::text, ',')::" + type;
    if (IsArrayType(from) && !IsArrayType(to))
        return "pg_catalog.array_to_string(" + qcol + ", ',')::" + type;
    if (from.pg_type == "bytea" && IsPlainText(to))
        return "pg_catalog.convert_from(" + qcol + ", 'UTF8')::" + type;
    if (to.pg_type == "bytea" && from.pg_type != "bytea")
        return "pg_catalog.convert_to(" + source + "::text, 'UTF8')";
    if (from.pg_type == "bytea")
        return "pg_catalog.convert_from(" + qcol + ", 'UTF8')::" + type;
    // Only a string type has an I/O cast to an enum type or jsonb.
    if ((to.enum_type || to.pg_type == "jsonb") && !from.enum_type && ClassOf(from) != ValueClass::kText)
        return source + "::text::" + type;
    return source + "::" + type;
}

// COLUMN_DEFAULT MySQL gives existing rows when a NOT NULL column without a default is added.
std::optional<std::string> ImplicitDefault(const MysqlColumn &c, DefaultStyle style) {
    const std::string &t = c.data_type;
    auto quoted = [&](const std::string &v) { return style == DefaultStyle::kMariaDb ? "'" + v + "'" : v; };
    if (c.json)
        return quoted("null");
    if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint" ||
        t == "decimal" || t == "float" || t == "double" || t == "year")
        return "0";
    if (t == "bit")
        return "b'0'";
    if (t == "date")
        return quoted("0000-00-00");
    if (t == "datetime" || t == "timestamp")
        return quoted("0000-00-00 00:00:00");
    if (t == "time")
        return quoted("00:00:00");
    if (t == "enum") {
        std::vector<std::string> labels = ParseEnumLabels(c.column_type);
        if (labels.empty())
            return std::nullopt;
        std::string escaped;
        for (char ch : labels[0])
            escaped += ch == '\'' ? std::string("''") : std::string(1, ch);
        return quoted(escaped);
    }
    if (t == "char" || t == "varchar" || t == "binary" || t == "varbinary" || t == "set" ||
        t.find("text") != std::string::npos || t.find("blob") != std::string::npos)
        return quoted("");
    return std::nullopt;
}

class Translator {
public:
    Translator(const Context &ctx, Translation &out) : ctx_(ctx), out_(out) {}

    void Run(const parser::StatementBody &body) {
        std::visit([this](const auto &s) { On(s); }, body);
    }

    // ALTER TABLE on a given definition, for ApplyAlterTable.
    MysqlTable AlterOnly(const MysqlTable &table, const parser::AlterTable &alter) {
        MysqlTable t = table;
        for (const AlterSpec &s : alter.specs) {
            if (s.kind != AlterKind::kRenameTable)
                AlterClause(t, table.schema, s);
        }
        for (const AlterSpec &s : alter.specs) {
            if (s.kind == AlterKind::kRenameTable) {
                t.name = s.new_table->name;
                if (!s.new_table->schema.empty())
                    t.schema = s.new_table->schema;
            }
        }
        return t;
    }

private:
    using Key = std::pair<std::string, std::string>;

    // ---- names and lookups ----

    std::string TableKeyName(const std::string &name) const {
        return ctx_.lower_case_table_names ? AsciiLower(name) : name;
    }

    std::string SchemaOf(const TableName &t, size_t offset) const {
        if (!t.schema.empty())
            return TableKeyName(t.schema);
        if (ctx_.current_schema.empty())
            throw Refuse{offset,
                         "table " + QuoteIdent(t.name) + " is not qualified and no database is selected"};
        return ctx_.current_schema;
    }

    std::optional<std::string> PgSchema(const std::string &schema) const {
        auto it = ctx_.schema_mappings.find(schema);
        if (it == ctx_.schema_mappings.end())
            return std::nullopt;
        return it->second;
    }

    bool Replicated(const std::string &schema, const std::string &table) const {
        return PgSchema(schema).has_value() && (!ctx_.replicated || ctx_.replicated(schema, table));
    }

    const MysqlTable *Lookup(const std::string &schema, const std::string &table) const {
        auto it = overlay_.find({schema, table});
        if (it != overlay_.end())
            return it->second.has_value() ? &*it->second : nullptr;
        return ctx_.registry != nullptr ? ctx_.registry->Find(schema, table) : nullptr;
    }

    SchemaNames &Names(const std::string &pg_schema) {
        auto it = names_.find(pg_schema);
        if (it != names_.end())
            return it->second;
        SchemaNames &names = names_[pg_schema];
        if (ctx_.reserve_names) {
            ctx_.reserve_names(pg_schema, names);
            return names;
        }
        for (const auto &mapping : ctx_.schema_mappings) {
            if (mapping.second != pg_schema || ctx_.registry == nullptr)
                continue;
            for (const MysqlTable *t : ctx_.registry->InSchema(mapping.first)) {
                names.TryRelation(PgTable(*t));
                names.Type(PgTable(*t));
                for (const MysqlColumn &c : t->columns) {
                    if (c.data_type == "enum")
                        names.Type(EnumName(pg_schema, *t, c.name));
                }
                for (const MysqlIndex &i : t->indexes) {
                    if (IndexSkipReason(*t, i).empty())
                        names.TryRelation(IndexName(pg_schema, *t, i.name));
                }
            }
        }
        return names;
    }

    // The PostgreSQL names (ddl::PgName, with the source's rename map) of MySQL table
    // schema.table and of its columns.
    std::string PgTable(const std::string &schema, const std::string &table) const {
        return PgTableName(schema, table, ctx_.renames);
    }
    std::string PgTable(const MysqlTable &t) const { return PgTable(t.schema, t.name); }
    std::string PgColumn(const MysqlTable &t, const std::string &column) const {
        return PgColumnName(t.schema, t.name, column, ctx_.renames);
    }
    // Quoted: the table qualified by pg_schema, a column.
    std::string QTable(const std::string &pg_schema, const MysqlTable &t) const {
        return QualifiedName(pg_schema, PgTable(t));
    }
    std::string QColumn(const MysqlTable &t, const std::string &column) const {
        return QuoteIdent(PgColumn(t, column));
    }
    // `m` (a column of t) under its PostgreSQL name, for ColumnDefinitionSql.
    MappedColumn PgMapped(MappedColumn m, const MysqlTable &t) const {
        m.name = PgColumn(t, m.name);
        return m;
    }
    // What BuildIndexDdl needs: the table, the index and the mapped columns under their
    // PostgreSQL names.
    MysqlTable PgNamed(const MysqlTable &t) const { return WithPgNames(t, ctx_.renames); }
    MysqlIndex PgNamed(const MysqlTable &t, MysqlIndex index) const {
        for (MysqlIndexPart &part : index.parts) {
            if (!part.column.empty())
                part.column = PgColumn(t, part.column);
        }
        return index;
    }
    std::vector<MappedColumn> PgMapAll(const MysqlTable &t) const {
        std::vector<MappedColumn> out = MapAll(t);
        for (MappedColumn &m : out)
            m.name = PgColumn(t, m.name);
        return out;
    }

    // The enum type of MySQL column `column` of t.
    std::string EnumName(const std::string &pg_schema, const MysqlTable &t, const std::string &column) const {
        const std::string pg_table = PgTable(t), pg_column = PgColumn(t, column);
        if (ctx_.enum_type_name)
            return ctx_.enum_type_name(pg_schema, pg_table, pg_column);
        return EnumTypeName(pg_table, pg_column);
    }

    std::string IndexName(const std::string &pg_schema, const MysqlTable &t, const std::string &index) const {
        const std::string table = PgTable(t);
        if (ctx_.index_name)
            return ctx_.index_name(pg_schema, table, index);
        if (index == "PRIMARY")
            return PrimaryKeyName(table);
        if (index.size() <= kMaxIdentifierBytes)
            return index;
        return Cut(table, 30) + "_" + Cut(index, 30);
    }

    MappedColumn Map(const MysqlColumn &column, const MysqlTable &table) const {
        return MapColumn(column, table.schema, table.name, ctx_.overrides, ctx_.types);
    }

    std::vector<MappedColumn> MapAll(const MysqlTable &table) const {
        std::vector<MappedColumn> out;
        for (const MysqlColumn &c : table.columns)
            out.push_back(Map(c, table));
        return out;
    }

    // The type text of column `m` of table `table` as it exists (its enum type named).
    std::string ExistingType(const MappedColumn &m, const std::string &pg_schema,
                             const MysqlTable &table) const {
        return ColumnType(m, pg_schema, m.enum_type ? EnumName(pg_schema, table, m.name) : "");
    }

    void Emit(std::string sql) { out_.statements.push_back(std::move(sql)); }
    void Note(std::string note) { out_.notes.push_back(std::move(note)); }

    void Change(ChangeKind kind, const std::string &schema, const std::string &table,
                const std::optional<MysqlTable> &definition, const std::string &pg_schema) {
        TableChange c;
        c.kind = kind;
        c.schema = schema;
        c.table = table;
        c.new_schema = definition.has_value() ? definition->schema : schema;
        c.new_table = definition.has_value() ? definition->name : table;
        c.pg_schema = pg_schema;
        c.pg_table = pg_schema.empty() ? "" : PgTable(c.new_schema, c.new_table);
        c.definition = definition;
        if (definition.has_value()) {
            if (const MysqlIndex *identity = ReplicaIdentityIndex(*definition)) {
                for (const MysqlIndexPart &part : identity->parts)
                    c.identity_columns.push_back(part.column);
            }
        }
        out_.changes.push_back(std::move(c));
        out_.outcome = Outcome::kApplied;
        // Later statements of a RENAME chain see this change.
        if (kind == ChangeKind::kDrop || kind == ChangeKind::kStopReplicating)
            overlay_[{schema, table}] = std::nullopt;
        if (definition.has_value()) {
            if (definition->schema != schema || definition->name != table)
                overlay_[{schema, table}] = std::nullopt;
            overlay_[{definition->schema, definition->name}] = definition;
        }
    }

    void Ignore(const std::string &why) {
        if (out_.outcome != Outcome::kApplied)
            out_.outcome = Outcome::kIgnored;
        if (out_.message.empty())
            out_.message = why;
        else
            Note(why);
    }

    static std::string Display(const std::string &schema, const std::string &table) {
        return "`" + schema + "`.`" + table + "`";
    }

    // ---- statements ----

    void On(const parser::Ignored &s) { Ignore(s.what + ": ignored by design (no replicated table)"); }

    void On(const parser::DropDatabase &s) {
        auto pg = PgSchema(s.name);
        if (!pg.has_value() || ctx_.registry == nullptr) {
            Ignore("DROP DATABASE " + QuoteIdent(s.name) + ": database not replicated");
            return;
        }
        for (const MysqlTable *t : ctx_.registry->InSchema(s.name)) {
            Note("table " + t->Display() + " stops being replicated: its database was dropped; " +
                 QTable(*pg, *t) + " is kept");
            Change(ChangeKind::kStopReplicating, t->schema, t->name, std::nullopt, "");
        }
        if (out_.changes.empty())
            Ignore("DROP DATABASE " + QuoteIdent(s.name) + ": no replicated table in it");
    }

    void On(const parser::CreateTable &s) {
        const std::string schema = SchemaOf(s.table, 0);
        const std::string name = TableKeyName(s.table.name);
        const std::string display = Display(schema, name);
        auto pg = PgSchema(schema);
        if (!pg.has_value()) {
            Ignore("CREATE TABLE " + display + ": database not replicated");
            return;
        }
        if (!Replicated(schema, name)) {
            Ignore("CREATE TABLE " + display + ": left out by limit_tables / skip_tables");
            return;
        }
        if (s.options.system_versioning)
            throw Refuse{0, "CREATE TABLE " + display +
                                " WITH SYSTEM VERSIONING: system-versioned tables are not "
                                "replicated"};
        const MysqlTable *existing = Lookup(schema, name);
        if (existing != nullptr && s.if_not_exists) {
            Ignore("CREATE TABLE IF NOT EXISTS " + display + ": the table exists");
            return;
        }
        if (existing != nullptr && !s.or_replace)
            throw Refuse{0, "CREATE TABLE " + display +
                                ": the table is already replicated (registry out of step)"};
        const MysqlTable *like = nullptr;
        if (s.like.has_value()) {
            const std::string like_schema = SchemaOf(*s.like, 0);
            like = Lookup(like_schema, TableKeyName(s.like->name));
            if (like == nullptr)
                throw Refuse{0, "CREATE TABLE " + display + " LIKE " + Display(like_schema, s.like->name) +
                                    ": the definition of " + Display(like_schema, s.like->name) +
                                    " is unknown (not a replicated table)"};
        }
        MysqlTable table = TableFromCreate(s, schema, ctx_.types.default_style, like);
        table.name = name;
        if (existing != nullptr)
            DropStatements(*existing, *pg);
        if (s.as_select) {
            Note("CREATE TABLE " + display +
                 " ... SELECT: the table is created from the table map of the rows "
                 "that follow");
            Change(ChangeKind::kCreateFromRows, schema, name, table, *pg);
            return;
        }
        CreateStatements(table, *pg);
        for (const parser::CheckDef &c : s.checks)
            Note(display + ": CHECK (" + c.expression + ") not replicated");
        for (const parser::ColumnDef &c : s.columns) {
            for (const std::string &check : c.checks)
                Note(display + ": CHECK (" + check + ") of column " + QuoteIdent(c.name) + " not replicated");
        }
        if (s.partitioned)
            Note(display + ": partitioning not replicated (one PostgreSQL table)");
        if (!s.periods.empty())
            Note(display + ": PERIOD FOR not replicated");
        if (!table.foreign_keys.empty())
            Note(display + ": foreign keys are created by detach_replica");
        Change(ChangeKind::kCreate, schema, name, table, *pg);
    }

    void CreateStatements(const MysqlTable &table, const std::string &pg_schema) {
        SchemaNames &names = Names(pg_schema);
        names.TryRelation(PgTable(table));
        names.Type(PgTable(table));
        TableDdlOptions options;
        options.schema = pg_schema;
        options.fillfactor = FillFactorFor(ctx_.fillfactor, table.schema, table.name);
        options.types = ctx_.types;
        options.overrides = ctx_.overrides;
        options.renames = ctx_.renames;
        TableDdl ddl = BuildTableDdl(table, options, names);
        for (std::string &sql : ddl.create_statements)
            Emit(std::move(sql));
        for (IndexDdl &index : ddl.indexes)
            Emit(std::move(index.sql));
        for (std::string &note : ddl.notes)
            Note(std::move(note));
    }

    void DropStatements(const MysqlTable &table, const std::string &pg_schema) {
        Emit("DROP TABLE " + QTable(pg_schema, table));
        for (const MysqlColumn &c : table.columns) {
            if (Map(c, table).enum_type)
                Emit("DROP TYPE " + QualifiedName(pg_schema, EnumName(pg_schema, table, c.name)));
        }
    }

    void On(const parser::DropTable &s) {
        for (const TableName &t : s.tables) {
            const std::string schema = SchemaOf(t, 0);
            const std::string name = TableKeyName(t.name);
            const MysqlTable *table = Lookup(schema, name);
            auto pg = PgSchema(schema);
            if (table == nullptr || !pg.has_value()) {
                Ignore("DROP TABLE " + Display(schema, name) + ": not a replicated table");
                continue;
            }
            DropStatements(*table, *pg);
            Change(ChangeKind::kDrop, schema, name, std::nullopt, *pg);
        }
    }

    void On(const parser::TruncateTable &s) {
        const std::string schema = SchemaOf(s.table, 0);
        const std::string name = TableKeyName(s.table.name);
        const MysqlTable *table = Lookup(schema, name);
        auto pg = PgSchema(schema);
        if (table == nullptr || !pg.has_value()) {
            Ignore("TRUNCATE " + Display(schema, name) + ": not a replicated table");
            return;
        }
        Emit("TRUNCATE TABLE " + QTable(*pg, *table) + " RESTART IDENTITY");
        Change(ChangeKind::kTruncate, schema, name, *table, *pg);
    }

    void On(const parser::RenameTable &s) {
        for (const auto &r : s.renames)
            RenameOne(r.first, r.second, 0);
    }

    // Renames MySQL table `from` to `to`, for RENAME TABLE and ALTER TABLE ... RENAME.
    void RenameOne(const TableName &from_name, const TableName &to_name, size_t offset,
                   const MysqlTable *altered = nullptr) {
        const std::string schema = SchemaOf(from_name, offset);
        const std::string name = TableKeyName(from_name.name);
        const std::string new_schema = to_name.schema.empty() ? schema : TableKeyName(to_name.schema);
        const std::string new_name = TableKeyName(to_name.name);
        const MysqlTable *table = altered != nullptr ? altered : Lookup(schema, name);
        auto pg = PgSchema(schema);
        auto new_pg = PgSchema(new_schema);
        const bool keep = Replicated(new_schema, new_name);
        const std::string what = "RENAME " + Display(schema, name) + " TO " + Display(new_schema, new_name);
        if (table == nullptr || !pg.has_value()) {
            if (keep && Lookup(new_schema, new_name) == nullptr) {
                Note(what + ": the table starts being replicated (it must be copied)");
                TableChange c;
                c.kind = ChangeKind::kStartReplicating;
                c.schema = schema;
                c.table = name;
                c.new_schema = new_schema;
                c.new_table = new_name;
                c.pg_schema = *new_pg;
                c.pg_table = PgTable(new_schema, new_name);
                out_.changes.push_back(std::move(c));
                out_.outcome = Outcome::kApplied;
                return;
            }
            Ignore(what + ": not a replicated table");
            return;
        }
        if (!keep) {
            Note(what + ": the table stops being replicated; " + QTable(*pg, *table) + " is kept");
            Change(ChangeKind::kStopReplicating, schema, name, std::nullopt, "");
            return;
        }
        MysqlTable renamed = *table;
        renamed.schema = new_schema;
        renamed.name = new_name;
        std::string current_schema = *pg;
        if (*new_pg != *pg) {
            Emit("ALTER TABLE " + QTable(*pg, *table) + " SET SCHEMA " + QuoteIdent(*new_pg));
            for (const MysqlColumn &c : table->columns) {
                if (Map(c, *table).enum_type)
                    Emit("ALTER TYPE " + QualifiedName(*pg, EnumName(*pg, *table, c.name)) + " SET SCHEMA " +
                         QuoteIdent(*new_pg));
            }
            current_schema = *new_pg;
        }
        const std::string old_pg_name = PgTable(*table), new_pg_name = PgTable(renamed);
        if (new_pg_name != old_pg_name)
            Emit("ALTER TABLE " + QualifiedName(current_schema, old_pg_name) + " RENAME TO " +
                 QuoteIdent(new_pg_name));
        // Column names follow the rename rules of the new name; enum types the table's and the
        // column's names, as init_replica would name them.
        for (const MysqlColumn &c : table->columns) {
            const std::string old_column = PgColumn(*table, c.name), new_column = PgColumn(renamed, c.name);
            if (old_column != new_column)
                Emit("ALTER TABLE " + QualifiedName(current_schema, new_pg_name) + " RENAME COLUMN " +
                     QuoteIdent(old_column) + " TO " + QuoteIdent(new_column));
            if (!Map(c, *table).enum_type)
                continue;
            const std::string old_type = EnumName(*pg, *table, c.name);
            const std::string new_type = EnumTypeName(new_pg_name, new_column);
            if (old_type != new_type)
                Emit("ALTER TYPE " + QualifiedName(current_schema, old_type) + " RENAME TO " +
                     QuoteIdent(new_type));
        }
        Change(ChangeKind::kRename, schema, name, renamed, *new_pg);
    }

    void On(const parser::CreateIndex &s) {
        parser::AlterTable alter;
        alter.table = s.table;
        if (s.or_replace) {
            AlterSpec drop;
            drop.kind = AlterKind::kDropKey;
            drop.name = s.key.name;
            drop.if_exists = true;
            drop.offset = s.key.offset;
            alter.specs.push_back(drop);
        }
        AlterSpec spec;
        spec.kind = AlterKind::kAddKey;
        spec.key = s.key;
        spec.if_exists = s.key.if_not_exists;
        spec.offset = s.key.offset;
        alter.specs.push_back(spec);
        OnAlter(alter, "CREATE INDEX ON");
    }

    void On(const parser::DropIndex &s) {
        parser::AlterTable alter;
        alter.table = s.table;
        AlterSpec spec;
        spec.kind = AlterKind::kDropKey;
        spec.name = s.name;
        spec.if_exists = s.if_exists;
        alter.specs.push_back(spec);
        OnAlter(alter, "DROP INDEX ON");
    }

    void On(const parser::AlterTable &s) { OnAlter(s, "ALTER TABLE"); }

    void OnAlter(const parser::AlterTable &s, const std::string &label) {
        const std::string schema = SchemaOf(s.table, 0);
        const std::string name = TableKeyName(s.table.name);
        const MysqlTable *table = Lookup(schema, name);
        auto pg = PgSchema(schema);
        if (table == nullptr || !pg.has_value()) {
            // A table renamed into the mapped schemas by this ALTER starts being replicated.
            for (const AlterSpec &spec : s.specs) {
                if (spec.kind == AlterKind::kRenameTable) {
                    RenameOne(s.table, *spec.new_table, spec.offset);
                    return;
                }
            }
            Ignore(label + " " + Display(schema, name) + ": not a replicated table");
            return;
        }
        MysqlTable t = *table;
        // A table may lose its last column when the statement adds one (PostgreSQL takes a table
        // without columns in between).
        alter_adds_columns_ = false;
        for (const AlterSpec &spec : s.specs)
            alter_adds_columns_ = alter_adds_columns_ || spec.kind == AlterKind::kAddColumn;
        const std::vector<AlterSpec> specs = AgainstTheTableAsItWas(t, *pg, s.specs);
        const AlterSpec *rename = nullptr;
        for (const AlterSpec &spec : specs) {
            if (spec.kind == AlterKind::kRenameTable)
                rename = &spec;
            else
                AlterClause(t, *pg, spec);
        }
        if (rename != nullptr) {
            RenameOne(s.table, *rename->new_table, rename->offset, &t);
            return;
        }
        Change(ChangeKind::kAlter, schema, name, t, *pg);
    }

    // MySQL reads every CHANGE / RENAME / DROP COLUMN and RENAME INDEX of one ALTER against the
    // table as it was: `CHANGE a b ..., CHANGE b a ...` swaps two columns. Applied one after the other, the
    // second would find the first's result: columns and indexes renamed to a name another clause
    // renames away go through a temporary name first. Returns the clauses to apply in order
    // (dropped columns, then renamed indexes first; temporary names in place).
    std::vector<AlterSpec> AgainstTheTableAsItWas(MysqlTable &t, const std::string &pg_schema,
                                                  const std::vector<AlterSpec> &specs) {
        int n = 0;
        auto renamed_to = [](const AlterSpec &spec) -> std::string {
            if (spec.kind == AlterKind::kChangeColumn && spec.column.has_value())
                return spec.column->name;
            if (spec.kind == AlterKind::kRenameColumn)
                return spec.new_name;
            return "";
        };
        std::set<std::string> renamed_away;
        for (const AlterSpec &spec : specs) {
            const std::string to = renamed_to(spec);
            if (!to.empty() && !SameName(to, spec.name))
                renamed_away.insert(AsciiLower(spec.name));
        }
        bool swap = false;
        for (const AlterSpec &spec : specs) {
            const std::string to = renamed_to(spec);
            swap =
                swap || (!to.empty() && !SameName(to, spec.name) && renamed_away.count(AsciiLower(to)) > 0);
        }
        std::vector<AlterSpec> out = specs;
        // RENAME INDEX names an index of the table as it was: before any ADD INDEX (`ADD INDEX i1
        // (d), RENAME INDEX i1 TO x` renames the old i1), and swapped names go through temporary
        // names too.
        std::stable_partition(out.begin(), out.end(),
                              [](const AlterSpec &spec) { return spec.kind == AlterKind::kRenameKey; });
        // DROP COLUMN names a column of the table as it was too: `CHANGE e d ..., DROP COLUMN d`
        // and `ADD d ..., DROP COLUMN d` drop the old d before the other clause takes its name (moved before
        // that clause only: MySQL checks that a column remains on the final table).
        for (size_t k = 0; k < out.size(); ++k) {
            if (out[k].kind != AlterKind::kDropColumn)
                continue;
            for (size_t i = 0; i < k; ++i) {
                const std::string to = out[i].kind == AlterKind::kAddColumn && out[i].column.has_value()
                                           ? out[i].column->name
                                           : renamed_to(out[i]);
                if (!to.empty() && SameName(to, out[k].name)) {
                    AlterSpec drop = out[k];
                    out.erase(out.begin() + static_cast<std::ptrdiff_t>(k));
                    out.insert(out.begin() + static_cast<std::ptrdiff_t>(i), drop);
                    break;
                }
            }
        }
        std::set<std::string> keys_away;
        for (const AlterSpec &spec : out) {
            if (spec.kind == AlterKind::kRenameKey && !SameName(spec.name, spec.new_name))
                keys_away.insert(AsciiLower(spec.name));
        }
        for (AlterSpec &spec : out) {
            if (spec.kind != AlterKind::kRenameKey || SameName(spec.name, spec.new_name) ||
                keys_away.count(AsciiLower(spec.new_name)) == 0 || FindIndexCi(t, spec.name) == nullptr)
                continue;
            AlterSpec away = spec;
            std::string tmp;
            do
                tmp = "_chameleon_swap_" + std::to_string(++n);
            while (FindIndexCi(t, tmp) != nullptr);
            away.new_name = tmp;
            AlterClause(t, pg_schema, away);
            spec.name = tmp;
        }
        if (!swap)
            return out;
        for (AlterSpec &spec : out) {
            const std::string to = renamed_to(spec);
            MysqlColumn *c = to.empty() || SameName(to, spec.name) ? nullptr : FindColumnCi(t, spec.name);
            if (c == nullptr)
                continue;
            std::string tmp;
            do
                tmp = "_chameleon_swap_" + std::to_string(++n);
            while (FindColumnCi(t, tmp) != nullptr);
            RenameColumn(t, pg_schema, *c, tmp, spec.offset);
            spec.name = tmp;
        }
        return out;
    }

    // ---- ALTER TABLE clauses ----

    void AlterClause(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        try {
            AlterClauseBody(t, pg_schema, s);
        } catch (const Error &e) {
            throw Refuse{s.offset, e.what()};
        }
    }

    void AlterClauseBody(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        const std::string q = QTable(pg_schema, t);
        const std::string display = t.Display();
        switch (s.kind) {
            case AlterKind::kAddColumn:
                AddColumn(t, pg_schema, s);
                return;
            case AlterKind::kDropColumn:
                DropColumn(t, pg_schema, s);
                return;
            case AlterKind::kChangeColumn:
            case AlterKind::kModifyColumn:
                ChangeColumn(t, pg_schema, s);
                return;
            case AlterKind::kRenameColumn: {
                MysqlColumn *c = FindColumnCi(t, s.name);
                if (c == nullptr) {
                    MissingColumn(t, s);
                    return;
                }
                RenameColumn(t, pg_schema, *c, s.new_name, s.offset);
                return;
            }
            case AlterKind::kSetDefault:
            case AlterKind::kDropDefault: {
                MysqlColumn *c = FindColumnCi(t, s.name);
                if (c == nullptr) {
                    MissingColumn(t, s);
                    return;
                }
                SetColumnDefault(*c, TypeOfColumn(*c), s.default_value, ctx_.types.default_style);
                MappedColumn m = Map(*c, t);
                const std::string type = ExistingType(m, pg_schema, t);
                const std::string sql = DefaultSql(m, type);
                if (!sql.empty()) {
                    Emit("ALTER TABLE " + q + " ALTER COLUMN " + QColumn(t, c->name) + " SET DEFAULT " + sql);
                } else {
                    Emit("ALTER TABLE " + q + " ALTER COLUMN " + QColumn(t, c->name) + " DROP DEFAULT");
                    for (const std::string &n : m.notes)
                        Note(display + ": " + n);
                }
                return;
            }
            case AlterKind::kAddKey:
                AddKey(t, pg_schema, s);
                return;
            case AlterKind::kDropKey:
                DropKey(t, pg_schema, s);
                return;
            case AlterKind::kRenameKey: {
                MysqlIndex *index = FindIndexCi(t, s.name);
                if (index == nullptr) {
                    if (s.if_exists) {
                        Note(display + ": no index " + QuoteIdent(s.name) + " to rename");
                        return;
                    }
                    throw Refuse{s.offset,
                                 "RENAME INDEX: table " + display + " has no index " + QuoteIdent(s.name)};
                }
                if (const MysqlIndex *other = FindIndexCi(t, s.new_name); other != nullptr && other != index)
                    throw Refuse{s.offset, "RENAME INDEX " + QuoteIdent(s.name) + " TO " +
                                               QuoteIdent(s.new_name) + ": table " + display +
                                               " has an index of that name"};
                if (IndexSkipReason(t, *index).empty()) {
                    // PostgreSQL index names are per schema: the new name is chosen as BuildIndexDdl
                    // chooses it (the MySQL name when free, else one after the table).
                    const std::string old_pg = IndexName(pg_schema, t, index->name);
                    SchemaNames &names = Names(pg_schema);
                    names.ReleaseRelation(old_pg);
                    std::string new_pg;
                    if (s.new_name.size() <= kMaxIdentifierBytes && names.TryRelation(s.new_name))
                        new_pg = s.new_name;
                    else
                        new_pg = names.Relation(Cut(PgTable(t), 30) + "_" + Cut(s.new_name, 30));
                    if (new_pg != old_pg)
                        Emit("ALTER INDEX " + QualifiedName(pg_schema, old_pg) + " RENAME TO " +
                             QuoteIdent(new_pg));
                }
                index->name = s.new_name;
                return;
            }
            case AlterKind::kAddForeignKey: {
                std::optional<MysqlIndex> index = AddForeignKey(t, *s.foreign_key, t.schema);
                Note(display + ": foreign key " + QuoteIdent(t.foreign_keys.back().name) +
                     " is created by detach_replica");
                if (index.has_value())
                    CreateIndexStatements(t, pg_schema, *index);
                return;
            }
            case AlterKind::kDropForeignKey:
                if (!DropForeignKey(t, s.name) && !s.if_exists)
                    throw Refuse{s.offset, "DROP FOREIGN KEY: table " + display + " has no foreign key " +
                                               QuoteIdent(s.name)};
                return;
            case AlterKind::kAddCheck:
                Note(display + ": CHECK (" + s.check->expression + ") not replicated");
                return;
            case AlterKind::kDropConstraint: {
                if (DropForeignKey(t, s.name))
                    return;
                MysqlIndex *index = FindIndexCi(t, s.name);
                if (index != nullptr && index->unique) {
                    AlterSpec drop = s;
                    drop.kind = AlterKind::kDropKey;
                    DropKey(t, pg_schema, drop);
                    return;
                }
                Note(display + ": constraint " + QuoteIdent(s.name) +
                     " dropped (CHECK constraints are not "
                     "replicated)");
                return;
            }
            case AlterKind::kRenameTable:
                return; // done by the caller, after the other clauses
            case AlterKind::kConvertCharset:
                for (MysqlColumn &c : t.columns) {
                    if (!c.charset.empty())
                        c.charset = s.charset;
                }
                return;
            case AlterKind::kTableOptions:
                TableOptions(t, q, s);
                return;
            case AlterKind::kIgnored:
                Note(display + ": " + s.what + " ignored");
                return;
            case AlterKind::kPartitionData:
                throw Refuse{s.offset, "ALTER TABLE " + display + " " + s.what +
                                           ": rows change without row events, this cannot be replicated"};
        }
    }

    void TableOptions(MysqlTable &t, const std::string &q, const AlterSpec &s) {
        if (!s.what.empty() && s.what.find("SYSTEM VERSIONING") != std::string::npos) {
            if (s.what == "WITH SYSTEM VERSIONING" || s.what == "ADD SYSTEM VERSIONING")
                throw Refuse{s.offset, "ALTER TABLE " + t.Display() + " " + s.what +
                                           ": system-versioned tables are not replicated"};
            Note(t.Display() + ": " + s.what + " ignored");
            return;
        }
        if (s.options.engine.has_value()) {
            t.engine = *s.options.engine;
            t.transactional = IsTransactionalEngine(t.engine);
        }
        if (s.options.comment.has_value() && *s.options.comment != t.comment) {
            t.comment = *s.options.comment;
            Emit("COMMENT ON TABLE " + q + " IS " + (t.comment.empty() ? "NULL" : QuoteLiteral(t.comment)));
        }
    }

    void MissingColumn(const MysqlTable &t, const AlterSpec &s) {
        if (s.if_exists) {
            Note(t.Display() + ": no column " + QuoteIdent(s.name) + " (IF EXISTS)");
            return;
        }
        throw Refuse{s.offset, "table " + t.Display() + " has no column " + QuoteIdent(s.name)};
    }

    void PlaceColumn(MysqlTable &t, MysqlColumn column, const AlterSpec &s, size_t default_index) {
        size_t index = default_index;
        if (s.first) {
            index = 0;
        } else if (!s.after.empty()) {
            index = t.columns.size();
            for (size_t i = 0; i < t.columns.size(); ++i) {
                if (SameName(t.columns[i].name, s.after))
                    index = i + 1;
            }
            if (index == t.columns.size() && (t.columns.empty() || !SameName(t.columns.back().name, s.after)))
                throw Refuse{s.offset,
                             "AFTER: table " + t.Display() + " has no column " + QuoteIdent(s.after)};
        }
        t.columns.insert(t.columns.begin() + static_cast<std::ptrdiff_t>(std::min(index, t.columns.size())),
                         std::move(column));
        Renumber(t);
        if (s.first || !s.after.empty())
            Note(t.Display() + ": column order is not kept in PostgreSQL (" +
                 (s.first ? std::string("FIRST") : "AFTER " + QuoteIdent(s.after)) + ")");
    }

    std::string TableCharset(const MysqlTable &t) const {
        for (const MysqlColumn &c : t.columns) {
            if (!c.charset.empty())
                return c.charset;
        }
        return "";
    }

    void AddColumn(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        const parser::ColumnDef &def = *s.column;
        if (FindColumnCi(t, def.name) != nullptr) {
            if (s.if_exists) {
                Note(t.Display() + ": column " + QuoteIdent(def.name) + " exists (IF NOT EXISTS)");
                return;
            }
            throw Refuse{s.offset,
                         "ADD COLUMN: table " + t.Display() + " has a column " + QuoteIdent(def.name)};
        }
        MysqlColumn column = ColumnFromDefinition(def, TableCharset(t), ctx_.types.default_style);
        PlaceColumn(t, column, s, t.columns.size());
        const std::string col = QColumn(t, column.name);
        const std::string q = QTable(pg_schema, t);
        MappedColumn m = Map(column, t);
        for (const std::string &n : m.notes)
            Note(t.Display() + ": " + n);
        std::string type = m.pg_type;
        if (m.enum_type) {
            const std::string enum_name =
                Names(pg_schema).Type(EnumTypeName(PgTable(t), PgColumn(t, column.name)));
            type = QualifiedName(pg_schema, enum_name);
            Emit(CreateEnumTypeSql(type, m.enum_labels));
        }
        std::string definition = ColumnDefinitionSql(PgMapped(m, t), type);
        bool drop_default = false;
        if ((m.not_null && !m.identity && DefaultSql(m, type).empty()) || m.sequence) {
            // Existing rows get MySQL's implicit default (0, '', the first label, a zero date).
            MysqlColumn implicit = column;
            implicit.default_value = ImplicitDefault(column, ctx_.types.default_style);
            implicit.extra.clear();
            MappedColumn im = Map(implicit, t);
            im.not_null = m.not_null;
            if (!DefaultSql(im, type).empty() && !m.sequence) {
                definition = ColumnDefinitionSql(PgMapped(im, t), type);
                drop_default = true;
            }
        }
        if (m.sequence) {
            // auto_increment without identity: numbered by an owned sequence, existing rows too.
            MappedColumn nullable = m;
            nullable.not_null = false;
            Emit("ALTER TABLE " + q + " ADD COLUMN " + ColumnDefinitionSql(PgMapped(nullable, t), type));
            for (std::string &sql :
                 SequenceStatements(pg_schema, PgTable(t), PgColumn(t, column.name), Names(pg_schema)))
                Emit(std::move(sql));
            Emit("UPDATE " + q + " SET " + col + " = DEFAULT");
            Emit("ALTER TABLE " + q + " ALTER COLUMN " + col + " SET NOT NULL");
        } else {
            Emit("ALTER TABLE " + q + " ADD COLUMN " + definition);
        }
        if (drop_default)
            Emit("ALTER TABLE " + q + " ALTER COLUMN " + col + " DROP DEFAULT");
        if (!column.comment.empty())
            Emit("COMMENT ON COLUMN " + q + "." + col + " IS " + QuoteLiteral(column.comment));
        InlineKeys(t, pg_schema, def);
    }

    // PRIMARY KEY / UNIQUE written in a column definition.
    void InlineKeys(MysqlTable &t, const std::string &pg_schema, const parser::ColumnDef &def) {
        for (bool primary : {true, false}) {
            if (primary ? !def.primary_key : !def.unique_key)
                continue;
            parser::KeyDef key;
            key.kind = primary ? parser::KeyKind::kPrimary : parser::KeyKind::kUnique;
            key.parts.push_back(parser::KeyPart{def.name, std::nullopt, false, ""});
            MysqlIndex index = IndexFromKey(key, t);
            AddIndex(t, index);
            CreateIndexStatements(t, pg_schema, index);
        }
    }

    void CreateIndexStatements(const MysqlTable &t, const std::string &pg_schema, const MysqlIndex &index) {
        std::string reason;
        std::vector<std::string> column_statements;
        std::optional<IndexDdl> ddl = BuildIndexDdl(PgNamed(t), PgNamed(t, index), PgMapAll(t), pg_schema,
                                                    Names(pg_schema), column_statements, reason);
        if (!ddl.has_value()) {
            Note(t.Display() + ": index " + QuoteIdent(index.name) + " not created (" + reason + ")");
            return;
        }
        for (std::string &sql : column_statements)
            Emit(std::move(sql));
        Emit(ddl->sql);
    }

    void AddKey(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        const parser::KeyDef &key = *s.key;
        if (key.kind != parser::KeyKind::kPrimary && !key.name.empty() &&
            FindIndexCi(t, key.name) != nullptr && s.if_exists) {
            Note(t.Display() + ": index " + QuoteIdent(key.name) + " exists (IF NOT EXISTS)");
            return;
        }
        if (key.kind == parser::KeyKind::kPrimary && t.PrimaryKey() != nullptr && s.if_exists) {
            Note(t.Display() + ": the primary key exists (IF NOT EXISTS)");
            return;
        }
        MysqlIndex index = IndexFromKey(key, t);
        AddIndex(t, index);
        CreateIndexStatements(t, pg_schema, index);
    }

    // Drops the PostgreSQL index of `index` (which stays in t until the caller removes it).
    void DropIndexStatements(const MysqlTable &t, const std::string &pg_schema, const MysqlIndex &index) {
        if (!IndexSkipReason(t, index).empty())
            return;
        const std::string pg_name = IndexName(pg_schema, t, index.name);
        bool constraint = index.Primary();
        for (const MysqlIndexPart &part : index.parts)
            constraint = constraint && !part.sub_part.has_value();
        if (constraint)
            Emit("ALTER TABLE " + QTable(pg_schema, t) + " DROP CONSTRAINT " + QuoteIdent(pg_name));
        else
            Emit("DROP INDEX " + QualifiedName(pg_schema, pg_name));
        Names(pg_schema).ReleaseRelation(pg_name);
    }

    void DropKey(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        MysqlIndex *index = FindIndexCi(t, s.name);
        if (index == nullptr) {
            if (s.if_exists) {
                Note(t.Display() + ": no index " + QuoteIdent(s.name) + " (IF EXISTS)");
                return;
            }
            throw Refuse{s.offset,
                         "DROP INDEX: table " + t.Display() + " has no index " + QuoteIdent(s.name)};
        }
        DropIndexStatements(t, pg_schema, *index);
        t.indexes.erase(t.indexes.begin() + (index - t.indexes.data()));
    }

    bool DropForeignKey(MysqlTable &t, const std::string &name) {
        for (size_t i = 0; i < t.foreign_keys.size(); ++i) {
            if (SameName(t.foreign_keys[i].name, name)) {
                t.foreign_keys.erase(t.foreign_keys.begin() + static_cast<std::ptrdiff_t>(i));
                return true;
            }
        }
        return false;
    }

    void DropColumn(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        MysqlColumn *c = FindColumnCi(t, s.name);
        if (c == nullptr) {
            MissingColumn(t, s);
            return;
        }
        if (t.columns.size() == 1 && !alter_adds_columns_)
            throw Refuse{s.offset,
                         "DROP COLUMN: " + QuoteIdent(c->name) + " is the last column of " + t.Display()};
        const std::string name = c->name;
        const MappedColumn m = Map(*c, t);
        const std::string q = QTable(pg_schema, t);
        // PostgreSQL drops every index on the column; MySQL drops the column from them.
        std::vector<MysqlIndex> rebuilt;
        for (auto it = t.indexes.begin(); it != t.indexes.end();) {
            bool uses = false;
            for (const MysqlIndexPart &part : it->parts)
                uses = uses || SameName(part.column, name);
            if (!uses) {
                ++it;
                continue;
            }
            const bool created = IndexSkipReason(t, *it).empty();
            MysqlIndex shrunk = *it;
            shrunk.parts.erase(
                std::remove_if(shrunk.parts.begin(), shrunk.parts.end(),
                               [&](const MysqlIndexPart &p) { return SameName(p.column, name); }),
                shrunk.parts.end());
            it = t.indexes.erase(it);
            if (!shrunk.parts.empty()) {
                if (created)
                    rebuilt.push_back(shrunk);
                else
                    it = t.indexes.insert(it, shrunk) + 1;
            }
        }
        t.foreign_keys.erase(std::remove_if(t.foreign_keys.begin(), t.foreign_keys.end(),
                                            [&](const MysqlForeignKey &fk) {
                                                for (const std::string &col : fk.columns) {
                                                    if (SameName(col, name))
                                                        return true;
                                                }
                                                return false;
                                            }),
                             t.foreign_keys.end());
        t.columns.erase(t.columns.begin() + (c - t.columns.data()));
        Renumber(t);
        Emit("ALTER TABLE " + q + " DROP COLUMN " + QColumn(t, name));
        if (m.enum_type)
            Emit("DROP TYPE " + QualifiedName(pg_schema, EnumName(pg_schema, t, name)));
        for (MysqlIndex &index : rebuilt) {
            // PostgreSQL dropped the index with the column: its name is free again (another
            // table's index may still hold the MySQL name).
            Names(pg_schema).ReleaseRelation(IndexName(pg_schema, t, index.name));
            std::string reason;
            std::vector<std::string> column_statements;
            std::optional<IndexDdl> ddl = BuildIndexDdl(PgNamed(t), PgNamed(t, index), PgMapAll(t), pg_schema,
                                                        Names(pg_schema), column_statements, reason);
            if (index.Primary())
                t.indexes.insert(t.indexes.begin(), index);
            else
                t.indexes.push_back(index);
            if (!ddl.has_value())
                continue;
            for (std::string &sql : column_statements)
                Emit(std::move(sql));
            Emit(ddl->sql);
        }
    }

    // Renames column `c` (in t and in PostgreSQL), its enum type following.
    void RenameColumn(MysqlTable &t, const std::string &pg_schema, MysqlColumn &c,
                      const std::string &new_name, size_t offset) {
        if (c.name == new_name)
            return;
        MysqlColumn *other = FindColumnCi(t, new_name);
        if (other != nullptr && other != &c)
            throw Refuse{offset,
                         "RENAME COLUMN: table " + t.Display() + " has a column " + QuoteIdent(new_name)};
        const std::string q = QTable(pg_schema, t);
        const std::string old_pg = PgColumn(t, c.name), new_pg = PgColumn(t, new_name);
        if (old_pg != new_pg)
            Emit("ALTER TABLE " + q + " RENAME COLUMN " + QuoteIdent(old_pg) + " TO " + QuoteIdent(new_pg));
        if (Map(c, t).enum_type) {
            const std::string old_type = EnumName(pg_schema, t, c.name);
            const std::string new_type = EnumTypeName(PgTable(t), new_pg);
            if (old_type != new_type)
                Emit("ALTER TYPE " + QualifiedName(pg_schema, old_type) + " RENAME TO " +
                     QuoteIdent(new_type));
        }
        for (MysqlIndex &index : t.indexes) {
            for (MysqlIndexPart &part : index.parts) {
                if (SameName(part.column, c.name))
                    part.column = new_name;
            }
        }
        for (MysqlForeignKey &fk : t.foreign_keys) {
            for (std::string &col : fk.columns) {
                if (SameName(col, c.name))
                    col = new_name;
            }
        }
        c.name = new_name;
    }

    void ChangeColumn(MysqlTable &t, const std::string &pg_schema, const AlterSpec &s) {
        MysqlColumn *found = FindColumnCi(t, s.name);
        if (found == nullptr) {
            MissingColumn(t, s);
            return;
        }
        const parser::ColumnDef &def = *s.column;
        const std::string q = QTable(pg_schema, t);
        const MysqlColumn old = *found;
        const MappedColumn om = Map(old, t);
        const std::string old_type = ExistingType(om, pg_schema, t);

        MysqlColumn column = ColumnFromDefinition(def, old.charset, ctx_.types.default_style);
        if (column.charset.empty() && !old.charset.empty() && !column.column_type.empty())
            column.charset = old.charset;
        // The new definition takes the old place unless FIRST / AFTER moves it.
        RenameColumn(t, pg_schema, *found, column.name, s.offset);
        // MySQL keeps a primary key column NOT NULL whatever its new definition says.
        if (const MysqlIndex *pk = t.PrimaryKey()) {
            for (const MysqlIndexPart &part : pk->parts) {
                if (AsciiLower(part.column) == AsciiLower(column.name))
                    column.nullable = false;
            }
        }
        const std::string col = QColumn(t, column.name);
        const size_t place = static_cast<size_t>(found - t.columns.data());
        t.columns.erase(t.columns.begin() + static_cast<std::ptrdiff_t>(place));
        PlaceColumn(t, column, s, place);
        const MappedColumn nm = Map(column, t);
        for (const std::string &n : nm.notes)
            Note(t.Display() + ": " + n);
        const std::string alter = "ALTER TABLE " + q + " ALTER COLUMN " + col;

        const bool type_changed = om.pg_type != nm.pg_type || om.enum_type != nm.enum_type ||
                                  (om.enum_type && om.enum_labels != nm.enum_labels);
        std::string new_type =
            om.enum_type && nm.enum_type && !type_changed ? ExistingType(nm, pg_schema, t) : nm.pg_type;
        bool default_dropped = false;
        const std::string old_default = DefaultSql(om, old_type);
        if (om.identity && !nm.identity)
            Emit(alter + " DROP IDENTITY IF EXISTS");
        if (type_changed && !NoConversion(om, nm).empty())
            throw Refuse{s.offset, "CHANGE/MODIFY COLUMN " + QuoteIdent(column.name) + " of " + t.Display() +
                                       ": " + old.column_type + " values are not converted to " +
                                       column.column_type + " (PostgreSQL has no cast doing " +
                                       NoConversion(om, nm) + ")"};
        // A prefix index is an expression on the column (left(), substring()) that depends on its
        // type: dropped before the type changes, created again after.
        std::vector<MysqlIndex> prefixed;
        if (type_changed) {
            for (const MysqlIndex &index : t.indexes) {
                bool uses = false;
                for (const MysqlIndexPart &part : index.parts)
                    uses = uses || (part.sub_part.has_value() && SameName(part.column, column.name));
                if (uses && IndexSkipReason(t, index).empty()) {
                    DropIndexStatements(t, pg_schema, index);
                    prefixed.push_back(index);
                }
            }
        }
        if (type_changed) {
            if (!old_default.empty() || om.sequence) {
                Emit(alter + " DROP DEFAULT");
                default_dropped = true;
            }
            if (nm.enum_type) {
                const std::string final_name = EnumTypeName(PgTable(t), PgColumn(t, column.name));
                SchemaNames &names = Names(pg_schema);
                if (om.enum_type) {
                    const std::string tmp = names.Type(Cut(final_name, kMaxIdentifierBytes - 4) + "_new");
                    const std::string qtmp = QualifiedName(pg_schema, tmp);
                    Emit(CreateEnumTypeSql(qtmp, nm.enum_labels));
                    Emit(alter + " TYPE " + qtmp + " USING " + UsingExpression(om, nm, col, qtmp));
                    Emit("DROP TYPE " + QualifiedName(pg_schema, EnumName(pg_schema, t, column.name)));
                    Emit("ALTER TYPE " + qtmp + " RENAME TO " + QuoteIdent(final_name));
                    new_type = QualifiedName(pg_schema, final_name);
                } else {
                    new_type = QualifiedName(pg_schema, names.Type(final_name));
                    Emit(CreateEnumTypeSql(new_type, nm.enum_labels));
                    Emit(alter + " TYPE " + new_type + " USING " + UsingExpression(om, nm, col, new_type));
                }
            } else {
                Emit(alter + " TYPE " + new_type + " USING " + UsingExpression(om, nm, col, new_type));
                if (om.enum_type)
                    Emit("DROP TYPE " + QualifiedName(pg_schema, EnumName(pg_schema, t, column.name)));
            }
        }
        const bool old_not_null = om.not_null || om.identity;
        const bool new_not_null = nm.not_null || nm.identity;
        if (new_not_null && !old_not_null) {
            // MySQL (outside strict mode) turns NULLs into the implicit default.
            MysqlColumn implicit = column;
            implicit.default_value = ImplicitDefault(column, ctx_.types.default_style);
            implicit.extra.clear();
            MappedColumn im = Map(implicit, t);
            const std::string value = DefaultSql(im, new_type);
            if (!value.empty())
                Emit("UPDATE " + q + " SET " + col + " = " + value + " WHERE " + col + " IS NULL");
            Emit(alter + " SET NOT NULL");
        } else if (!new_not_null && old_not_null) {
            Emit(alter + " DROP NOT NULL");
        }
        const std::string new_default = DefaultSql(nm, new_type);
        if (!nm.identity && !nm.sequence) {
            if (!new_default.empty() && (default_dropped || new_default != old_default))
                Emit(alter + " SET DEFAULT " + new_default);
            else if (new_default.empty() && !old_default.empty() && !default_dropped)
                Emit(alter + " DROP DEFAULT");
        }
        for (const MysqlIndex &index : prefixed)
            CreateIndexStatements(t, pg_schema, index);
        if (nm.identity && !om.identity) {
            // An identity column has no default: the old one goes first.
            if (!old_default.empty() && !default_dropped)
                Emit(alter + " DROP DEFAULT");
            Emit(alter + " ADD GENERATED BY DEFAULT AS IDENTITY");
        }
        if (nm.sequence && !om.sequence)
            for (std::string &sql :
                 SequenceStatements(pg_schema, PgTable(t), PgColumn(t, column.name), Names(pg_schema)))
                Emit(std::move(sql));
        if (om.sequence && !nm.sequence && !default_dropped)
            Emit(alter + " DROP DEFAULT");
        if (column.comment != old.comment)
            Emit("COMMENT ON COLUMN " + q + "." + col + " IS " +
                 (column.comment.empty() ? "NULL" : QuoteLiteral(column.comment)));
        InlineKeys(t, pg_schema, def);
    }

    const Context &ctx_;
    Translation &out_;
    std::map<Key, std::optional<MysqlTable>> overlay_;
    std::map<std::string, SchemaNames> names_;
    bool alter_adds_columns_ = false; // the ALTER TABLE being translated has an ADD COLUMN
};

// The offset of the first byte of `text` that does not start a valid UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF included), npos when it is all valid.
size_t InvalidUtf8At(const std::string &text) {
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += len;
    }
    return std::string::npos;
}

std::string HexByte(unsigned char b) {
    const char *digits = "0123456789abcdef";
    return std::string{digits[b >> 4], digits[b & 15]};
}

} // namespace

Translation Translate(const parser::Statement &statement, const Context &context) {
    Translation out;
    out.statement_kind = parser::StatementKindName(statement.body);
    if (statement.refusal.has_value()) {
        out.outcome = Outcome::kRefused;
        out.offset = statement.refusal->offset;
        out.message = statement.refusal->message;
        return out;
    }
    try {
        Translator translator(context, out);
        translator.Run(statement.body);
        // Names, labels, defaults and comments come from the query text as the client sent it: in
        // another character set than UTF-8 they would reach PostgreSQL garbled (or be rejected).
        for (const std::string &sql : out.statements) {
            if (size_t bad = InvalidUtf8At(sql); bad != std::string::npos)
                throw Refuse{statement.begin, "the statement's text is not valid UTF-8 (byte 0x" +
                                                  HexByte(static_cast<unsigned char>(sql[bad])) +
                                                  "): a client character set other than utf8 is not "
                                                  "translated"};
        }
    } catch (const Refuse &r) {
        out = Translation{};
        out.statement_kind = parser::StatementKindName(statement.body);
        out.outcome = Outcome::kRefused;
        out.offset = r.offset != 0 ? r.offset : statement.begin;
        out.message = r.message;
    } catch (const Error &e) {
        out = Translation{};
        out.statement_kind = parser::StatementKindName(statement.body);
        out.outcome = Outcome::kRefused;
        out.offset = statement.begin;
        out.message = e.what();
    }
    return out;
}

std::vector<Translation> TranslateText(std::string_view sql, const Context &context,
                                       const parser::ParseOptions &options) {
    std::vector<Translation> out;
    Registry registry = context.registry != nullptr ? *context.registry : Registry();
    Context ctx = context;
    ctx.registry = &registry;
    for (const parser::Statement &st : parser::Parse(sql, options)) {
        out.push_back(Translate(st, ctx));
        registry.Apply(out.back());
    }
    return out;
}

MysqlTable ApplyAlterTable(const MysqlTable &table, const parser::AlterTable &alter, DefaultStyle style) {
    Context ctx;
    ctx.types.default_style = style;
    ctx.schema_mappings[table.schema] = table.schema;
    Translation scratch;
    Translator translator(ctx, scratch);
    try {
        return translator.AlterOnly(table, alter);
    } catch (const Refuse &r) {
        throw Error(r.message, sqlstate::kFeatureNotSupported);
    }
}

} // namespace chameleon::ddl::translate
