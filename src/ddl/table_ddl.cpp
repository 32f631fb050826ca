#include "ddl/table_ddl.hpp"

#include "common/error.hpp"
#include "ddl/names.hpp"
#include "ddl/pg_text.hpp"
#include "mysql/connection.hpp" // QuoteIdentifier (pure)

#include <algorithm>

namespace chameleon::ddl {

// ---- SchemaNames ----

bool SchemaNames::TryRelation(const std::string &name) {
    return relations_.insert(name).second;
}

std::string SchemaNames::Unique(std::set<std::string> &used, const std::string &wanted) {
    std::string base = TruncateUtf8(wanted, kMaxIdentifierBytes);
    if (used.insert(base).second)
        return base;
    for (int n = 2;; ++n) {
        std::string suffix = "_" + std::to_string(n);
        std::string candidate = TruncateUtf8(wanted, kMaxIdentifierBytes - suffix.size()) + suffix;
        if (used.insert(candidate).second)
            return candidate;
    }
}

std::string SchemaNames::Relation(const std::string &wanted) {
    return Unique(relations_, wanted);
}

std::string SchemaNames::Type(const std::string &wanted) {
    return Unique(types_, wanted);
}

// ---- helpers ----

void CheckIdentifierLength(const std::string &name, const std::string &what) {
    if (name.size() > kMaxIdentifierBytes) {
        throw Error(what + " " + QuoteIdent(name) + " is longer than PostgreSQL's 63-byte identifier limit",
                    "42622", "The name has " + std::to_string(name.size()) + " bytes.",
                    "Rename it in MySQL, or leave the table out with skip_tables.");
    }
}

std::optional<int> FillFactorFor(const std::vector<config::FillFactor> &rules, const std::string &schema,
                                 const std::string &table) {
    std::optional<int> found;
    const std::string wanted = schema + "." + table;
    for (const config::FillFactor &rule : rules) {
        for (const std::string &t : rule.tables) {
            if (t == wanted || t == "*")
                found = rule.fillfactor;
        }
    }
    return found;
}

uint64_t EstimateCopyCost(const TableDdl &ddl, uint64_t rows, uint64_t bytes) {
    // Weights measured roughly as COPY input cost relative to an integer column.
    double per_row = 2.0; // the row itself (tuple header, heap insert, WAL)
    for (const MappedColumn &c : ddl.columns) {
        double w = 1.0;
        if (c.pg_type == "jsonb")
            w = 6.0;
        else if (c.enum_type)
            w = 1.5;
        else {
            switch (c.kind) {
                case CopyKind::kDate:
                case CopyKind::kTime:
                    w = 2.0;
                    break;
                case CopyKind::kDateTime:
                case CopyKind::kTimestampUtc:
                    w = 3.0;
                    break;
                case CopyKind::kSetArray:
                    w = 4.0;
                    break;
                case CopyKind::kBytea:
                case CopyKind::kBitString:
                case CopyKind::kGeometryWkb:
                case CopyKind::kGeometryEwkb:
                    w = 2.0;
                    break;
                default:
                    break;
            }
            if (c.pg_type.rfind("numeric", 0) == 0)
                w = 2.0;
        }
        per_row += w;
    }
    per_row += 3.0 * static_cast<double>(ddl.indexes.size());
    return static_cast<uint64_t>(static_cast<double>(rows) * per_row + static_cast<double>(bytes) / 16.0);
}

std::string BuildSelect(const std::string &schema, const std::string &table,
                        const std::vector<MappedColumn> &columns) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i > 0)
            sql += ", ";
        sql += columns[i].select_expr;
    }
    sql += " FROM " + mysql::QuoteIdentifier(schema) + "." + mysql::QuoteIdentifier(table);
    return sql;
}

