// Binlog events: the common header, framing and checksum verification (EventFramer), and one
// parser per event type. Parsed structures hold views into the event buffer (valid as long as
// that buffer) unless a member is a std::string.
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/event_types.hpp"
#include "mysql/binlog/gtid.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chameleon::mysql::binlog {

inline constexpr size_t kEventHeaderSize = 19;
inline constexpr size_t kChecksumSize = 4;
// The 4-byte magic at the start of every binlog file: 0xFE 'b' 'i' 'n'.
inline constexpr uint8_t kBinlogMagic[4] = {0xfe, 0x62, 0x69, 0x6e};

enum class ChecksumAlg : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };

struct EventHeader {
    uint32_t timestamp = 0;
    uint8_t type = 0;
    uint32_t server_id = 0;
    uint32_t event_length = 0; // header + body + checksum
    uint32_t log_pos = 0;      // end offset of the event in its binlog file; 0 for artificial events
    uint16_t flags = 0;
};

// One framed event: header fields, and the body (post-header + payload) without the checksum.
struct Event {
    EventHeader header;
    const uint8_t *data = nullptr; // the event, starting at its common header
    size_t size = 0;               // == header.event_length
    const uint8_t *body = nullptr; // after the common header
    size_t body_size = 0;          // without the trailing checksum
    bool has_checksum = false;
    bool in_payload = false; // unpacked from a MySQL TRANSACTION_PAYLOAD_EVENT

    uint8_t Type() const { return header.type; }
    bool Artificial() const { return (header.flags & event_flag::kArtificial) != 0; }
    // Start offset in the binlog file, when known (log_pos != 0).
    uint64_t StartPos() const { return header.log_pos >= size ? header.log_pos - size : 0; }
};

struct FormatDescription {
    uint16_t binlog_version = 4;
    std::string server_version;
    uint32_t create_timestamp = 0;
    uint8_t common_header_len = kEventHeaderSize;
    std::vector<uint8_t> post_header_len; // index = type - 1
    ChecksumAlg checksum = ChecksumAlg::kOff;
    bool mariadb = false;
    int version_major = 0, version_minor = 0, version_patch = 0;

    // Post-header length of a type, from the FDE when it has one, else the v4 default.
    uint8_t PostHeaderLen(uint8_t type) const;
    // The FDE a v4 binlog implies before the real one has been read.
    static FormatDescription Default();
};

// Parses the body of a FORMAT_DESCRIPTION_EVENT (checksum bytes still attached; this function
// finds the algorithm byte itself). Throws kCorruptEvent / kUnsupported.
FormatDescription ParseFormatDescription(const uint8_t *body, size_t body_size_with_checksum);

// Frames raw events: validates the header, detects and verifies the CRC32, keeps the current
// format description. One instance per stream.
class EventFramer {
public:
    EventFramer();

    // The checksum algorithm announced to the server (@master_binlog_checksum). It decides whether
    // events that arrive before the first FORMAT_DESCRIPTION carry a CRC.
    void SetAnnouncedChecksum(ChecksumAlg alg) { announced_ = alg; }
    void SetVerifyChecksum(bool verify) { verify_ = verify; }

    // Frames one event of exactly `size` bytes. A FORMAT_DESCRIPTION_EVENT updates Fde().
    // Throws kCorruptEvent (bad length) or kChecksumMismatch.
    void Frame(const uint8_t *data, size_t size, Event *out);
    // Frames an event unpacked from a transaction payload (no checksum).
    void FrameInner(const uint8_t *data, size_t size, Event *out) const;

    const FormatDescription &Fde() const { return fde_; }
    bool HaveFde() const { return have_fde_; }
    // Current checksum algorithm (from the last FDE, or the announced one before it).
    ChecksumAlg CurrentChecksum() const { return have_fde_ ? fde_.checksum : announced_; }

private:
    FormatDescription fde_;
    bool have_fde_ = false;
    ChecksumAlg announced_ = ChecksumAlg::kUndefined;
    bool verify_ = true;
};

void ParseEventHeader(const uint8_t *data, EventHeader *out); // needs kEventHeaderSize bytes

// ---------------- per-type payloads ----------------

struct RotateEvent {
    uint64_t position = 0;
    std::string next_file;
};

struct QueryEvent {
    uint32_t thread_id = 0;
    uint32_t exec_time = 0;
    uint16_t error_code = 0;
    std::string_view db;    // default database (may be empty)
    std::string_view query; // statement text (decompressed for QUERY_COMPRESSED_EVENT)
    // Status variables (each valid when its has_ flag is set).
    bool has_flags2 = false;
    uint32_t flags2 = 0;
    bool has_sql_mode = false;
    uint64_t sql_mode = 0;
    std::string_view catalog;
    bool has_charset = false;
    uint16_t charset_client = 0, collation_connection = 0, collation_server = 0;
    std::string_view time_zone;
    bool has_lc_time_names = false;
    uint16_t lc_time_names = 0;
    bool has_charset_database = false;
    uint16_t charset_database = 0;
    bool has_ddl_xid = false;
    uint64_t ddl_xid = 0;
    bool has_default_collation_utf8mb4 = false;
    uint16_t default_collation_utf8mb4 = 0;
    bool has_mariadb_xid = false;
    uint64_t mariadb_xid = 0;
    std::vector<std::string_view> updated_db_names;
    // Parsing of the status block stopped at a code this parser does not know (the values above
    // it are kept; the default database and the query are still exact, they come after the block).
    bool status_vars_incomplete = false;
};

