#include "agent/plan_files.hpp"

#include "agent/config.hpp"
#include "mappings/preset_mappings.hpp"
#include "state/body_hash.hpp"
#include "state/plan_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

std::string mapping_fingerprint(const std::filesystem::path& mapping) {
    auto text = mappings::read_mapping_text(mapping, k_max_config_file_bytes);
    return state::digest(nlohmann::json(text ? *text : std::string()));
}

std::string file_fingerprint(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return state::digest(nlohmann::json(text.str()));
}

} // namespace

state::PlanOrigin origin_of(const Prepared& prepared, const state::StateSnapshot& snapshot) {
    return {prepared.config.target.name, file_fingerprint(prepared.config.file),
            mapping_fingerprint(prepared.mapping.file),
            state::state_revision(snapshot.resources, snapshot.groups), prepared.now};
}

// The plan as a file to review and apply later; it holds people's data, so only its owner reads it.
void write_plan_file(const std::filesystem::path& file, const state::Plan& plan,
                     const state::GroupPlan* groups, const state::PlanOrigin& origin,
                     const std::filesystem::path& config_file, std::ostream& out) {
    const int fd = ::open(file.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        throw ConfigError("cannot write the plan to " + file.string() + ": " +
                          std::strerror(errno));
    // Written piece by piece, each piece whole: write() takes at most 2 GiB at once, and may
    // take less.
    std::string buffer;
    bool written = true;
    auto flush = [&] {
        for (size_t done = 0; written && done < buffer.size();) {
            const auto wrote = ::write(fd, buffer.data() + done, buffer.size() - done);
            if (wrote < 0 && errno == EINTR) continue;
            if (wrote <= 0)
                written = false;
            else
                done += static_cast<size_t>(wrote);
        }
        buffer.clear();
    };
    state::write_plan_json(
        [&](std::string_view piece) {
            buffer += piece;
            if (buffer.size() >= (1U << 20)) flush();
        },
        plan, origin, groups);
    flush();
    const int saved_errno = errno;
    ::close(fd);
    if (!written)
        throw ConfigError("cannot write the plan to " + file.string() + ": " +
                          std::strerror(saved_errno));
    out << "\nPlan written to " << file.string() << ". After reviewing it: hr2scim apply "
        << file.string() << " -c " << config_file.string()
        << " (it applies exactly these operations, withheld ones "
        << "included, and refuses if the config, the mapping or the state changed).\n";
}

} // namespace hr2scim::agent
