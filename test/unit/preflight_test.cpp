// Tests of the MySQL connection wrapper and of the pre-flight check.
//
// The pure parts (grant parsing, pattern matching, row evaluation) need no server. The rest runs
// against a real throwaway MariaDB started once for the whole binary with test/lib/mariadb.sh (as the
// unprivileged user "chameleon" when running as root), or against an already running server when
// CHAMELEON_TEST_MARIADB_PORT is set (admin account CHAMELEON_TEST_MARIADB_USER, default root, and
// CHAMELEON_TEST_MARIADB_PASSWORD, default empty, on 127.0.0.1). Without either, those tests skip.
#include "mysql/connection.hpp"
#include "mysql/preflight.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

namespace chameleon::mysql {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

std::string Format(const CheckResult &r) {
    return r.check + " | " + r.status + " | " + r.value + " | " + r.hint;
}

std::vector<std::string> Format(const std::vector<CheckResult> &rows) {
    std::vector<std::string> out;
    for (const auto &r : rows) {
        out.push_back(Format(r));
    }
    return out;
}

const CheckResult *FindRow(const std::vector<CheckResult> &rows, const std::string &check) {
    for (const auto &r : rows) {
        if (r.check == check) {
            return &r;
        }
    }
    return nullptr;
}

std::vector<std::string> Checks(const std::vector<CheckResult> &rows) {
    std::vector<std::string> out;
    for (const auto &r : rows) {
        out.push_back(r.check);
    }
    return out;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ShellQuote(const std::string &s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult RunCommand(const std::string &command) {
    CommandResult result;
    FILE *pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        result.output = "popen failed";
        return result;
    }
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, n);
    }
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// A TCP port on 127.0.0.1 nobody listens on (bound, then released).
int ClosedPort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return 0;
    }
    close(fd);
    return ntohs(addr.sin_port);
}

// A server on 127.0.0.1 that accepts TCP connections and never sends a byte.
class SilentServer {
public:
    SilentServer() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
            listen(fd_, 8) == 0 && getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) == 0) {
            port_ = ntohs(addr.sin_port);
            thread_ = std::thread([this] { Loop(); });
        }
    }
    ~SilentServer() {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
        for (int c : clients_) {
            close(c);
        }
        if (fd_ >= 0) {
            close(fd_);
        }
    }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    int Port() const { return port_; }
    int Accepted() const { return accepted_.load(); }

private:
    void Loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 20) > 0) {
                int c = accept(fd_, nullptr, nullptr);
                if (c >= 0) {
                    clients_.push_back(c); // held open, never written to
                    ++accepted_;
                }
            }
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::vector<int> clients_;
    std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// The throwaway MariaDB

const char *const kPassword = "pf-Secret-42";

class TestServer {
public:
    static TestServer &Get() {
        static TestServer *server = [] {
            auto *s = new TestServer();
            s->Start();
            return s;
        }();
        return *server;
    }
    static TestServer *IfStarted() { return started_instance_; }

    const std::string &Unavailable() const { return unavailable_; }
    bool External() const { return external_; }
    int Port() const { return port_; }
    bool MariaDb() const { return mariadb_; }

    ConnectParams Params(const std::string &user, const std::string &password = kPassword) const {
        ConnectParams p;
        p.host = "127.0.0.1";
        p.port = port_;
        p.user = user;
        p.password = password;
        p.connect_timeout = 5;
        p.read_timeout = 30;
        p.write_timeout = 30;
        return p;
    }
    Connection Admin() const { return Connection::Open(Params(admin_user_, admin_password_)); }
    void Sql(const std::vector<std::string> &statements) const {
        Connection c = Admin();
        for (const auto &s : statements) {
            c.Execute(s);
        }
    }

    void Stop() {
        if (!unavailable_.empty() && dir_.empty()) {
            return;
        }
        if (external_) {
            try {
                Sql(CleanupStatements());
            } catch (const std::exception &) {
            }
            return;
        }
        if (!dir_.empty()) {
            RunCommand(runas_ + "bash " + ShellQuote(script_) + " stop " + ShellQuote(dir_));
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
            dir_.clear();
        }
    }

private:
    static inline TestServer *started_instance_ = nullptr;

    static std::vector<std::string> CleanupStatements() {
        return {"DROP USER IF EXISTS 'pf_ok'@'127.0.0.1', 'pf_norepl'@'127.0.0.1', 'pf_global'@'127.0.0.1', "
                "'pf_wild'@'127.0.0.1', 'pf_role'@'127.0.0.1', 'pf_idle_role'@'127.0.0.1'",
                "DROP ROLE IF EXISTS pf_reader", "DROP DATABASE IF EXISTS pf_sakila",
                "DROP DATABASE IF EXISTS pf_world"};
    }

    std::string FindScript() const {
        std::vector<std::string> candidates;
        if (const char *src = std::getenv("CHAMELEON_SOURCE_DIR")) {
            candidates.push_back(std::string(src) + "/test/lib/mariadb.sh");
        }
        std::filesystem::path here(__FILE__); // test/unit/preflight_test.cpp, relative to the make directory
        candidates.push_back((here.parent_path() / "../lib/mariadb.sh").string());
        candidates.push_back("/work/main/test/lib/mariadb.sh");
        for (const auto &c : candidates) {
            std::error_code ec;
            if (std::filesystem::exists(c, ec)) {
                return std::filesystem::absolute(c, ec).string();
            }
        }
        return {};
    }

