// Building blocks of the registry side of translation: MySQL definitions from parsed statements,
// and the edits ALTER TABLE makes to them. Internal to ddl/translate (translate.hpp is the API).
#pragma once

#include "common/cpp_only.hpp"

#include "ddl/mysql_schema.hpp"
#include "ddl/parser/ast.hpp"
#include "ddl/translate/translate.hpp"

#include <optional>
#include <string>

namespace chameleon::ddl::translate {

// MySQL column and index names compare without case.
bool SameName(const std::string &a, const std::string &b);
MysqlColumn *FindColumnCi(MysqlTable &table, const std::string &name);
MysqlIndex *FindIndexCi(MysqlTable &table, const std::string &name);

// Sets COLUMN_DEFAULT of `column` (of type `type`) to `value` (nullopt: no default).
void SetColumnDefault(MysqlColumn &column, const parser::DataType &type,
                      const std::optional<parser::DefaultValue> &value, DefaultStyle style);
// The parsed type a registry column has (enough for SetColumnDefault).
parser::DataType TypeOfColumn(const MysqlColumn &column);

// ORDINAL_POSITION 1..n in vector order.
void Renumber(MysqlTable &table);

// `wanted`, or wanted_2, wanted_3... when an index of `table` has the name (MySQL's rule).
std::string UniqueIndexName(const MysqlTable &table, const std::string &wanted);
// The MySQL index a key definition gives in `table` (name chosen as MySQL does when not given).
MysqlIndex IndexFromKey(const parser::KeyDef &key, const MysqlTable &table);
// Adds `index` (a primary key first, its columns NOT NULL). Throws chameleon::Error on a second
// primary key, a taken name or an unknown column.
void AddIndex(MysqlTable &table, MysqlIndex index);
// Adds a foreign key (named <table>_ibfk_N when not named) and, as InnoDB does, an index on its
// columns when no index starts with them; returns that index.
std::optional<MysqlIndex> AddForeignKey(MysqlTable &table, const parser::ForeignKeyDef &def,
                                        const std::string &default_schema);

bool IsTransactionalEngine(const std::string &engine);

} // namespace chameleon::ddl::translate