namespace {

std::string CutName(const std::string &text, size_t bytes) {
    return TruncateUtf8(text, bytes);
}

// Index key parts; prefix parts become expressions (left(col, n) / substring(col from 1 for n)).
// A constraint (PRIMARY KEY) takes no DESC: `with_order` false leaves it out.
std::string IndexKey(const MysqlTable &table, const MysqlIndex &index,
                     const std::vector<MappedColumn> &columns, bool &has_expression, bool with_order = true) {
    std::string key;
    for (const MysqlIndexPart &part : index.parts) {
        if (!key.empty())
            key += ", ";
        const MysqlColumn *column = table.FindColumn(part.column);
        const MappedColumn *mapped = nullptr;
        for (const MappedColumn &m : columns) {
            if (m.name == part.column)
                mapped = &m;
        }
        if (part.sub_part.has_value() && column != nullptr && mapped != nullptr) {
            has_expression = true;
            std::string n = std::to_string(*part.sub_part);
            if (mapped->kind == CopyKind::kBytea)
                key += "substring(" + QuoteIdent(part.column) + " from 1 for " + n + ")";
            else if (mapped->kind == CopyKind::kText && mapped->pg_type != "jsonb" && !mapped->enum_type)
                key += "left(" + QuoteIdent(part.column) + ", " + n + ")";
            else
                key += QuoteIdent(part.column);
        } else {
            key += QuoteIdent(part.column);
        }
        if (part.descending && with_order)
            key += " DESC";
    }
    return key;
}

} // namespace

std::string ColumnType(const MappedColumn &c, const std::string &schema, const std::string &enum_name) {
    if (c.enum_type)
        return QualifiedName(schema, enum_name);
    return c.pg_type;
}

std::string EnumTypeName(const std::string &table, const std::string &column) {
    return "enum_" + CutName(table, 20) + "_" + CutName(column, 20);
}

std::string CreateEnumTypeSql(const std::string &qualified_type, const std::vector<std::string> &labels) {
    std::string list;
    for (const std::string &label : labels) {
        if (!list.empty())
            list += ", ";
        list += QuoteLiteral(label);
    }
    return "CREATE TYPE " + qualified_type + " AS ENUM (" + list + ")";
}

std::string ColumnDefinitionSql(const MappedColumn &c, const std::string &type) {
    std::string sql = QuoteIdent(c.name) + " " + type;
    if (c.default_value.has_value())
        sql += " DEFAULT " + QuoteLiteral(*c.default_value) + "::" + type;
    else if (!c.default_expression.empty())
        sql += " DEFAULT " + c.default_expression;
    if (c.not_null || c.identity)
        sql += " NOT NULL";
    if (c.identity)
        sql += " GENERATED BY DEFAULT AS IDENTITY";
    return sql;
}

std::vector<std::string> SequenceStatements(const std::string &schema, const std::string &table,
                                            const std::string &column, SchemaNames &names) {
    const std::string qualified = QualifiedName(schema, table);
    std::string seq = names.Relation(CutName(table, 29) + "_" + CutName(column, 29) + "_seq");
    std::string qseq = QualifiedName(schema, seq);
    return {"CREATE SEQUENCE " + qseq + " AS bigint OWNED BY " + qualified + "." + QuoteIdent(column),
            "ALTER TABLE " + qualified + " ALTER COLUMN " + QuoteIdent(column) +
                " SET DEFAULT pg_catalog.nextval(" + QuoteLiteral(qseq) + "::pg_catalog.regclass)"};
}

std::string IndexSkipReason(const MysqlTable &table, const MysqlIndex &index) {
    if (index.index_type == "FULLTEXT" || index.index_type == "SPATIAL" || index.index_type == "RTREE" ||
        index.index_type == "VECTOR")
        return index.index_type + " index";
    for (const MysqlIndexPart &part : index.parts) {
        if (!part.expression.empty() || part.column.empty())
            return "functional key part";
        if (table.FindColumn(part.column) == nullptr)
            return "unknown column " + part.column;
    }
    if (index.parts.empty())
        return "no key parts";
    return "";
}

std::string PrimaryKeyName(const std::string &table) {
    return CutName(table, 58) + "_pkey";
}

