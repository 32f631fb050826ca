// Live tests of the binlog transport against a throwaway MariaDB.
//
// The server: CHAMELEON_TEST_MARIADB_PORT (127.0.0.1, user CHAMELEON_TEST_MARIADB_USER or root,
// password CHAMELEON_TEST_MARIADB_PASSWORD) if set; otherwise one is started with
// test/lib/mariadb.sh (as the user "chameleon" when running as root) and stopped at the end.
// Every test is skipped, with the reason, when no server can be had. The server may be shared with
// other tests: these create only the database `live` and the user chameleon_norepl, and repair the
// binlog file they damage on purpose.
#include "binlog_test_util.hpp"

#include "mysql/binlog/client.hpp"

#include <gtest/gtest.h>
#include <mysql.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <pwd.h>
#include <set>
#include <sys/wait.h>
#include <thread>

using namespace binlog_test;

namespace {

std::string RunCommand(const std::string &cmd, int *status) {
    std::string out;
    FILE *p = ::popen(cmd.c_str(), "r");
    if (!p) {
        *status = -1;
        return out;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    *status = ::pclose(p);
    return out;
}

class LiveServer {
public:
    static LiveServer &Get() {
        static LiveServer s;
        return s;
    }
    bool Ok() const { return ok_; }
    const std::string &Reason() const { return reason_; }
    unsigned Port() const { return port_; }
    const std::string &User() const { return user_; }
    const std::string &Password() const { return password_; }
    // Writable data directory of our own server ("" for an external one).
    const std::string &DataDir() const { return datadir_; }

    ~LiveServer() {
        if (conn_)
            mysql_close(conn_);
        if (!dir_.empty()) {
            int st;
            RunCommand(prefix_ + "bash " + script_ + " stop " + dir_ + " 2>&1", &st);
            RunCommand("rm -rf " + dir_, &st);
        }
    }

    // Runs statements; throws on error.
    void Exec(const std::string &sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
            throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(conn_));
        do {
            MYSQL_RES *r = mysql_store_result(conn_);
            if (r)
                mysql_free_result(r);
        } while (mysql_next_result(conn_) == 0);
    }
    std::vector<std::string> Row(const std::string &sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
            throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(conn_));
        std::vector<std::string> out;
        MYSQL_RES *r = mysql_store_result(conn_);
        if (!r)
            return out;
        MYSQL_ROW row = mysql_fetch_row(r);
        if (row)
            for (unsigned i = 0; i < mysql_num_fields(r); ++i)
                out.push_back(row[i] ? row[i] : "NULL");
        mysql_free_result(r);
        return out;
    }