struct XidEvent {
    uint64_t xid = 0;
};

namespace maria_gtid_flag {
inline constexpr uint8_t kStandalone = 1;
inline constexpr uint8_t kGroupCommitId = 2;
inline constexpr uint8_t kTransactional = 4;
inline constexpr uint8_t kAllowParallel = 8;
inline constexpr uint8_t kWaited = 16;
inline constexpr uint8_t kDdl = 32;
inline constexpr uint8_t kPreparedXa = 64;
inline constexpr uint8_t kCompletedXa = 128;
} // namespace maria_gtid_flag

struct MariaGtidEvent {
    MariaGtid gtid; // server_id from the event header
    uint8_t flags = 0;
    bool has_commit_id = false;
    uint64_t commit_id = 0;
    // XA (flags kPreparedXa / kCompletedXa)
    uint32_t xa_format_id = 0;
    std::string xa_gtrid, xa_bqual;
    uint8_t flags_extra = 0;
    bool Standalone() const { return (flags & maria_gtid_flag::kStandalone) != 0; }
};

struct GtidListEvent {
    uint32_t flags = 0; // top 4 bits of the count word
    std::vector<MariaGtid> gtids;
};

struct BinlogCheckpointEvent {
    std::string file;
};

struct MySqlGtidEvent {
    bool anonymous = false;
    uint8_t flags = 0; // 1 = may have statement-based events
    Uuid sid;
    uint64_t gno = 0;
    bool has_logical_clock = false;
    uint64_t last_committed = 0, sequence_number = 0;
    bool has_commit_ts = false;
    uint64_t immediate_commit_ts = 0, original_commit_ts = 0; // microseconds since epoch
    bool has_transaction_length = false;
    uint64_t transaction_length = 0;
    bool has_server_version = false;
    uint32_t immediate_server_version = 0, original_server_version = 0;
};

struct HeartbeatEvent {
    std::string file;
    uint64_t position = 0; // v1: header log_pos; v2: the position field
};

struct TransactionPayloadEvent {
    static constexpr uint64_t kZstd = 0;
    static constexpr uint64_t kNone = 255;
    uint64_t compression = kNone;
    uint64_t payload_size = 0;
    uint64_t uncompressed_size = 0; // 0 if not given
    const uint8_t *payload = nullptr;
    size_t payload_len = 0;
};

struct XaPrepareEvent {
    bool one_phase = false;
    uint32_t format_id = 0;
    std::string gtrid, bqual;
};

struct IncidentEvent {
    uint16_t incident = 0;
    std::string message;
};

void ParseRotate(const Event &ev, const FormatDescription &fde, RotateEvent *out);
// scratch receives the decompressed text of a QUERY_COMPRESSED_EVENT (out->query then points into it).
void ParseQuery(const Event &ev, const FormatDescription &fde, QueryEvent *out,
                std::vector<uint8_t> *scratch);
void ParseXid(const Event &ev, const FormatDescription &fde, XidEvent *out);
void ParseMariaGtid(const Event &ev, const FormatDescription &fde, MariaGtidEvent *out);
void ParseGtidList(const Event &ev, const FormatDescription &fde, GtidListEvent *out);
void ParseBinlogCheckpoint(const Event &ev, const FormatDescription &fde, BinlogCheckpointEvent *out);
std::string_view ParseAnnotateRows(const Event &ev, const FormatDescription &fde);
std::string_view ParseRowsQuery(const Event &ev, const FormatDescription &fde);
void ParseMySqlGtid(const Event &ev, const FormatDescription &fde, MySqlGtidEvent *out);
void ParsePreviousGtids(const Event &ev, const FormatDescription &fde, GtidSet *out);
void ParseHeartbeat(const Event &ev, const FormatDescription &fde, HeartbeatEvent *out);
void ParseTransactionPayload(const Event &ev, const FormatDescription &fde, TransactionPayloadEvent *out);
void ParseXaPrepare(const Event &ev, const FormatDescription &fde, XaPrepareEvent *out);
void ParseIncident(const Event &ev, const FormatDescription &fde, IncidentEvent *out);

// MariaDB compressed payload ("hdr u8 = 0x80 | alg << 4 | nbytes", uncompressed length, zlib data):
// decompresses into *out. `max_size` bounds the announced length.
void MariaUncompress(const uint8_t *data, size_t size, size_t max_size, std::vector<uint8_t> *out);

// What a QUERY_EVENT's text is, for transaction tracking and for rejecting statement-based DML.
enum class QueryKind : uint8_t {
    kBegin,     // BEGIN / START TRANSACTION / XA START
    kCommit,    // COMMIT / XA COMMIT ... / XA END / XA PREPARE
    kRollback,  // ROLLBACK (not TO SAVEPOINT)
    kSavepoint, // SAVEPOINT / ROLLBACK TO / RELEASE SAVEPOINT
    kDml,       // INSERT / UPDATE / DELETE / REPLACE / LOAD DATA / CALL / DO / SELECT / WITH / VALUES
    kDdl,       // anything else (CREATE, ALTER, DROP, RENAME, TRUNCATE, GRANT, SET, ...)
    kDummy,     // MariaDB "# Dummy event ..." / comment-only placeholders
};
QueryKind ClassifyQuery(std::string_view query);

} // namespace chameleon::mysql::binlog
