#include "mysql/binlog/inflate.hpp"

#include "mysql/binlog/errors.hpp"

#include <cstring>
#include <string>

namespace chameleon::mysql::binlog {

namespace {

constexpr int kMaxBits = 15;
constexpr int kFastBits = 10;

[[noreturn]] void Bad(const char *what) {
    ThrowCorrupt(std::string("compressed event data: ") + what);
}

class BitReader {
public:
    BitReader(const uint8_t *src, size_t size) : pos_(src), end_(src + size), begin_(src) {}

    void Refill() {
        while (count_ <= 56 && pos_ < end_) {
            bits_ |= static_cast<uint64_t>(*pos_++) << count_;
            count_ += 8;
        }
    }
    // Peeks n (<= 32) bits; missing bits past the end read as zero (Available() tells).
    uint32_t Peek(int n) {
        if (count_ < n)
            Refill();
        return static_cast<uint32_t>(bits_ & ((1ull << n) - 1));
    }
    int Available() {
        if (count_ < 32)
            Refill();
        return count_;
    }
    void Drop(int n) {
        if (n > count_)
            Bad("truncated deflate stream");
        bits_ >>= n;
        count_ -= n;
    }
    uint32_t Bits(int n) {
        if (n == 0)
            return 0;
        if (count_ < n) {
            Refill();
            if (count_ < n)
                Bad("truncated deflate stream");
        }
        uint32_t v = static_cast<uint32_t>(bits_ & ((1ull << n) - 1));
        bits_ >>= n;
        count_ -= n;
        return v;
    }
    // Drops the partial byte and gives the buffered whole bytes back to the input.
    void AlignToByte() {
        int drop = count_ % 8;
        bits_ >>= drop;
        count_ -= drop;
        pos_ -= count_ / 8;
        bits_ = 0;
        count_ = 0;
    }
    // Raw byte access after AlignToByte().
    const uint8_t *TakeBytes(size_t n) {
        if (static_cast<size_t>(end_ - pos_) < n)
            Bad("truncated stored block");
        const uint8_t *p = pos_;
        pos_ += n;
        return p;
    }
    size_t Consumed() const { return static_cast<size_t>(pos_ - begin_) - static_cast<size_t>(count_ / 8); }

private:
    const uint8_t *pos_;
    const uint8_t *end_;
    const uint8_t *begin_;
    uint64_t bits_ = 0;
    int count_ = 0;
};

// A canonical Huffman code: a fast table for codes up to kFastBits long, and the count/symbol
// arrays for the slow bit-by-bit walk of longer codes.
struct Huffman {
    uint16_t count[kMaxBits + 1];
    uint16_t symbol[320];
    // fast[bits] = (length << 9) | symbol, 0 when the code is longer than kFastBits or unused.
    uint16_t fast[1 << kFastBits];

    void Build(const uint8_t *lengths, int n) {
        std::memset(count, 0, sizeof(count));
        std::memset(fast, 0, sizeof(fast));
        for (int i = 0; i < n; ++i)
            count[lengths[i]]++;
        count[0] = 0;
        int left = 1;
        for (int len = 1; len <= kMaxBits; ++len) {
            left <<= 1;
            left -= count[len];
            if (left < 0)
                Bad("over-subscribed Huffman code");
        }
        uint16_t offs[kMaxBits + 2];
        offs[1] = 0;
        for (int len = 1; len <= kMaxBits; ++len)
            offs[len + 1] = static_cast<uint16_t>(offs[len] + count[len]);
        for (int i = 0; i < n; ++i)
            if (lengths[i] != 0)
                symbol[offs[lengths[i]]++] = static_cast<uint16_t>(i);
        // Fast table: canonical codes, bit-reversed because deflate sends them MSB first.
        uint32_t code = 0;
        int index = 0;
        for (int len = 1; len <= kMaxBits; ++len) {
            for (int k = 0; k < count[len]; ++k, ++index, ++code) {
                if (len > kFastBits)
                    continue;
                uint32_t rev = 0;
                for (int b = 0; b < len; ++b)
                    rev |= ((code >> b) & 1u) << (len - 1 - b);
                for (uint32_t fill = rev; fill < (1u << kFastBits); fill += (1u << len))
                    fast[fill] = static_cast<uint16_t>((len << 9) | symbol[index]);
            }
            code <<= 1;
        }
    }