    void Start() {
        started_instance_ = this;
        if (const char *port = std::getenv("CHAMELEON_TEST_MARIADB_PORT"); port != nullptr && *port != '\0') {
            external_ = true;
            port_ = std::atoi(port);
            if (const char *u = std::getenv("CHAMELEON_TEST_MARIADB_USER")) {
                admin_user_ = u;
            }
            if (const char *pw = std::getenv("CHAMELEON_TEST_MARIADB_PASSWORD")) {
                admin_password_ = pw;
            }
        } else {
            script_ = FindScript();
            if (script_.empty()) {
                unavailable_ = "test/lib/mariadb.sh not found (set CHAMELEON_SOURCE_DIR)";
                return;
            }
            if (RunCommand("command -v mariadbd").status != 0) {
                unavailable_ = "mariadbd is not installed";
                return;
            }
            uid_t owner = geteuid();
            gid_t group = getegid();
            if (geteuid() == 0) {
                passwd *pw = getpwnam("chameleon");
                if (pw == nullptr) {
                    unavailable_ = "running as root and the OS user chameleon does not exist";
                    return;
                }
                owner = pw->pw_uid;
                group = pw->pw_gid;
                runas_ = "runuser -u chameleon -- ";
            }
            char templ[] = "/tmp/chameleon-preflight.XXXXXX";
            if (mkdtemp(templ) == nullptr) {
                unavailable_ = "mkdtemp failed";
                return;
            }
            dir_ = templ;
            if (chmod(dir_.c_str(), 0755) != 0 || chown(dir_.c_str(), owner, group) != 0) {
                unavailable_ = "cannot hand " + dir_ + " to the server user";
                return;
            }
            CommandResult r =
                RunCommand(runas_ + "bash " + ShellQuote(script_) + " start " + ShellQuote(dir_));
            if (r.status != 0) {
                unavailable_ = "mariadb.sh start failed: " + r.output;
                return;
            }
            // The port is the last line of the output.
            std::string out = r.output;
            while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
                out.pop_back();
            }
            port_ =
                std::atoi(out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1).c_str());
        }
        try {
            Connection admin = Admin();
            mariadb_ = admin.Server().mariadb;
            Sql(CleanupStatements());
            Sql({
                "CREATE DATABASE pf_sakila",
                "CREATE DATABASE pf_world",
                "CREATE TABLE pf_sakila.actor (id int PRIMARY KEY, name varchar(40))",
                // exactly the privileges chameleon needs
                std::string("CREATE USER 'pf_ok'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                "GRANT SELECT, LOCK TABLES ON `pf_sakila`.* TO 'pf_ok'@'127.0.0.1'",
                "GRANT SELECT, LOCK TABLES ON `pf_world`.* TO 'pf_ok'@'127.0.0.1'",
                "GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'pf_ok'@'127.0.0.1'",
                // all but REPLICATION SLAVE
                std::string("CREATE USER 'pf_norepl'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                "GRANT SELECT, LOCK TABLES ON `pf_sakila`.* TO 'pf_norepl'@'127.0.0.1'",
                "GRANT RELOAD, REPLICATION CLIENT ON *.* TO 'pf_norepl'@'127.0.0.1'",
                // global grants
                std::string("CREATE USER 'pf_global'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                "GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO "
                "'pf_global'@'127.0.0.1'",
            });
            if (mariadb_) {
                Sql({
                    // a wildcard schema grant and MariaDB's alias names
                    std::string("CREATE USER 'pf_wild'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                    "GRANT SELECT, LOCK TABLES ON `pf\\_%`.* TO 'pf_wild'@'127.0.0.1'",
                    "GRANT RELOAD, BINLOG MONITOR, REPLICATION REPLICA ON *.* TO 'pf_wild'@'127.0.0.1'",
                    // SELECT through a default role, and through a role that is not active
                    "CREATE ROLE pf_reader",
                    "GRANT SELECT, LOCK TABLES ON `pf_sakila`.* TO pf_reader",
                    std::string("CREATE USER 'pf_role'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                    "GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'pf_role'@'127.0.0.1'",
                    "GRANT pf_reader TO 'pf_role'@'127.0.0.1'",
                    "SET DEFAULT ROLE pf_reader FOR 'pf_role'@'127.0.0.1'",
                    std::string("CREATE USER 'pf_idle_role'@'127.0.0.1' IDENTIFIED BY '") + kPassword + "'",
                    "GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO "
                    "'pf_idle_role'@'127.0.0.1'",
                    "GRANT pf_reader TO 'pf_idle_role'@'127.0.0.1'",
                });
            }
        } catch (const std::exception &e) {
            unavailable_ = std::string("test server not usable: ") + e.what();
        }
    }

    std::string unavailable_;
    bool external_ = false;
    bool mariadb_ = false;
    std::string script_;
    std::string runas_;
    std::string dir_;
    int port_ = 0;
    std::string admin_user_ = "root";
    std::string admin_password_;
};

// Stops the server (or cleans up the shared one) when the test binary ends.
class ServerEnvironment : public ::testing::Environment {
public:
    void TearDown() override {
        if (TestServer *s = TestServer::IfStarted()) {
            s->Stop();
        }
    }
};
[[maybe_unused]] ::testing::Environment *const kServerEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        TestServer &s = TestServer::Get();
        if (!s.Unavailable().empty()) {
            if (s.External()) {
                FAIL() << "CHAMELEON_TEST_MARIADB_PORT is set but " << s.Unavailable();
            }
            GTEST_SKIP() << s.Unavailable();
        }
    }

public:
    TestServer &Server() { return TestServer::Get(); }
    std::string Endpoint() { return "127.0.0.1:" + std::to_string(Server().Port()); }
    std::string Global(const std::string &name) {
        return Server().Admin().QueryValue("SELECT @@global." + name).value_or("NULL");
    }
};

// Sets a global variable for the lifetime of the object and restores it afterwards.
class GlobalGuard {
public:
    GlobalGuard(const TestServer &server, std::string name, const std::string &literal)
        : server_(server), name_(std::move(name)) {
        Connection c = server_.Admin();
        TextValue v = c.QueryValue("SELECT @@global." + name_);
        original_ = v ? c.Quote(*v) : "DEFAULT";
        if (v && !v->empty() && v->find_first_not_of("0123456789") == std::string::npos) {
            original_ = *v; // numeric variables refuse quoted values
        }
        c.Execute("SET GLOBAL " + name_ + " = " + literal);
    }
    ~GlobalGuard() {
        try {
            server_.Sql({"SET GLOBAL " + name_ + " = " + original_});
        } catch (const std::exception &e) {
            ADD_FAILURE() << "could not restore " << name_ << ": " << e.what();
        }
    }
    GlobalGuard(const GlobalGuard &) = delete;
    GlobalGuard &operator=(const GlobalGuard &) = delete;

private:
    const TestServer &server_;
    std::string name_;
    std::string original_;
};

// ---------------------------------------------------------------------------------------------
// Pure helpers

TEST(MysqlConnectionPure, NormalizeCharset) {
    EXPECT_EQ(NormalizeCharset(""), "utf8mb4");
    EXPECT_EQ(NormalizeCharset("utf8"), "utf8mb4");
    EXPECT_EQ(NormalizeCharset("UTF8"), "utf8mb4");
    EXPECT_EQ(NormalizeCharset("utf-8"), "utf8mb4");
    EXPECT_EQ(NormalizeCharset("utf8mb4"), "utf8mb4");
    EXPECT_EQ(NormalizeCharset("latin1"), "latin1");
    EXPECT_EQ(NormalizeCharset("UTF8MB3"), "utf8mb3");
}

TEST(MysqlConnectionPure, QuoteIdentifier) {
    EXPECT_EQ(QuoteIdentifier("sakila"), "`sakila`");
    EXPECT_EQ(QuoteIdentifier("we`ird"), "`we``ird`");
    EXPECT_EQ(QuoteIdentifier(""), "``");
}

TEST(MysqlConnectionPure, ServerInfoDescribe) {
    ServerInfo info;
    info.mariadb = true;
    info.version = 101119;
    EXPECT_EQ(info.Describe(), "MariaDB 10.11.19");
    EXPECT_EQ(info.Major(), 10);
    EXPECT_EQ(info.Minor(), 11);
    EXPECT_EQ(info.Patch(), 19);
    info.mariadb = false;
    info.version = 80036;
    EXPECT_EQ(info.Describe(), "MySQL 8.0.36");
}

TEST(MysqlConnectionPure, InvalidTimeoutsAreRejectedBeforeConnecting) {
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = 3999;
    p.read_timeout = 0;
    try {
        Connection::Open(p);
        FAIL() << "no error";
    } catch (const MysqlError &) {
        FAIL() << "a MysqlError instead of a settings error";
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(),
                     "invalid MySQL connection setting for 127.0.0.1:3999: connect_timeout, read_timeout "
                     "and write_timeout must be positive numbers of seconds");
        EXPECT_STREQ(e.SqlState(), "22023");
    }
    p.read_timeout = 60;
    p.port = 70000;
    try {
        Connection::Open(p);
        FAIL() << "no error";
    } catch (const Error &e) {
        EXPECT_STREQ(
            e.what(),
            "invalid MySQL connection setting for 127.0.0.1:70000: port must be between 1 and 65535");
    }
    std::vector<CheckResult> rows = RunPreflight(p, {"sakila"}, 100);
    EXPECT_EQ(Format(rows),
              std::vector<std::string>{"connection | failed | invalid MySQL connection setting for "
                                       "127.0.0.1:70000: port must be between 1 and 65535 | fix the "
                                       "connection settings of the source"});
}

TEST(MysqlConnectionPure, ClosedConnectionThrows) {
    Connection c;
    EXPECT_FALSE(c.IsOpen());
    try {
        c.Query("SELECT 1");
        FAIL() << "no error";
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "MySQL connection is not open");
        EXPECT_STREQ(e.SqlState(), "08006");
    }
}

// ---- grant parsing ----

TEST(PreflightGrants, GlobalPrivilegesWithPassword) {
    Grant g = ParseGrant("GRANT SELECT, RELOAD, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `r1`@`127.0.0.1` "
                         "IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges,
              (std::vector<std::string>{"SELECT", "RELOAD", "REPLICATION SLAVE", "BINLOG MONITOR"}));
    EXPECT_EQ(g.object_type, "");
    EXPECT_FALSE(g.database.has_value());
    EXPECT_FALSE(g.table.has_value());
}