    ClientOptions Options(uint32_t server_id) const {
        ClientOptions o;
        o.host = "127.0.0.1";
        o.port = port_;
        o.user = user_;
        o.password = password_;
        o.server_id = server_id;
        o.heartbeat_period_s = 1.0;
        return o;
    }

private:
    LiveServer() {
        if (const char *p = std::getenv("CHAMELEON_TEST_MARIADB_PORT")) {
            port_ = static_cast<unsigned>(std::atoi(p));
            if (const char *u = std::getenv("CHAMELEON_TEST_MARIADB_USER"))
                user_ = u;
            if (const char *pw = std::getenv("CHAMELEON_TEST_MARIADB_PASSWORD"))
                password_ = pw;
            // test/lib/run-tests.sh also says where that server lives (its binlogs are writable).
            if (const char *d = std::getenv("CHAMELEON_TEST_MARIADB_DIR"))
                if (::access((std::string(d) + "/data").c_str(), W_OK) == 0)
                    datadir_ = std::string(d) + "/data";
        } else if (!StartOwn()) {
            return;
        }
        conn_ = mysql_init(nullptr);
        unsigned timeout = 10;
        mysql_optionsv(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        mysql_optionsv(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
        if (!mysql_real_connect(conn_, "127.0.0.1", user_.c_str(), password_.c_str(), nullptr, port_, nullptr,
                                CLIENT_MULTI_STATEMENTS)) {
            reason_ = std::string("cannot connect to the test MariaDB: ") + mysql_error(conn_);
            return;
        }
        std::vector<std::string> v = Row("SELECT @@log_bin, @@binlog_format, @@version");
        if (v.size() != 3 || v[0] != "1" || v[1] != "ROW") {
            reason_ = "the test server needs log_bin=ON and binlog_format=ROW";
            return;
        }
        if (v[2].find("MariaDB") == std::string::npos) {
            reason_ = "the live binlog tests need MariaDB (found " + v[2] + ")";
            return;
        }
        ok_ = true;
    }

    bool StartOwn() {
        std::string fixtures = FixtureDir();
        script_ = fixtures + "/../../../lib/mariadb.sh";
        if (::access(script_.c_str(), R_OK) != 0) {
            reason_ = "test/lib/mariadb.sh not found (set CHAMELEON_TEST_MARIADB_PORT)";
            return false;
        }
        if (::access("/usr/sbin/mariadbd", X_OK) != 0 && ::access("/usr/bin/mariadbd", X_OK) != 0) {
            reason_ = "mariadbd is not installed (set CHAMELEON_TEST_MARIADB_PORT)";
            return false;
        }
        char tmpl[] = "/tmp/chameleon-binlog-live.XXXXXX";
        if (!::mkdtemp(tmpl)) {
            reason_ = "cannot create a scratch directory";
            return false;
        }
        dir_ = tmpl;
        ::chmod(dir_.c_str(), 0755);
        if (::geteuid() == 0) {
            struct passwd *pw = ::getpwnam("chameleon");
            if (!pw) {
                reason_ = "running as root and the user \"chameleon\" does not exist";
                return false;
            }
            if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                reason_ = "cannot chown the scratch directory to chameleon";
                return false;
            }
            prefix_ = "runuser -u chameleon -- ";
        }
        int st;
        std::string out = RunCommand(prefix_ + "bash " + script_ + " start " + dir_ + " 2>&1", &st);
        if (st != 0) {
            reason_ = "test/lib/mariadb.sh start failed: " + out;
            return false;
        }
        port_ = static_cast<unsigned>(std::atoi(out.c_str()));
        datadir_ = dir_ + "/data";
        return port_ != 0;
    }

    bool ok_ = false;
    std::string reason_;
    unsigned port_ = 0;
    std::string user_ = "root";
    std::string password_;
    std::string dir_, script_, prefix_, datadir_;
    MYSQL *conn_ = nullptr;
};

uint32_t NextServerId() {
    static uint32_t id = 3000000000u + static_cast<uint32_t>(::getpid() % 100000) * 10;
    return ++id;
}

class BinlogLive : public ::testing::Test {
protected:
    void SetUp() override {
        LiveServer &s = LiveServer::Get();
        if (!s.Ok())
            GTEST_SKIP() << s.Reason();
    }
    LiveServer &Server() { return LiveServer::Get(); }

