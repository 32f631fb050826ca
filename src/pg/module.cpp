// Module entry: PG_MODULE_MAGIC, _PG_init (GUCs), chameleon.version(), and the internal
// functions the regression suite uses to prove the error boundary.
#include "pg/module.hpp"

#include "common/error.hpp"
#include "pg/guard.hpp"
#include "pg/copy/shared.hpp"
#include "pg/replica/shared.hpp"
#include "pg/upgrade_guard.hpp"

#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void _PG_init(void);
}

#ifndef CHAMELEON_VERSION
#error "CHAMELEON_VERSION must be defined by the Makefile"
#endif

namespace {
char *config_directory_guc = nullptr;
char *upgrade_config_guc = nullptr;
} // namespace

namespace chameleon::pg {

std::string ConfigDirectory() {
    std::string dir = (config_directory_guc != nullptr) ? config_directory_guc : "";
    if (dir.empty())
        dir = "chameleon";
    if (dir.front() != '/')
        dir = std::string(DataDir) + "/" + dir;
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    return dir;
}

std::string UpgradeConfig() {
    return (upgrade_config_guc != nullptr) ? upgrade_config_guc : "";
}

} // namespace chameleon::pg

void _PG_init(void) {
    DefineCustomStringVariable("chameleon.config_directory",
                               "Directory holding chameleon's YAML configuration files.",
                               "A relative path is relative to the data directory.", &config_directory_guc,
                               "chameleon", PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("chameleon.upgrade_config",
                               "Configuration used by the 1.7 to 2.0 catalogue migration.",
                               "Names a file <name>.yml in chameleon.config_directory.", &upgrade_config_guc,
                               "default", PGC_SUSET, 0, nullptr, nullptr, nullptr);
    chameleon::pg::CopyModuleInit();    // copy family: GUCs, shared memory (issue 5)
    chameleon::pg::ReplicaModuleInit(); // replication: launcher, GUCs, shared memory (issue 8)
    chameleon::pg::UpgradeGuardInit();  // checks of the 1.7 -> 2.0 migration (issue 10)
    MarkGUCPrefixReserved("chameleon");
}

// chameleon.version(): the version of the loaded library.
CHAMELEON_FUNCTION(chameleon_version) {
    (void)fcinfo;
    PG_RETURN_TEXT_P(cstring_to_text(CHAMELEON_VERSION));
}

// ---- internal functions used by the regression suite to prove the error boundary ----
// They are not part of the extension's SQL surface; the tests declare them with CREATE FUNCTION.

// Throws a C++ exception of a type chameleon never throws itself, with live objects on the stack.
CHAMELEON_FUNCTION(chameleon_test_throw_cpp) {
    std::vector<std::string> live_objects{"a", "b"};
    if (PG_GETARG_BOOL(0))
        throw std::out_of_range("test exception from C++ (" + std::to_string(live_objects.size()) +
                                " objects)");
    throw 42; // not derived from std::exception
}

// Triggers a PostgreSQL error from inside C++ code that holds objects with destructors.
CHAMELEON_FUNCTION(chameleon_test_pg_error_in_cpp) {
    std::string query = text_to_cstring(PG_GETARG_TEXT_PP(0));
    std::vector<std::string> live_objects(3, query);
    chameleon::pg::PgCall([&] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
        SPI_execute(query.c_str(), true, 0);
        SPI_finish();
    });
    PG_RETURN_INT32(static_cast<int32>(live_objects.size()));
}

// Throws a chameleon::Error carrying SQLSTATE, detail and hint.
CHAMELEON_FUNCTION(chameleon_test_throw_error) {
    (void)fcinfo;
    throw chameleon::Error("test error from chameleon", chameleon::sqlstate::kConfigFileError, "some detail",
                           "some hint");
}
