// The binlog dump transport: a replication connection to MySQL or MariaDB. libmariadb does the
// connection (handshake, authentication plugins, TLS); everything after that is ours: session
// setup (checksum announcement, heartbeat period, MariaDB capabilities / GTID start),
// COM_REGISTER_SLAVE, COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID, and reading event packets.
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/events.hpp"
#include "mysql/binlog/gtid.hpp"
#include "mysql/binlog/source.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

struct st_mysql; // MYSQL from mysql.h, kept out of this header

namespace chameleon::mysql::binlog {

struct ClientOptions {
    std::string host = "127.0.0.1";
    unsigned port = 3306;
    std::string user;
    std::string password;
    std::string unix_socket; // used instead of host/port when set
    // TLS: ssl_mode "disabled" (default), "required" (encrypt, no verification), "verify_ca",
    // "verify_identity".
    std::string ssl_mode = "disabled";
    std::string ssl_ca, ssl_cert, ssl_key;
    unsigned connect_timeout_s = 10;
    uint32_t server_id = 0;          // our replica server id: required, unique among replicas
    double heartbeat_period_s = 0.5; // the server sends a heartbeat after this much idle time; 0 = off
    unsigned read_timeout_s = 0;     // 0 = max(3, 3 x heartbeat period) (the connection is dead after this)
    bool register_replica = true;    // COM_REGISTER_SLAVE (shows in SHOW SLAVE HOSTS)
    std::string report_host;         // for COM_REGISTER_SLAVE
    unsigned report_port = 0;
    bool non_blocking = false;      // the server ends the dump at the end of its last binlog
    bool send_annotate_rows = true; // MariaDB: ANNOTATE_ROWS events with the original statement
    std::string replica_uuid;       // MySQL: @slave_uuid / @replica_uuid (zombie dump detection)
};

enum class ServerFlavor { kMySql, kMariaDb };

class BinlogClient : public EventSource {
public:
    BinlogClient();
    ~BinlogClient() override;
    BinlogClient(const BinlogClient &) = delete;
    BinlogClient &operator=(const BinlogClient &) = delete;

    // Connects and prepares the session. Throws BinlogError (kConnect, kAccessDenied, ...).
    void Connect(const ClientOptions &options);
    bool Connected() const { return mysql_ != nullptr; }

    ServerFlavor Flavor() const { return flavor_; }
    const std::string &ServerVersion() const { return server_version_; }
    // The checksum algorithm announced with @master_binlog_checksum (the server's binlog_checksum).
    ChecksumAlg AnnouncedChecksum() const { return checksum_; }

    // Runs a statement on the connection before the dump starts and returns the first column of
    // the first row ("" for no row / NULL). For session setup and server probes.
    std::string QueryValue(const std::string &sql);

    // Start the dump (exactly one of these, once per connection).
    void StartFromPosition(const std::string &file, uint64_t pos);
    void StartFromMariaGtid(const MariaGtidPosition &position);
    void StartFromMySqlGtid(const GtidSet &executed);

    // EventSource: the next event packet. False at the end of a non-blocking dump or after Cancel().
    // Throws BinlogError with the server's message for server errors, kReadTimeout when nothing
    // (not even a heartbeat) arrived within the read timeout, kConnectionLost otherwise.
    bool NextRaw(const uint8_t **data, size_t *size) override;

    // Sends COM_QUIT and frees the connection.
    void Close();
    // Interrupts a blocked NextRaw() from another thread or a signal handler (shutdown of the
    // socket); NextRaw() then returns false.
    void Cancel();
    bool Cancelled() const { return cancelled_.load(); }

    std::string Endpoint() const; // "host:port" for messages

private:
    void Exec(const std::string &sql);
    void Command(int command, const std::vector<uint8_t> &payload, bool read_ok, const char *what);
    void Register();
    [[noreturn]] void ThrowMysql(const char *doing, bool connecting);

    st_mysql *mysql_ = nullptr;
    ClientOptions opt_;
    ServerFlavor flavor_ = ServerFlavor::kMySql;
    std::string server_version_;
    ChecksumAlg checksum_ = ChecksumAlg::kOff;
    bool dumping_ = false;
    int socket_ = -1;
    std::atomic<bool> cancelled_{false};
};

// Maps a server / client error number and message to a BinlogErrc (exposed for tests).
BinlogErrc ClassifyMysqlError(unsigned error_number, const std::string &message, bool connecting);

} // namespace chameleon::mysql::binlog