    // Current (file, pos) of the server's binlog.
    std::pair<std::string, uint64_t> MasterPos() {
        std::vector<std::string> r = Server().Row("SHOW MASTER STATUS");
        return {r.at(0), std::stoull(r.at(1))};
    }
};

// One decoded transaction: the ids of the rows it wrote, and where it committed.
struct Tx {
    std::vector<int64_t> ids;
    Coordinates committed;
};

// Reads until `count` transactions touching `table` have committed (or `stop` says so).
std::vector<Tx> ReadTransactions(BinlogReader &r, const std::string &table, size_t count) {
    std::vector<Tx> txs;
    Tx cur;
    RowDecoder dec;
    RowImage before, after;
    bool touched = false;
    while (txs.size() < count && r.Next()) {
        if (r.IsRows() && r.CurrentTableMap()->table == table) {
            touched = true;
            r.BeginRows(&dec);
            while (dec.Next(&before, &after))
                cur.ids.push_back(r.Rows().kind == RowsKind::kDelete ? before[0].i : after[0].i);
        }
        if (r.IsCommit()) {
            if (touched) {
                cur.committed = r.Committed();
                txs.push_back(cur);
            }
            cur = Tx();
            touched = false;
        }
    }
    return txs;
}

TEST_F(BinlogLive, StartByPositionDecodesRows) {
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.pos (id INT PRIMARY KEY, "
        "s VARCHAR(20), u BIGINT UNSIGNED)");
    auto [file, pos] = MasterPos();
    Server().Exec("INSERT INTO live.pos VALUES (1, 'héllo😀', 18446744073709551615), (2, NULL, 0)");
    BinlogClient c;
    c.Connect(Server().Options(NextServerId()));
    EXPECT_EQ(c.Flavor(), ServerFlavor::kMariaDb);
    EXPECT_EQ(c.AnnouncedChecksum(), ChecksumAlg::kCrc32);
    c.StartFromPosition(file, pos);
    ReaderOptions ro;
    ro.announced_checksum = c.AnnouncedChecksum();
    BinlogReader r(&c, ro);
    Coordinates start;
    start.file = file;
    start.pos = pos;
    r.SetStart(start);
    RowDecoder dec;
    RowImage before, after;
    std::vector<std::string> got;
    uint8_t first_type = 0;
    while (r.Next()) {
        if (first_type == 0)
            first_type = r.Type();
        if (r.IsRows()) {
            r.BeginRows(&dec);
            const TableMap &m = *r.CurrentTableMap();
            while (dec.Next(&before, &after))
                got.push_back(ValueText(after[0], m.columns[0]) + "|" + ValueText(after[1], m.columns[1]) +
                              "|" + ValueText(after[2], m.columns[2]));
        }
        if (r.IsCommit())
            break;
    }
    EXPECT_EQ(first_type, event_type::kRotate); // the artificial ROTATE, with its CRC handled
    EXPECT_EQ(got,
              (std::vector<std::string>{"1|h\xC3\xA9llo\xF0\x9F\x98\x80|18446744073709551615", "2|NULL|0"}));
    auto [file2, pos2] = MasterPos();
    EXPECT_EQ(r.Committed().file, file2);
    EXPECT_EQ(r.Committed().pos, pos2);
    std::vector<std::string> gtid = Server().Row("SELECT @@gtid_binlog_pos");
    EXPECT_EQ(r.Committed().maria_gtid.ToString(), gtid.at(0));
    // We registered as a replica.
    c.Close();
}

TEST_F(BinlogLive, StartByMariaGtid) {
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.g (id INT PRIMARY KEY)");
    Server().Exec("INSERT INTO live.g VALUES (1)");
    std::string state = Server().Row("SELECT @@gtid_binlog_pos").at(0);
    Server().Exec("INSERT INTO live.g VALUES (2); INSERT INTO live.g VALUES (3)");
    BinlogClient c;
    c.Connect(Server().Options(NextServerId()));
    Coordinates start;
    start.maria_gtid = MariaGtidPosition::Parse(state);
    c.StartFromMariaGtid(start.maria_gtid);
    ReaderOptions ro;
    ro.announced_checksum = c.AnnouncedChecksum();
    BinlogReader r(&c, ro);
    r.SetStart(start);
    // Before the first transaction, the restart point is where it begins (from the artificial
    // GTID_LIST_EVENT that ends the GTID start).
    while (r.Next() && r.Type() != event_type::kMariaGtid) {
    }
    ASSERT_EQ(r.Type(), event_type::kMariaGtid);
    EXPECT_EQ(r.Committed().pos, r.Current().StartPos());
    EXPECT_EQ(r.Committed().maria_gtid.ToString(), state);
    std::vector<Tx> txs = ReadTransactions(r, "g", 2);
    ASSERT_EQ(txs.size(), 2u);
    EXPECT_EQ(txs[0].ids, std::vector<int64_t>{2});
    EXPECT_EQ(txs[1].ids, std::vector<int64_t>{3});
    EXPECT_EQ(txs[1].committed.maria_gtid.ToString(), Server().Row("SELECT @@gtid_binlog_pos").at(0));
    MariaGtid first = MariaGtidPosition::Parse(state).Gtids().at(0);
    MariaGtid after2 = txs[0].committed.maria_gtid.Gtids().at(0);
    EXPECT_EQ(after2.seq_no, first.seq_no + 1);
}

// Disconnect in the middle of a transaction, resume from the last committed coordinates: every
// transaction exactly once.
TEST_F(BinlogLive, ResumeAfterDisconnectMidStream) {
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.res (id INT PRIMARY KEY)");
    auto [file, pos] = MasterPos();
    std::string gtid_state = Server().Row("SELECT @@gtid_binlog_pos").at(0);
    for (int i = 1; i <= 10; ++i)
        Server().Exec("INSERT INTO live.res VALUES (" + std::to_string(2 * i - 1) + "), (" +
                      std::to_string(2 * i) + ")");
    for (bool by_gtid : {false, true}) {
        SCOPED_TRACE(by_gtid ? "resume by GTID" : "resume by file/position");
        std::vector<int64_t> seen;
        Coordinates resume;
        {
            BinlogClient c;
            c.Connect(Server().Options(NextServerId()));
            c.StartFromPosition(file, pos);
            ReaderOptions ro;
            ro.announced_checksum = c.AnnouncedChecksum();
            BinlogReader r(&c, ro);
            Coordinates start;
            start.file = file;
            start.pos = pos;
            start.maria_gtid = MariaGtidPosition::Parse(gtid_state);
            r.SetStart(start);
            std::vector<Tx> txs = ReadTransactions(r, "res", 5);
            ASSERT_EQ(txs.size(), 5u);
            for (const Tx &t : txs)
                seen.insert(seen.end(), t.ids.begin(), t.ids.end());
            // Go on into the 6th transaction and read its first row, then drop the connection.
            RowDecoder dec;
            RowImage b, a;
            bool in_rows = false;
            while (!in_rows && r.Next())
                if (r.IsRows()) {
                    r.BeginRows(&dec);
                    ASSERT_TRUE(dec.Next(&b, &a));
                    EXPECT_EQ(a[0].i, 11); // applied nowhere: not committed
                    in_rows = true;
                }
            ASSERT_TRUE(r.InTransaction());
            resume = r.Committed();
            c.Close();
        }
        BinlogClient c2;
        c2.Connect(Server().Options(NextServerId()));
        if (by_gtid)
            c2.StartFromMariaGtid(resume.maria_gtid);
        else
            c2.StartFromPosition(resume.file, resume.pos);
        ReaderOptions ro;
        ro.announced_checksum = c2.AnnouncedChecksum();
        BinlogReader r2(&c2, ro);
        r2.SetStart(resume);
        std::vector<Tx> rest = ReadTransactions(r2, "res", 5);
        ASSERT_EQ(rest.size(), 5u);
        for (const Tx &t : rest)
            seen.insert(seen.end(), t.ids.begin(), t.ids.end());
        std::vector<int64_t> want;
        for (int i = 1; i <= 20; ++i)
            want.push_back(i);
        EXPECT_EQ(seen, want);
        EXPECT_EQ(rest.back().committed.maria_gtid.Gtids().at(0).seq_no,
                  MariaGtidPosition::Parse(gtid_state).Gtids().at(0).seq_no + 10);
    }
}

TEST_F(BinlogLive, FlushLogsRotation) {
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.rot (id INT PRIMARY KEY)");
    auto [file, pos] = MasterPos();
    Server().Exec("INSERT INTO live.rot VALUES (1)");
    Server().Exec("FLUSH BINARY LOGS");
    auto [file2, pos2] = MasterPos();
    Server().Exec("INSERT INTO live.rot VALUES (2)");
    ASSERT_NE(file, file2);
    BinlogClient c;
    c.Connect(Server().Options(NextServerId()));
    c.StartFromPosition(file, pos);
    ReaderOptions ro;
    ro.announced_checksum = c.AnnouncedChecksum();
    BinlogReader r(&c, ro);
    Coordinates start;
    start.file = file;
    start.pos = pos;
    r.SetStart(start);
    std::vector<std::string> rotates;
    std::vector<Tx> txs;
    Tx cur;
    RowDecoder dec;
    RowImage b, a;
    int fdes = 0;
    while (txs.size() < 2 && r.Next()) {
        if (r.Type() == event_type::kRotate)
            rotates.push_back(r.Rotate().next_file + ":" + std::to_string(r.Rotate().position) +
                              (r.Current().Artificial() ? " artificial" : " real"));
        if (r.Type() == event_type::kFormatDescription)
            ++fdes;
        if (r.IsRows() && r.CurrentTableMap()->table == "rot") {
            r.BeginRows(&dec);
            while (dec.Next(&b, &a))
                cur.ids.push_back(a[0].i);
        }
        if (r.IsCommit() && !cur.ids.empty()) {
            cur.committed = r.Committed();
            txs.push_back(cur);
            cur = Tx();
        }
    }
    ASSERT_EQ(txs.size(), 2u);
    EXPECT_EQ(txs[0].committed.file, file);
    EXPECT_EQ(txs[1].committed.file, file2);
    EXPECT_EQ(txs[1].committed.pos, MasterPos().second);
    EXPECT_EQ(rotates, (std::vector<std::string>{file + ":" + std::to_string(pos) + " artificial",
                                                 file2 + ":4 real", file2 + ":4 artificial"}));
    EXPECT_EQ(fdes, 2);
}

TEST_F(BinlogLive, HeartbeatsWhileIdleReturnControl) {
    auto [file, pos] = MasterPos();
    ClientOptions o = Server().Options(NextServerId());
    o.heartbeat_period_s = 0.25;
    BinlogClient c;
    c.Connect(o);
    c.StartFromPosition(file, pos);
    ReaderOptions ro;
    ro.announced_checksum = c.AnnouncedChecksum();
    BinlogReader r(&c, ro);
    int heartbeats = 0;
    double longest = 0;
    auto last = std::chrono::steady_clock::now();
    while (heartbeats < 4 && r.Next()) {
        auto now = std::chrono::steady_clock::now();
        double gap = std::chrono::duration<double>(now - last).count();
        last = now;
        if (r.Type() == event_type::kHeartbeat) {
            ++heartbeats;
            longest = std::max(longest, gap);
            EXPECT_EQ(r.Heartbeat().file, file);
        }
    }
    EXPECT_EQ(heartbeats, 4);
    EXPECT_LT(longest, 1.0); // the caller regains control at least once a second
}

TEST_F(BinlogLive, SilentServerHitsTheReadTimeout) {
    auto [file, pos] = MasterPos();
    ClientOptions o = Server().Options(NextServerId());
    o.heartbeat_period_s = 0; // no heartbeats: silence looks like a dead link
    o.read_timeout_s = 1;
    BinlogClient c;
    c.Connect(o);
    c.StartFromPosition(file, pos);
    BinlogReader r(&c);
    auto t0 = std::chrono::steady_clock::now();
    try {
        while (r.Next()) {
        }
        FAIL() << "no timeout";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kReadTimeout);
        EXPECT_EQ(std::string(e.what()).find("no data from 127.0.0.1:" + std::to_string(Server().Port()) +
                                             " for 1 s"),
                  0u)
            << e.what();
    }
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(waited, 5.0);
}

