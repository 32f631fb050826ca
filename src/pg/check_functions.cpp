// chameleon._check_mysql(): the pre-flight check of a source's MySQL/MariaDB server.
#include "common/error.hpp"
#include "config/config.hpp"
#include "mysql/preflight.hpp"

#include "pg/copy/common.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/mysql_wait.hpp"

using namespace chameleon;

// chameleon._check_mysql(source text, config text, origin_schemas text[])
//   RETURNS TABLE(check_name text, status text, value text, hint text)
// The connection settings come from the configuration file; the origin schemas from the catalogue
// (authoritative after add_source, as in pg_chameleon).
CHAMELEON_FUNCTION(chameleon_check_mysql) {
    const std::string source = pg::TextArg(fcinfo, 0, "source");
    const std::string config_name = pg::TextArg(fcinfo, 1, "config");
    const std::vector<std::string> schemas = pg::TextArrayArg(fcinfo, 2, "origin_schemas");
    config::CheckConfigName(config_name);
    const config::Configuration configuration = config::LoadConfiguration(pg::ConfigDirectory(), config_name);
    const config::SourceConfig &settings = configuration.Source(source);

    std::vector<pg::Row> rows;
    for (const mysql::CheckResult &result : mysql::RunPreflight(
             pg::ConnectParamsOf(settings), schemas, settings.my_server_id, pg::LatchWaiter(nullptr))) {
        rows.push_back({result.check, result.status, result.value,
                        result.hint.empty() ? std::nullopt : std::optional<std::string>(result.hint)});
    }
    return pg::ReturnTextRows(fcinfo, rows);
}
