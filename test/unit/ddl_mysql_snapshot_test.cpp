// The MySQL side of the copy against a real server: metadata read from information_schema
// (enum labels with odd characters, MariaDB JSON, defaults, indexes, foreign keys), binary log
// coordinates, a consistent per-table snapshot, and unbuffered non-blocking streaming that can be
// abandoned half-way.
//
// Needs CHAMELEON_TEST_MARIADB_PORT (127.0.0.1, user CHAMELEON_TEST_MARIADB_USER or root, password
// CHAMELEON_TEST_MARIADB_PASSWORD or empty), as test/lib/run-tests.sh provides; skips otherwise.
#include "ddl/table_ddl.hpp"
#include "ddl/type_map.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include <gtest/gtest.h>

#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace chameleon::mysql {
namespace {

std::optional<ConnectParams> ServerParams() {
    const char *port = std::getenv("CHAMELEON_TEST_MARIADB_PORT");
    if (port == nullptr || *port == '\0')
        return std::nullopt;
    ConnectParams p;
    p.host = "127.0.0.1";
    p.port = std::atoi(port);
    const char *user = std::getenv("CHAMELEON_TEST_MARIADB_USER");
    p.user = user != nullptr ? user : "root";
    const char *password = std::getenv("CHAMELEON_TEST_MARIADB_PASSWORD");
    p.password = password != nullptr ? password : "";
    p.connect_timeout = 5;
    p.read_timeout = 30;
    p.write_timeout = 30;
    return p;
}

// A waiter built on poll(2), counting its calls.
struct PollWaiter {
    int calls = 0;
    bool fail = false;
    int operator()(int socket, int events, int timeout_ms) {
        ++calls;
        if (fail)
            throw std::runtime_error("cancelled by the test");
        pollfd p{socket, 0, 0};
        if (events & kWaitRead)
            p.events |= POLLIN;
        if (events & kWaitWrite)
            p.events |= POLLOUT;
        int rc = poll(&p, 1, (events & kWaitTimeout) ? timeout_ms : -1);
        if (rc == 0)
            return kWaitTimeout;
        int ready = 0;
        if (p.revents & (POLLIN | POLLHUP | POLLERR))
            ready |= kWaitRead;
        if (p.revents & POLLOUT)
            ready |= kWaitWrite;
        return ready;
    }
};

class MysqlSnapshot : public ::testing::Test {
protected:
    void SetUp() override {
        auto params = ServerParams();
        if (!params)
            GTEST_SKIP() << "CHAMELEON_TEST_MARIADB_PORT is not set";
        params_ = *params;
        admin_ = Connection::Open(params_);
        admin_.Execute("DROP DATABASE IF EXISTS ddl_snap");
        admin_.Execute("CREATE DATABASE ddl_snap");
    }
    void TearDown() override {
        if (admin_.IsOpen())
            admin_.Execute("DROP DATABASE IF EXISTS ddl_snap");
    }
    ConnectParams params_;
    Connection admin_;
};

TEST_F(MysqlSnapshot, MetadataOfOddTables) {
    admin_.Execute("CREATE TABLE ddl_snap.parent (id INT PRIMARY KEY)");
    admin_.Execute(R"sql(CREATE TABLE ddl_snap.`Odd "Name"` (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        e ENUM('a','b''c','x,y','back\\slash','tab	here','é','NULL') NOT NULL DEFAULT 'b''c',
        s SET('p','q') DEFAULT 'p,q',
        j JSON,
        t TIMESTAMP(3) NULL DEFAULT '2000-01-01 05:00:00.000',
        v VARCHAR(200) COMMENT 'a comment',
        p INT,
        PRIMARY KEY (id),
        UNIQUE KEY v_prefix (v(10)),
        KEY `two cols` (p, v),
        CONSTRAINT fk_p FOREIGN KEY (p) REFERENCES ddl_snap.parent (id) ON DELETE CASCADE
    ) COMMENT 'odd table')sql");
    std::vector<ddl::MysqlTable> tables = ReadTables(admin_, {"ddl_snap"});
    ASSERT_EQ(tables.size(), 2u);
    const ddl::MysqlTable &t = tables[0];
    EXPECT_EQ(t.name, "Odd \"Name\"");
    EXPECT_EQ(t.comment, "odd table");
    EXPECT_TRUE(t.transactional);
    ASSERT_EQ(t.columns.size(), 7u);
    EXPECT_EQ(t.columns[0].extra, "auto_increment");
    EXPECT_TRUE(t.columns[0].Unsigned());

