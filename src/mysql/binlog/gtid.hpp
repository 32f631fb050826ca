// GTIDs: MariaDB's domain-server-sequence triples and GTID positions (one GTID per domain), and
// MySQL's UUID:interval GTID sets with the binary encoding of COM_BINLOG_DUMP_GTID and
// PREVIOUS_GTIDS_LOG_EVENT.
#pragma once

#include "common/cpp_only.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chameleon::mysql::binlog {

class ByteReader;

// ---- MariaDB ----

struct MariaGtid {
    uint32_t domain_id = 0;
    uint32_t server_id = 0;
    uint64_t seq_no = 0;

    std::string ToString() const; // "0-1-100"
    bool operator==(const MariaGtid &o) const {
        return domain_id == o.domain_id && server_id == o.server_id && seq_no == o.seq_no;
    }
};

// A MariaDB GTID position (gtid_slave_pos style): the last GTID per replication domain.
class MariaGtidPosition {
public:
    // Parses "0-1-100,1-2-5" (spaces allowed around commas; empty text = empty position).
    // Throws BinlogError(kInvalidArgument) on bad syntax or a repeated domain.
    static MariaGtidPosition Parse(std::string_view text);

    void Update(const MariaGtid &gtid); // replaces the entry of gtid.domain_id
    const std::vector<MariaGtid> &Gtids() const { return gtids_; }
    bool Empty() const { return gtids_.empty(); }
    std::string ToString() const; // sorted by domain: "0-1-100,1-2-5"
    bool operator==(const MariaGtidPosition &o) const { return gtids_ == o.gtids_; }

private:
    std::vector<MariaGtid> gtids_; // sorted by domain_id
};

// ---- MySQL ----

struct Uuid {
    std::array<uint8_t, 16> bytes{};

    // "3e11fa47-71ca-11e1-9e33-c80aa9429562" (hyphens optional); throws kInvalidArgument.
    static Uuid Parse(std::string_view text);
    std::string ToString() const;
    bool operator<(const Uuid &o) const { return bytes < o.bytes; }
    bool operator==(const Uuid &o) const { return bytes == o.bytes; }
};

// A MySQL GTID set: per server UUID, sorted disjoint intervals [start, end) of transaction numbers.
class GtidSet {
public:
    struct Interval {
        uint64_t start; // first gno (>= 1)
        uint64_t end;   // one past the last gno
        bool operator==(const Interval &o) const { return start == o.start && end == o.end; }
    };

    // Parses "uuid:1-5:7,uuid2:1-3" (whitespace and newlines allowed around commas; empty text = empty
    // set). Tagged GTIDs (MySQL 8.4 "uuid:tag:1-5") are rejected with kUnsupported.
    static GtidSet Parse(std::string_view text);
    // Reads the binary encoding (n_sids u64, then uuid[16], n_intervals u64, (start u64, end u64)*).
    static GtidSet Decode(ByteReader &reader);

    void Add(const Uuid &sid, uint64_t gno);
    void AddInterval(const Uuid &sid, uint64_t start, uint64_t end);
    bool Contains(const Uuid &sid, uint64_t gno) const;
    bool Empty() const { return sets_.empty(); }
    std::string ToString() const; // canonical MySQL text, UUIDs in byte order
    std::vector<uint8_t> Encode() const;
    const std::map<Uuid, std::vector<Interval>> &Sets() const { return sets_; }
    bool operator==(const GtidSet &o) const { return sets_ == o.sets_; }

private:
    std::map<Uuid, std::vector<Interval>> sets_;
};

} // namespace chameleon::mysql::binlog
