// chameleon.translate_ddl(statement, source, current_schema): what replicated DDL would run in
// PostgreSQL for a MySQL statement, without running it. With a source, the translation uses its
// schema mappings, limit_tables/skip_tables, type_override and fillfactor, and the definitions of
// its tables as MySQL's information_schema gives them now; without one, a schema maps to itself and
// only statements that need no existing table translate.
#include "common/error.hpp"
#include "ddl/copy_plan.hpp"
#include "ddl/translate/translate.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

using namespace chameleon;
using namespace chameleon::pg;

namespace {

std::string Describe(const ddl::translate::Translation &t) {
    switch (t.outcome) {
        case ddl::translate::Outcome::kApplied: {
            std::string out;
            for (const std::string &sql : t.statements)
                out += sql + ";\n";
            for (const std::string &note : t.notes)
                out += "-- note: " + note + "\n";
            if (t.statements.empty())
                out += "-- " + t.statement_kind + ": nothing to run in PostgreSQL\n";
            return out;
        }
        case ddl::translate::Outcome::kIgnored:
            return "-- ignored (" + t.statement_kind + "): " + t.message + "\n";
        case ddl::translate::Outcome::kRefused:
            return "-- refused at offset " + std::to_string(t.offset) + ": " + t.message + "\n";
    }
    return "";
}

} // namespace

CHAMELEON_FUNCTION(chameleon_translate_ddl) {
    const std::string statement = TextArg(fcinfo, 0, "statement");
    ddl::translate::Registry registry;
    ddl::translate::Context ctx;
    ctx.registry = &registry;
    if (!PG_ARGISNULL(1)) {
        const std::string source = TextArg(fcinfo, 1, "source");
        SpiConnect();
        std::vector<SpiRow> rows =
            SpiQuery("SELECT t_config_name, map.key, map.value FROM sch_chameleon.t_sources src, "
                     "pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map WHERE src.t_source = $1",
                     {source});
        const bool postgis =
            SpiQueryValue("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis'").has_value();
        SpiFinish();
        if (rows.empty())
            throw Error("source \"" + source + "\" does not exist", sqlstate::kUndefinedObject, "",
                        "sch_chameleon.v_sources lists the sources.");
        const config::Configuration configuration = config::LoadConfiguration(ConfigDirectory(), *rows[0][0]);
        const config::SourceConfig &settings = configuration.Source(source);
        std::vector<std::string> origins;
        for (const SpiRow &r : rows) {
            ctx.schema_mappings[*r[1]] = *r[2];
            origins.push_back(*r[1]);
        }
        ctx.current_schema = origins.front();
        ctx.overrides = configuration.type_override;
        ctx.fillfactor = configuration.fillfactor;
        ctx.renames = settings.rename; // the names the copy gave
        const std::vector<std::string> limit = settings.limit_tables, skip = settings.skip_tables;
        ctx.replicated = [limit, skip](const std::string &schema, const std::string &table) {
            return ddl::TableSelected(limit, skip, schema, table);
        };
        mysql::Connection conn = mysql::Connection::Open(ConnectParamsOf(settings), LatchWaiter(nullptr));
        ctx.types.default_style = mysql::DefaultStyleOf(conn);
        ctx.types.postgis = postgis;
        ctx.types.zero_dates_infinity = settings.zero_dates == "-infinity";
        for (ddl::MysqlTable &t : mysql::ReadTables(conn, origins)) {
            if (ctx.replicated(t.schema, t.name))
                registry.Put(std::move(t));
        }
    }
    if (!PG_ARGISNULL(2))
        ctx.current_schema = TextArg(fcinfo, 2, "current_schema");
    if (PG_ARGISNULL(1)) {
        if (ctx.current_schema.empty())
            ctx.current_schema = "mysql";
        ctx.schema_mappings[ctx.current_schema] = ctx.current_schema;
    }
    std::string out;
    for (const ddl::translate::Translation &t : ddl::translate::TranslateText(statement, ctx))
        out += Describe(t);
    if (!out.empty() && out.back() == '\n')
        out.pop_back();
    return ReturnText(out);
}