    int Decode(BitReader &br) const {
        uint32_t peek = br.Peek(kFastBits);
        uint16_t e = fast[peek];
        if (e != 0) {
            int len = e >> 9;
            br.Drop(len);
            return e & 0x1ff;
        }
        // Slow path: walk the canonical code one bit at a time.
        int avail = br.Available();
        uint32_t bits = br.Peek(avail < kMaxBits ? avail : kMaxBits);
        int code = 0, first = 0, index = 0;
        for (int len = 1; len <= kMaxBits; ++len) {
            if (len > avail)
                Bad("truncated deflate stream");
            code |= static_cast<int>((bits >> (len - 1)) & 1u);
            int cnt = count[len];
            if (code - cnt < first) {
                br.Drop(len);
                return symbol[index + (code - first)];
            }
            index += cnt;
            first += cnt;
            first <<= 1;
            code <<= 1;
        }
        Bad("invalid Huffman code");
    }
};

constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistBase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr uint8_t kCodeLengthOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

void InflateCodes(BitReader &br, const Huffman &lit, const Huffman &dist, size_t max_size,
                  std::vector<uint8_t> *out) {
    for (;;) {
        int sym = lit.Decode(br);
        if (sym < 256) {
            if (out->size() >= max_size)
                Bad("decompressed data longer than announced");
            out->push_back(static_cast<uint8_t>(sym));
            continue;
        }
        if (sym == 256)
            return;
        sym -= 257;
        if (sym >= 29)
            Bad("invalid length symbol");
        size_t len = kLengthBase[sym] + br.Bits(kLengthExtra[sym]);
        int dsym = dist.Decode(br);
        if (dsym >= 30)
            Bad("invalid distance symbol");
        size_t d = kDistBase[dsym] + br.Bits(kDistExtra[dsym]);
        if (d > out->size())
            Bad("distance too far back");
        if (out->size() + len > max_size)
            Bad("decompressed data longer than announced");
        size_t from = out->size() - d;
        for (size_t i = 0; i < len; ++i)
            out->push_back((*out)[from + i]);
    }
}

} // namespace

size_t InflateRaw(const uint8_t *src, size_t size, size_t max_size, std::vector<uint8_t> *out) {
    BitReader br(src, size);
    Huffman lit, dist;
    bool last = false;
    while (!last) {
        last = br.Bits(1) != 0;
        uint32_t type = br.Bits(2);
        if (type == 0) {
            br.AlignToByte();
            const uint8_t *hdr = br.TakeBytes(4);
            uint16_t len = static_cast<uint16_t>(hdr[0] | (hdr[1] << 8));
            uint16_t nlen = static_cast<uint16_t>(hdr[2] | (hdr[3] << 8));
            if (static_cast<uint16_t>(~nlen) != len)
                Bad("stored block length check failed");
            if (out->size() + len > max_size)
                Bad("decompressed data longer than announced");
            const uint8_t *p = br.TakeBytes(len);
            out->insert(out->end(), p, p + len);
        } else if (type == 1) {
            uint8_t lengths[288 + 30];
            for (int i = 0; i < 144; ++i)
                lengths[i] = 8;
            for (int i = 144; i < 256; ++i)
                lengths[i] = 9;
            for (int i = 256; i < 280; ++i)
                lengths[i] = 7;
            for (int i = 280; i < 288; ++i)
                lengths[i] = 8;
            for (int i = 0; i < 30; ++i)
                lengths[288 + i] = 5;
            lit.Build(lengths, 288);
            dist.Build(lengths + 288, 30);
            InflateCodes(br, lit, dist, max_size, out);
        } else if (type == 2) {
            int nlen = static_cast<int>(br.Bits(5)) + 257;
            int ndist = static_cast<int>(br.Bits(5)) + 1;
            int ncode = static_cast<int>(br.Bits(4)) + 4;
            if (nlen > 286 || ndist > 30)
                Bad("bad dynamic block counts");
            uint8_t lengths[320] = {};
            for (int i = 0; i < ncode; ++i)
                lengths[kCodeLengthOrder[i]] = static_cast<uint8_t>(br.Bits(3));
            Huffman clen;
            clen.Build(lengths, 19);
            int index = 0;
            uint8_t all[320] = {};
            while (index < nlen + ndist) {
                int sym = clen.Decode(br);
                if (sym < 16) {
                    all[index++] = static_cast<uint8_t>(sym);
                    continue;
                }
                uint8_t value = 0;
                int repeat;
                if (sym == 16) {
                    if (index == 0)
                        Bad("repeat with no previous length");
                    value = all[index - 1];
                    repeat = 3 + static_cast<int>(br.Bits(2));
                } else if (sym == 17) {
                    repeat = 3 + static_cast<int>(br.Bits(3));
                } else {
                    repeat = 11 + static_cast<int>(br.Bits(7));
                }
                if (index + repeat > nlen + ndist)
                    Bad("too many code lengths");
                while (repeat-- > 0)
                    all[index++] = value;
            }
            if (all[256] == 0)
                Bad("no end-of-block code");
            lit.Build(all, nlen);
            dist.Build(all + nlen, ndist);
            InflateCodes(br, lit, dist, max_size, out);
        } else {
            Bad("invalid block type");
        }
    }
    return br.Consumed();
}

uint32_t Adler32(uint32_t adler, const uint8_t *data, size_t size) {
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (size > 0) {
        size_t n = size < 5552 ? size : 5552;
        size -= n;
        while (n-- > 0) {
            a += *data++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return (b << 16) | a;
}

void ZlibDecompress(const uint8_t *src, size_t size, size_t expected_size, std::vector<uint8_t> *out) {
    out->clear();
    if (size < 6)
        Bad("zlib stream too short");
    uint8_t cmf = src[0], flg = src[1];
    if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0)
        Bad("not a zlib stream");
    if (flg & 0x20)
        Bad("zlib preset dictionary not supported");
    // DEFLATE cannot expand by more than 1032:1; reject impossible announcements before allocating.
    if (expected_size / 1032 > size + 1024)
        Bad("announced length is impossible for the compressed size");
    out->reserve(expected_size < (size_t{16} << 20) ? expected_size : (size_t{16} << 20));
    size_t used = InflateRaw(src + 2, size - 2, expected_size, out);
    if (out->size() != expected_size)
        Bad("decompressed length differs from the announced length");
    size_t trailer = 2 + used;
    if (trailer + 4 > size)
        Bad("zlib stream without Adler-32 trailer");
    uint32_t want = (static_cast<uint32_t>(src[trailer]) << 24) |
                    (static_cast<uint32_t>(src[trailer + 1]) << 16) |
                    (static_cast<uint32_t>(src[trailer + 2]) << 8) | src[trailer + 3];
    if (Adler32(1, out->data(), out->size()) != want)
        Bad("Adler-32 mismatch");
}

} // namespace chameleon::mysql::binlog
