// Small pieces shared by the conductor (calling backend) and the copy workers.
#pragma once

#include "config/config.hpp"
#include "mysql/preflight.hpp"

#include <string>
#include <vector>

namespace chameleon::pg {

// The MySQL connection settings of a source.
mysql::ConnectParams ConnectParamsOf(const config::SourceConfig &settings);

// lock_timeout ("120s", "2min", "500ms", "1h", bare seconds) in whole seconds, at least 1.
int LockTimeoutSeconds(const std::string &lock_timeout);

// A text[] literal of `values` ('{"a","b"}').
std::string TextArrayLiteral(const std::vector<std::string> &values);

// "1.2 s", "35 ms", "2 min 3 s".
std::string FormatDuration(double seconds);

// Rows per second, rounded.
std::string FormatRate(double rows, double seconds);

} // namespace chameleon::pg
