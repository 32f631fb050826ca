// Which 1.x sources of a 1.7 catalogue the 1.7 -> 2.0 migration takes over, judged from the
// configuration it reads: every 1.x source is either taken over (its my_database: destination pair
// is in the schema_mappings of a 2.x source) or deliberately left behind (listed in the
// upgrade_leave_sources of a 2.x source). Anything else aborts the migration, as pg_chameleon's
// upgrade documentation says ("any discrepancy will abort the upgrade procedure").
#pragma once

#include "common/cpp_only.hpp"

#include "config/config.hpp"

#include <string>
#include <vector>

namespace chameleon::config {

// A source of the 1.7 catalogue (sch_chameleon.t_sources).
struct OldSource {
    std::string name;        // t_source
    std::string schema;      // t_source_schema: the MySQL schema (my_database)
    std::string destination; // t_dest_schema
};

// A 1.x source the migration leaves behind, and the 2.x source whose upgrade_leave_sources lists it.
struct LeftSource {
    OldSource source;
    std::string listed_by;
};

// The 1.x sources left behind, in the order of `old_sources`. Throws chameleon::Error (22023) when
// an upgrade_leave_sources entry names no 1.x source, when a 1.x source is both taken over and listed,
// and when 1.x sources are neither taken over nor listed (naming every one, with how the
// configuration maps its schema or destination, if at all).
std::vector<LeftSource> PlanTakeover(const Configuration &configuration,
                                     const std::vector<OldSource> &old_sources);

} // namespace chameleon::config