TEST(PreflightGrants, SchemaAndTableObjects) {
    Grant g = ParseGrant("GRANT ALL PRIVILEGES ON `x`.* TO `r2`@`127.0.0.1` WITH GRANT OPTION");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"ALL PRIVILEGES"});
    EXPECT_EQ(g.database, std::optional<std::string>("x"));
    EXPECT_FALSE(g.table.has_value());

    g = ParseGrant("GRANT ALL ON sakila.* TO 'u'@'%'"); // bare names, single-quoted account (MySQL 5.x)
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"ALL PRIVILEGES"});
    EXPECT_EQ(g.database, std::optional<std::string>("sakila"));

    g = ParseGrant("GRANT SELECT (`Host`, `User`), INSERT ON `mysql`.`user` TO `s3`@`127.0.0.1`");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"INSERT"}); // the column-level SELECT is dropped
    EXPECT_EQ(g.database, std::optional<std::string>("mysql"));
    EXPECT_EQ(g.table, std::optional<std::string>("user"));

    g = ParseGrant("GRANT EXECUTE ON PROCEDURE `mysql`.`addgeometrycolumn` TO `s3`@`127.0.0.1`");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.object_type, "PROCEDURE");
    EXPECT_EQ(g.table, std::optional<std::string>("addgeometrycolumn"));

    g = ParseGrant("GRANT SELECT ON `we``ird.db`.* TO `u`@`%`");
    EXPECT_EQ(g.database, std::optional<std::string>("we`ird.db"));

    g = ParseGrant("GRANT SELECT ON \"sakila\".* TO \"u\"@\"%\""); // sql_mode ANSI_QUOTES
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.database, std::optional<std::string>("sakila"));

    g = ParseGrant("GRANT SELECT, INSERT ON `sak\\_ila`.* TO `r2`@`127.0.0.1`");
    EXPECT_EQ(g.database, std::optional<std::string>("sak\\_ila")); // the pattern, escape kept

    g = ParseGrant("grant select on *.* to x@y");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"SELECT"});
}

TEST(PreflightGrants, MySql8DynamicPrivileges) {
    Grant g =
        ParseGrant("GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ADMIN,BACKUP_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* "
                   "TO `root`@`localhost` WITH GRANT OPTION");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, (std::vector<std::string>{"APPLICATION_PASSWORD_ADMIN", "AUDIT_ADMIN",
                                                      "BACKUP_ADMIN", "REPLICATION_SLAVE_ADMIN"}));
    EXPECT_EQ(FindPrivilege({g}, "REPLICATION SLAVE"), std::nullopt);
}

TEST(PreflightGrants, RolesProxyRevokeAndOthers) {
    Grant g = ParseGrant("GRANT `ro` TO `r2`@`127.0.0.1`");
    EXPECT_EQ(g.kind, Grant::Kind::kRole);
    EXPECT_EQ(g.roles, std::vector<std::string>{"ro"});

    g = ParseGrant("GRANT `r1`@`%`,`r2`@`%` TO `u`@`%` WITH ADMIN OPTION"); // MySQL 8
    EXPECT_EQ(g.kind, Grant::Kind::kRole);
    EXPECT_EQ(g.roles, (std::vector<std::string>{"r1@%", "r2@%"}));
    EXPECT_TRUE(g.privileges.empty());

    g = ParseGrant("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION");
    EXPECT_EQ(g.kind, Grant::Kind::kProxy);

    g = ParseGrant("REVOKE SELECT ON `mysql`.* FROM `u`@`%`");
    EXPECT_EQ(g.kind, Grant::Kind::kRevoke);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"SELECT"});
    EXPECT_EQ(g.database, std::optional<std::string>("mysql"));

    g = ParseGrant("GRANT USAGE ON *.* TO `ro`");
    EXPECT_EQ(g.kind, Grant::Kind::kPrivileges);
    EXPECT_EQ(g.privileges, std::vector<std::string>{"USAGE"});

    for (const char *junk :
         {"", "GRANT", "GRANT SELECT ON", "GRANT SELECT ON *.*", "SET DEFAULT ROLE `ro` FOR `r2`@`h`",
          "GRANT SELECT ON *.tbl TO u", "GRANT SELECT ON tbl TO u", "GRANT `r`, SELECT TO u",
          "GRANT SELECT (a ON *.* TO u", "REVOKE `r` FROM u", "GRANT SELECT ON `unterminated"}) {
        EXPECT_EQ(ParseGrant(junk).kind, Grant::Kind::kOther) << junk;
    }
}

TEST(PreflightGrants, PatternMatching) {
    EXPECT_TRUE(GrantPatternMatches("sakila", "sakila"));
    EXPECT_FALSE(GrantPatternMatches("sakila", "Sakila"));
    EXPECT_FALSE(GrantPatternMatches("sakila", "sakila2"));
    EXPECT_TRUE(GrantPatternMatches("sak%", "sakila"));
    EXPECT_TRUE(GrantPatternMatches("sakila%", "sakila"));
    EXPECT_TRUE(GrantPatternMatches("s_kila", "sakila"));
    EXPECT_FALSE(GrantPatternMatches("s_kila", "skila"));
    EXPECT_TRUE(GrantPatternMatches("pf\\_%", "pf_sakila"));
    EXPECT_FALSE(GrantPatternMatches("pf\\_%", "pfxsakila"));
    EXPECT_TRUE(GrantPatternMatches("my\\_db", "my_db"));
    EXPECT_FALSE(GrantPatternMatches("my\\_db", "myXdb"));
    EXPECT_TRUE(GrantPatternMatches("my_db", "myXdb")); // unescaped _ is a wildcard
    EXPECT_TRUE(GrantPatternMatches("%", "anything"));
    EXPECT_TRUE(GrantPatternMatches("%a%b", "xaybzb"));
    EXPECT_FALSE(GrantPatternMatches("%a%b", "xaybzc"));
    EXPECT_FALSE(GrantPatternMatches("a%", ""));
    EXPECT_TRUE(GrantPatternMatches("", ""));
    EXPECT_TRUE(GrantPatternMatches("100\\%", "100%"));
    EXPECT_FALSE(GrantPatternMatches("100\\%", "1000"));
}

std::vector<Grant> Parse(const std::vector<std::string> &lines) {
    std::vector<Grant> grants;
    for (const auto &l : lines) {
        grants.push_back(ParseGrant(l));
    }
    return grants;
}

TEST(PreflightGrants, FindPrivilege) {
    auto all = Parse({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"});
    EXPECT_EQ(FindPrivilege(all, "SELECT", "sakila"), "ALL PRIVILEGES on *.*");
    EXPECT_EQ(FindPrivilege(all, "RELOAD"), "ALL PRIVILEGES on *.*");
    EXPECT_EQ(FindPrivilege(all, "REPLICATION CLIENT"), "ALL PRIVILEGES on *.*");
    EXPECT_EQ(FindPrivilege(all, "REPLICATION SLAVE"), "ALL PRIVILEGES on *.*");
    EXPECT_EQ(FindPrivilege(all, "SUPER"), std::nullopt); // not a privilege the check knows

    auto aliases = Parse({"GRANT BINLOG MONITOR, REPLICATION REPLICA ON *.* TO `u`@`%`"});
    EXPECT_EQ(FindPrivilege(aliases, "REPLICATION CLIENT"), "BINLOG MONITOR on *.*");
    EXPECT_EQ(FindPrivilege(aliases, "REPLICATION SLAVE"), "REPLICATION REPLICA on *.*");
    EXPECT_EQ(FindPrivilege(aliases, "RELOAD"), std::nullopt);
    EXPECT_EQ(FindPrivilege(aliases, "SELECT", "sakila"), std::nullopt);

    EXPECT_EQ(FindPrivilege(Parse({"GRANT SUPER ON *.* TO `u`@`%`"}), "REPLICATION CLIENT"), "SUPER on *.*");

    auto schema_level = Parse({
        "GRANT USAGE ON *.* TO `u`@`%`",
        "GRANT RELOAD ON `sakila`.* TO `u`@`%`",                 // RELOAD is global only
        "GRANT SELECT (`id`) ON `world`.`city` TO `u`@`%`",      // column level: not the schema
        "GRANT SELECT ON `shop`.`orders` TO `u`@`%`",            // table level: not the schema
        "GRANT EXECUTE, SELECT ON FUNCTION `fn`.`f` TO `u`@`%`", // routine: not the schema
        "GRANT INSERT, ALL PRIVILEGES ON `sakila`.* TO `u`@`%`", // ALL on the schema
        "GRANT SELECT ON `app\\_%`.* TO `u`@`%`",                // wildcard
    });
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "sakila"), "ALL PRIVILEGES on `sakila`.*");
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "app_one"), "SELECT on `app\\_%`.*");
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "appone"), std::nullopt);
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "world"), std::nullopt);
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "shop"), std::nullopt);
    EXPECT_EQ(FindPrivilege(schema_level, "SELECT", "fn"), std::nullopt);
    EXPECT_EQ(FindPrivilege(schema_level, "RELOAD"), std::nullopt);

    // MySQL 8 partial revokes take a schema out of a global grant.
    auto partial =
        Parse({"GRANT SELECT, RELOAD ON *.* TO `u`@`%`", "REVOKE SELECT ON `secret`.* FROM `u`@`%`"});
    EXPECT_EQ(FindPrivilege(partial, "SELECT", "sakila"), "SELECT on *.*");
    EXPECT_EQ(FindPrivilege(partial, "SELECT", "secret"), std::nullopt);
    EXPECT_EQ(FindPrivilege(partial, "RELOAD"), "RELOAD on *.*");
}

