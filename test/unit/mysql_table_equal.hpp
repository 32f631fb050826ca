// Field-by-field equality of MysqlTable (the structs have no operator==), for the registry codec's
// round-trip tests and its fuzz target. Every field of mysql_schema.hpp is listed.
#pragma once

#include "ddl/mysql_schema.hpp"

#include <tuple>

namespace chameleon::ddl::testing {

inline bool SameColumn(const MysqlColumn &a, const MysqlColumn &b) {
    return std::tie(a.name, a.ordinal, a.data_type, a.column_type, a.nullable, a.default_value,
                    a.char_max_length, a.numeric_precision, a.numeric_scale, a.datetime_precision, a.extra,
                    a.charset, a.comment, a.generation_expression, a.json) ==
           std::tie(b.name, b.ordinal, b.data_type, b.column_type, b.nullable, b.default_value,
                    b.char_max_length, b.numeric_precision, b.numeric_scale, b.datetime_precision, b.extra,
                    b.charset, b.comment, b.generation_expression, b.json);
}

inline bool SamePart(const MysqlIndexPart &a, const MysqlIndexPart &b) {
    return std::tie(a.column, a.sub_part, a.descending, a.expression) ==
           std::tie(b.column, b.sub_part, b.descending, b.expression);
}

inline bool SameIndex(const MysqlIndex &a, const MysqlIndex &b) {
    if (std::tie(a.name, a.unique, a.index_type) != std::tie(b.name, b.unique, b.index_type) ||
        a.parts.size() != b.parts.size())
        return false;
    for (size_t i = 0; i < a.parts.size(); i++)
        if (!SamePart(a.parts[i], b.parts[i]))
            return false;
    return true;
}

inline bool SameForeignKey(const MysqlForeignKey &a, const MysqlForeignKey &b) {
    return std::tie(a.name, a.columns, a.referenced_schema, a.referenced_table, a.referenced_columns,
                    a.update_rule, a.delete_rule) == std::tie(b.name, b.columns, b.referenced_schema,
                                                              b.referenced_table, b.referenced_columns,
                                                              b.update_rule, b.delete_rule);
}

inline bool SameTable(const MysqlTable &a, const MysqlTable &b) {
    if (std::tie(a.schema, a.name, a.engine, a.transactional, a.estimated_rows, a.avg_row_length,
                 a.data_length, a.comment) != std::tie(b.schema, b.name, b.engine, b.transactional,
                                                       b.estimated_rows, b.avg_row_length, b.data_length,
                                                       b.comment) ||
        a.columns.size() != b.columns.size() || a.indexes.size() != b.indexes.size() ||
        a.foreign_keys.size() != b.foreign_keys.size())
        return false;
    for (size_t i = 0; i < a.columns.size(); i++)
        if (!SameColumn(a.columns[i], b.columns[i]))
            return false;
    for (size_t i = 0; i < a.indexes.size(); i++)
        if (!SameIndex(a.indexes[i], b.indexes[i]))
            return false;
    for (size_t i = 0; i < a.foreign_keys.size(); i++)
        if (!SameForeignKey(a.foreign_keys[i], b.foreign_keys[i]))
            return false;
    return true;
}

} // namespace chameleon::ddl::testing
