// Pre-flight check of a MySQL/MariaDB source.
//
// RunPreflight connects once, gathers ServerFacts with a handful of read-only statements
// (CURRENT_USER(), SHOW GLOBAL VARIABLES, SHOW GRANTS, information_schema.SCHEMATA) and hands them
// to EvaluatePreflight, which is pure and decides every row.
//
// Version policy: MySQL 5.7+ and MariaDB 10.5+ are ok. MySQL 5.6 and MariaDB 10.0-10.4 are a
// warning (they can log full row images but are not tested and lack binlog_row_metadata). Older
// servers fail: no binlog_row_image, pre-5.6.4 temporal column formats.
//
// Roles: on MariaDB the grants are read with a plain SHOW GRANTS, which adds the grants of the
// roles active in the session (the default role, and roles granted to it). On MySQL 8 the active
// roles (CURRENT_ROLE()) are expanded with SHOW GRANTS FOR CURRENT_USER() USING .... Roles that
// are granted but not active are not counted; a failed privilege row then says so.
#include "mysql/preflight.hpp"

#include "common/error.hpp"
#include "mysql/connection.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

namespace chameleon::mysql {

namespace {

const char *const kOk = "ok";
const char *const kFailed = "failed";
const char *const kWarning = "warning";

std::string Upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string LowerCopy(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// ---- SHOW GRANTS tokenizer ----

struct Token {
    enum class Type { kWord, kQuoted, kString, kPunct, kEnd };
    Type type = Type::kEnd;
    std::string text; // words as written, quoted identifiers and strings unquoted
};

bool IsPunct(char c) {
    return c == ',' || c == '.' || c == '*' || c == '(' || c == ')' || c == '@' || c == ';' || c == '=';
}

// Reads a quoted run starting at s[i] (the opening quote); a doubled quote is one quote character.
// In single-quoted strings a backslash escapes the next character too.
std::string ReadQuoted(const std::string &s, size_t &i) {
    char quote = s[i++];
    std::string out;
    while (i < s.size()) {
        char c = s[i++];
        if (c == quote) {
            if (i < s.size() && s[i] == quote) {
                out += quote;
                ++i;
                continue;
            }
            return out;
        }
        if (c == '\\' && quote == '\'' && i < s.size()) {
            out += s[i++];
            continue;
        }
        out += c;
    }
    return out; // unterminated: the rest of the line
}

std::vector<Token> Tokenize(const std::string &s) {
    std::vector<Token> tokens;
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (c == '`' || c == '"') {
            tokens.push_back({Token::Type::kQuoted, ReadQuoted(s, i)});
        } else if (c == '\'') {
            tokens.push_back({Token::Type::kString, ReadQuoted(s, i)});
        } else if (IsPunct(static_cast<char>(c))) {
            tokens.push_back({Token::Type::kPunct, std::string(1, static_cast<char>(c))});
            ++i;
        } else {
            size_t start = i;
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && !IsPunct(s[i]) &&
                   s[i] != '`' && s[i] != '"' && s[i] != '\'') {
                ++i;
            }
            tokens.push_back({Token::Type::kWord, s.substr(start, i - start)});
        }
    }
    tokens.push_back({Token::Type::kEnd, {}});
    return tokens;
}

bool IsWord(const Token &t, const char *upper_word) {
    return t.type == Token::Type::kWord && Upper(t.text) == upper_word;
}
bool IsPunctToken(const Token &t, char c) {
    return t.type == Token::Type::kPunct && t.text.size() == 1 && t.text[0] == c;
}

// One part of an object name: `*`, a quoted identifier or a bare word. False when none is there.
bool ReadNamePart(const std::vector<Token> &tokens, size_t &i, std::optional<std::string> &part) {
    const Token &t = tokens[i];
    if (IsPunctToken(t, '*')) {
        part = std::nullopt;
        ++i;
        return true;
    }
    if (t.type == Token::Type::kQuoted || t.type == Token::Type::kWord) {
        part = t.text;
        ++i;
        return true;
    }
    return false;
}

// ---- grant evaluation ----

struct PrivilegeSpec {
    const char *name;
    std::vector<const char *> accepted; // besides ALL PRIVILEGES
};

const PrivilegeSpec *FindSpec(const std::string &privilege) {
    static const std::vector<PrivilegeSpec> specs = {
        {"SELECT", {"SELECT"}},
        {"RELOAD", {"RELOAD"}},
        {"LOCK TABLES", {"LOCK TABLES"}},
        {"REPLICATION CLIENT", {"REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"}},
        {"REPLICATION SLAVE", {"REPLICATION SLAVE", "REPLICATION REPLICA"}},
    };
    for (const auto &spec : specs) {
        if (privilege == spec.name) {
            return &spec;
        }
    }
    return nullptr;
}

// The first privilege of `grant` that `spec` accepts, if any.
const std::string *AcceptedIn(const Grant &grant, const PrivilegeSpec &spec) {
    for (const auto &p : grant.privileges) {
        if (p == "ALL PRIVILEGES") {
            return &p;
        }
        for (const char *name : spec.accepted) {
            if (p == name) {
                return &p;
            }
        }
    }
    return nullptr;
}

bool IsGlobalObject(const Grant &g) {
    return g.object_type.empty() && !g.database && !g.table;
}
bool IsSchemaObject(const Grant &g) {
    return g.object_type.empty() && g.database && !g.table;
}

// ---- row builders ----

CheckResult MakeRow(std::string check, const char *status, std::string value, std::string hint = {}) {
    return CheckResult{std::move(check), status, std::move(value), std::move(hint)};
}

const std::string *Variable(const ServerFacts &facts, const char *name) {
    for (const auto &[key, value] : facts.variables) {
        if (key == name) {
            return &value;
        }
    }
    return nullptr;
}

std::string Describe(const ServerFacts &facts) {
    ServerInfo info;
    info.mariadb = facts.mariadb;
    info.version = facts.version;
    return info.Describe();
}

// "repl@127.0.0.1" -> 'repl'@'127.0.0.1' (the account in a GRANT statement).
std::string Account(const std::string &current_user) {
    auto literal = [](const std::string &s) {
        std::string out = "'";
        for (char c : s) {
            if (c == '\'') {
                out += '\'';
            }
            out += c;
        }
        return out + "'";
    };
    size_t at = current_user.rfind('@');
    if (current_user.empty()) {
        return "'<user>'@'<host>'";
    }
    if (at == std::string::npos) {
        return literal(current_user);
    }
    return literal(current_user.substr(0, at)) + "@" + literal(current_user.substr(at + 1));
}

CheckResult VersionRow(const ServerFacts &facts) {
    std::string value = Describe(facts) + " (" + facts.version_text + ")";
    const char *minimum = facts.mariadb ? "MariaDB 10.5" : "MySQL 5.7";
    unsigned long ok_from = facts.mariadb ? 100500 : 50700;
    unsigned long warn_from = facts.mariadb ? 100000 : 50600;
    if (facts.version >= ok_from) {
        return MakeRow("version", kOk, value);
    }
    if (facts.version >= warn_from) {
        return MakeRow("version", kWarning, value,
                       Describe(facts) + " is older than the oldest supported version (" + minimum +
                           ") and is not tested; upgrade the server to " + minimum + " or later");
    }
    return MakeRow(
        "version", kFailed, value,
        Describe(facts) +
            " is too old to replicate from (no binlog_row_image, old temporal column formats); upgrade the "
            "server to " +
            minimum + " or later");
}

CheckResult LogBinRow(const ServerFacts &facts) {
    const std::string *v = Variable(facts, "log_bin");
    std::string value = v ? *v : "(not reported)";
    if (v && (Upper(*v) == "ON" || *v == "1")) {
        return MakeRow("log_bin", kOk, value);
    }
    return MakeRow("log_bin", kFailed, value,
                   "enable the binary log: add log_bin = mysql-bin and a non-zero server_id under [mysqld] "
                   "in my.cnf and "
                   "restart the server (log_bin cannot be changed at run time)");
}

CheckResult BinlogFormatRow(const ServerFacts &facts) {
    const std::string *v = Variable(facts, "binlog_format");
    std::string value = v ? *v : "(not reported)";
    if (v && Upper(*v) == "ROW") {
        return MakeRow("binlog_format", kOk, value);
    }
    return MakeRow(
        "binlog_format", kFailed, value,
        "set binlog_format = ROW under [mysqld] in my.cnf and run SET GLOBAL binlog_format = 'ROW' (sessions "
        "already connected keep their format until they reconnect): chameleon decodes row events only, "
        "STATEMENT and MIXED log changes as SQL statements");
}

CheckResult BinlogRowImageRow(const ServerFacts &facts) {
    const std::string *v = Variable(facts, "binlog_row_image");
    if (!v) {
        return MakeRow("binlog_row_image", kOk, "FULL (implied: the server has no binlog_row_image)");
    }
    if (Upper(*v) == "FULL") {
        return MakeRow("binlog_row_image", kOk, *v);
    }
    return MakeRow(
        "binlog_row_image", kFailed, *v,
        "set binlog_row_image = FULL under [mysqld] in my.cnf and run SET GLOBAL binlog_row_image = 'FULL': "
        "with " +
            Upper(*v) +
            " the binary log leaves columns out of the row images (unchanged columns, or unchanged BLOB/TEXT "
            "columns), so chameleon could neither write complete rows to PostgreSQL nor find the rows of "
            "tables without a primary key");
}

CheckResult BinlogRowMetadataRow(const ServerFacts &facts) {
    const std::string *v = Variable(facts, "binlog_row_metadata");
    if (!v) {
        return MakeRow(
            "binlog_row_metadata", kWarning, "(absent)",
            "this server has no binlog_row_metadata (MySQL before 8.0.1, MariaDB before 10.5): rows are "
            "decoded with chameleon's own copy of the table definitions only");
    }
    if (Upper(*v) == "FULL") {
        return MakeRow("binlog_row_metadata", kOk, *v);
    }
    return MakeRow(
        "binlog_row_metadata", kWarning, *v,
        "recommended FULL: set binlog_row_metadata = FULL under [mysqld] in my.cnf and run SET GLOBAL "
        "binlog_row_metadata = 'FULL'; each table map event then carries the column names, signedness, "
        "character sets and primary key, so rows decode without relying on chameleon's copy of the table "
        "definitions");
}

CheckResult ServerIdRow(const ServerFacts &facts, int64_t replica_server_id) {
    const std::string *v = Variable(facts, "server_id");
    std::string value = "server_id = " + (v ? *v : std::string("(not reported)")) +
                        ", replica server id = " + std::to_string(replica_server_id);
    unsigned long long server_id = 0;
    bool numeric = v && !v->empty() &&
                   std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (numeric && v->size() <= 10) {
        server_id = std::stoull(*v);
    }
    if (!numeric || server_id == 0) {
        return MakeRow(
            "server_id", kFailed, value,
            "set a non-zero server_id, unique among the MySQL server and its replicas, under [mysqld] in "
            "my.cnf "
            "(for example server_id = 1) and run SET GLOBAL server_id = 1: a server with server_id 0 refuses "
            "replication clients");
    }
    if (replica_server_id < 1 || replica_server_id > 4294967295LL) {
        return MakeRow(
            "server_id", kFailed, value,
            "the source's my_server_id must be between 1 and 4294967295 and unique among the MySQL server "
            "and all its replicas");
    }
    if (static_cast<unsigned long long>(replica_server_id) == server_id) {
        return MakeRow(
            "server_id", kFailed, value,
            "the source's my_server_id (" + std::to_string(replica_server_id) +
                ") is the MySQL server's own server_id: choose another my_server_id, unique among the MySQL "
                "server and all its replicas (the server disconnects a replication client that reuses an "
                "id)");
    }
    return MakeRow("server_id", kOk, value);
}

void PrivilegeRows(const ServerFacts &facts, const std::vector<std::string> &origin_schemas,
                   std::vector<CheckResult> &rows) {
    if (!facts.grants_error.empty()) {
        rows.push_back(
            MakeRow("privileges", kWarning, facts.grants_error,
                    "could not read SHOW GRANTS; check by hand that the user has SELECT and LOCK TABLES on "
                    "the mapped schemas, RELOAD, REPLICATION CLIENT and REPLICATION SLAVE"));
        return;
    }
    std::vector<Grant> grants;
    bool has_roles = false;
    for (const auto &line : facts.grant_lines) {
        grants.push_back(ParseGrant(line));
        has_roles = has_roles || grants.back().kind == Grant::Kind::kRole;
    }
    std::string account = Account(facts.current_user);
    std::string role_note =
        has_roles
            ? " Privileges of roles that are not active in the session are not counted: grant the privilege "
              "to the user, or make the role a default role of the user."
            : "";
    auto add = [&](const std::string &check, const std::string &privilege, const std::string &schema,
                   const std::string &grant_sql, const std::string &why) {
        std::optional<std::string> via = FindPrivilege(grants, privilege, schema);
        if (via) {
            rows.push_back(MakeRow(check, kOk, *via));
        } else {
            rows.push_back(MakeRow(check, kFailed, "missing",
                                   "run as an administrator: " + grant_sql + " TO " + account + "; (" + why +
                                       ")" + role_note));
        }
    };
    for (const auto &schema : origin_schemas) {
        add("privilege SELECT on " + schema, "SELECT", schema,
            "GRANT SELECT ON " + QuoteIdentifier(schema) + ".*",
            "the initial copy reads every table of the schema");
        add("privilege LOCK TABLES on " + schema, "LOCK TABLES", schema,
            "GRANT LOCK TABLES ON " + QuoteIdentifier(schema) + ".*",
            "the initial copy takes each table's consistent point under FLUSH TABLES ... WITH READ LOCK, "
            "which needs LOCK TABLES on the table");
    }
    add("privilege RELOAD", "RELOAD", "", "GRANT RELOAD ON *.*",
        "the initial copy runs FLUSH TABLES ... WITH READ LOCK to read consistent binlog coordinates");
    if (facts.mariadb && facts.version >= 100502) {
        add("privilege REPLICATION CLIENT", "REPLICATION CLIENT", "", "GRANT BINLOG MONITOR ON *.*",
            "BINLOG MONITOR is MariaDB's name for REPLICATION CLIENT, needed for SHOW MASTER STATUS and SHOW "
            "BINARY "
            "LOGS");
    } else {
        add("privilege REPLICATION CLIENT", "REPLICATION CLIENT", "", "GRANT REPLICATION CLIENT ON *.*",
            "needed for SHOW MASTER STATUS and SHOW BINARY LOGS");
    }
    add("privilege REPLICATION SLAVE", "REPLICATION SLAVE", "", "GRANT REPLICATION SLAVE ON *.*",
        "needed to stream the binary log");
}

void SchemaRows(const ServerFacts &facts, const std::vector<std::string> &origin_schemas,
                std::vector<CheckResult> &rows) {
    for (const auto &schema : origin_schemas) {
        std::string check = "schema " + schema;
        if (std::find(facts.schemas.begin(), facts.schemas.end(), schema) != facts.schemas.end()) {
            rows.push_back(MakeRow(check, kOk, "exists"));
            continue;
        }
        std::string hint =
            "no schema " + QuoteIdentifier(schema) +
            " is visible to this user on the MySQL server (information_schema.SCHEMATA lists only "
            "schemas the user has a privilege on): fix the schema_mappings of the source, create the "
            "schema or grant SELECT on it";
        for (const auto &existing : facts.schemas) {
            if (LowerCopy(existing) == LowerCopy(schema)) {
                hint +=
                    "; a schema " + QuoteIdentifier(existing) + " exists (schema names are case sensitive)";
                break;
            }
        }
        rows.push_back(MakeRow(check, kFailed, "missing", hint));
    }
}

bool IsUtcName(const std::string &zone) {
    static const char *const names[] = {"UTC",       "ETC/UTC",
                                        "GMT",       "ETC/GMT",
                                        "UNIVERSAL", "ETC/UNIVERSAL",
                                        "ZULU",      "ETC/ZULU",
                                        "+00:00",    "-00:00",
                                        "+0:00",     "-0:00",
                                        "Z",         "COORDINATED UNIVERSAL TIME"};
    std::string upper = Upper(zone);
    return std::any_of(std::begin(names), std::end(names), [&](const char *n) { return upper == n; });
}

CheckResult TimeZoneRow(const ServerFacts &facts) {
    const std::string *tz = Variable(facts, "time_zone");
    const std::string *sys = Variable(facts, "system_time_zone");
    std::string value = "time_zone = " + (tz ? *tz : std::string("(not reported)")) +
                        ", system_time_zone = " + (sys ? *sys : std::string("(not reported)"));
    bool utc = false;
    std::string effective;
    if (tz && Upper(*tz) == "SYSTEM") {
        utc = sys && IsUtcName(*sys);
        effective = sys ? *sys : "SYSTEM";
    } else if (tz) {
        utc = IsUtcName(*tz);
        effective = *tz;
    }
    if (utc) {
        return MakeRow("time_zone", kOk, value);
    }
    return MakeRow(
        "time_zone", kWarning, value,
        "the server does not run in UTC (" + (effective.empty() ? std::string("unknown") : effective) +
            "): TIMESTAMP values are logged in UTC and arrive exactly, but DATETIME values carry no time "
            "zone and arrive as written, in the applications' local time; run the server in UTC "
            "(default_time_zone = '+00:00' under [mysqld] in my.cnf) or treat DATETIME values as local time");
}

CheckResult BinlogChecksumRow(const ServerFacts &facts) {
    const std::string *v = Variable(facts, "binlog_checksum");
    if (!v) {
        return MakeRow("binlog_checksum", kOk, "NONE (implied: the server has no binlog_checksum)");
    }
    std::string upper = Upper(*v);
    if (upper == "CRC32" || upper == "NONE") {
        return MakeRow("binlog_checksum", kOk, *v);
    }
    return MakeRow(
        "binlog_checksum", kWarning, *v,
        "chameleon understands the checksums CRC32 and NONE; set binlog_checksum = CRC32 under [mysqld] in "
        "my.cnf");
}

CheckResult ConnectionFailed(const std::string &message, unsigned int server_errno, bool invalid_setting) {
    std::string hint;
    if (invalid_setting) {
        hint = "fix the connection settings of the source";
    } else if (server_errno == 1045 || server_errno == 1698) {
        hint =
            "check the user and password of the source: the MySQL account must exist for the host chameleon "
            "connects from (CREATE USER 'user'@'host' IDENTIFIED BY '...')";
    } else if (server_errno == 1130) {
        hint =
            "the MySQL server has no account for this user from this host: create one for the host chameleon "
            "connects from (CREATE USER 'user'@'host' IDENTIFIED BY '...')";
    } else {
        hint = "check the host and port of the source, that the MySQL server is running and listens on TCP "
               "there "
               "(bind_address, port, skip_networking in my.cnf) and that no firewall blocks the connection; "
               "user and "
               "password are checked after that";
    }
    return MakeRow("connection", kFailed, message, hint);
}

} // namespace