// ---- evaluation without a server ----

ServerFacts MySql8Facts() {
    ServerFacts f;
    f.endpoint = "db.example:3306";
    f.current_user = "repl@%";
    f.mariadb = false;
    f.version = 80036;
    f.version_text = "8.0.36";
    f.variables = {{"binlog_checksum", "CRC32"},    {"binlog_format", "ROW"}, {"binlog_row_image", "FULL"},
                   {"binlog_row_metadata", "FULL"}, {"log_bin", "ON"},        {"server_id", "1"},
                   {"system_time_zone", "UTC"},     {"time_zone", "SYSTEM"}};
    f.grant_lines = {
        "GRANT SELECT, RELOAD, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `repl`@`%`"};
    f.schemas = {"information_schema", "performance_schema", "sakila"};
    return f;
}

void SetVariable(ServerFacts &f, const std::string &name, const std::optional<std::string> &value) {
    auto &vars = f.variables;
    vars.erase(std::remove_if(vars.begin(), vars.end(), [&](const auto &kv) { return kv.first == name; }),
               vars.end());
    if (value) {
        vars.emplace_back(name, *value);
    }
}

TEST(PreflightEvaluate, AllOkOnMySql8) {
    EXPECT_EQ(Format(EvaluatePreflight(MySql8Facts(), {"sakila"}, 100)),
              (std::vector<std::string>{
                  "connection | ok | connected to db.example:3306 as repl@% | ",
                  "version | ok | MySQL 8.0.36 (8.0.36) | ",
                  "log_bin | ok | ON | ",
                  "binlog_format | ok | ROW | ",
                  "binlog_row_image | ok | FULL | ",
                  "binlog_row_metadata | ok | FULL | ",
                  "server_id | ok | server_id = 1, replica server id = 100 | ",
                  "privilege SELECT on sakila | ok | SELECT on *.* | ",
                  "privilege LOCK TABLES on sakila | ok | LOCK TABLES on *.* | ",
                  "privilege RELOAD | ok | RELOAD on *.* | ",
                  "privilege REPLICATION CLIENT | ok | REPLICATION CLIENT on *.* | ",
                  "privilege REPLICATION SLAVE | ok | REPLICATION SLAVE on *.* | ",
                  "schema sakila | ok | exists | ",
                  "time_zone | ok | time_zone = SYSTEM, system_time_zone = UTC | ",
                  "binlog_checksum | ok | CRC32 | ",
              }));
}

TEST(PreflightEvaluate, LockTablesIsNeededForTheCopy) {
    ServerFacts f = MySql8Facts();
    f.grant_lines = {"GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `repl`@`%`",
                     "GRANT LOCK TABLES ON `other`.* TO `repl`@`%`"};
    auto rows = EvaluatePreflight(f, {"sakila"}, 100);
    EXPECT_EQ(
        Format(*FindRow(rows, "privilege LOCK TABLES on sakila")),
        "privilege LOCK TABLES on sakila | failed | missing | run as an administrator: GRANT LOCK TABLES "
        "ON `sakila`.* TO 'repl'@'%'; (the initial copy takes each table's consistent point under "
        "FLUSH TABLES ... WITH READ LOCK, which needs LOCK TABLES on the table)");
    f.grant_lines.push_back("GRANT LOCK TABLES ON `sakila`.* TO `repl`@`%`");
    rows = EvaluatePreflight(f, {"sakila"}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "privilege LOCK TABLES on sakila")),
              "privilege LOCK TABLES on sakila | ok | LOCK TABLES on `sakila`.* | ");
}

TEST(PreflightEvaluate, Versions) {
    auto version_row = [](bool mariadb, unsigned long version) {
        ServerFacts f = MySql8Facts();
        f.mariadb = mariadb;
        f.version = version;
        f.version_text = "x";
        return Format(*FindRow(EvaluatePreflight(f, {}, 100), "version"));
    };
    EXPECT_EQ(version_row(false, 50700), "version | ok | MySQL 5.7.0 (x) | ");
    EXPECT_EQ(version_row(false, 90100), "version | ok | MySQL 9.1.0 (x) | ");
    EXPECT_EQ(version_row(false, 50651), "version | warning | MySQL 5.6.51 (x) | MySQL 5.6.51 is older than "
                                         "the oldest supported version (MySQL "
                                         "5.7) and is not tested; upgrade the server to MySQL 5.7 or later");
    EXPECT_EQ(version_row(false, 50562),
              "version | failed | MySQL 5.5.62 (x) | MySQL 5.5.62 is too old to replicate from (no "
              "binlog_row_image, "
              "old temporal column formats); upgrade the server to MySQL 5.7 or later");
    EXPECT_EQ(version_row(true, 100500), "version | ok | MariaDB 10.5.0 (x) | ");
    EXPECT_EQ(version_row(true, 110402), "version | ok | MariaDB 11.4.2 (x) | ");
    EXPECT_EQ(version_row(true, 100434),
              "version | warning | MariaDB 10.4.34 (x) | MariaDB 10.4.34 is older than the oldest supported "
              "version "
              "(MariaDB 10.5) and is not tested; upgrade the server to MariaDB 10.5 or later");
    EXPECT_EQ(version_row(true, 50568),
              "version | failed | MariaDB 5.5.68 (x) | MariaDB 5.5.68 is too old to replicate from (no "
              "binlog_row_image, old temporal column formats); upgrade the server to MariaDB 10.5 or later");
}

TEST(PreflightEvaluate, BinlogSettings) {
    ServerFacts f = MySql8Facts();
    SetVariable(f, "log_bin", "OFF");
    SetVariable(f, "binlog_format", "MIXED");
    SetVariable(f, "binlog_row_image", "NOBLOB");
    SetVariable(f, "binlog_row_metadata", "MINIMAL");
    SetVariable(f, "binlog_checksum", "XXH64");
    auto rows = EvaluatePreflight(f, {}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "log_bin")),
              "log_bin | failed | OFF | enable the binary log: add log_bin = mysql-bin and a non-zero "
              "server_id under "
              "[mysqld] in my.cnf and restart the server (log_bin cannot be changed at run time)");
    EXPECT_EQ(Format(*FindRow(rows, "binlog_format")),
              "binlog_format | failed | MIXED | set binlog_format = ROW under [mysqld] in my.cnf and run SET "
              "GLOBAL "
              "binlog_format = 'ROW' (sessions already connected keep their format until they reconnect): "
              "chameleon "
              "decodes row events only, STATEMENT and MIXED log changes as SQL statements");
    EXPECT_EQ(
        Format(*FindRow(rows, "binlog_row_image")),
        "binlog_row_image | failed | NOBLOB | set binlog_row_image = FULL under [mysqld] in my.cnf and run "
        "SET "
        "GLOBAL binlog_row_image = 'FULL': with NOBLOB the binary log leaves columns out of the row images "
        "(unchanged columns, or unchanged BLOB/TEXT columns), so chameleon could neither write complete rows "
        "to PostgreSQL nor find the rows of tables without a primary key");
    EXPECT_EQ(
        Format(*FindRow(rows, "binlog_row_metadata")),
        "binlog_row_metadata | warning | MINIMAL | recommended FULL: set binlog_row_metadata = FULL under "
        "[mysqld] in my.cnf and run SET GLOBAL binlog_row_metadata = 'FULL'; each table map event then "
        "carries the column names, signedness, character sets and primary key, so rows decode without "
        "relying "
        "on chameleon's copy of the table definitions");
    EXPECT_EQ(Format(*FindRow(rows, "binlog_checksum")),
              "binlog_checksum | warning | XXH64 | chameleon understands the checksums CRC32 and NONE; set "
              "binlog_checksum = CRC32 under [mysqld] in my.cnf");

    // Old servers without the variables.
    SetVariable(f, "binlog_row_image", std::nullopt);
    SetVariable(f, "binlog_row_metadata", std::nullopt);
    SetVariable(f, "binlog_checksum", std::nullopt);
    SetVariable(f, "log_bin", std::nullopt);
    rows = EvaluatePreflight(f, {}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "binlog_row_image")),
              "binlog_row_image | ok | FULL (implied: the server has no binlog_row_image) | ");
    EXPECT_EQ(
        Format(*FindRow(rows, "binlog_row_metadata")),
        "binlog_row_metadata | warning | (absent) | this server has no binlog_row_metadata (MySQL before "
        "8.0.1, "
        "MariaDB before 10.5): rows are decoded with chameleon's own copy of the table definitions only");
    EXPECT_EQ(Format(*FindRow(rows, "binlog_checksum")),
              "binlog_checksum | ok | NONE (implied: the server has no binlog_checksum) | ");
    EXPECT_EQ(FindRow(rows, "log_bin")->value, "(not reported)");
    EXPECT_EQ(FindRow(rows, "log_bin")->status, "failed");

    SetVariable(f, "binlog_checksum", "NONE");
    SetVariable(f, "binlog_format", "row");
    rows = EvaluatePreflight(f, {}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "binlog_checksum")), "binlog_checksum | ok | NONE | ");
    EXPECT_EQ(Format(*FindRow(rows, "binlog_format")), "binlog_format | ok | row | ");
}