TEST_F(BinlogLive, CancelInterruptsABlockedRead) {
    auto [file, pos] = MasterPos();
    ClientOptions o = Server().Options(NextServerId());
    o.heartbeat_period_s = 0;
    o.read_timeout_s = 30;
    BinlogClient c;
    c.Connect(o);
    c.StartFromPosition(file, pos);
    BinlogReader r(&c);
    std::thread t([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        c.Cancel();
    });
    auto t0 = std::chrono::steady_clock::now();
    while (r.Next()) {
    }
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.join();
    EXPECT_TRUE(c.Cancelled());
    EXPECT_LT(waited, 5.0);
}

TEST_F(BinlogLive, CorruptedEventIsCaughtByTheChecksum) {
    if (Server().DataDir().empty())
        GTEST_SKIP() << "needs our own server (its binlog files are modified)";
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.crc (id INT PRIMARY KEY, "
        "s VARCHAR(40))");
    Server().Exec("FLUSH BINARY LOGS");
    auto [file, pos] = MasterPos();
    Server().Exec("INSERT INTO live.crc VALUES (1, 'marker-ZZZZZZZZZZZZZZZZ')");
    Server().Exec("FLUSH BINARY LOGS");
    std::string path = Server().DataDir() + "/" + file;
    std::vector<uint8_t> data = ReadWholeFile(path);
    std::string text(data.begin(), data.end());
    // The annotate event also holds the marker; damage the row image (the last occurrence).
    size_t at = text.rfind("ZZZZZZZZ");
    ASSERT_NE(at, std::string::npos);
    auto poke = [&](char c) {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(at));
        f.put(c);
    };
    poke('Y');
    // The server may be shared with other tests: repair the file whatever happens below.
    struct Repair {
        std::function<void()> fn;
        ~Repair() { fn(); }
    } repair{[&] { poke('Z'); }};
    BinlogClient c;
    ClientOptions o = Server().Options(NextServerId());
    o.non_blocking = true;
    c.Connect(o);
    c.StartFromPosition(file, 4);
    ReaderOptions ro;
    ro.announced_checksum = c.AnnouncedChecksum();
    BinlogReader r(&c, ro);
    Coordinates start;
    start.file = file;
    r.SetStart(start);
    try {
        while (r.Next()) {
        }
        FAIL() << "corruption not detected";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kChecksumMismatch);
        EXPECT_NE(std::string(e.what()).find("WRITE_ROWS_EVENT_V1 ending at log_pos"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("fails its CRC32 check"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("[WRITE_ROWS_EVENT_V1 at " + file + ":"), std::string::npos)
            << e.what();
    }
}

