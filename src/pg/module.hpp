// Module-wide settings of chameleon.so: GUC values and the library version.
#pragma once

#include <string>

namespace chameleon::pg {

// Value of chameleon.config_directory made absolute (relative paths are relative to the data
// directory, as for log_directory).
std::string ConfigDirectory();

// Value of chameleon.upgrade_config (the configuration used by the 1.7 → 2.0 catalogue migration).
std::string UpgradeConfig();

} // namespace chameleon::pg
