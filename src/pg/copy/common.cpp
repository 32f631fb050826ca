#include "pg/copy/common.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace chameleon::pg {

mysql::ConnectParams ConnectParamsOf(const config::SourceConfig &settings) {
    mysql::ConnectParams params;
    params.host = settings.db_conn.host;
    params.port = settings.db_conn.port;
    params.user = settings.db_conn.user;
    params.password = settings.db_conn.password;
    params.charset = settings.db_conn.charset;
    params.connect_timeout = settings.db_conn.connect_timeout;
    params.read_timeout = settings.db_conn.read_timeout;
    params.write_timeout = settings.db_conn.read_timeout;
    return params;
}

int LockTimeoutSeconds(const std::string &lock_timeout) {
    size_t i = 0;
    while (i < lock_timeout.size() && std::isspace(static_cast<unsigned char>(lock_timeout[i])))
        ++i;
    size_t digits = i;
    while (digits < lock_timeout.size() &&
           (std::isdigit(static_cast<unsigned char>(lock_timeout[digits])) || lock_timeout[digits] == '.'))
        ++digits;
    if (digits == i)
        return 120;
    double value = std::atof(lock_timeout.substr(i, digits - i).c_str());
    std::string unit;
    for (size_t k = digits; k < lock_timeout.size(); ++k) {
        if (!std::isspace(static_cast<unsigned char>(lock_timeout[k])))
            unit += static_cast<char>(std::tolower(static_cast<unsigned char>(lock_timeout[k])));
    }
    double seconds = value;
    if (unit == "ms")
        seconds = value / 1000.0;
    else if (unit == "min")
        seconds = value * 60.0;
    else if (unit == "h")
        seconds = value * 3600.0;
    else if (unit == "d")
        seconds = value * 86400.0;
    int whole = static_cast<int>(std::ceil(seconds));
    return whole < 1 ? 1 : whole;
}

std::string FormatDuration(double seconds) {
    char buf[64];
    if (seconds < 1.0)
        std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000.0);
    else if (seconds < 60.0)
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    else if (seconds < 3600.0)
        std::snprintf(buf, sizeof buf, "%d min %d s", static_cast<int>(seconds) / 60,
                      static_cast<int>(seconds) % 60);
    else
        std::snprintf(buf, sizeof buf, "%d h %d min", static_cast<int>(seconds) / 3600,
                      static_cast<int>(seconds) % 3600 / 60);
    return buf;
}

std::string FormatRate(double rows, double seconds) {
    if (seconds <= 0.0)
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", rows / seconds);
    return buf;
}

std::string TextArrayLiteral(const std::vector<std::string> &values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace chameleon::pg