TEST_F(BinlogLive, DuplicateServerIdIsReportedClearly) {
    auto [file, pos] = MasterPos();
    uint32_t id = NextServerId();
    ClientOptions o = Server().Options(id);
    o.heartbeat_period_s = 0.2;
    BinlogClient first;
    first.Connect(o);
    first.StartFromPosition(file, pos);
    BinlogReader r1(&first);
    // Read until the first heartbeat: the dump thread is established.
    while (r1.Next() && r1.Type() != event_type::kHeartbeat) {
    }
    BinlogClient second;
    second.Connect(o);
    second.StartFromPosition(file, pos);
    try {
        while (r1.Next()) {
        }
        FAIL() << "the first dump was not stopped";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kDuplicateServerId);
        EXPECT_EQ(e.ServerErrno(), 4052u);
        EXPECT_STREQ(e.SqlState(), "42710");
        EXPECT_NE(
            std::string(e.what()).find("A slave with the same server_uuid/server_id is already connected"),
            std::string::npos)
            << e.what();
        EXPECT_EQ(e.Hint(), "give every replica (and every chameleon source) its own server id");
    }
}

TEST_F(BinlogLive, ServerErrorsAreTyped) {
    {
        BinlogClient c;
        c.Connect(Server().Options(NextServerId()));
        c.StartFromPosition("mariadb-bin.999999", 4);
        BinlogReader r(&c);
        try {
            r.Next();
            FAIL();
        } catch (const BinlogError &e) {
            EXPECT_EQ(e.Code(), BinlogErrc::kBinlogNotFound);
            EXPECT_EQ(e.ServerErrno(), 1236u);
            EXPECT_EQ(std::string(e.what()),
                      "binlog dump from 127.0.0.1:" + std::to_string(Server().Port()) +
                          ": Could not find first log file name in binary log index file "
                          "(error 1236)");
        }
    }
    {
        BinlogClient c;
        c.Connect(Server().Options(NextServerId()));
        c.StartFromMariaGtid(MariaGtidPosition::Parse("0-1-999999999"));
        BinlogReader r(&c);
        try {
            while (r.Next()) {
            }
            FAIL();
        } catch (const BinlogError &e) {
            EXPECT_EQ(e.Code(), BinlogErrc::kGtidNotFound);
            EXPECT_NE(std::string(e.what()).find("which is not in the master's binlog"), std::string::npos)
                << e.what();
        }
    }
    {
        Server().Exec("CREATE USER IF NOT EXISTS 'chameleon_norepl'@'127.0.0.1' IDENTIFIED BY 'pw'; "
                      "GRANT SELECT ON *.* TO 'chameleon_norepl'@'127.0.0.1'");
        ClientOptions o = Server().Options(NextServerId());
        o.user = "chameleon_norepl";
        o.password = "pw";
        o.register_replica = false;
        BinlogClient c;
        c.Connect(o);
        auto [file, pos] = MasterPos();
        c.StartFromPosition(file, pos);
        BinlogReader r(&c);
        try {
            r.Next();
            FAIL();
        } catch (const BinlogError &e) {
            EXPECT_EQ(e.Code(), BinlogErrc::kAccessDenied);
            EXPECT_STREQ(e.SqlState(), "42501");
            EXPECT_NE(std::string(e.what()).find("REPLICATION SLAVE"), std::string::npos) << e.what();
        }
    }
    {
        ClientOptions o = Server().Options(NextServerId());
        o.password = "wrong-password";
        o.user = "chameleon_norepl";
        BinlogClient c;
        try {
            c.Connect(o);
            FAIL();
        } catch (const BinlogError &e) {
            EXPECT_EQ(e.Code(), BinlogErrc::kAccessDenied);
            EXPECT_EQ(std::string(e.what()),
                      "cannot connect to 127.0.0.1:" + std::to_string(Server().Port()) +
                          ": Access denied for user 'chameleon_norepl'@'127.0.0.1' (using "
                          "password: YES) (error 1045)");
        }
    }
}