// ---- grants ----

Grant ParseGrant(const std::string &line) {
    Grant grant;
    std::vector<Token> tokens = Tokenize(line);
    size_t i = 0;
    bool revoke = false;
    if (IsWord(tokens[i], "GRANT")) {
        revoke = false;
    } else if (IsWord(tokens[i], "REVOKE")) {
        revoke = true;
    } else {
        return grant;
    }
    ++i;
    std::vector<std::string> privileges;
    std::vector<std::string> roles;
    bool saw_on = false;
    for (;;) {
        const Token &t = tokens[i];
        if (t.type == Token::Type::kQuoted || t.type == Token::Type::kString) { // a role
            std::string role = t.text;
            ++i;
            if (IsPunctToken(tokens[i], '@') &&
                (tokens[i + 1].type == Token::Type::kQuoted || tokens[i + 1].type == Token::Type::kString ||
                 tokens[i + 1].type == Token::Type::kWord)) {
                role += "@" + tokens[i + 1].text;
                i += 2;
            }
            roles.push_back(role);
        } else if (t.type == Token::Type::kWord && !IsWord(t, "ON") && !IsWord(t, "TO") &&
                   !IsWord(t, "FROM")) {
            std::string name;
            while (tokens[i].type == Token::Type::kWord && !IsWord(tokens[i], "ON") &&
                   !IsWord(tokens[i], "TO") && !IsWord(tokens[i], "FROM")) {
                name += (name.empty() ? "" : " ") + Upper(tokens[i].text);
                ++i;
            }
            bool column_level = false;
            if (IsPunctToken(tokens[i], '(')) { // column list: skip it
                column_level = true;
                int depth = 0;
                do {
                    if (IsPunctToken(tokens[i], '(')) {
                        ++depth;
                    } else if (IsPunctToken(tokens[i], ')')) {
                        --depth;
                    }
                    ++i;
                } while (depth > 0 && tokens[i].type != Token::Type::kEnd);
            }
            if (name == "ALL") {
                name = "ALL PRIVILEGES";
            }
            if (!column_level) {
                privileges.push_back(name);
            }
        } else {
            return grant; // unexpected token
        }
        if (IsPunctToken(tokens[i], ',')) {
            ++i;
            continue;
        }
        if (IsWord(tokens[i], "ON")) {
            saw_on = true;
            ++i;
            break;
        }
        if (IsWord(tokens[i], "TO") || IsWord(tokens[i], "FROM")) {
            break;
        }
        return grant;
    }
    if (!saw_on) {
        if (revoke || roles.empty() || !privileges.empty()) {
            return grant;
        }
        grant.kind = Grant::Kind::kRole;
        grant.roles = std::move(roles);
        return grant;
    }
    if (!roles.empty()) {
        return grant;
    }
    if (privileges.size() == 1 && privileges[0] == "PROXY") {
        grant.kind = Grant::Kind::kProxy;
        grant.privileges = std::move(privileges);
        return grant;
    }
    std::string object_type;
    while (tokens[i].type == Token::Type::kWord && tokens[i + 1].type != Token::Type::kPunct &&
           (IsWord(tokens[i], "TABLE") || IsWord(tokens[i], "FUNCTION") || IsWord(tokens[i], "PROCEDURE") ||
            IsWord(tokens[i], "PACKAGE") || IsWord(tokens[i], "BODY"))) {
        object_type += (object_type.empty() ? "" : " ") + Upper(tokens[i].text);
        ++i;
    }
    if (object_type == "TABLE") {
        object_type.clear();
    }
    std::optional<std::string> first;
    std::optional<std::string> second;
    if (!ReadNamePart(tokens, i, first) || !IsPunctToken(tokens[i], '.')) {
        return grant; // "ON tbl" without a schema: SHOW GRANTS never prints it
    }
    ++i;
    if (!ReadNamePart(tokens, i, second)) {
        return grant;
    }
    if (!first && second) {
        return grant; // "*.tbl" is not valid
    }
    if (!(revoke ? IsWord(tokens[i], "FROM") : IsWord(tokens[i], "TO"))) {
        return grant;
    }
    grant.kind = revoke ? Grant::Kind::kRevoke : Grant::Kind::kPrivileges;
    grant.privileges = std::move(privileges);
    grant.object_type = std::move(object_type);
    grant.database = std::move(first);
    grant.table = std::move(second);
    return grant;
}