TEST(PreflightEvaluate, ServerIds) {
    ServerFacts f = MySql8Facts();
    EXPECT_EQ(
        Format(*FindRow(EvaluatePreflight(f, {}, 1), "server_id")),
        "server_id | failed | server_id = 1, replica server id = 1 | the source's my_server_id (1) is the "
        "MySQL "
        "server's own server_id: choose another my_server_id, unique among the MySQL server and all its "
        "replicas (the server disconnects a replication client that reuses an id)");
    EXPECT_EQ(Format(*FindRow(EvaluatePreflight(f, {}, 0), "server_id")),
              "server_id | failed | server_id = 1, replica server id = 0 | the source's my_server_id must be "
              "between 1 "
              "and 4294967295 and unique among the MySQL server and all its replicas");
    EXPECT_EQ(FindRow(EvaluatePreflight(f, {}, 4294967296LL), "server_id")->status, "failed");
    EXPECT_EQ(FindRow(EvaluatePreflight(f, {}, 4294967295LL), "server_id")->status, "ok");
    SetVariable(f, "server_id", "0");
    EXPECT_EQ(
        Format(*FindRow(EvaluatePreflight(f, {}, 100), "server_id")),
        "server_id | failed | server_id = 0, replica server id = 100 | set a non-zero server_id, unique "
        "among "
        "the MySQL server and its replicas, under [mysqld] in my.cnf (for example server_id = 1) and run SET "
        "GLOBAL server_id = 1: a server with server_id 0 refuses replication clients");
    SetVariable(f, "server_id", "4294967295");
    EXPECT_EQ(FindRow(EvaluatePreflight(f, {}, 4294967295LL), "server_id")->status, "failed");
    EXPECT_EQ(FindRow(EvaluatePreflight(f, {}, 4294967294LL), "server_id")->status, "ok");
}

TEST(PreflightEvaluate, TimeZones) {
    auto tz_row = [](const std::string &tz, const std::string &sys) {
        ServerFacts f = MySql8Facts();
        SetVariable(f, "time_zone", tz);
        SetVariable(f, "system_time_zone", sys);
        return *FindRow(EvaluatePreflight(f, {}, 100), "time_zone");
    };
    EXPECT_EQ(tz_row("+00:00", "CEST").status, "ok");
    EXPECT_EQ(tz_row("UTC", "CEST").status, "ok");
    EXPECT_EQ(tz_row("Etc/UTC", "CEST").status, "ok");
    EXPECT_EQ(tz_row("SYSTEM", "UTC").status, "ok");
    EXPECT_EQ(tz_row("SYSTEM", "GMT").status, "ok");
    EXPECT_EQ(
        Format(tz_row("SYSTEM", "CEST")),
        "time_zone | warning | time_zone = SYSTEM, system_time_zone = CEST | the server does not run in UTC "
        "(CEST): TIMESTAMP values are logged in UTC and arrive exactly, but DATETIME values carry no time "
        "zone "
        "and arrive as written, in the applications' local time; run the server in UTC (default_time_zone = "
        "'+00:00' under [mysqld] in my.cnf) or treat DATETIME values as local time");
    EXPECT_EQ(tz_row("Europe/London", "UTC").status, "warning"); // UTC in winter only
    EXPECT_EQ(tz_row("+02:00", "UTC").hint.substr(0, 41), "the server does not run in UTC (+02:00): ");
}

TEST(PreflightEvaluate, PrivilegesAndSchemas) {
    ServerFacts f = MySql8Facts();
    f.current_user = "o'neil@10.0.0.%";
    f.grant_lines = {"GRANT USAGE ON *.* TO `o'neil`@`10.0.0.%`",
                     "GRANT SELECT ON `sakila`.* TO `o'neil`@`10.0.0.%`",
                     "GRANT `reader`@`%` TO `o'neil`@`10.0.0.%`"};
    f.schemas = {"sakila", "World"};
    auto rows = EvaluatePreflight(f, {"sakila", "world", "nope"}, 100);
    EXPECT_EQ(Checks(rows), (std::vector<std::string>{"connection",
                                                      "version",
                                                      "log_bin",
                                                      "binlog_format",
                                                      "binlog_row_image",
                                                      "binlog_row_metadata",
                                                      "server_id",
                                                      "privilege SELECT on sakila",
                                                      "privilege LOCK TABLES on sakila",
                                                      "privilege SELECT on world",
                                                      "privilege LOCK TABLES on world",
                                                      "privilege SELECT on nope",
                                                      "privilege LOCK TABLES on nope",
                                                      "privilege RELOAD",
                                                      "privilege REPLICATION CLIENT",
                                                      "privilege REPLICATION SLAVE",
                                                      "schema sakila",
                                                      "schema world",
                                                      "schema nope",
                                                      "time_zone",
                                                      "binlog_checksum"}));
    const std::string role_note =
        " Privileges of roles that are not active in the session are not counted: grant "
        "the privilege to the user, or make the role a default role of the user.";
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on sakila")),
              "privilege SELECT on sakila | ok | SELECT on `sakila`.* | ");
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on world")),
              "privilege SELECT on world | failed | missing | run as an administrator: GRANT SELECT ON "
              "`world`.* TO "
              "'o''neil'@'10.0.0.%'; (the initial copy reads every table of the schema)" +
                  role_note);
    EXPECT_EQ(
        Format(*FindRow(rows, "privilege RELOAD")),
        "privilege RELOAD | failed | missing | run as an administrator: GRANT RELOAD ON *.* TO "
        "'o''neil'@'10.0.0.%'; (the initial copy runs FLUSH TABLES ... WITH READ LOCK to read consistent "
        "binlog coordinates)" +
            role_note);
    EXPECT_EQ(Format(*FindRow(rows, "privilege REPLICATION CLIENT")),
              "privilege REPLICATION CLIENT | failed | missing | run as an administrator: GRANT REPLICATION "
              "CLIENT ON "
              "*.* TO 'o''neil'@'10.0.0.%'; (needed for SHOW MASTER STATUS and SHOW BINARY LOGS)" +
                  role_note);
    EXPECT_EQ(Format(*FindRow(rows, "schema sakila")), "schema sakila | ok | exists | ");
    EXPECT_EQ(
        Format(*FindRow(rows, "schema world")),
        "schema world | failed | missing | no schema `world` is visible to this user on the MySQL server "
        "(information_schema.SCHEMATA lists only schemas the user has a privilege on): fix the "
        "schema_mappings "
        "of the source, create the schema or grant SELECT on it; a schema `World` exists (schema names are "
        "case sensitive)");
    EXPECT_EQ(Format(*FindRow(rows, "schema nope")),
              "schema nope | failed | missing | no schema `nope` is visible to this user on the MySQL server "
              "(information_schema.SCHEMATA lists only schemas the user has a privilege on): fix the "
              "schema_mappings "
              "of the source, create the schema or grant SELECT on it");

    // MariaDB 10.5.2+ is told to grant BINLOG MONITOR; no role note without roles.
    f.mariadb = true;
    f.version = 100502;
    f.grant_lines = {"GRANT USAGE ON *.* TO `o'neil`@`10.0.0.%`"};
    rows = EvaluatePreflight(f, {}, 100);
    EXPECT_EQ(
        Format(*FindRow(rows, "privilege REPLICATION CLIENT")),
        "privilege REPLICATION CLIENT | failed | missing | run as an administrator: GRANT BINLOG MONITOR ON "
        "*.* "
        "TO 'o''neil'@'10.0.0.%'; (BINLOG MONITOR is MariaDB's name for REPLICATION CLIENT, needed for SHOW "
        "MASTER STATUS and SHOW BINARY LOGS)");
    f.version = 100501;
    rows = EvaluatePreflight(f, {}, 100);
    EXPECT_EQ(
        FindRow(rows, "privilege REPLICATION CLIENT")->hint,
        "run as an administrator: GRANT REPLICATION CLIENT ON *.* TO 'o''neil'@'10.0.0.%'; (needed for SHOW "
        "MASTER STATUS and SHOW BINARY LOGS)");

    // SHOW GRANTS refused: one warning row instead of the privilege rows.
    f.grants_error = "MySQL error 1044: Access denied";
    rows = EvaluatePreflight(f, {"sakila"}, 100);
    EXPECT_EQ(FindRow(rows, "privilege RELOAD"), nullptr);
    EXPECT_EQ(
        Format(*FindRow(rows, "privileges")),
        "privileges | warning | MySQL error 1044: Access denied | could not read SHOW GRANTS; check by hand "
        "that the user has SELECT and LOCK TABLES on the mapped schemas, RELOAD, REPLICATION CLIENT and "
        "REPLICATION SLAVE");
}