TEST_F(BinlogLive, RegisteredReplicaAndLargeRow) {
    Server().Exec(
        "CREATE DATABASE IF NOT EXISTS live; CREATE TABLE IF NOT EXISTS live.big (id INT PRIMARY KEY, "
        "b LONGBLOB)");
    auto [file, pos] = MasterPos();
    // 20 MB: the event spans several 16 MB protocol packets.
    Server().Exec("INSERT INTO live.big VALUES (1, REPEAT('ab', 10 * 1024 * 1024))");
    uint32_t id = NextServerId();
    ClientOptions o = Server().Options(id);
    o.report_host = "chameleon-test";
    o.report_port = 4242;
    BinlogClient c;
    c.Connect(o);
    c.StartFromPosition(file, pos);
    BinlogReader r(&c);
    RowDecoder dec;
    RowImage b, a;
    size_t blob = 0;
    while (blob == 0 && r.Next())
        if (r.IsRows()) {
            r.BeginRows(&dec);
            ASSERT_TRUE(dec.Next(&b, &a));
            blob = a[1].size;
            EXPECT_EQ(std::string(a[1].View().substr(0, 6)), "ababab");
        }
    EXPECT_EQ(blob, 20u * 1024 * 1024);
    std::vector<std::string> hosts = Server().Row("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                                                  "COMMAND = 'Binlog Dump'");
    EXPECT_GE(std::stoi(hosts.at(0)), 1);
    bool found = false;
    // SHOW SLAVE HOSTS lists every registered replica; look for ours.
    {
        MYSQL *m = mysql_init(nullptr);
        ASSERT_TRUE(mysql_real_connect(m, "127.0.0.1", Server().User().c_str(), Server().Password().c_str(),
                                       nullptr, Server().Port(), nullptr, 0));
        ASSERT_EQ(mysql_query(m, "SHOW SLAVE HOSTS"), 0);
        MYSQL_RES *res = mysql_store_result(m);
        while (MYSQL_ROW row = mysql_fetch_row(res))
            if (std::to_string(id) == row[0]) {
                found = true;
                EXPECT_STREQ(row[1], "chameleon-test");
                EXPECT_STREQ(row[2], "4242");
            }
        mysql_free_result(res);
        mysql_close(m);
    }
    EXPECT_TRUE(found);
}

} // namespace
