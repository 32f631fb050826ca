// A bounds-checked little-endian cursor over a byte range. Every read checks the remaining
// length first and throws BinlogError(kCorruptEvent) instead of reading past the end, so the
// event parser and the row decoder are safe on arbitrary input.
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/errors.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace chameleon::mysql::binlog {

inline uint16_t LoadLe16(const uint8_t *p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t LoadLe24(const uint8_t *p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16);
}
inline uint32_t LoadLe32(const uint8_t *p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v; // x86-64 / aarch64 little-endian hosts only (checked in byte_reader.cpp)
}
inline uint64_t LoadLe64(const uint8_t *p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
// Little-endian unsigned integer of n bytes (0..8).
inline uint64_t LoadLeN(const uint8_t *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}
// Big-endian unsigned integer of n bytes (0..8).
inline uint64_t LoadBeN(const uint8_t *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}
inline void StoreLe16(uint8_t *p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
inline void StoreLe32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void StoreLe64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}

class ByteReader {
public:
    ByteReader() = default;
    ByteReader(const uint8_t *data, size_t size, const char *what = "event")
        : pos_(data), end_(data + size), what_(what) {}

    size_t Remaining() const { return static_cast<size_t>(end_ - pos_); }
    bool AtEnd() const { return pos_ == end_; }
    const uint8_t *Pos() const { return pos_; }
    const uint8_t *End() const { return end_; }

    void Need(size_t n) const {
        if (n > Remaining())
            Overrun(n);
    }
    uint8_t U8() {
        Need(1);
        return *pos_++;
    }
    uint16_t U16() {
        Need(2);
        uint16_t v = LoadLe16(pos_);
        pos_ += 2;
        return v;
    }
    uint32_t U24() {
        Need(3);
        uint32_t v = LoadLe24(pos_);
        pos_ += 3;
        return v;
    }
    uint32_t U32() {
        Need(4);
        uint32_t v = LoadLe32(pos_);
        pos_ += 4;
        return v;
    }
    uint64_t U48() { return UintN(6); }
    uint64_t U64() {
        Need(8);
        uint64_t v = LoadLe64(pos_);
        pos_ += 8;
        return v;
    }
    uint64_t UintN(size_t n) {
        Need(n);
        uint64_t v = LoadLeN(pos_, n);
        pos_ += n;
        return v;
    }
    uint64_t UintBeN(size_t n) {
        Need(n);
        uint64_t v = LoadBeN(pos_, n);
        pos_ += n;
        return v;
    }
    // MySQL "length-encoded integer" (net_field_length). 0xFB (NULL) is rejected.
    uint64_t PackedInt() {
        uint8_t b = U8();
        if (b < 0xfb)
            return b;
        if (b == 0xfc)
            return UintN(2);
        if (b == 0xfd)
            return UintN(3);
        if (b == 0xfe)
            return UintN(8);
        ThrowCorrupt(std::string("invalid length-encoded integer in ") + what_);
    }
    const uint8_t *Bytes(size_t n) {
        Need(n);
        const uint8_t *p = pos_;
        pos_ += n;
        return p;
    }
    std::string_view View(size_t n) { return std::string_view(reinterpret_cast<const char *>(Bytes(n)), n); }
    std::string String(size_t n) { return std::string(View(n)); }
    std::string_view Rest() { return View(Remaining()); }
    void Skip(size_t n) { Bytes(n); }
    // Shrinks the readable range to the next n bytes.
    void Truncate(size_t n) {
        Need(n);
        end_ = pos_ + n;
    }

    [[noreturn]] void Overrun(size_t need) const;

private:
    const uint8_t *pos_ = nullptr;
    const uint8_t *end_ = nullptr;
    const char *what_ = "event";
};

} // namespace chameleon::mysql::binlog
