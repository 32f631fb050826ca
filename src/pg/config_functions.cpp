// SQL functions over the YAML configuration: set_configuration_files(), show_config(), and the
// internal _source_settings() that add_source/update_schema_mappings read a source through.
#include "common/error.hpp"
#include "common/json.hpp"
#include "config/config.hpp"

#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace chameleon::pg {
namespace {

std::string ErrnoText() {
    return std::strerror(errno);
}

// mkdir -p with mode 0700 for every directory it creates.
void MakeDirectories(const std::string &path) {
    std::string partial;
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = path.find('/', pos + 1);
        partial = path.substr(0, pos);
        if (partial.empty())
            continue;
        if (mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            throw Error("could not create directory \"" + partial + "\": " + ErrnoText(), sqlstate::kIoError);
    }
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw Error("\"" + path + "\" exists and is not a directory", sqlstate::kIoError);
}

// Writes `content` to `path` atomically (temporary file then rename), mode 0600.
void WriteFile(const std::string &path, const std::string &content) {
    const std::string temporary = path + ".tmp";
    int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error("could not create file \"" + temporary + "\": " + ErrnoText(), sqlstate::kIoError);
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            std::string reason = ErrnoText();
            close(fd);
            unlink(temporary.c_str());
            throw Error("could not write file \"" + temporary + "\": " + reason, sqlstate::kIoError);
        }
        written += static_cast<size_t>(n);
    }
    if (fchmod(fd, 0600) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        std::string reason = ErrnoText();
        unlink(temporary.c_str());
        throw Error("could not write file \"" + temporary + "\": " + reason, sqlstate::kIoError);
    }
    if (rename(temporary.c_str(), path.c_str()) != 0) {
        std::string reason = ErrnoText();
        unlink(temporary.c_str());
        throw Error("could not rename \"" + temporary + "\" to \"" + path + "\": " + reason,
                    sqlstate::kIoError);
    }
}

config::Configuration LoadNamedConfiguration(FunctionCallInfo fcinfo, int n) {
    std::string name = TextArg(fcinfo, n, "config");
    config::CheckConfigName(name);
    return config::LoadConfiguration(ConfigDirectory(), name);
}

} // namespace
} // namespace chameleon::pg

using namespace chameleon;

// chameleon.set_configuration_files() RETURNS text
// Creates the configuration directory and writes a complete, commented config-example.yml in it.
CHAMELEON_FUNCTION(chameleon_set_configuration_files) {
    (void)fcinfo;
    const std::string dir = pg::ConfigDirectory();
    pg::MakeDirectories(dir);
    const std::string path = dir + "/config-example.yml";
    pg::WriteFile(path, config::ExampleConfiguration());
    return pg::ReturnText(path);
}

// chameleon.show_config(config text) RETURNS TABLE(source text, key text, value text, origin text)
CHAMELEON_FUNCTION(chameleon_show_config) {
    const config::Configuration configuration = pg::LoadNamedConfiguration(fcinfo, 0);
    std::vector<pg::Row> rows;
    for (const config::Setting &setting : config::EffectiveSettings(configuration)) {
        rows.push_back({setting.source.empty() ? std::nullopt : std::optional<std::string>(setting.source),
                        setting.key, setting.value, setting.origin});
    }
    return pg::ReturnTextRows(fcinfo, rows);
}

// chameleon._source_settings(source text, config text) RETURNS jsonb
// What the catalogue needs to know of a source defined in a configuration file.
CHAMELEON_FUNCTION(chameleon_source_settings) {
    const std::string source = pg::TextArg(fcinfo, 0, "source");
    const config::Configuration configuration = pg::LoadNamedConfiguration(fcinfo, 1);
    const config::SourceConfig &settings = configuration.Source(source);
    std::vector<std::pair<std::string, std::string>> mappings;
    for (const auto &[origin, destination] : settings.schema_mappings)
        mappings.emplace_back(origin, JsonString(destination));
    return pg::ReturnJsonb(JsonObject({
        {"config", JsonString(configuration.name)},
        {"file", JsonString(configuration.path)},
        {"type", JsonString(settings.type)},
        {"schema_mappings", JsonObject(mappings)},
        {"my_server_id", std::to_string(settings.my_server_id)},
    }));
}
