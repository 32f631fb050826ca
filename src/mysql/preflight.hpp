// Pre-flight check of a MySQL/MariaDB source: can chameleon replicate from this server?
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
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

// Waits for a connection's socket while a non-blocking operation is in progress, so that the
// caller's own event loop (PostgreSQL latches, interrupts) keeps turning. `events` holds the bits
// kWaitRead, kWaitWrite, kWaitExcept (connection.hpp); `timeout_ms` is the time left before the
// connection's read/write timeout (or -1 when the operation has none). Returns the bits that are
// ready: kWaitTimeout when the time ran out. It may throw (cancellation); the operation is then
// abandoned and the connection must be closed.
using IoWaiter = std::function<int(int socket, int events, int timeout_ms)>;

struct CheckResult {
    std::string check;  // e.g. "connection", "version", "log_bin", "binlog_format", ...
    std::string status; // "ok", "failed" or "warning"
    std::string value;  // what was found (server version, variable value, missing privileges...)
    std::string hint;   // what to do when not ok ("" when ok)
};

// Connects and runs every check. A connection failure gives a single "connection" row with status
// "failed" (the other checks cannot run) — it never throws for an unreachable or refusing server, and
// never waits longer than the connect/read timeouts. With a `waiter` the queries wait through it
// (whatever it throws, a cancellation, is thrown from here).
std::vector<CheckResult> RunPreflight(const ConnectParams &params,
                                      const std::vector<std::string> &origin_schemas,
                                      int64_t replica_server_id, IoWaiter waiter = {});

// ---- Pure parts of the check, exposed for unit tests (no server needed) ----

// One line of SHOW GRANTS, parsed. Only what the pre-flight check needs is kept.
struct Grant {
    enum class Kind {
        kPrivileges, // GRANT <privileges> ON <object> TO ...
        kRevoke,     // REVOKE <privileges> ON <object> FROM ... (MySQL 8 partial revokes)
        kRole,       // GRANT <role>[, <role>] TO ... (MySQL 8 and MariaDB roles)
        kProxy,      // GRANT PROXY ON <user> TO ...
        kOther       // SET DEFAULT ROLE ..., anything not understood
    };
    Kind kind = Kind::kOther;
    // Upper case, single-spaced ("SELECT", "REPLICATION SLAVE", "ALL PRIVILEGES" — a bare "ALL" is
    // normalised to it). Column-level privileges ("SELECT (`a`)") are not listed: they never give a
    // privilege on a whole schema.
    std::vector<std::string> privileges;
    std::string object_type;             // "" for tables/schemas, or "PROCEDURE", "FUNCTION", "PACKAGE"...
    std::optional<std::string> database; // unquoted; nullopt for `*` (all schemas)
    std::optional<std::string> table;    // unquoted; nullopt for `*` (all tables)
    std::vector<std::string> roles;      // kRole: role names, as "name" or "name@host"
};

// Parses one line. Never throws: what it does not understand is Kind::kOther.
Grant ParseGrant(const std::string &line);

// Does the schema-level grant pattern (as SHOW GRANTS prints it, unquoted) match `schema`?
// `%` and `_` are wildcards unless escaped with a backslash (`my\_db` matches only "my_db").
bool GrantPatternMatches(const std::string &pattern, const std::string &schema);

// The privilege (one of "SELECT", "RELOAD", "REPLICATION CLIENT", "REPLICATION SLAVE") held
// through `grants`: for SELECT on `schema`, globally for the others. Returns how it is held, e.g.
// "SELECT on *.*", "ALL PRIVILEGES on `sakila`.*", "BINLOG MONITOR on *.*", or nullopt when not.
// Aliases: ALL PRIVILEGES on *.* gives everything; REPLICATION CLIENT is also given by BINLOG
// MONITOR (its MariaDB 10.5+ name) and SUPER (both allow SHOW MASTER STATUS / SHOW BINARY LOGS);
// REPLICATION SLAVE by REPLICATION REPLICA (MariaDB alias).
std::optional<std::string> FindPrivilege(const std::vector<Grant> &grants, const std::string &privilege,
                                         const std::string &schema = {});

// What RunPreflight gathers from the server once it is connected.
struct ServerFacts {
    std::string endpoint;     // "host:port"
    std::string current_user; // CURRENT_USER(), e.g. "repl@127.0.0.1"
    bool mariadb = false;
    unsigned long version = 0; // e.g. 101119
    std::string version_text;  // e.g. "10.11.19-MariaDB-0+deb12u1-log"
    // SHOW GLOBAL VARIABLES, lower-case names; a variable the server does not have is absent.
    std::vector<std::pair<std::string, std::string>> variables;
    std::vector<std::string> grant_lines; // SHOW GRANTS output (with the active roles' grants)
    std::string grants_error;             // set when SHOW GRANTS failed
    std::vector<std::string> schemas;     // information_schema.SCHEMATA visible to the user
};

// The rows of a check whose connection succeeded, in RunPreflight's order, starting with the
// "connection" row (status ok).
std::vector<CheckResult> EvaluatePreflight(const ServerFacts &facts,
                                           const std::vector<std::string> &origin_schemas,
                                           int64_t replica_server_id);

} // namespace chameleon::mysql