    // The labels parsed from COLUMN_TYPE are exactly the values the server returns.
    std::vector<std::string> labels = ddl::ParseEnumLabels(t.columns[1].column_type);
    ASSERT_EQ(labels.size(), 7u);
    for (size_t i = 0; i < labels.size(); ++i) {
        TextValue server = admin_.QueryValue("SELECT ELT(" + std::to_string(i + 1) +
                                             ", 'a','b''c','x,y','back\\\\slash','tab\there','é','NULL')");
        EXPECT_EQ(labels[i], server.value_or("<null>")) << i;
    }
    ddl::TypeMapOptions options;
    options.default_style = DefaultStyleOf(admin_);
    ddl::MappedColumn e = ddl::MapColumn(t.columns[1], t.schema, t.name, {}, options);
    EXPECT_EQ(e.default_value.value_or("<none>"), "b'c");
    ddl::MappedColumn s = ddl::MapColumn(t.columns[2], t.schema, t.name, {}, options);
    EXPECT_EQ(s.default_value.value_or("<none>"), "{\"p\",\"q\"}");
    ddl::MappedColumn j = ddl::MapColumn(t.columns[3], t.schema, t.name, {}, options);
    EXPECT_EQ(j.pg_type, "jsonb"); // MariaDB: LONGTEXT + json_valid check
    ddl::MappedColumn ts = ddl::MapColumn(t.columns[4], t.schema, t.name, {}, options);
    EXPECT_EQ(ts.default_value.value_or("<none>"), "2000-01-01 05:00:00.000+00");
    EXPECT_EQ(t.columns[5].comment, "a comment");

    ASSERT_EQ(t.indexes.size(), 3u);
    EXPECT_EQ(t.indexes[0].name, "PRIMARY");
    EXPECT_EQ(t.indexes[1].name, "two cols");
    EXPECT_EQ(t.indexes[1].parts.size(), 2u);
    EXPECT_EQ(t.indexes[2].name, "v_prefix");
    EXPECT_TRUE(t.indexes[2].unique);
    EXPECT_EQ(t.indexes[2].parts[0].sub_part.value_or(0), 10);
    ASSERT_EQ(t.foreign_keys.size(), 1u);
    EXPECT_EQ(t.foreign_keys[0].name, "fk_p");
    EXPECT_EQ(t.foreign_keys[0].referenced_table, "parent");
    EXPECT_EQ(t.foreign_keys[0].delete_rule, "CASCADE");
    EXPECT_EQ(t.foreign_keys[0].update_rule, "RESTRICT");
}

TEST_F(MysqlSnapshot, CoordinatesAndConsistentSnapshot) {
    admin_.Execute("CREATE TABLE ddl_snap.t (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB");
    admin_.Execute("INSERT INTO ddl_snap.t VALUES (1, 'a'), (2, 'b')");
    Connection control = Connection::Open(params_);
    PollWaiter waiter;
    Connection reader = Connection::Open(params_, std::ref(waiter));
    PrepareReaderSession(reader, 600);
    BinlogCoordinates before = ReadBinlogCoordinates(admin_);
    BinlogCoordinates at = SnapshotTable(control, reader, "ddl_snap", "t", false, 10);
    EXPECT_FALSE(at.file.empty());
    EXPECT_GE(at.position, before.position);
    EXPECT_FALSE(at.gtid_set.empty());
    // A write after the snapshot is not seen by the reader.
    admin_.Execute("INSERT INTO ddl_snap.t VALUES (3, 'c')");
    BinlogCoordinates after = ReadBinlogCoordinates(admin_);
    EXPECT_GT(after.position, at.position);
    RowStream rows = reader.Stream("SELECT id, v FROM ddl_snap.t ORDER BY id");
    std::vector<std::string> seen;
    while (rows.Next())
        seen.push_back(std::string(rows.Value(0), rows.Length(0)) + "=" +
                       std::string(rows.Value(1), rows.Length(1)));
    EXPECT_EQ(seen, (std::vector<std::string>{"1=a", "2=b"}));
    reader.Execute("COMMIT");
    // Whether the waiter ran here depends on how fast the server answered (it did not under load):
    // WaiterExceptionAbandonsTheQuery proves a non-blocking connection waits through it.
}

TEST_F(MysqlSnapshot, StreamIsUnbufferedAndCanBeAbandoned) {
    PollWaiter waiter;
    Connection reader = Connection::Open(params_, std::ref(waiter));
    // About 200 MB of rows: buffering them would be slow and big; abandoning must be immediate.
    RowStream rows = reader.Stream("SELECT seq, REPEAT('x', 200) FROM ddl_snap.seq_1_to_1000000");
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(rows.Next());
    EXPECT_EQ(std::string(rows.Value(0), rows.Length(0)), "10");
    EXPECT_EQ(rows.Length(1), 200u);
    rows.Abandon();
    EXPECT_FALSE(reader.IsOpen());
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST_F(MysqlSnapshot, WaiterExceptionAbandonsTheQuery) {
    PollWaiter waiter;
    Connection reader = Connection::Open(params_, std::ref(waiter));
    waiter.fail = true;
    EXPECT_THROW(reader.Query("SELECT SLEEP(5)"), std::runtime_error);
    reader.Close();
    EXPECT_FALSE(reader.IsOpen());
}

TEST_F(MysqlSnapshot, ServerErrorMidStreamIsClear) {
    PollWaiter waiter;
    Connection reader = Connection::Open(params_, std::ref(waiter));
    std::string id = reader.QueryValue("SELECT CONNECTION_ID()").value_or("0");
    RowStream rows = reader.Stream("SELECT seq, REPEAT('y', 1000) FROM ddl_snap.seq_1_to_5000000");
    ASSERT_TRUE(rows.Next());
    admin_.Execute("KILL " + id);
    try {
        while (rows.Next()) {
        }
        FAIL() << "the stream should fail";
    } catch (const MysqlError &e) {
        EXPECT_NE(std::string(e.what()).find("while reading rows"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace chameleon::mysql
