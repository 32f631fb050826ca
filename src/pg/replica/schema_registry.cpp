#include "common/error.hpp"
#include "ddl/copy_plan.hpp"
#include "ddl/names.hpp"
#include "ddl/parser/lexer.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/registry_codec.hpp"

#include "pg/replica/schema_registry.hpp"
#include "pg/spi_util.hpp"

#include <set>

namespace chameleon::pg {

RegistryState LoadRegistry(int64 source_id, int64 before_batch) {
    RegistryState state;
    const std::string filter =
        before_batch > 0 ? " AND (i_id_batch IS NULL OR i_id_batch < " + std::to_string(before_batch) + ")"
                         : "";
    for (const SpiRow &r : SpiQuery(
             "SELECT DISTINCT ON (v_schema_name, v_table_name) v_schema_name, v_table_name, b_replicated, "
             "j_definition::text FROM sch_chameleon.t_schema_registry WHERE i_id_source = $1::bigint" +
                 filter + " ORDER BY v_schema_name, v_table_name, i_id_version DESC",
             {std::to_string(source_id)})) {
        const std::pair<std::string, std::string> key{r[0].value_or(""), r[1].value_or("")};
        state.known.insert(key);
        if (r[2] != SpiValue("t") || !r[3]) {
            state.not_replicated.insert(key);
            continue;
        }
        ddl::MysqlTable table;
        try {
            table = ddl::DecodeTableJson(*r[3]);
        } catch (const Error &e) {
            throw Error("the schema registry's definition of " + key.first + "." + key.second +
                            " cannot be read: " + e.what(),
                        sqlstate::kDataCorrupted, "", "Copy the table again with chameleon.sync_tables().");
        }
        table.schema = key.first;
        table.name = key.second;
        state.registry.Put(std::move(table));
    }
    return state;
}

void RecordVersion(int64 source_id, int64 batch_id, const std::string &schema, const std::string &table,
                   const std::string &file, uint64_t position, const ddl::MysqlTable *definition,
                   const std::string &reason) {
    SpiExecute("INSERT INTO sch_chameleon.t_schema_registry (i_id_source, i_id_batch, v_schema_name, "
               "v_table_name, t_binlog_name, i_binlog_position, b_replicated, t_reason, j_definition) "
               "VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6::bigint, $7::boolean, $8, $9::jsonb)",
               {std::to_string(source_id), batch_id > 0 ? SpiValue(std::to_string(batch_id)) : SpiValue(),
                schema, table, file.empty() ? SpiValue() : SpiValue(file),
                file.empty() ? SpiValue() : SpiValue(std::to_string(position)),
                definition != nullptr ? "true" : "false", reason.empty() ? SpiValue() : SpiValue(reason),
                definition != nullptr ? SpiValue(ddl::EncodeTableJson(*definition)) : SpiValue()});
}

ddl::parser::ParseOptions ParseOptionsOf(uint64_t sql_mode) {
    ddl::parser::ParseOptions po;
    po.real_as_float = (sql_mode & 0x1) != 0;
    po.ansi_quotes = (sql_mode & 0x4) != 0;
    po.no_backslash_escapes = (sql_mode & (1ULL << 21)) != 0;
    return po;
}

namespace {

bool IsName(const ddl::parser::Token &t) {
    return t.kind == ddl::parser::TokenKind::kWord || t.kind == ddl::parser::TokenKind::kQuotedIdent ||
           t.kind == ddl::parser::TokenKind::kDoubleQuoted;
}

std::string NameOf(const ddl::parser::Token &t) {
    return ddl::AsciiLower(t.kind == ddl::parser::TokenKind::kWord ? std::string(t.text) : t.value);
}

} // namespace

std::vector<std::pair<std::string, std::string>> NamedTables(const std::string &sql,
                                                             const std::string &current_schema,
                                                             const ddl::translate::Registry &registry,
                                                             const ReplicaSource &source) {
    // The names the text holds, qualified by their schema (the query's database when unqualified).
    std::set<std::pair<std::string, std::string>> names;
    const ddl::parser::LexResult lex = ddl::parser::Tokenize(sql);
    const std::vector<ddl::parser::Token> &tokens = lex.tokens;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (!IsName(tokens[i]))
            continue;
        const bool qualified = i >= 2 && tokens[i - 1].kind == ddl::parser::TokenKind::kSymbol &&
                               tokens[i - 1].text == "." && IsName(tokens[i - 2]);
        names.insert(
            {qualified ? NameOf(tokens[i - 2]) : ddl::AsciiLower(current_schema), NameOf(tokens[i])});
    }
    std::vector<std::pair<std::string, std::string>> named;
    for (const ddl::MysqlTable *t : registry.All()) {
        if (source.mappings.count(t->schema) == 0 ||
            !ddl::TableSelected(source.settings.limit_tables, source.settings.skip_tables, t->schema,
                                t->name))
            continue;
        const bool found = lex.ok ? names.count({ddl::AsciiLower(t->schema), ddl::AsciiLower(t->name)}) != 0
                                  : ddl::AsciiLower(sql).find(ddl::AsciiLower(t->name)) != std::string::npos;
        if (found)
            named.emplace_back(t->schema, t->name);
    }
    return named;
}

ddl::TypeMapOptions SourceTypeOptions(const ReplicaSource &source, ddl::DefaultStyle style, bool postgis) {
    ddl::TypeMapOptions types;
    types.postgis = postgis;
    types.default_style = style;
    types.zero_dates_infinity = source.settings.zero_dates == "-infinity";
    types.strip_nul_bytes = source.settings.nul_bytes == "strip";
    return types;
}

ddl::translate::Context DdlContext(const ReplicaSource &source, const ddl::translate::Registry *registry,
                                   const ddl::TypeMapOptions &types, const std::string &current_schema) {
    ddl::translate::Context ctx;
    ctx.registry = registry;
    ctx.current_schema = current_schema;
    ctx.schema_mappings = source.mappings;
    ctx.types = types;
    ctx.overrides = source.configuration.type_override;
    ctx.fillfactor = source.configuration.fillfactor;
    ctx.renames = source.settings.rename; // the names the copy gave
    const std::vector<std::string> limit = source.settings.limit_tables, skip = source.settings.skip_tables;
    ctx.replicated = [limit, skip](const std::string &schema, const std::string &table) {
        return ddl::TableSelected(limit, skip, schema, table);
    };
    return ctx;
}

} // namespace chameleon::pg
