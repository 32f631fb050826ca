// Loading <directory>/<name>.yml: name check, reading the file, and the password permission rule.
#include "config/config_internal.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chameleon::config {
namespace {

constexpr std::size_t kMaxNameLength = 200;
constexpr off_t kMaxFileSize = 16 * 1024 * 1024;

[[noreturn]] void FailName(const std::string &name, const std::string &detail) {
    throw Error("invalid configuration name \"" + name + "\"", sqlstate::kInvalidParameterValue, detail);
}

bool IsNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

std::string JoinPath(const std::string &directory, const std::string &file) {
    if (directory.empty() || directory.back() == '/')
        return directory + file;
    return directory + "/" + file;
}

// A file descriptor closed when it goes out of scope.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0)
            close(fd_);
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    int Get() const { return fd_; }

private:
    int fd_;
};

struct FileContents {
    std::string text;
    mode_t mode = 0;
};

[[noreturn]] void FailSystem(const std::string &path, const char *action, int error_number) {
    internal::FailFile(path, std::string(action) + ": " + std::strerror(error_number));
}

// The whole file, with the permission bits of the very file read (fstat on the open descriptor).
FileContents ReadConfigFile(const std::string &path, const std::string &name) {
    // O_NONBLOCK: a FIFO in place of the file must not hang the caller; it is refused below.
    FileDescriptor file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (file.Get() < 0) {
        int error_number = errno;
        if (error_number == ENOENT)
            internal::FailFile(path, "file does not exist", "",
                               "Run chameleon.set_configuration_files(), then copy config-example.yml to " +
                                   name + ".yml and edit it.");
        FailSystem(path, "could not open file", error_number);
    }
    struct stat status {};
    if (fstat(file.Get(), &status) != 0)
        FailSystem(path, "could not stat file", errno);
    if (!S_ISREG(status.st_mode))
        internal::FailFile(path, "not a regular file");
    if (status.st_size > kMaxFileSize)
        internal::FailFile(path, "file is larger than 16 MB");
    FileContents contents;
    contents.mode = status.st_mode;
    char buffer[8192];
    for (;;) {
        ssize_t got = read(file.Get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            FailSystem(path, "could not read file", errno);
        if (got == 0)
            break;
        contents.text.append(buffer, static_cast<std::size_t>(got));
    }
    return contents;
}

std::string FormatMode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

} // namespace

void CheckConfigName(const std::string &name) {
    if (name.empty())
        FailName(name, "A configuration name must not be empty.");
    if (name.size() > kMaxNameLength)
        FailName(name, "A configuration name must be at most 200 characters long.");
    if (name.front() == '.')
        FailName(name, "A configuration name must not start with \".\".");
    if (name.find('/') != std::string::npos)
        FailName(name, "A configuration name must not contain \"/\".");
    if (name.find("..") != std::string::npos)
        FailName(name, "A configuration name must not contain \"..\".");
    for (char c : name) {
        if (!IsNameChar(c))
            FailName(name,
                     "A configuration name may contain only ASCII letters, digits, \"_\", \"-\" and \".\".");
    }
}

Configuration LoadConfiguration(const std::string &directory, const std::string &name) {
    CheckConfigName(name);
    std::string path = JoinPath(directory, name + ".yml");
    FileContents contents = ReadConfigFile(path, name);
    internal::ParsedDocument document = internal::ParseDocument(contents.text, name, path);
    if ((contents.mode & 077) != 0 && internal::HoldsPassword(document)) {
        throw Error("configuration file \"" + path +
                        "\" contains a password and is readable by group or others",
                    sqlstate::kConfigFileError, "The file's mode is " + FormatMode(contents.mode) + ".",
                    "Run chmod 0600 on it.");
    }
    return std::move(document.configuration);
}

} // namespace chameleon::config
