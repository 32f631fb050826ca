#include "mysql/binlog/crc32.hpp"

#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

struct Crc32Tables {
    uint32_t t[8][256];
    constexpr Crc32Tables() : t{} {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i)
            for (int s = 1; s < 8; ++s)
                t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
};

constexpr Crc32Tables kTables;

} // namespace

uint32_t Crc32(uint32_t crc, const uint8_t *data, size_t size) {
    const auto &t = kTables.t;
    uint32_t c = ~crc;
    while (size > 0 && (reinterpret_cast<uintptr_t>(data) & 7) != 0) {
        c = (c >> 8) ^ t[0][(c ^ *data++) & 0xff];
        --size;
    }
    while (size >= 8) {
        uint32_t lo, hi;
        std::memcpy(&lo, data, 4);
        std::memcpy(&hi, data + 4, 4);
        lo ^= c;
        c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
            t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
        data += 8;
        size -= 8;
    }
    while (size-- > 0)
        c = (c >> 8) ^ t[0][(c ^ *data++) & 0xff];
    return ~c;
}

} // namespace chameleon::mysql::binlog