std::optional<IndexDdl> BuildIndexDdl(const MysqlTable &table, const MysqlIndex &index,
                                      const std::vector<MappedColumn> &columns, const std::string &schema,
                                      SchemaNames &names, std::vector<std::string> &column_statements,
                                      std::string &skip_reason) {
    skip_reason = IndexSkipReason(table, index);
    if (!skip_reason.empty())
        return std::nullopt;
    const std::string qualified = QualifiedName(schema, table.name);
    bool has_expression = false;
    std::string key = IndexKey(table, index, columns, has_expression);
    IndexDdl idx;
    idx.primary = index.Primary();
    idx.unique = index.unique || idx.primary;
    if (idx.primary && !has_expression) {
        // PostgreSQL constraints have no sort order: a DESC primary key part is ascending (the
        // order only helps scans; the key is the same).
        key = IndexKey(table, index, columns, has_expression, false);
        idx.name = names.Relation(PrimaryKeyName(table.name));
        idx.sql = "ALTER TABLE " + qualified + " ADD CONSTRAINT " + QuoteIdent(idx.name) + " PRIMARY KEY (" +
                  key + ")";
        return idx;
    }
    std::string wanted = idx.primary ? table.name + "_pkey" : index.name;
    if (wanted.size() <= kMaxIdentifierBytes && names.TryRelation(wanted))
        idx.name = wanted;
    else
        idx.name = names.Relation(CutName(table.name, 30) + "_" + CutName(wanted, 30));
    idx.sql = std::string(idx.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + QuoteIdent(idx.name) +
              " ON " + qualified + " (" + key + ")";
    if (idx.primary) {
        // A primary key on prefixes: a unique index on the expressions, columns NOT NULL.
        for (const MysqlIndexPart &part : index.parts)
            column_statements.push_back("ALTER TABLE " + qualified + " ALTER COLUMN " +
                                        QuoteIdent(part.column) + " SET NOT NULL");
    }
    return idx;
}

const MysqlIndex *ReplicaIdentityIndex(const MysqlTable &table) {
    auto usable = [&](const MysqlIndex &index) {
        if (!IndexSkipReason(table, index).empty())
            return false;
        for (const MysqlIndexPart &part : index.parts) {
            const MysqlColumn *column = table.FindColumn(part.column);
            if (part.sub_part.has_value() || column == nullptr || column->nullable)
                return false;
        }
        return true;
    };
    const MysqlIndex *primary = table.PrimaryKey();
    if (primary != nullptr && usable(*primary))
        return primary;
    for (const MysqlIndex &index : table.indexes) {
        if (index.unique && usable(index))
            return &index;
    }
    return nullptr;
}

TableDdl BuildTableDdl(const MysqlTable &mysql_table, const TableDdlOptions &options, SchemaNames &names) {
    // Everything below is written with the PostgreSQL names; the MySQL ones serve the type
    // overrides and the SELECT.
    const MysqlTable table = WithPgNames(mysql_table, options.renames);
    TableDdl ddl;
    ddl.schema = options.schema;
    ddl.table = table.name;
    const PgNameResult table_name =
        PgName(NameKind::kTable, mysql_table.schema, mysql_table.name, "", options.renames);
    if (table_name.reason != RenameReason::kNone)
        ddl.renamed.push_back({false, "", table_name.name, RenameReasonText(table_name.reason)});
    const std::string qualified = QualifiedName(options.schema, table.name);

    // Columns.
    std::map<std::string, std::string> taken; // PostgreSQL name -> MySQL name
    for (const MysqlColumn &column : mysql_table.columns) {
        const PgNameResult pg =
            PgName(NameKind::kColumn, mysql_table.schema, mysql_table.name, column.name, options.renames);
        auto [other, fresh] = taken.emplace(pg.name, column.name);
        if (!fresh) {
            throw Error("columns " + QuoteIdent(other->second) + " and " + QuoteIdent(column.name) +
                            " of table " + mysql_table.Display() + " would both be named " +
                            QuoteIdent(pg.name) + " in PostgreSQL",
                        "42701", "",
                        "Give one of them another name with the source's rename map (\"" +
                            mysql_table.schema + "." + mysql_table.name + "." + column.name + "\": name).");
        }
        if (pg.reason != RenameReason::kNone)
            ddl.renamed.push_back({true, column.name, pg.name, RenameReasonText(pg.reason)});
        auto existing = options.existing_types.find(pg.name);
        MappedColumn mapped =
            existing != options.existing_types.end()
                ? MapColumnTo(column, existing->second, options.types)
                : MapColumn(column, mysql_table.schema, mysql_table.name, options.overrides, options.types);
        mapped.name = pg.name;
        for (const std::string &note : mapped.notes)
            ddl.notes.push_back(mysql_table.Display() + ": " + note);
        ddl.columns.push_back(std::move(mapped));
    }

    // Enum types (one per column), named as pg_chameleon does: enum_<table 20>_<column 20>.
    std::vector<std::string> enum_names(ddl.columns.size());
    for (size_t i = 0; i < ddl.columns.size(); ++i) {
        const MappedColumn &c = ddl.columns[i];
        if (!c.enum_type)
            continue;
        enum_names[i] = names.Type(EnumTypeName(table.name, c.name));
        ddl.enum_types.push_back(enum_names[i]);
        ddl.create_statements.push_back(
            CreateEnumTypeSql(QualifiedName(options.schema, enum_names[i]), c.enum_labels));
    }

    // The table.
    std::string create = "CREATE TABLE " + qualified + " (";
    for (size_t i = 0; i < ddl.columns.size(); ++i) {
        const MappedColumn &c = ddl.columns[i];
        const std::string type = ColumnType(c, options.schema, enum_names[i]);
        create += i == 0 ? "\n    " : ",\n    ";
        create += ColumnDefinitionSql(c, type);
    }
    create += "\n)";
    if (options.fillfactor.has_value())
        create += " WITH (fillfactor=" + std::to_string(*options.fillfactor) + ")";
    ddl.create_statements.push_back(create);

    // auto_increment columns of a type without identity (numeric(20,0)): an owned sequence.
    for (const MappedColumn &c : ddl.columns) {
        if (!c.sequence)
            continue;
        for (std::string &sql : SequenceStatements(options.schema, table.name, c.name, names))
            ddl.create_statements.push_back(std::move(sql));
    }

    if (!table.comment.empty())
        ddl.create_statements.push_back("COMMENT ON TABLE " + qualified + " IS " +
                                        QuoteLiteral(table.comment));
    for (const MysqlColumn &column : table.columns) {
        if (!column.comment.empty())
            ddl.create_statements.push_back("COMMENT ON COLUMN " + qualified + "." + QuoteIdent(column.name) +
                                            " IS " + QuoteLiteral(column.comment));
    }

    // Primary key and indexes, built after the data.
    for (const MysqlIndex &index : table.indexes) {
        std::string reason;
        std::optional<IndexDdl> idx =
            BuildIndexDdl(table, index, ddl.columns, options.schema, names, ddl.create_statements, reason);
        if (!idx.has_value()) {
            ddl.notes.push_back(mysql_table.Display() + ": index " + QuoteIdent(index.name) +
                                " not created (" + reason + ")");
            continue;
        }
        ddl.indexes.push_back(std::move(*idx));
    }
    // Primary key first.
    std::stable_partition(ddl.indexes.begin(), ddl.indexes.end(),
                          [](const IndexDdl &i) { return i.primary; });

    // Replica identity: the primary key, else the first unique index on NOT NULL whole columns.
    const MysqlIndex *identity = ReplicaIdentityIndex(table);
    if (identity != nullptr) {
        for (const MysqlIndexPart &part : identity->parts)
            ddl.identity_columns.push_back(part.column);
    }
    const MysqlIndex *key_index = identity != nullptr ? identity : table.PrimaryKey();
    if (key_index != nullptr) {
        for (const MysqlIndexPart &part : key_index->parts) {
            for (size_t i = 0; i < ddl.columns.size(); ++i) {
                if (ddl.columns[i].name == part.column)
                    ddl.key_columns.push_back(static_cast<int>(i));
            }
        }
    }

    ddl.select_sql = BuildSelect(mysql_table.schema, mysql_table.name, ddl.columns);
    return ddl;
}

ForeignKeyDdl BuildForeignKeyDdl(const std::string &schema, const std::string &table,
                                 const MysqlForeignKey &fk, const std::string &referenced_schema) {
    auto list = [](const std::vector<std::string> &names) {
        std::string out;
        for (const std::string &n : names) {
            if (!out.empty())
                out += ", ";
            out += QuoteIdent(n);
        }
        return out;
    };
    auto rule = [](const std::string &r) {
        std::string upper = r;
        for (char &c : upper) {
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 'a' + 'A');
        }
        for (const char *known : {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"}) {
            if (upper == known)
                return upper;
        }
        return std::string("NO ACTION");
    };
    const std::string qualified = QualifiedName(schema, table);
    ForeignKeyDdl ddl;
    ddl.create_sql = "ALTER TABLE " + qualified + " ADD CONSTRAINT " +
                     QuoteIdent(TruncateUtf8(fk.name, kMaxIdentifierBytes)) + " FOREIGN KEY (" +
                     list(fk.columns) + ") REFERENCES " +
                     QualifiedName(referenced_schema, fk.referenced_table) + " (" +
                     list(fk.referenced_columns) + ") ON UPDATE " + rule(fk.update_rule) + " ON DELETE " +
                     rule(fk.delete_rule) + " NOT VALID";
    ddl.validate_sql = "ALTER TABLE " + qualified + " VALIDATE CONSTRAINT " +
                       QuoteIdent(TruncateUtf8(fk.name, kMaxIdentifierBytes));
    return ddl;
}

} // namespace chameleon::ddl