bool GrantPatternMatches(const std::string &pattern, const std::string &schema) {
    // Iterative LIKE matcher with backtracking on the last '%'.
    size_t p = 0, s = 0;
    size_t star_p = std::string::npos, star_s = 0;
    while (s < schema.size()) {
        if (p < pattern.size()) {
            char c = pattern[p];
            if (c == '%') {
                star_p = p++;
                star_s = s;
                continue;
            }
            if (c == '\\' && p + 1 < pattern.size()) {
                if (pattern[p + 1] == schema[s]) {
                    p += 2;
                    ++s;
                    continue;
                }
            } else if (c == '_' || c == schema[s]) {
                ++p;
                ++s;
                continue;
            }
        }
        if (star_p == std::string::npos) {
            return false;
        }
        p = star_p + 1;
        s = ++star_s;
    }
    while (p < pattern.size() && pattern[p] == '%') {
        ++p;
    }
    return p == pattern.size();
}

std::optional<std::string> FindPrivilege(const std::vector<Grant> &grants, const std::string &privilege,
                                         const std::string &schema) {
    const PrivilegeSpec *spec = FindSpec(privilege);
    if (spec == nullptr) {
        return std::nullopt;
    }
    bool schema_level = privilege == "SELECT" || privilege == "LOCK TABLES";
    bool revoked = false; // MySQL partial revoke of this privilege on this schema
    if (schema_level) {
        for (const auto &g : grants) {
            if (g.kind == Grant::Kind::kRevoke && IsSchemaObject(g) && *g.database == schema &&
                AcceptedIn(g, *spec)) {
                revoked = true;
            }
        }
    }
    if (!revoked) {
        for (const auto &g : grants) {
            if (g.kind == Grant::Kind::kPrivileges && IsGlobalObject(g)) {
                if (const std::string *p = AcceptedIn(g, *spec)) {
                    return *p + " on *.*";
                }
            }
        }
    }
    if (schema_level) {
        for (const auto &g : grants) {
            if (g.kind == Grant::Kind::kPrivileges && IsSchemaObject(g) &&
                GrantPatternMatches(*g.database, schema)) {
                if (const std::string *p = AcceptedIn(g, *spec)) {
                    return *p + " on " + QuoteIdentifier(*g.database) + ".*";
                }
            }
        }
    }
    return std::nullopt;
}