// ---------------------------------------------------------------------------------------------
// Connection wrapper against the real server

using MysqlConnection = ServerTest;

TEST_F(MysqlConnection, QueryRowsAndNulls) {
    Connection c = Connection::Open(Server().Params("pf_ok"));
    ASSERT_TRUE(c.IsOpen());
    EXPECT_EQ(c.Endpoint(), Endpoint());
    ResultSet r = c.Query("SELECT 1 AS one, NULL AS nothing, 'x' AS s UNION ALL SELECT 2, 'y', ''");
    EXPECT_EQ(r.columns, (std::vector<std::string>{"one", "nothing", "s"}));
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0], (TextRow{"1", std::nullopt, "x"}));
    EXPECT_EQ(r.rows[1], (TextRow{"2", "y", ""})); // empty string is not NULL

    // Binary-safe values and utf8mb4.
    r = c.Query("SELECT X'00FF41', '\xf0\x9f\x90\x98', @@character_set_client, @@character_set_results");
    EXPECT_EQ(r.rows[0][0], std::string("\0\xff"
                                        "A",
                                        3));
    EXPECT_EQ(r.rows[0][1], std::string("\xf0\x9f\x90\x98"));
    EXPECT_EQ(r.rows[0][2], std::string("utf8mb4"));
    EXPECT_EQ(r.rows[0][3], std::string("utf8mb4"));

    EXPECT_EQ(c.QueryValue("SELECT NULL"), std::nullopt);
    EXPECT_EQ(c.QueryValue("SELECT 40 + 2"), std::string("42"));
    EXPECT_EQ(c.QueryValue("SELECT CURRENT_USER()"), std::string("pf_ok@127.0.0.1"));

    // A statement without a result set.
    r = c.Query("DO 1");
    EXPECT_TRUE(r.columns.empty());
    EXPECT_TRUE(r.rows.empty());
    c.Execute("SET @pf_var = 7");
    EXPECT_EQ(c.QueryValue("SELECT @pf_var"), std::string("7"));

    r = c.Query("SELECT id FROM pf_sakila.actor");
    EXPECT_EQ(r.columns, std::vector<std::string>{"id"});
    EXPECT_TRUE(r.rows.empty());
    try {
        c.QueryValue("SELECT id FROM pf_sakila.actor");
        FAIL() << "no error";
    } catch (const MysqlError &) {
        FAIL() << "not a server error";
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "MySQL query returned no row");
        EXPECT_STREQ(e.SqlState(), "XX000");
        EXPECT_EQ(e.Detail(), "statement: SELECT id FROM pf_sakila.actor");
    }
}

TEST_F(MysqlConnection, CharsetUtf8MeansUtf8mb4) {
    ConnectParams p = Server().Params("pf_ok");
    p.charset = "utf8";
    Connection c = Connection::Open(p);
    EXPECT_EQ(c.QueryValue("SELECT @@character_set_connection"), std::string("utf8mb4"));
    p.charset = "latin1";
    c = Connection::Open(p);
    EXPECT_EQ(c.QueryValue("SELECT @@character_set_connection"), std::string("latin1"));
    p.charset = "no_such_charset";
    try {
        Connection::Open(p);
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_STREQ(e.SqlState(), "08001");
        EXPECT_EQ(std::string(e.what()).rfind("could not connect to MySQL server at " + Endpoint() + ": ", 0),
                  0u)
            << e.what();
    }
}

TEST_F(MysqlConnection, ServerInfo) {
    Connection c = Connection::Open(Server().Params("pf_ok"));
    std::string version = *c.QueryValue("SELECT VERSION()");
    EXPECT_EQ(c.Server().version_text, version);
    EXPECT_EQ(c.Server().mariadb, version.find("MariaDB") != std::string::npos);
    // The numeric version is the leading "X.Y.Z" of VERSION().
    int major = 0, minor = 0, patch = 0;
    ASSERT_EQ(std::sscanf(version.c_str(), "%d.%d.%d", &major, &minor, &patch), 3);
    EXPECT_EQ(c.Server().version, static_cast<unsigned long>(major * 10000 + minor * 100 + patch));
    EXPECT_EQ(c.Server().Describe(), std::string(c.Server().mariadb ? "MariaDB " : "MySQL ") +
                                         std::to_string(major) + "." + std::to_string(minor) + "." +
                                         std::to_string(patch));
}

TEST_F(MysqlConnection, ServerErrorsCarrySqlStateAndErrno) {
    Connection c = Connection::Open(Server().Params("pf_ok"));
    try {
        c.Query("SELECT * FROM pf_sakila.nope");
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_STREQ(e.what(), "MySQL error 1146: Table 'pf_sakila.nope' doesn't exist");
        EXPECT_STREQ(e.SqlState(), "42S02");
        EXPECT_EQ(e.ServerErrno(), 1146u);
        EXPECT_EQ(e.Detail(), "statement: SELECT * FROM pf_sakila.nope");
    }
    try {
        c.Query("SELEKT 1");
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_STREQ(e.what(),
                     "MySQL error 1064: You have an error in your SQL syntax; check the manual that "
                     "corresponds to your MariaDB server version for the right syntax to use near 'SELEKT 1' "
                     "at line 1");
        EXPECT_STREQ(e.SqlState(), "42000");
        EXPECT_EQ(e.ServerErrno(), 1064u);
    }
    try {
        c.Query("CREATE TABLE pf_sakila.t (id int)");
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_STREQ(e.what(),
                     "MySQL error 1142: CREATE command denied to user 'pf_ok'@'127.0.0.1' for table "
                     "`pf_sakila`.`t`");
        EXPECT_STREQ(e.SqlState(), "42000");
    }
    // A long statement is cut in the detail.
    std::string long_sql = "SELECT nope FROM pf_sakila.actor WHERE name = '" + std::string(2000, 'a') + "'";
    try {
        c.Query(long_sql);
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_EQ(e.ServerErrno(), 1054u);
        EXPECT_EQ(e.Detail(), "statement: " + long_sql.substr(0, 1000) + "...");
    }
    // The connection is still usable after errors.
    EXPECT_EQ(c.QueryValue("SELECT 1"), std::string("1"));
}

TEST_F(MysqlConnection, QuoteRoundTrips) {
    Connection c = Connection::Open(Server().Params("pf_ok"));
    for (const std::string &s :
         {std::string("it's"), std::string("back\\slash"), std::string("nul\0byte", 8),
          std::string("\"dq\" \n\r\x1a"), std::string("\xf0\x9f\x90\x98"), std::string()}) {
        EXPECT_EQ(c.QueryValue("SELECT " + c.Quote(s)), s);
    }
    EXPECT_EQ(c.Quote("it's"), "'it\\'s'");
}

