// Pre-flight check of a MySQL/MariaDB source: can chameleon replicate from this server?
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace chameleon::mysql {

struct ConnectParams {
    std::string host = "localhost";
    int port = 3306;
    std::string user;
    std::string password;
    std::string charset = "utf8mb4";
    int connect_timeout = 10; // seconds
    int read_timeout = 60;    // seconds
    int write_timeout = 60;   // seconds
};

struct CheckResult {
    std::string check;  // e.g. "connection", "version", "log_bin", "binlog_format", ...
    std::string status; // "ok", "failed" or "warning"
    std::string value;  // what was found (server version, variable value, missing privileges...)
    std::string hint;   // what to do when not ok ("" when ok)
};

// Connects and runs every check. A connection failure gives a single "connection" row with status
// "failed" (the other checks cannot run) — it never throws for an unreachable or refusing server, and
// never waits longer than the connect/read timeouts.
std::vector<CheckResult> RunPreflight(const ConnectParams &params, const std::vector<std::string> &origin_schemas,
                                      int64_t replica_server_id);

} // namespace chameleon::mysql
