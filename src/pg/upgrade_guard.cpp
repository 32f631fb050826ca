#include "common/error.hpp"
#include "config/config.hpp"
#include "config/upgrade_takeover.hpp"

#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/spi_util.hpp"
#include "pg/upgrade_guard.hpp"

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "commands/defrem.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/guc.h"
}

namespace chameleon::pg {
namespace {

ProcessUtility_hook_type previous_utility_hook = nullptr;

// Where the 2.0 -> 2.1 step reads the configuration the migration used (transaction-local).
constexpr const char *kMigrationConfigGuc = "chameleon_internal.migration_config";
constexpr const char *kStepFourPrefix = "1.7 -> 2.0 migration failed at step 4 (check the schema mappings): ";

struct Catalogue {
    std::string version; // extension version
    bool stale_copy = false;
    std::string catalogue_version; // sch_chameleon.v_version
    std::vector<config::OldSource> sources;
    bool every_source_has_schema = true;
};

Catalogue ReadCatalogue() {
    Catalogue catalogue;
    SpiConnect();
    catalogue.version =
        SpiQueryValue("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'chameleon'")
            .value_or("");
    if (catalogue.version == "1.7") {
        catalogue.stale_copy =
            SpiQueryValue("SELECT pg_catalog.to_regnamespace('_sch_chameleon_version2') IS NOT NULL") == "t";
        catalogue.catalogue_version =
            SpiQueryValue("SELECT t_version::text FROM sch_chameleon.v_version").value_or("");
        for (const SpiRow &row : SpiQuery("SELECT t_source::text, t_source_schema::text, t_dest_schema::text "
                                          "FROM sch_chameleon.t_sources ORDER BY i_id_source")) {
            if (row[1].value_or("").empty())
                catalogue.every_source_has_schema = false;
            catalogue.sources.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or("")});
        }
    }
    SpiFinish();
    return catalogue;
}

// Only the update that leaves 1.7 is the migration.
bool LeavesVersion17(const AlterExtensionStmt *stmt, const std::string &current) {
    if (current != "1.7")
        return false;
    const char *target = nullptr;
    ListCell *cell;
    foreach (cell, stmt->options) {
        DefElem *option = static_cast<DefElem *>(lfirst(cell));
        if (std::strcmp(option->defname, "new_version") == 0)
            target = PgCall([&] { return defGetString(option); });
    }
    return target == nullptr || std::strcmp(target, "1.7") != 0;
}

void CheckMigration(void *arg) {
    const auto *stmt = static_cast<const AlterExtensionStmt *>(arg);
    const Catalogue catalogue = ReadCatalogue();
    if (!LeavesVersion17(stmt, catalogue.version))
        return;

    // The same refusal as chameleon.upgrade_replica_schema(), before anything changes.
    if (catalogue.stale_copy)
        throw Error("schema _sch_chameleon_version2 exists: it keeps the 2.0 catalogue of a failed upgrade "
                    "for debugging",
                    "42P06", "",
                    "Drop it (DROP SCHEMA _sch_chameleon_version2 CASCADE) or rename it, then call "
                    "chameleon.upgrade_replica_schema() again.");

    const std::string config_name = UpgradeConfig();
    PgCall([&] {
        set_config_option(kMigrationConfigGuc, config_name.c_str(), PGC_USERSET, PGC_S_SESSION,
                          GUC_ACTION_LOCAL, true, 0, false);
    });

    // Steps 1, 2 and 4 of the update script report a catalogue that is not 1.7, sources without
    // t_source_schema and a configuration that cannot be read; only a migration that would get past
    // them is judged here.
    if (catalogue.catalogue_version != "1.7" || !catalogue.every_source_has_schema ||
        catalogue.sources.empty())
        return;
    config::Configuration configuration;
    try {
        config::CheckConfigName(config_name);
        configuration = config::LoadConfiguration(ConfigDirectory(), config_name);
    } catch (const Error &) {
        return;
    }
    std::vector<config::LeftSource> left;
    try {
        left = config::PlanTakeover(configuration, catalogue.sources);
    } catch (const Error &e) {
        throw Error(kStepFourPrefix + std::string(e.what()), e.SqlState(), e.Detail(), e.Hint());
    }
    for (const config::LeftSource &entry : left) {
        const std::string text = "1.7 source \"" + entry.source.name + "\" (" + entry.source.schema + " -> " +
                                 entry.source.destination +
                                 ") is not migrated: upgrade_leave_sources of source \"" + entry.listed_by +
                                 "\" lists it; it stays in _sch_chameleon_version1";
        PgCall([&] { ereport(NOTICE, (errmsg("%s", text.c_str()))); });
    }
}

void UpgradeGuardUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                         ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                         DestReceiver *dest, QueryCompletion *qc) {
    Node *statement = pstmt->utilityStmt;
    if (IsA(statement, AlterExtensionStmt) &&
        std::strcmp(castNode(AlterExtensionStmt, statement)->extname, "chameleon") == 0)
        RunGuardedVoid("ALTER EXTENSION chameleon UPDATE", CheckMigration, statement);
    if (previous_utility_hook != nullptr)
        previous_utility_hook(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    else
        standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

} // namespace

void UpgradeGuardInit() {
    previous_utility_hook = ProcessUtility_hook;
    ProcessUtility_hook = UpgradeGuardUtility;
}

} // namespace chameleon::pg
