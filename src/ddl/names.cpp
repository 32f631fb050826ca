#include "ddl/names.hpp"

#include "ddl/pg_text.hpp"

#include <cstdint>
#include <cstdio>

namespace chameleon::ddl {

namespace {

// FNV-1a, 32 bits: stable across builds and platforms (std::hash is not).
uint32_t Fnv1a(const std::string &text) {
    uint32_t h = 2166136261u;
    for (unsigned char c : text) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

std::string ShortenWithHash(const std::string &name) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "_%08x", Fnv1a(name));
    const std::string tail(suffix);
    return TruncateUtf8(name, kMaxIdentifierBytes - tail.size()) + tail;
}

} // namespace

const char *RenameReasonText(RenameReason reason) {
    switch (reason) {
        case RenameReason::kNone:
            return "";
        case RenameReason::kConfigured:
            return "configured";
        case RenameReason::kSystemColumn:
            return "system column";
        case RenameReason::kTooLong:
            return "too long";
    }
    return "";
}

bool IsSystemColumnName(const std::string &name) {
    return name == "ctid" || name == "xmin" || name == "xmax" || name == "cmin" || name == "cmax" ||
           name == "tableoid";
}

PgNameResult PgName(NameKind kind, const std::string &schema, const std::string &table,
                    const std::string &column, const std::vector<config::Rename> &renames) {
    const bool is_column = kind == NameKind::kColumn;
    for (const config::Rename &r : renames) {
        if (r.schema == schema && r.table == table && (is_column ? r.column == column : r.column.empty()))
            return {r.to, RenameReason::kConfigured};
    }
    const std::string &name = is_column ? column : table;
    if (name.size() > kMaxIdentifierBytes)
        return {ShortenWithHash(name), RenameReason::kTooLong};
    if (is_column && IsSystemColumnName(name))
        return {name + "_", RenameReason::kSystemColumn};
    return {name, RenameReason::kNone};
}

std::string PgTableName(const std::string &schema, const std::string &table,
                        const std::vector<config::Rename> &renames) {
    return PgName(NameKind::kTable, schema, table, "", renames).name;
}

std::string PgColumnName(const std::string &schema, const std::string &table, const std::string &column,
                         const std::vector<config::Rename> &renames) {
    return PgName(NameKind::kColumn, schema, table, column, renames).name;
}

MysqlTable WithPgNames(const MysqlTable &table, const std::vector<config::Rename> &renames) {
    MysqlTable pg = table;
    pg.name = PgTableName(table.schema, table.name, renames);
    for (MysqlColumn &c : pg.columns)
        c.name = PgColumnName(table.schema, table.name, c.name, renames);
    for (MysqlIndex &index : pg.indexes) {
        for (MysqlIndexPart &part : index.parts) {
            if (!part.column.empty())
                part.column = PgColumnName(table.schema, table.name, part.column, renames);
        }
    }
    for (MysqlForeignKey &fk : pg.foreign_keys) {
        for (std::string &c : fk.columns)
            c = PgColumnName(table.schema, table.name, c, renames);
        for (std::string &c : fk.referenced_columns)
            c = PgColumnName(fk.referenced_schema, fk.referenced_table, c, renames);
        fk.referenced_table = PgTableName(fk.referenced_schema, fk.referenced_table, renames);
    }
    return pg;
}

} // namespace chameleon::ddl
