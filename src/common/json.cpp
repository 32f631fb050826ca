#include "common/json.hpp"

#include <cstdio>

namespace chameleon {

std::string JsonString(std::string_view value) {
    std::string out;
    out.reserve(value.size() + 2);
    out.push_back('"');
    for (unsigned char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                    out += buffer;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    out.push_back('"');
    return out;
}

std::string JsonObject(const std::vector<std::pair<std::string, std::string>> &members) {
    std::string out = "{";
    for (size_t i = 0; i < members.size(); i++) {
        if (i > 0)
            out += ", ";
        out += JsonString(members[i].first);
        out += ": ";
        out += members[i].second;
    }
    out += "}";
    return out;
}

std::string JsonStringArray(const std::vector<std::string> &values) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); i++) {
        if (i > 0)
            out += ", ";
        out += JsonString(values[i]);
    }
    out += "]";
    return out;
}

} // namespace chameleon