TEST_F(MysqlConnection, MoveOnly) {
    static_assert(!std::is_copy_constructible_v<Connection>);
    static_assert(!std::is_copy_assignable_v<Connection>);
    static_assert(std::is_nothrow_move_constructible_v<Connection>);
    Connection a = Connection::Open(Server().Params("pf_ok"));
    std::string id = *a.QueryValue("SELECT CONNECTION_ID()");
    Connection b(std::move(a));
    EXPECT_FALSE(a.IsOpen()); // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_EQ(b.QueryValue("SELECT CONNECTION_ID()"), id);
    Connection c = Connection::Open(Server().Params("pf_ok"));
    std::string id_c = *c.QueryValue("SELECT CONNECTION_ID()");
    c = std::move(b); // closes c's old session
    EXPECT_EQ(c.QueryValue("SELECT CONNECTION_ID()"), id);
    Connection admin = Server().Admin();
    EXPECT_EQ(admin.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + id_c).rows.size(),
              0u);
    c.Close();
    EXPECT_FALSE(c.IsOpen());
}

TEST_F(MysqlConnection, WrongPasswordIsOneLineWithoutThePassword) {
    const std::string secret = "Wr0ng-pa55word!";
    try {
        Connection::Open(Server().Params("pf_ok", secret));
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_EQ(std::string(e.what()),
                  "could not connect to MySQL server at " + Endpoint() +
                      ": Access denied for user 'pf_ok'@'127.0.0.1' (using password: YES)");
        EXPECT_STREQ(e.SqlState(), "08001");
        EXPECT_EQ(e.ServerErrno(), 1045u);
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos);
        EXPECT_EQ(e.Detail().find(secret), std::string::npos);
        EXPECT_EQ(e.Hint().find(secret), std::string::npos);
    }
}

TEST_F(MysqlConnection, ReadTimeoutEndsAStuckQuery) {
    ConnectParams p = Server().Params("pf_ok");
    p.read_timeout = 1;
    Connection c = Connection::Open(p);
    auto start = std::chrono::steady_clock::now();
    try {
        c.Query("SELECT SLEEP(4)");
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        double elapsed = SecondsSince(start);
        EXPECT_STREQ(e.what(), "MySQL error 2013: Lost connection to server during query");
        EXPECT_STREQ(e.SqlState(), "HY000");
        EXPECT_EQ(e.ServerErrno(), 2013u);
        EXPECT_GE(elapsed, 0.9);
        EXPECT_LT(elapsed, 2.0); // one read timeout, no retries
    }
}

// Connection failures (no server needed, but grouped here: they are the network paths).
TEST(MysqlConnectionNetwork, RefusedPortFailsFast) {
    int port = ClosedPort();
    ASSERT_NE(port, 0);
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = port;
    p.user = "nobody";
    p.password = "hunter2";
    p.connect_timeout = 2;
    auto start = std::chrono::steady_clock::now();
    try {
        Connection::Open(p);
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        // libmariadb 3.3 connects non-blocking when a connect timeout is set and then reports errno 115
        // (EINPROGRESS) instead of 111 (ECONNREFUSED); the stock mariadb client prints the same.
        EXPECT_EQ(std::string(e.what()),
                  "could not connect to MySQL server at 127.0.0.1:" + std::to_string(port) +
                      ": Can't connect to server on '127.0.0.1' (115)");
        EXPECT_STREQ(e.SqlState(), "08001");
        EXPECT_EQ(e.ServerErrno(), 2002u);
    }
    EXPECT_LT(SecondsSince(start), 1.0);
}

TEST(MysqlConnectionNetwork, SilentServerGivesUpAfterTheConnectTimeout) {
    SilentServer silent;
    ASSERT_NE(silent.Port(), 0);
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = silent.Port();
    p.user = "nobody";
    p.connect_timeout = 2;
    p.read_timeout = 30; // the handshake wait is bounded by the connect timeout, not by this
    auto start = std::chrono::steady_clock::now();
    try {
        Connection::Open(p);
        FAIL() << "no error";
    } catch (const MysqlError &e) {
        EXPECT_EQ(std::string(e.what()),
                  "could not connect to MySQL server at 127.0.0.1:" + std::to_string(silent.Port()) +
                      ": Lost connection to server at 'handshake: reading initial "
                      "communication packet', system error: 110");
        EXPECT_EQ(e.ServerErrno(), 2013u);
        EXPECT_STREQ(e.SqlState(), "08001");
    }
    double elapsed = SecondsSince(start);
    EXPECT_GE(elapsed, 1.9);
    EXPECT_LT(elapsed, 3.0);
    EXPECT_EQ(silent.Accepted(), 1); // the TCP connection was made: the wait was for the server's greeting
}

// ---------------------------------------------------------------------------------------------
// Pre-flight against the real server

using Preflight = ServerTest;

std::vector<std::string> ExpectedAllOk(Preflight &t, const std::string &user) {
    Connection admin = t.Server().Admin();
    std::string version = *admin.QueryValue("SELECT VERSION()");
    std::string server_id = *admin.QueryValue("SELECT @@global.server_id");
    std::string tz = *admin.QueryValue("SELECT @@global.time_zone");
    std::string sys_tz = *admin.QueryValue("SELECT @@global.system_time_zone");
    return {
        "connection | ok | connected to " + t.Endpoint() + " as " + user + "@127.0.0.1 | ",
        "version | ok | " + admin.Server().Describe() + " (" + version + ") | ",
        "log_bin | ok | ON | ",
        "binlog_format | ok | ROW | ",
        "binlog_row_image | ok | FULL | ",
        "binlog_row_metadata | ok | FULL | ",
        "server_id | ok | server_id = " + server_id + ", replica server id = 100 | ",
        "privilege SELECT on pf_sakila | ok | SELECT on `pf_sakila`.* | ",
        "privilege LOCK TABLES on pf_sakila | ok | LOCK TABLES on `pf_sakila`.* | ",
        "privilege SELECT on pf_world | ok | SELECT on `pf_world`.* | ",
        "privilege LOCK TABLES on pf_world | ok | LOCK TABLES on `pf_world`.* | ",
        "privilege RELOAD | ok | RELOAD on *.* | ",
        "privilege REPLICATION CLIENT | ok | BINLOG MONITOR on *.* | ",
        "privilege REPLICATION SLAVE | ok | REPLICATION SLAVE on *.* | ",
        "schema pf_sakila | ok | exists | ",
        "schema pf_world | ok | exists | ",
        "time_zone | ok | time_zone = " + tz + ", system_time_zone = " + sys_tz + " | ",
        "binlog_checksum | ok | CRC32 | ",
    };
}

TEST_F(Preflight, AllOkWithExactlyTheNeededGrants) {
    if (!Server().MariaDb()) {
        GTEST_SKIP() << "expected values are MariaDB's";
    }
    auto rows = RunPreflight(Server().Params("pf_ok"), {"pf_sakila", "pf_world"}, 100);
    EXPECT_EQ(Format(rows), ExpectedAllOk(*this, "pf_ok"));
}

TEST_F(Preflight, BinlogFormatStatementFails) {
    GlobalGuard guard(Server(), "binlog_format", "'STATEMENT'");
    auto rows = RunPreflight(Server().Params("pf_ok"), {"pf_sakila"}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "binlog_format")),
              "binlog_format | failed | STATEMENT | set binlog_format = ROW under [mysqld] in my.cnf and run "
              "SET GLOBAL "
              "binlog_format = 'ROW' (sessions already connected keep their format until they reconnect): "
              "chameleon "
              "decodes row events only, STATEMENT and MIXED log changes as SQL statements");
    // Nothing else changed.
    for (const auto &r : rows) {
        if (r.check != "binlog_format") {
            EXPECT_EQ(r.status, "ok") << Format(r);
        }
    }
}

TEST_F(Preflight, RowImageAndMetadata) {
    {
        GlobalGuard image(Server(), "binlog_row_image", "'MINIMAL'");
        GlobalGuard metadata(Server(), "binlog_row_metadata", "'MINIMAL'");
        auto rows = RunPreflight(Server().Params("pf_ok"), {"pf_sakila"}, 100);
        EXPECT_EQ(
            Format(*FindRow(rows, "binlog_row_image")),
            "binlog_row_image | failed | MINIMAL | set binlog_row_image = FULL under [mysqld] in my.cnf and "
            "run "
            "SET GLOBAL binlog_row_image = 'FULL': with MINIMAL the binary log leaves columns out of the row "
            "images (unchanged columns, or unchanged BLOB/TEXT columns), so chameleon could neither write "
            "complete rows to PostgreSQL nor find the rows of tables without a primary key");
        EXPECT_EQ(FindRow(rows, "binlog_row_metadata")->status, "warning");
        EXPECT_EQ(FindRow(rows, "binlog_row_metadata")->value, "MINIMAL");
        EXPECT_EQ(FindRow(rows, "binlog_row_metadata")->hint.substr(0, 17), "recommended FULL:");
    }
    EXPECT_EQ(Global("binlog_row_image"), "FULL");
    EXPECT_EQ(Global("binlog_row_metadata"), "FULL");
}

