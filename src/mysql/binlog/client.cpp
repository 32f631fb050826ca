#include "mysql/binlog/client.hpp"

#include "mysql/binlog/byte_reader.hpp"

#include <mysql.h>
#include <errmsg.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <sys/socket.h>

namespace chameleon::mysql::binlog {

namespace {

// Server command codes (enum_server_command).
constexpr int kComBinlogDump = 0x12;
constexpr int kComRegisterSlave = 0x15;
constexpr int kComBinlogDumpGtid = 0x1e;

constexpr uint16_t kDumpNonBlock = 0x01;
constexpr uint16_t kDumpSendAnnotateRows = 0x02; // MariaDB
constexpr uint16_t kDumpThroughGtid = 0x04;      // MySQL COM_BINLOG_DUMP_GTID

bool Contains(const std::string &s, const char *needle) {
    return s.find(needle) != std::string::npos;
}

void PutU16(std::vector<uint8_t> &b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
void PutU32(std::vector<uint8_t> &b, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutU64(std::vector<uint8_t> &b, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutShortString(std::vector<uint8_t> &b, const std::string &s) {
    size_t n = s.size() > 255 ? 255 : s.size();
    b.push_back(static_cast<uint8_t>(n));
    b.insert(b.end(), s.begin(), s.begin() + static_cast<ptrdiff_t>(n));
}

std::string SqlQuote(const std::string &s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

} // namespace

BinlogErrc ClassifyMysqlError(unsigned n, const std::string &msg, bool connecting) {
    switch (n) {
        case 1044: // ER_DBACCESS_DENIED_ERROR
        case 1045: // ER_ACCESS_DENIED_ERROR
        case 1142: // ER_TABLEACCESS_DENIED_ERROR
        case 1227: // ER_SPECIFIC_ACCESS_DENIED_ERROR
        case 1370: // ER_PROCACCESS_DENIED_ERROR
        case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
            return BinlogErrc::kAccessDenied;
        case 4052: // MariaDB ER_SLAVE_SAME_ID
            return BinlogErrc::kDuplicateServerId;
        case 1236: // ER_MASTER_FATAL_ERROR_READING_BINLOG
            if (Contains(msg, "same server_uuid") || Contains(msg, "same server_id") ||
                Contains(msg, "same server id"))
                return BinlogErrc::kDuplicateServerId;
            if (Contains(msg, "GTID") || Contains(msg, "gtid")) {
                if (Contains(msg, "purged"))
                    return BinlogErrc::kBinlogNotFound;
                return BinlogErrc::kGtidNotFound;
            }
            if (Contains(msg, "Could not find first log file") || Contains(msg, "could not find next log") ||
                Contains(msg, "purged") || Contains(msg, "Could not open log file") ||
                Contains(msg, "position > file size") || Contains(msg, "log event entry exceeded"))
                return BinlogErrc::kBinlogNotFound;
            return BinlogErrc::kServerError;
        case CR_SERVER_LOST:
        case CR_SERVER_GONE_ERROR:
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
        case CR_UNKNOWN_HOST:
            return connecting ? BinlogErrc::kConnect : BinlogErrc::kConnectionLost;
        default:
            if (n >= 2000 && n < 3000)
                return connecting ? BinlogErrc::kConnect : BinlogErrc::kConnectionLost;
            return connecting ? BinlogErrc::kConnect : BinlogErrc::kServerError;
    }
}

BinlogClient::BinlogClient() = default;

BinlogClient::~BinlogClient() {
    Close();
}

std::string BinlogClient::Endpoint() const {
    if (!opt_.unix_socket.empty())
        return opt_.unix_socket;
    return opt_.host + ":" + std::to_string(opt_.port);
}

void BinlogClient::ThrowMysql(const char *doing, bool connecting) {
    unsigned n = mysql_ ? mysql_errno(mysql_) : 0;
    std::string msg = mysql_ ? mysql_error(mysql_) : "out of memory";
    BinlogErrc code = ClassifyMysqlError(n, msg, connecting);
    std::string hint;
    switch (code) {
        case BinlogErrc::kAccessDenied:
            hint = "the replication user needs REPLICATION SLAVE and REPLICATION CLIENT (MariaDB: also "
                   "BINLOG MONITOR)";
            break;
        case BinlogErrc::kDuplicateServerId:
            hint = "give every replica (and every chameleon source) its own server id";
            break;
        case BinlogErrc::kBinlogNotFound:
            hint = "the binlog was purged or never existed on the source: resynchronise with init_replica";
            break;
        case BinlogErrc::kGtidNotFound:
            hint = "the GTID position is not in the source's binlogs: resynchronise with init_replica";
            break;
        default:
            break;
    }
    throw BinlogError(
        code, std::string(doing) + " " + Endpoint() + ": " + msg + " (error " + std::to_string(n) + ")", "",
        hint, n);
}

void BinlogClient::Connect(const ClientOptions &options) {
    Close();
    opt_ = options;
    cancelled_ = false;
    if (opt_.server_id == 0)
        throw BinlogError(BinlogErrc::kInvalidArgument, "a binlog client needs a non-zero replica server id");
    mysql_ = mysql_init(nullptr);
    if (!mysql_)
        throw BinlogError(BinlogErrc::kConnect, "mysql_init failed (out of memory)");
    unsigned ct = opt_.connect_timeout_s;
    unsigned rt = opt_.read_timeout_s;
    if (rt == 0) {
        double r = std::ceil(3 * opt_.heartbeat_period_s);
        rt = r < 3 ? 3 : static_cast<unsigned>(r);
        if (opt_.heartbeat_period_s <= 0)
            rt = 60;
    }
    opt_.read_timeout_s = rt;
    unsigned wt = rt;
    my_bool off = 0;
    mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &rt);
    mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &wt);
    mysql_optionsv(mysql_, MYSQL_OPT_RECONNECT, &off);
    mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    unsigned long max_packet = 1ul << 30;
    mysql_optionsv(mysql_, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
    if (opt_.ssl_mode != "disabled" && !opt_.ssl_mode.empty()) {
        my_bool on = 1;
        mysql_ssl_set(mysql_, opt_.ssl_key.empty() ? nullptr : opt_.ssl_key.c_str(),
                      opt_.ssl_cert.empty() ? nullptr : opt_.ssl_cert.c_str(),
                      opt_.ssl_ca.empty() ? nullptr : opt_.ssl_ca.c_str(), nullptr, nullptr);
        mysql_optionsv(mysql_, MYSQL_OPT_SSL_ENFORCE, &on);
        my_bool verify = (opt_.ssl_mode == "verify_ca" || opt_.ssl_mode == "verify_identity") ? 1 : 0;
        mysql_optionsv(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
    const char *sock = opt_.unix_socket.empty() ? nullptr : opt_.unix_socket.c_str();
    if (!mysql_real_connect(mysql_, opt_.host.c_str(), opt_.user.c_str(), opt_.password.c_str(), nullptr,
                            opt_.port, sock, 0)) {
        try {
            ThrowMysql("cannot connect to", true);
        } catch (...) {
            mysql_close(mysql_);
            mysql_ = nullptr;
            throw;
        }
    }
    socket_ = static_cast<int>(mysql_get_socket(mysql_));
    server_version_ = mysql_get_server_info(mysql_);
    flavor_ = Contains(server_version_, "MariaDB") ? ServerFlavor::kMariaDb : ServerFlavor::kMySql;

    // Announce that we understand the server's checksums (the dump is refused otherwise) and
    // remember which algorithm it is: it decides whether the artificial ROTATE carries a CRC.
    std::string alg = QueryValue("SELECT @@global.binlog_checksum");
    checksum_ = (alg == "CRC32") ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
    std::string quoted = SqlQuote(checksum_ == ChecksumAlg::kCrc32 ? "CRC32" : "NONE");
    Exec("SET @master_binlog_checksum = " + quoted + ", @source_binlog_checksum = " + quoted);
    if (opt_.heartbeat_period_s > 0) {
        uint64_t ns = static_cast<uint64_t>(opt_.heartbeat_period_s * 1e9);
        Exec("SET @master_heartbeat_period = " + std::to_string(ns) +
             ", @source_heartbeat_period = " + std::to_string(ns));
    }
    if (flavor_ == ServerFlavor::kMariaDb) {
        Exec("SET @mariadb_slave_capability = 4"); // MARIA_SLAVE_CAPABILITY_GTID: real GTID/ANNOTATE events
    } else if (!opt_.replica_uuid.empty()) {
        Exec("SET @slave_uuid = " + SqlQuote(opt_.replica_uuid) +
             ", @replica_uuid = " + SqlQuote(opt_.replica_uuid));
    }
}

void BinlogClient::Exec(const std::string &sql) {
    QueryValue(sql);
}

std::string BinlogClient::QueryValue(const std::string &sql) {
    if (!mysql_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "binlog client is not connected");
    if (dumping_)
        throw BinlogError(BinlogErrc::kInvalidArgument,
                          "cannot run a statement on a connection that is dumping");
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0)
        ThrowMysql(("cannot run \"" + sql + "\" on").c_str(), false);
    std::string value;
    MYSQL_RES *res = mysql_store_result(mysql_);
    if (res) {
        MYSQL_ROW row = mysql_fetch_row(res);
        if (row && mysql_num_fields(res) > 0 && row[0]) {
            unsigned long *lens = mysql_fetch_lengths(res);
            value.assign(row[0], lens ? lens[0] : std::strlen(row[0]));
        }
        mysql_free_result(res);
    } else if (mysql_field_count(mysql_) != 0) {
        ThrowMysql(("cannot read the result of \"" + sql + "\" from").c_str(), false);
    }
    return value;
}

void BinlogClient::Command(int command, const std::vector<uint8_t> &payload, bool read_ok, const char *what) {
    int rc = mysql_->methods->db_command(mysql_, static_cast<enum enum_server_command>(command),
                                         reinterpret_cast<const char *>(payload.data()), payload.size(),
                                         read_ok ? 0 : 1, nullptr);
    if (rc != 0)
        ThrowMysql(what, false);
}

void BinlogClient::Register() {
    if (!opt_.register_replica)
        return;
    std::vector<uint8_t> b;
    PutU32(b, opt_.server_id);
    PutShortString(b, opt_.report_host);
    PutShortString(b, "");
    PutShortString(b, "");
    PutU16(b, static_cast<uint16_t>(opt_.report_port));
    PutU32(b, 0); // replication rank
    PutU32(b, 0); // master id
    Command(kComRegisterSlave, b, true, "cannot register as a replica (COM_REGISTER_SLAVE) on");
}

void BinlogClient::StartFromPosition(const std::string &file, uint64_t pos) {
    if (!mysql_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "binlog client is not connected");
    if (pos > UINT32_MAX)
        throw BinlogError(BinlogErrc::kInvalidArgument, "binlog position " + std::to_string(pos) +
                                                            " does not fit COM_BINLOG_DUMP (32 bits); start "
                                                            "from a GTID instead");
    Register();
    std::vector<uint8_t> b;
    PutU32(b, static_cast<uint32_t>(pos));
    uint16_t flags = opt_.non_blocking ? kDumpNonBlock : 0;
    if (flavor_ == ServerFlavor::kMariaDb && opt_.send_annotate_rows)
        flags |= kDumpSendAnnotateRows;
    PutU16(b, flags);
    PutU32(b, opt_.server_id);
    b.insert(b.end(), file.begin(), file.end());
    Command(kComBinlogDump, b, false, "cannot start the binlog dump on");
    dumping_ = true;
}

void BinlogClient::StartFromMariaGtid(const MariaGtidPosition &position) {
    if (!mysql_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "binlog client is not connected");
    if (flavor_ != ServerFlavor::kMariaDb)
        throw BinlogError(BinlogErrc::kInvalidArgument,
                          "a MariaDB GTID start needs a MariaDB server, not " + server_version_);
    Exec("SET @slave_connect_state = " + SqlQuote(position.ToString()));
    Exec("SET @slave_gtid_strict_mode = 1");
    Exec("SET @slave_gtid_ignore_duplicates = 0");
    StartFromPosition("", 4);
}

void BinlogClient::StartFromMySqlGtid(const GtidSet &executed) {
    if (!mysql_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "binlog client is not connected");
    if (flavor_ != ServerFlavor::kMySql)
        throw BinlogError(BinlogErrc::kInvalidArgument,
                          "a MySQL GTID set start needs a MySQL server, not " + server_version_);
    Register();
    std::vector<uint8_t> data = executed.Encode();
    std::vector<uint8_t> b;
    PutU16(b, static_cast<uint16_t>(kDumpThroughGtid | (opt_.non_blocking ? kDumpNonBlock : 0)));
    PutU32(b, opt_.server_id);
    PutU32(b, 0); // binlog name length: none, the GTID set decides
    PutU64(b, 4);
    PutU32(b, static_cast<uint32_t>(data.size()));
    b.insert(b.end(), data.begin(), data.end());
    Command(kComBinlogDumpGtid, b, false, "cannot start the GTID binlog dump on");
    dumping_ = true;
}

bool BinlogClient::NextRaw(const uint8_t **data, size_t *size) {
    if (!mysql_ || cancelled_)
        return false;
    if (!dumping_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "the binlog dump has not been started");
    auto t0 = std::chrono::steady_clock::now();
    unsigned long len = mysql_net_read_packet(mysql_);
    if (len == packet_error) {
        if (cancelled_)
            return false;
        unsigned n = mysql_errno(mysql_);
        double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if ((n == CR_SERVER_LOST || n == CR_SERVER_GONE_ERROR) && waited >= opt_.read_timeout_s * 0.9)
            throw BinlogError(BinlogErrc::kReadTimeout,
                              "no data from " + Endpoint() + " for " + std::to_string(opt_.read_timeout_s) +
                                  " s (heartbeat period " + std::to_string(opt_.heartbeat_period_s) +
                                  " s): the connection is considered dead",
                              mysql_error(mysql_), "", n);
        ThrowMysql("binlog dump from", false);
    }
    const uint8_t *p = mysql_->net.read_pos;
    if (len == 0)
        throw BinlogError(BinlogErrc::kCorruptEvent, "empty packet in the binlog dump from " + Endpoint());
    if (p[0] == 0xfe && len < 9) {
        dumping_ = false;
        return false; // EOF: end of a non-blocking dump
    }
    if (p[0] != 0x00)
        throw BinlogError(BinlogErrc::kCorruptEvent, "unexpected packet type " + std::to_string(p[0]) +
                                                         " in the binlog dump from " + Endpoint());
    *data = p + 1;
    *size = len - 1;
    return true;
}

void BinlogClient::Close() {
    if (mysql_) {
        mysql_close(mysql_);
        mysql_ = nullptr;
    }
    dumping_ = false;
    socket_ = -1;
}

void BinlogClient::Cancel() {
    cancelled_ = true;
    if (socket_ >= 0)
        ::shutdown(socket_, SHUT_RDWR);
}

} // namespace chameleon::mysql::binlog
