#include "mysql/binlog/gtid.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/errors.hpp"

#include <algorithm>
#include <cctype>

namespace chameleon::mysql::binlog {

namespace {

[[noreturn]] void BadArg(const std::string &what, std::string_view text) {
    throw BinlogError(BinlogErrc::kInvalidArgument, what + ": \"" + std::string(text) + "\"");
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t p = s.find(sep, start);
        if (p == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, p - start));
        start = p + 1;
    }
}

bool ParseU64(std::string_view s, uint64_t *out) {
    if (s.empty() || s.size() > 20)
        return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::string MariaGtid::ToString() const {
    return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

MariaGtidPosition MariaGtidPosition::Parse(std::string_view text) {
    MariaGtidPosition pos;
    std::string_view all = Trim(text);
    if (all.empty())
        return pos;
    for (std::string_view item : Split(all, ',')) {
        item = Trim(item);
        std::vector<std::string_view> f = Split(item, '-');
        uint64_t d, s, n;
        if (f.size() != 3 || !ParseU64(f[0], &d) || !ParseU64(f[1], &s) || !ParseU64(f[2], &n) ||
            d > UINT32_MAX || s > UINT32_MAX)
            BadArg("invalid MariaDB GTID position", text);
        for (const MariaGtid &g : pos.gtids_)
            if (g.domain_id == d)
                BadArg("MariaDB GTID position names domain " + std::to_string(d) + " twice", text);
        pos.Update(MariaGtid{static_cast<uint32_t>(d), static_cast<uint32_t>(s), n});
    }
    return pos;
}

void MariaGtidPosition::Update(const MariaGtid &gtid) {
    auto it = std::lower_bound(gtids_.begin(), gtids_.end(), gtid.domain_id,
                               [](const MariaGtid &g, uint32_t d) { return g.domain_id < d; });
    if (it != gtids_.end() && it->domain_id == gtid.domain_id)
        *it = gtid;
    else
        gtids_.insert(it, gtid);
}

std::string MariaGtidPosition::ToString() const {
    std::string out;
    for (const MariaGtid &g : gtids_) {
        if (!out.empty())
            out += ',';
        out += g.ToString();
    }
    return out;
}

Uuid Uuid::Parse(std::string_view text) {
    Uuid u;
    std::string_view t = Trim(text);
    size_t n = 0;
    int hi = -1;
    for (char c : t) {
        if (c == '-')
            continue;
        int v = HexValue(c);
        if (v < 0 || n >= 16)
            BadArg("invalid UUID", text);
        if (hi < 0) {
            hi = v;
        } else {
            u.bytes[n++] = static_cast<uint8_t>((hi << 4) | v);
            hi = -1;
        }
    }
    if (n != 16 || hi >= 0)
        BadArg("invalid UUID", text);
    return u;
}

std::string Uuid::ToString() const {
    static const char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        s += hex[bytes[i] >> 4];
        s += hex[bytes[i] & 15];
    }
    return s;
}

GtidSet GtidSet::Parse(std::string_view text) {
    GtidSet set;
    std::string_view all = Trim(text);
    if (all.empty())
        return set;
    for (std::string_view item : Split(all, ',')) {
        item = Trim(item);
        std::vector<std::string_view> f = Split(item, ':');
        if (f.size() < 2)
            BadArg("invalid MySQL GTID set", text);
        Uuid sid = Uuid::Parse(f[0]);
        for (size_t i = 1; i < f.size(); ++i) {
            std::string_view iv = Trim(f[i]);
            if (!iv.empty() && !std::isdigit(static_cast<unsigned char>(iv[0])))
                throw BinlogError(BinlogErrc::kUnsupported,
                                  "tagged MySQL GTIDs are not supported: \"" + std::string(text) + "\"");
            size_t dash = iv.find('-');
            uint64_t a, b;
            if (dash == std::string_view::npos) {
                if (!ParseU64(iv, &a))
                    BadArg("invalid MySQL GTID set", text);
                b = a;
            } else if (!ParseU64(iv.substr(0, dash), &a) || !ParseU64(iv.substr(dash + 1), &b)) {
                BadArg("invalid MySQL GTID set", text);
            }
            if (a == 0 || b < a || b == UINT64_MAX)
                BadArg("invalid MySQL GTID interval", text);
            set.AddInterval(sid, a, b + 1);
        }
    }
    return set;
}

GtidSet GtidSet::Decode(ByteReader &r) {
    GtidSet set;
    uint64_t n_sids = r.U64();
    for (uint64_t i = 0; i < n_sids; ++i) {
        Uuid sid;
        const uint8_t *p = r.Bytes(16);
        std::copy(p, p + 16, sid.bytes.begin());
        uint64_t n_iv = r.U64();
        if (n_iv > r.Remaining() / 16)
            ThrowCorrupt("GTID set interval count exceeds the data");
        for (uint64_t k = 0; k < n_iv; ++k) {
            uint64_t a = r.U64(), b = r.U64();
            if (a == 0 || b <= a)
                ThrowCorrupt("invalid interval in encoded GTID set");
            set.AddInterval(sid, a, b);
        }
    }
    return set;
}

void GtidSet::Add(const Uuid &sid, uint64_t gno) {
    AddInterval(sid, gno, gno + 1);
}

void GtidSet::AddInterval(const Uuid &sid, uint64_t start, uint64_t end) {
    std::vector<Interval> &v = sets_[sid];
    // Fast path: appending right after the last interval (the common case while streaming).
    if (!v.empty() && v.back().end == start) {
        v.back().end = end;
        return;
    }
    auto it = std::lower_bound(v.begin(), v.end(), start,
                               [](const Interval &iv, uint64_t s) { return iv.end < s; });
    // it: first interval whose end >= start (may touch or overlap).
    Interval merged{start, end};
    auto first = it;
    while (it != v.end() && it->start <= end) {
        merged.start = std::min(merged.start, it->start);
        merged.end = std::max(merged.end, it->end);
        ++it;
    }
    it = v.erase(first, it);
    v.insert(it, merged);
}

bool GtidSet::Contains(const Uuid &sid, uint64_t gno) const {
    auto s = sets_.find(sid);
    if (s == sets_.end())
        return false;
    for (const Interval &iv : s->second)
        if (gno >= iv.start && gno < iv.end)
            return true;
    return false;
}

std::string GtidSet::ToString() const {
    std::string out;
    for (const auto &[sid, ivs] : sets_) {
        if (!out.empty())
            out += ',';
        out += sid.ToString();
        for (const Interval &iv : ivs) {
            out += ':';
            out += std::to_string(iv.start);
            if (iv.end - 1 != iv.start) {
                out += '-';
                out += std::to_string(iv.end - 1);
            }
        }
    }
    return out;
}

std::vector<uint8_t> GtidSet::Encode() const {
    std::vector<uint8_t> out(8);
    StoreLe64(out.data(), sets_.size());
    for (const auto &[sid, ivs] : sets_) {
        size_t at = out.size();
        out.resize(at + 16 + 8 + 16 * ivs.size());
        std::copy(sid.bytes.begin(), sid.bytes.end(), out.begin() + static_cast<ptrdiff_t>(at));
        StoreLe64(out.data() + at + 16, ivs.size());
        at += 24;
        for (const Interval &iv : ivs) {
            StoreLe64(out.data() + at, iv.start);
            StoreLe64(out.data() + at + 8, iv.end);
            at += 16;
        }
    }
    return out;
}

} // namespace chameleon::mysql::binlog