TEST_F(Preflight, MissingReplicationSlave) {
    auto rows = RunPreflight(Server().Params("pf_norepl"), {"pf_sakila"}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "privilege REPLICATION SLAVE")),
              "privilege REPLICATION SLAVE | failed | missing | run as an administrator: GRANT REPLICATION "
              "SLAVE ON *.* "
              "TO 'pf_norepl'@'127.0.0.1'; (needed to stream the binary log)");
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on pf_sakila")),
              "privilege SELECT on pf_sakila | ok | SELECT on `pf_sakila`.* | ");
    EXPECT_EQ(FindRow(rows, "privilege RELOAD")->status, "ok");
    EXPECT_EQ(FindRow(rows, "privilege REPLICATION CLIENT")->status, "ok");
}

TEST_F(Preflight, MissingSchema) {
    auto rows = RunPreflight(Server().Params("pf_global"), {"pf_sakila", "pf_gone", "PF_World"}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on pf_gone")),
              "privilege SELECT on pf_gone | ok | SELECT on *.* | ");
    EXPECT_EQ(Format(*FindRow(rows, "schema pf_sakila")), "schema pf_sakila | ok | exists | ");
    EXPECT_EQ(
        Format(*FindRow(rows, "schema pf_gone")),
        "schema pf_gone | failed | missing | no schema `pf_gone` is visible to this user on the MySQL server "
        "(information_schema.SCHEMATA lists only schemas the user has a privilege on): fix the "
        "schema_mappings "
        "of the source, create the schema or grant SELECT on it");
    EXPECT_EQ(FindRow(rows, "schema PF_World")->status, "failed");
    EXPECT_EQ(
        FindRow(rows, "schema PF_World")->hint.substr(FindRow(rows, "schema PF_World")->hint.rfind(';')),
        "; a schema `pf_world` exists (schema names are case sensitive)");
}

TEST_F(Preflight, ServerIdClash) {
    std::string server_id = Global("server_id");
    auto rows = RunPreflight(Server().Params("pf_ok"), {"pf_sakila"}, std::stoll(server_id));
    EXPECT_EQ(Format(*FindRow(rows, "server_id")),
              "server_id | failed | server_id = " + server_id + ", replica server id = " + server_id +
                  " | the source's my_server_id (" + server_id +
                  ") is the MySQL server's own server_id: choose another my_server_id, unique among the "
                  "MySQL server "
                  "and all its replicas (the server disconnects a replication client that reuses an id)");
}

TEST_F(Preflight, TimeZoneNotUtc) {
    std::string sys_tz = Global("system_time_zone");
    {
        GlobalGuard tz(Server(), "time_zone", "'+02:00'");
        auto rows = RunPreflight(Server().Params("pf_ok"), {"pf_sakila"}, 100);
        EXPECT_EQ(
            Format(*FindRow(rows, "time_zone")),
            "time_zone | warning | time_zone = +02:00, system_time_zone = " + sys_tz +
                " | the server does not run in UTC (+02:00): TIMESTAMP values are logged in UTC and arrive "
                "exactly, but DATETIME values carry no time zone and arrive as written, in the applications' "
                "local time; run the server in UTC (default_time_zone = '+00:00' under [mysqld] in my.cnf) "
                "or "
                "treat DATETIME values as local time");
    }
    EXPECT_EQ(Global("time_zone"), "+00:00");
}

TEST_F(Preflight, WildcardGrantAndMariaDbAliases) {
    if (!Server().MariaDb()) {
        GTEST_SKIP() << "MariaDB privilege names";
    }
    auto rows = RunPreflight(Server().Params("pf_wild"), {"pf_sakila", "pf_world"}, 100);
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on pf_sakila")),
              "privilege SELECT on pf_sakila | ok | SELECT on `pf\\_%`.* | ");
    EXPECT_EQ(Format(*FindRow(rows, "privilege SELECT on pf_world")),
              "privilege SELECT on pf_world | ok | SELECT on `pf\\_%`.* | ");
    EXPECT_EQ(Format(*FindRow(rows, "privilege REPLICATION CLIENT")),
              "privilege REPLICATION CLIENT | ok | BINLOG MONITOR on *.* | ");
    // MariaDB shows REPLICATION REPLICA as REPLICATION SLAVE.
    EXPECT_EQ(Format(*FindRow(rows, "privilege REPLICATION SLAVE")),
              "privilege REPLICATION SLAVE | ok | REPLICATION SLAVE on *.* | ");
}

TEST_F(Preflight, Roles) {
    if (!Server().MariaDb()) {
        GTEST_SKIP() << "MariaDB role syntax";
    }
    // SELECT through the default role counts.
    auto rows = RunPreflight(Server().Params("pf_role"), {"pf_sakila"}, 100);
    EXPECT_EQ(Format(rows), [&] {
        auto expected = ExpectedAllOk(*this, "pf_role");
        expected.erase(expected.begin() + 9, expected.begin() + 11); // pf_world is not mapped here
        expected.erase(expected.begin() + 13);                       // nor its schema row
        return expected;
    }());
    // A granted role that is not active does not.
    rows = RunPreflight(Server().Params("pf_idle_role"), {"pf_sakila"}, 100);
    EXPECT_EQ(
        Format(*FindRow(rows, "privilege SELECT on pf_sakila")),
        "privilege SELECT on pf_sakila | failed | missing | run as an administrator: GRANT SELECT ON "
        "`pf_sakila`.* TO 'pf_idle_role'@'127.0.0.1'; (the initial copy reads every table of the schema) "
        "Privileges of roles that are not active in the session are not counted: grant the privilege to the "
        "user, or make the role a default role of the user.");
    // information_schema hides the schema from a user without any privilege on it.
    EXPECT_EQ(FindRow(rows, "schema pf_sakila")->status, "failed");
}

TEST_F(Preflight, WrongPassword) {
    auto rows = RunPreflight(Server().Params("pf_ok", "not-the-password"), {"pf_sakila"}, 100);
    EXPECT_EQ(Format(rows),
              std::vector<std::string>{
                  "connection | failed | could not connect to MySQL server at " + Endpoint() +
                  ": Access denied for user 'pf_ok'@'127.0.0.1' (using password: YES) | check "
                  "the user and password of the source: the MySQL account must exist for the "
                  "host chameleon connects from (CREATE USER 'user'@'host' IDENTIFIED BY '...')"});
}

const char *const kNetworkHint =
    "check the host and port of the source, that the MySQL server is running and listens "
    "on TCP there (bind_address, port, skip_networking in my.cnf) and that no firewall "
    "blocks the connection; user and password are checked after that";

TEST(PreflightNetwork, ConnectionRefused) {
    int port = ClosedPort();
    ASSERT_NE(port, 0);
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = port;
    p.user = "repl";
    p.password = "s3cret";
    p.connect_timeout = 2;
    auto start = std::chrono::steady_clock::now();
    auto rows = RunPreflight(p, {"sakila"}, 100);
    EXPECT_LT(SecondsSince(start), 1.0);
    EXPECT_EQ(Format(rows),
              std::vector<std::string>{"connection | failed | could not connect to MySQL server at "
                                       "127.0.0.1:" +
                                       std::to_string(port) +
                                       ": Can't connect to server on '127.0.0.1' (115) | " + kNetworkHint});
}

TEST(PreflightNetwork, SilentServerWithinTheConnectTimeout) {
    SilentServer silent;
    ASSERT_NE(silent.Port(), 0);
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = silent.Port();
    p.user = "repl";
    p.connect_timeout = 2;
    p.read_timeout = 2;
    auto start = std::chrono::steady_clock::now();
    auto rows = RunPreflight(p, {"sakila"}, 100);
    double elapsed = SecondsSince(start);
    EXPECT_GE(elapsed, 1.9);
    EXPECT_LT(elapsed, 3.0);
    EXPECT_EQ(Format(rows),
              std::vector<std::string>{"connection | failed | could not connect to MySQL server at "
                                       "127.0.0.1:" +
                                       std::to_string(silent.Port()) +
                                       ": Lost connection to server at 'handshake: reading initial "
                                       "communication packet', system error: 110 | " +
                                       kNetworkHint});
}

} // namespace
} // namespace chameleon::mysql