// ---- evaluation ----

std::vector<CheckResult> EvaluatePreflight(const ServerFacts &facts,
                                           const std::vector<std::string> &origin_schemas,
                                           int64_t replica_server_id) {
    std::vector<CheckResult> rows;
    rows.push_back(
        MakeRow("connection", kOk, "connected to " + facts.endpoint + " as " + facts.current_user));
    rows.push_back(VersionRow(facts));
    rows.push_back(LogBinRow(facts));
    rows.push_back(BinlogFormatRow(facts));
    rows.push_back(BinlogRowImageRow(facts));
    rows.push_back(BinlogRowMetadataRow(facts));
    rows.push_back(ServerIdRow(facts, replica_server_id));
    PrivilegeRows(facts, origin_schemas, rows);
    SchemaRows(facts, origin_schemas, rows);
    rows.push_back(TimeZoneRow(facts));
    rows.push_back(BinlogChecksumRow(facts));
    return rows;
}

std::vector<CheckResult> RunPreflight(const ConnectParams &params,
                                      const std::vector<std::string> &origin_schemas,
                                      int64_t replica_server_id, IoWaiter waiter) {
    Connection conn;
    try {
        conn = Connection::Open(params, std::move(waiter));
    } catch (const MysqlError &e) {
        return {ConnectionFailed(e.what(), e.ServerErrno(), false)};
    } catch (const Error &e) {
        return {ConnectionFailed(e.what(), 0, std::string(e.SqlState()) == sqlstate::kInvalidParameterValue)};
    }
    ServerFacts facts;
    facts.endpoint = conn.Endpoint();
    facts.mariadb = conn.Server().mariadb;
    facts.version = conn.Server().version;
    facts.version_text = conn.Server().version_text;
    try {
        facts.current_user = conn.QueryValue("SELECT CURRENT_USER()").value_or("");
        ResultSet vars =
            conn.Query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', "
                       "'binlog_row_image', 'binlog_row_metadata', 'server_id', 'time_zone', "
                       "'system_time_zone', 'binlog_checksum')");
        for (const auto &row : vars.rows) {
            if (row.size() >= 2 && row[0]) {
                facts.variables.emplace_back(LowerCopy(*row[0]), row[1].value_or(""));
            }
        }
        try {
            std::string show = facts.mariadb ? "SHOW GRANTS" : "SHOW GRANTS FOR CURRENT_USER()";
            if (!facts.mariadb && facts.version >= 80000) {
                TextValue active = conn.QueryValue("SELECT CURRENT_ROLE()");
                if (active && !active->empty() && Upper(*active) != "NONE") {
                    show += " USING " + *active;
                }
            }
            for (const auto &row : conn.Query(show).rows) {
                if (!row.empty() && row[0]) {
                    facts.grant_lines.push_back(*row[0]);
                }
            }
        } catch (const MysqlError &e) {
            // A lost connection is fatal below; a refused SHOW GRANTS is a warning row.
            if (e.ServerErrno() >= 2000 && e.ServerErrno() < 3000) {
                throw;
            }
            facts.grants_error = e.what();
        }
        for (const auto &row : conn.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA").rows) {
            if (!row.empty() && row[0]) {
                facts.schemas.push_back(*row[0]);
            }
        }
    } catch (const MysqlError &e) {
        return {ConnectionFailed("connected to " + facts.endpoint + " but the checks failed: " + e.what(),
                                 e.ServerErrno(), false)};
    } catch (const Error &e) {
        return {ConnectionFailed("connected to " + facts.endpoint + " but the checks failed: " + e.what(), 0,
                                 false)};
    }
    return EvaluatePreflight(facts, origin_schemas, replica_server_id);
}

} // namespace chameleon::mysql
