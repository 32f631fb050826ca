#include "mysql/binlog/inflate.hpp"

#include "mysql/binlog/errors.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <new>
#include <string>

namespace chameleon::mysql::binlog {

namespace {

[[noreturn]] void Bad(const std::string &what) {
    ThrowCorrupt("compressed event data: " + what);
}

// Owns an inflate stream; inflateEnd() on every exit, thrown or not.
class Inflater {
public:
    Inflater() {
        int ret = inflateInit(&zs_);
        if (ret == Z_MEM_ERROR)
            throw std::bad_alloc();
        if (ret != Z_OK)
            Bad(std::string("zlib initialisation failed: ") + (zs_.msg ? zs_.msg : zError(ret)));
    }
    ~Inflater() { inflateEnd(&zs_); }
    Inflater(const Inflater &) = delete;
    Inflater &operator=(const Inflater &) = delete;

    z_stream *operator->() { return &zs_; }
    z_stream *get() { return &zs_; }

private:
    z_stream zs_{};
};

// zlib counts in uInt; larger buffers are handed over in slices.
constexpr size_t kMaxSlice = UINT_MAX;
constexpr size_t kMinGrow = size_t{64} << 10;

} // namespace

void ZlibDecompress(const uint8_t *src, size_t size, size_t expected_size, std::vector<uint8_t> *out) {
    out->clear();
    // Header (RFC 1950 2.2) checked here for clear messages; zlib checks it again.
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

    Inflater zs;
    // The output window is expected_size + 1 bytes: a stream that fills the extra byte is longer
    // than announced. The buffer grows with the output (doubling, from 64 KiB) rather than being
    // allocated at the announced size up front.
    const size_t limit = expected_size + 1;
    out->resize(std::min(limit, std::max(kMinGrow, std::min(expected_size, size_t{16} << 20))));
    zs->next_out = out->data();
    zs->avail_out = static_cast<uInt>(std::min(out->size(), kMaxSlice));
    size_t out_given = zs->avail_out; // bytes of *out handed to zlib so far
    const uint8_t *in = src;
    size_t in_left = size;
    for (;;) {
        if (zs->avail_in == 0 && in_left > 0) {
            size_t n = std::min(in_left, kMaxSlice);
            zs->next_in = const_cast<Bytef *>(in);
            zs->avail_in = static_cast<uInt>(n);
            in += n;
            in_left -= n;
        }
        if (zs->avail_out == 0) {
            if (out_given >= limit)
                Bad("decompressed data longer than announced");
            if (out_given == out->size())
                out->resize(out->size() + std::min(limit - out->size(), std::max(kMinGrow, out->size())));
            size_t n = std::min(out->size() - out_given, kMaxSlice);
            zs->next_out = out->data() + out_given;
            zs->avail_out = static_cast<uInt>(n);
            out_given += n;
        }
        int ret = inflate(zs.get(), Z_NO_FLUSH);
        size_t produced = out_given - zs->avail_out;
        if (produced > expected_size)
            Bad("decompressed data longer than announced");
        switch (ret) {
            case Z_OK:
                continue;
            case Z_STREAM_END:
                if (produced != expected_size)
                    Bad("decompressed length differs from the announced length");
                out->resize(produced);
                return; // bytes after the trailer are ignored, as by MariaDB
            case Z_BUF_ERROR:
                // No progress: either the output window is full (grown above) or the input ended.
                if (zs->avail_out == 0)
                    continue;
                if (zs->avail_in == 0 && in_left == 0)
                    Bad("truncated zlib stream");
                Bad("zlib made no progress");
            case Z_NEED_DICT:
                Bad("zlib preset dictionary not supported");
            case Z_MEM_ERROR:
                throw std::bad_alloc();
            case Z_DATA_ERROR:
                if (zs->msg && std::strcmp(zs->msg, "incorrect data check") == 0)
                    Bad("Adler-32 mismatch");
                Bad(std::string("invalid deflate data (zlib: ") + (zs->msg ? zs->msg : "data error") + ")");
            default:
                Bad(std::string("zlib error: ") + (zs->msg ? zs->msg : zError(ret)));
        }
    }
}

} // namespace chameleon::mysql::binlog
