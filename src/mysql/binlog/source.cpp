#include "mysql/binlog/source.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/events.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace chameleon::mysql::binlog {

BufferSource::BufferSource(const uint8_t *data, size_t size, size_t max_event_size)
    : data_(data), size_(size), max_event_(max_event_size) {
    if (size_ >= 4 && std::memcmp(data_, kBinlogMagic, 4) == 0)
        pos_ = 4;
}

bool BufferSource::NextRaw(const uint8_t **data, size_t *size) {
    size_t left = size_ - pos_;
    if (left == 0)
        return false;
    if (left < kEventHeaderSize)
        ThrowCorrupt("binlog image ends with " + std::to_string(left) +
                     " bytes, less than an event header, at offset " + std::to_string(pos_));
    uint32_t len = LoadLe32(data_ + pos_ + 9);
    if (len < kEventHeaderSize || len > max_event_)
        ThrowCorrupt("binlog event at offset " + std::to_string(pos_) + " has an invalid length " +
                     std::to_string(len));
    if (len > left)
        ThrowCorrupt("binlog event at offset " + std::to_string(pos_) + " of " + std::to_string(len) +
                     " bytes is truncated (" + std::to_string(left) + " left)");
    *data = data_ + pos_;
    *size = len;
    pos_ += len;
    return true;
}

FileSource::FileSource(const std::string &path, bool stop_at_partial, size_t max_event_size)
    : path_(path), stop_at_partial_(stop_at_partial), max_event_(max_event_size) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw BinlogError(BinlogErrc::kIo,
                          "cannot open binlog file \"" + path + "\": " + std::strerror(errno));
    buf_.resize(1 << 20);
    if (!Ensure(4) || std::memcmp(buf_.data(), kBinlogMagic, 4) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw BinlogError(BinlogErrc::kCorruptEvent,
                          "\"" + path + "\" is not a binlog file (bad magic number)");
    }
    begin_ = 4;
}

FileSource::~FileSource() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool FileSource::Ensure(size_t n) {
    if (end_ - begin_ >= n)
        return true;
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buf_.size() < n)
        buf_.resize(n);
    bool eof = false;
    while (end_ < n && !eof) {
        ssize_t r = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            throw BinlogError(BinlogErrc::kIo,
                              "cannot read binlog file \"" + path_ + "\": " + std::strerror(errno));
        }
        if (r == 0)
            eof = true;
        end_ += static_cast<size_t>(r);
    }
    return end_ - begin_ >= n;
}

bool FileSource::NextRaw(const uint8_t **data, size_t *size) {
    if (!Ensure(kEventHeaderSize)) {
        if (end_ == begin_ || stop_at_partial_)
            return false;
        ThrowCorrupt("binlog file \"" + path_ + "\" ends inside an event header at offset " +
                     std::to_string(next_offset_));
    }
    uint32_t len = LoadLe32(buf_.data() + begin_ + 9);
    if (len < kEventHeaderSize || len > max_event_)
        ThrowCorrupt("binlog event at \"" + path_ + "\" offset " + std::to_string(next_offset_) +
                     " has an invalid length " + std::to_string(len));
    if (!Ensure(len)) {
        if (stop_at_partial_)
            return false;
        ThrowCorrupt("binlog file \"" + path_ + "\" ends inside the event at offset " +
                     std::to_string(next_offset_));
    }
    *data = buf_.data() + begin_;
    *size = len;
    begin_ += len;
    event_offset_ = next_offset_;
    next_offset_ += len;
    return true;
}

std::vector<uint8_t> ReadWholeFile(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw BinlogError(BinlogErrc::kIo, "cannot open \"" + path + "\": " + std::strerror(errno));
    std::vector<uint8_t> out;
    uint8_t buf[65536];
    for (;;) {
        ssize_t r = ::read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            ::close(fd);
            throw BinlogError(BinlogErrc::kIo, "cannot read \"" + path + "\": " + std::strerror(e));
        }
        if (r == 0)
            break;
        out.insert(out.end(), buf, buf + r);
    }
    ::close(fd);
    return out;
}

} // namespace chameleon::mysql::binlog
