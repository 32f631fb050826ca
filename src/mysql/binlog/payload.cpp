#include "mysql/binlog/payload.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/errors.hpp"

#include <zstd.h>

#include <cstring>

namespace chameleon::mysql::binlog {

PayloadExpander::PayloadExpander() = default;

PayloadExpander::~PayloadExpander() {
    if (dstream_)
        ZSTD_freeDStream(static_cast<ZSTD_DStream *>(dstream_));
}

void PayloadExpander::Reset() {
    active_ = false;
    in_ = nullptr;
    in_len_ = in_pos_ = 0;
    begin_ = end_ = 0;
    frame_done_ = false;
}

void PayloadExpander::Start(const TransactionPayloadEvent &p, size_t max_event_size) {
    Reset();
    if (p.compression != TransactionPayloadEvent::kZstd && p.compression != TransactionPayloadEvent::kNone)
        throw BinlogError(BinlogErrc::kUnsupported, "TRANSACTION_PAYLOAD_EVENT uses compression type " +
                                                        std::to_string(p.compression) +
                                                        " (only ZSTD, 0, and NONE, 255, are known)");
    zstd_ = p.compression == TransactionPayloadEvent::kZstd;
    in_ = p.payload;
    in_len_ = p.payload_len;
    max_event_ = max_event_size;
    total_ = 0;
    active_ = true;
    if (zstd_) {
        if (!dstream_) {
            dstream_ = ZSTD_createDStream();
            if (!dstream_)
                throw BinlogError(BinlogErrc::kUnsupported, "cannot allocate a zstd decompression stream");
        }
        size_t rc = ZSTD_initDStream(static_cast<ZSTD_DStream *>(dstream_));
        if (ZSTD_isError(rc))
            ThrowCorrupt(std::string("zstd: ") + ZSTD_getErrorName(rc));
        if (buf_.size() < 65536)
            buf_.resize(65536);
    }
}

// Makes at least `want` bytes available in buf_[begin_, end_); false if the payload ends first.
bool PayloadExpander::Fill(size_t want) {
    if (end_ - begin_ >= want)
        return true;
    if (!zstd_)
        return false;
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buf_.size() < want)
        buf_.resize(want);
    int stalls = 0;
    while (end_ < want) {
        if (frame_done_ && in_pos_ >= in_len_)
            return false;
        ZSTD_inBuffer in{in_, in_len_, in_pos_};
        ZSTD_outBuffer out{buf_.data(), buf_.size(), end_};
        size_t rc = ZSTD_decompressStream(static_cast<ZSTD_DStream *>(dstream_), &out, &in);
        if (ZSTD_isError(rc))
            ThrowCorrupt(std::string("TRANSACTION_PAYLOAD_EVENT: zstd: ") + ZSTD_getErrorName(rc));
        bool progress = out.pos != end_ || in.pos != in_pos_;
        total_ += out.pos - end_;
        end_ = out.pos;
        in_pos_ = in.pos;
        if (rc == 0) {
            frame_done_ = true;
            if (in_pos_ < in_len_) {
                // Another frame follows: continue with it.
                size_t r2 = ZSTD_initDStream(static_cast<ZSTD_DStream *>(dstream_));
                if (ZSTD_isError(r2))
                    ThrowCorrupt(std::string("zstd: ") + ZSTD_getErrorName(r2));
                frame_done_ = false;
            }
        } else if (!progress && (in_pos_ >= in_len_ || ++stalls > 4)) {
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: compressed payload is truncated");
        }
    }
    return true;
}

bool PayloadExpander::Next(const uint8_t **data, size_t *size) {
    if (!active_)
        return false;
    if (!zstd_) {
        size_t left = in_len_ - in_pos_;
        if (left == 0) {
            active_ = false;
            return false;
        }
        if (left < kEventHeaderSize)
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: trailing bytes shorter than an event header");
        uint32_t len = LoadLe32(in_ + in_pos_ + 9);
        if (len < kEventHeaderSize || len > left || len > max_event_)
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: inner event of " + std::to_string(len) +
                         " bytes does not fit");
        *data = in_ + in_pos_;
        *size = len;
        in_pos_ += len;
        total_ += len;
        return true;
    }
    if (!Fill(kEventHeaderSize)) {
        if (end_ != begin_)
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: trailing bytes shorter than an event header");
        if (!frame_done_)
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: compressed payload is truncated");
        active_ = false;
        return false;
    }
    uint32_t len = LoadLe32(buf_.data() + begin_ + 9);
    if (len < kEventHeaderSize || len > max_event_)
        ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: inner event of " + std::to_string(len) +
                     " bytes is invalid");
    if (!Fill(len))
        ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT: inner event is truncated");
    *data = buf_.data() + begin_;
    *size = len;
    begin_ += len;
    return true;
}

} // namespace chameleon::mysql::binlog
