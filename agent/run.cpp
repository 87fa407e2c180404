#include "agent/run.hpp"

#include "agent/config.hpp"
#include "agent/group_report.hpp"
#include "agent/history_printer.hpp"
#include "agent/output_file.hpp"
#include "agent/plan_printer.hpp"
#include "agent/progress.hpp"
#include "agent/reconcile.hpp"
#include "agent/run_lock.hpp"
#include "agent/run_metrics.hpp"
#include "agent/run_report.hpp"
#include "apply/executor.hpp"
#include "apply/recorder.hpp"
#include "apply/stop_request.hpp"
#include "connectors/join.hpp"
#include "connectors/shared_read.hpp"
#include "connectors/source_registry.hpp"
#include "connectors/source_support.hpp"
#include "http/json_body.hpp"
#include "http/log_fields.hpp"
#include "http/redact.hpp"
#include "http/secrets.hpp"
#include "mappings/mapper.hpp"
#include "mappings/parallel_mapper.hpp"
#include "scim/write_check.hpp"
#include "state/body_hash.hpp"
#include "state/plan_file.hpp"
#include "state/planner.hpp"
#include "state/run_history.hpp"
#include "state/source_guard.hpp"
#include "state/source_key.hpp"
#include "state/state_store.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <spdlog/spdlog.h>
#include <sstream>
#include <unistd.h>

namespace hr2scim::agent {
namespace {

using state::OperationKind;

struct JoinedSource {
    const JoinConfig* config;
    std::unique_ptr<connectors::Source> source;
};

struct Prepared {
    Config config;
    mappings::Mapping mapping;
    std::unique_ptr<connectors::Source> source;
    std::vector<JoinedSource> joins;
    mappings::Instant now; // one instant for the whole run
};

struct MappedSource {
    connectors::SourceRead read;
    size_t yielded = 0; // records the source returned, readable or not
    size_t records = 0; // readable records
    std::vector<scim::DesiredResource> desired;
    std::vector<connectors::Rejection> rejections; // from the source and from mapping
    std::vector<std::string> failed_joins;         // "name: why"; their attributes are kept as sent
    std::optional<std::string>
        decisions_unsure; // a failed join feeds the scope or the lifecycle dates
    std::vector<scim::AttributePath> kept_paths;
    std::vector<std::pair<std::string, size_t>> complete_reads; // joined sources read whole
};

// The record count of a source's last complete read, when the state is at hand.
using LastRead = std::function<std::optional<size_t>(const std::string& source_id)>;

// One read of the sources for every target of a run: the first target's preparation makes
// them, the others read through them.
struct SharedSources {
    std::shared_ptr<connectors::SharedRead> primary;
    std::vector<std::shared_ptr<connectors::SharedRead>> joins;
};

Prepared prepare(Config config, const std::string& log_level,
                 std::optional<mappings::Instant> as_of, const PinnedConfig* pinned,
                 SharedSources* shared = nullptr) {
    Prepared prepared{std::move(config),
                      {},
                      {},
                      {},
                      as_of.value_or(std::chrono::time_point_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now()))};
    spdlog::set_level(
        spdlog::level::from_str(log_level.empty() ? prepared.config.log_level : log_level));
    http::set_log_target(prepared.config.target.name);
    const auto pinned_mapping = pinned ? pinned->mappings.find(prepared.config.mapping)
                                       : decltype(pinned->mappings.end()){};
    prepared.mapping = pinned && pinned_mapping != pinned->mappings.end()
                           ? mappings::parse_mapping(pinned_mapping->second, pinned_mapping->first)
                           : mappings::load_mapping(prepared.config.mapping);
    const auto& config_file = prepared.config.file;
    auto make = [&](const std::string& type, const connectors::SourceOptions& options,
                    const std::string& where) {
        try {
            return connectors::find_source_kind(type)->make(options);
        } catch (const connectors::OptionError& error) {
            throw ConfigError(config_file.string() + ": " + where + "." + error.option + ": " +
                              error.what());
        }
    };
    auto source = [&](std::shared_ptr<connectors::SharedRead>& read, const std::string& type,
                      const connectors::SourceOptions& options,
                      const std::string& where) -> std::unique_ptr<connectors::Source> {
        if (!shared) return make(type, options, where);
        if (!read) read = std::make_shared<connectors::SharedRead>(make(type, options, where));
        return std::make_unique<connectors::SharedReadSource>(read);
    };
    std::shared_ptr<connectors::SharedRead> unshared;
    prepared.source = source(shared ? shared->primary : unshared, prepared.config.source_type,
                             prepared.config.source, "source");
    if (shared) shared->joins.resize(prepared.config.joins.size());
    for (size_t i = 0; i < prepared.config.joins.size(); ++i) {
        const auto& join = prepared.config.joins[i];
        prepared.joins.push_back(
            {&join, source(shared ? shared->joins[i] : unshared, join.source_type, join.source,
                           "join " + join.name + ": source")});
    }
    return prepared;
}

Config read_config(const RunOptions& options) {
    return options.pinned ? parse_config(options.pinned->config_text, options.config)
                          : load_config(options.config);
}

// Reads one joined source and joins it onto the primary records; a secondary that fails,
// or reads partly, leaves the attributes it feeds as they were last sent.
void join_secondary(const Prepared& prepared, const JoinedSource& join, MappedSource& mapped,
                    const LastRead& last_read) {
    const auto& config = *join.config;
    auto read = join.source->read();
    const size_t yielded = read.records.size() + read.rejections.size();
    if (read.complete() && !read.rejections.empty())
        read.failure = std::to_string(read.rejections.size()) +
                       " of its records could not be read (" + read.rejections.front().origin +
                       ": " + read.rejections.front().reason + ")";
    if (read.complete())
        if (auto problem = state::completeness_problem(yielded, last_read(join.source->describe()),
                                                       config.source_guards))
            read.failure = *problem;
    if (!read.complete()) {
        spdlog::error("joined source {} failed: {}", config.name, *read.failure);
        mapped.failed_joins.push_back(config.name + ": " + *read.failure);
        auto kept = mappings::targets_reading(prepared.mapping, config.name + ".");
        mapped.kept_paths.insert(mapped.kept_paths.end(), kept.begin(), kept.end());
        if (mappings::decisions_read(prepared.mapping, config.name + "."))
            mapped.decisions_unsure = "the joined source " + config.name +
                                      " failed, and the scope or lifecycle dates read it";
        return;
    }
    auto outcome =
        connectors::join_into(mapped.read.records, read.records,
                              {config.name, config.primary_attribute, config.secondary_attribute});
    spdlog::info("joined {} ({}): {} matched, {} without a match{}", config.name,
                 join.source->describe(), outcome.matched, outcome.unmatched,
                 outcome.ambiguous.empty()
                     ? ""
                     : fmt::format(", {} values shared by several records, not joined",
                                   outcome.ambiguous.size()));
    mapped.complete_reads.emplace_back(join.source->describe(), yielded);
}

// Every attribute the mapping reads must exist where the primary source says which it has;
// joined attributes (<name>.<attribute>) are not checked.
void check_mapping_against_sources(const Prepared& prepared, const MappedSource& mapped) {
    if (mapped.read.attribute_names.empty()) return;
    std::vector<std::string> unchecked;
    for (const auto& join : prepared.joins)
        unchecked.push_back(join.config->name + ".");
    auto errors =
        mappings::check_source_attributes(prepared.mapping, mapped.read.attribute_names, unchecked);
    if (!errors.empty()) throw ConfigError(fmt::format("{}", fmt::join(errors, "\n")));
}

// Keys that differ only in case or surrounding spaces are one person: two records that say
// different things about them cannot both be the truth, so both are rejected (and protected).
void reject_same_identity(MappedSource& mapped, bool case_sensitive) {
    // Sorted by identity (the order the source gave, where it is sorted already), groups of one
    // identity are neighbours.
    std::vector<std::pair<std::string, const scim::DesiredResource*>> by_identity;
    by_identity.reserve(mapped.desired.size());
    for (const auto& desired : mapped.desired)
        by_identity.emplace_back(state::identity_key(desired.key, case_sensitive), &desired);
    if (!std::ranges::is_sorted(by_identity, {}, &decltype(by_identity)::value_type::first))
        std::ranges::stable_sort(by_identity, {}, &decltype(by_identity)::value_type::first);
    std::set<const scim::DesiredResource*> rejected;
    for (size_t begin = 0, end = 0; begin < by_identity.size(); begin = end) {
        end = begin + 1;
        while (end < by_identity.size() && by_identity[end].first == by_identity[begin].first)
            ++end;
        if (end - begin < 2) continue;
        std::vector<const scim::DesiredResource*> group;
        for (size_t i = begin; i < end; ++i)
            group.push_back(by_identity[i].second);
        std::string keys;
        for (const auto* desired : group)
            keys += (keys.empty() ? "" : ", ") + desired->key + " (" + desired->origin + ")";
        for (const auto* desired : group) {
            mapped.rejections.push_back(
                {desired->origin, desired->key,
                 "keys " + keys +
                     " are one key (compared ignoring case and "
                     "surrounding spaces; source.case_sensitive_keys says otherwise)"});
            rejected.insert(desired);
        }
    }
    if (rejected.empty()) return;
    std::erase_if(mapped.desired, [&](const auto& desired) { return rejected.contains(&desired); });
}

// Each mapped person goes through `finish` as soon as it is mapped (plan and sync pack it),
// on a mapping thread; `kept_paths` are those a failed joined source keeps as sent.
using FinishMapped =
    std::function<void(scim::DesiredResource&, const std::vector<scim::AttributePath>& kept_paths)>;

// "hr.csv:9" before "hr.csv:10".
bool earlier_origin(std::string_view a, std::string_view b) {
    auto split = [](std::string_view origin) {
        auto colon = origin.rfind(':');
        size_t line = 0;
        if (colon != std::string_view::npos)
            std::from_chars(origin.data() + colon + 1, origin.data() + origin.size(), line);
        return std::pair(origin.substr(0, colon), line);
    };
    return split(a) < split(b);
}

// A key that came more than once is nobody's for sure: every record with it is rejected (and
// protected), as sources that read whole do themselves. Streamed sources leave it to the run.
void reject_repeated_keys(MappedSource& mapped, size_t first_mapping_rejection) {
    std::vector<std::string_view> keys;
    keys.reserve(mapped.desired.size());
    for (const auto& desired : mapped.desired)
        keys.emplace_back(desired.key);
    for (size_t i = first_mapping_rejection; i < mapped.rejections.size(); ++i)
        keys.emplace_back(mapped.rejections[i].key);
    std::ranges::sort(keys);
    std::set<std::string, std::less<>> repeated;
    for (size_t i = 1; i < keys.size(); ++i)
        if (keys[i] == keys[i - 1] && !keys[i].empty()) repeated.emplace(keys[i]);
    if (repeated.empty()) return;
    std::map<std::string, std::vector<std::string>, std::less<>> origins;
    for (const auto& desired : mapped.desired)
        if (repeated.contains(desired.key)) origins[desired.key].push_back(desired.origin);
    for (size_t i = first_mapping_rejection; i < mapped.rejections.size(); ++i)
        if (repeated.contains(mapped.rejections[i].key))
            origins[mapped.rejections[i].key].push_back(mapped.rejections[i].origin);
    std::vector<connectors::Rejection> rejections;
    for (auto& [key, where] : origins) {
        std::ranges::sort(where, earlier_origin);
        for (const auto& origin : where)
            rejections.push_back({origin, key, connectors::repeated_key_reason(key, where)});
    }
    std::erase_if(mapped.desired, [&](const auto& d) { return repeated.contains(d.key); });
    auto from = mapped.rejections.begin() + static_cast<std::ptrdiff_t>(first_mapping_rejection);
    mapped.rejections.erase(std::remove_if(from, mapped.rejections.end(),
                                           [&](const auto& r) { return repeated.contains(r.key); }),
                            mapped.rejections.end());
    std::ranges::move(rejections, std::back_inserter(mapped.rejections));
}

// Maps each record; what cannot be mapped is rejected with the reason.
void map_into(const Prepared& prepared, connectors::Record& record,
              std::vector<scim::DesiredResource>& desired,
              std::vector<connectors::Rejection>& rejections, const FinishMapped& finish,
              const std::vector<scim::AttributePath>& kept_paths) {
    auto mapped = mappings::map_record(prepared.mapping, record, prepared.now);
    if (!mapped) {
        rejections.push_back({record.origin, record.key, mapped.error()});
        return;
    }
    if (finish) finish(*mapped, kept_paths);
    desired.push_back(std::move(*mapped));
}

// Without joined sources, records are mapped on every core as they are read, and none is held
// after it is mapped.
void stream_and_map(const Prepared& prepared, MappedSource& mapped, const FinishMapped& finish) {
    size_t records = 0;
    std::vector<connectors::Rejection> mapping_rejections;
    const std::vector<scim::AttributePath> no_kept_paths;
    mappings::ParallelMapper mapper(
        [&](mappings::MappedBatch& batch) {
            for (auto& record : batch.records)
                map_into(prepared, record, batch.desired, batch.rejections, finish, no_kept_paths);
            std::vector<connectors::Record>().swap(batch.records);
        },
        [&](mappings::MappedBatch& batch) {
            std::ranges::move(batch.desired, std::back_inserter(mapped.desired));
            std::ranges::move(batch.rejections, std::back_inserter(mapping_rejections));
        });
    mapped.read = prepared.source->read_each([&](connectors::Record&& record) {
        ++records;
        mapper.add(std::move(record));
    });
    mapper.finish();
    check_mapping_against_sources(prepared, mapped);
    mapped.records = records;
    mapped.yielded = records + mapped.read.rejections.size();
    mapped.rejections = std::move(mapped.read.rejections);
    const size_t first_mapping_rejection = mapped.rejections.size();
    std::ranges::move(mapping_rejections, std::back_inserter(mapped.rejections));
    reject_repeated_keys(mapped, first_mapping_rejection);
}

MappedSource read_and_map(const Prepared& prepared, const LastRead& last_read,
                          bool keep_records = false, const FinishMapped& finish = {}) {
    auto started = std::chrono::steady_clock::now();
    MappedSource mapped{{}, 0, 0, {}, {}, {}, {}, {}, {}};
    auto& read = mapped.read;
    if (prepared.joins.empty() && !keep_records) {
        stream_and_map(prepared, mapped, finish);
    } else {
        read = prepared.source->read();
        check_mapping_against_sources(prepared, mapped);
        mapped.yielded = read.records.size() + read.rejections.size();
        if (read.complete())
            for (const auto& join : prepared.joins)
                join_secondary(prepared, join, mapped, last_read);
        mapped.rejections = std::move(read.rejections);
        mapped.records = read.records.size();
        for (auto& record : read.records) {
            map_into(prepared, record, mapped.desired, mapped.rejections, finish,
                     mapped.kept_paths);
            // Once mapped, a record's attributes are not needed again (explain keeps them).
            if (!keep_records) connectors::Attributes().swap(record.attributes);
        }
    }
    reject_same_identity(mapped, prepared.config.case_sensitive_keys);
    auto elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("read {} records from {} in {:.2f} s: {} mapped, {} rejected{}", mapped.records,
                 prepared.source->describe(), elapsed, mapped.desired.size(),
                 mapped.rejections.size(), read.complete() ? "" : "; the source FAILED");
    for (const auto& rejection : mapped.rejections) {
        http::LogKey about(rejection.key);
        spdlog::warn("rejected {}{}: {}", rejection.origin,
                     rejection.key.empty() ? "" : " (key " + rejection.key + ")", rejection.reason);
    }
    return mapped;
}

void print_rejections(std::ostream& out, const MappedSource& mapped, size_t show = SIZE_MAX) {
    if (!mapped.read.complete())
        out << "\nSOURCE FAILED: " << *mapped.read.failure
            << "\nNobody is deactivated in this run.\n";
    for (const auto& failure : mapped.failed_joins)
        out << "\nJOINED SOURCE FAILED: " << failure
            << "\nThe attributes it feeds are left as they were.\n";
    if (mapped.rejections.empty()) return;
    out << "\nRejected " << mapped.rejections.size()
        << (mapped.rejections.size() == 1 ? " record" : " records")
        << " (their users are left as they are):\n";
    const size_t shown = std::min(show, mapped.rejections.size());
    for (size_t i = 0; i < shown; ++i)
        out << "  ! " << mapped.rejections[i].origin << ": " << mapped.rejections[i].reason << '\n';
    if (shown < mapped.rejections.size())
        out << "  ... and " << mapped.rejections.size() - shown
            << " more (each is in the log; --show-all lists them)\n";
}

// A complete read with too few records, or far fewer than last time, is a failed read.
void guard_completeness(MappedSource& mapped, std::optional<size_t> last_complete,
                        state::SourceGuards guards, bool allow_shrink) {
    if (!mapped.read.complete()) return;
    if (allow_shrink) guards.max_shrink_percent = 100;
    if (auto problem = state::completeness_problem(mapped.yielded, last_complete, guards)) {
        spdlog::error("{}", *problem);
        const bool below_minimum = mapped.yielded < guards.min_records;
        mapped.read.failure =
            *problem + (below_minimum  ? "; if the head count really fell, lower source.min_records"
                        : allow_shrink ? ""
                                       : "; if this is right, run once with --allow-shrink");
    }
}

// The diff path of each attribute the mapping sets: multi-valued attributes (emails) are
// replaced whole, complex ones (name) and extensions change by sub-attribute.
std::vector<std::string> managed_paths(const mappings::Mapping& mapping) {
    std::vector<std::string> paths;
    for (const auto& rule : mapping.rules) {
        const auto& target = rule.target;
        std::string path = (target.schema.empty() ? "" : target.schema + ":") + target.attribute;
        if (!target.filter && !target.sub_attribute.empty()) path += "." + target.sub_attribute;
        paths.push_back(std::move(path));
    }
    return paths;
}

state::PlanPolicy policy_for(const Prepared& prepared, const RunOptions& options,
                             const MappedSource& mapped) {
    const Config& config = prepared.config;
    state::PlanPolicy policy;
    policy.limits = config.safety;
    policy.kept_paths = mapped.kept_paths;
    policy.now = prepared.now;
    policy.case_sensitive_keys = config.case_sensitive_keys;
    policy.operations = config.target.operations;
    policy.managed_paths = managed_paths(prepared.mapping);
    if (prepared.mapping.lifecycle.delete_after_days)
        policy.delete_after = std::chrono::days(*prepared.mapping.lifecycle.delete_after_days);
    if (mapped.decisions_unsure) policy.source_incomplete = *mapped.decisions_unsure;
    if (options.max_deactivations) {
        policy.limits.max_deactivations = *options.max_deactivations;
        policy.limits.max_deactivation_percent = 100;
    }
    if (!mapped.read.complete())
        policy.source_incomplete = "the source failed: " + *mapped.read.failure;
    size_t unknown_keys = 0;
    for (const auto& rejection : mapped.rejections) {
        if (rejection.key.empty()) {
            ++unknown_keys;
        } else {
            policy.protected_keys.insert(rejection.key);
        }
    }
    if (unknown_keys > 0 && !policy.source_incomplete)
        policy.source_incomplete = fmt::format(
            "{} source record{} could not be read far enough to know whose {}", unknown_keys,
            unknown_keys == 1 ? "" : "s", unknown_keys == 1 ? "it is" : "they are");
    return policy;
}

ExitCode plan_exit_code(const state::Plan& plan, const MappedSource& mapped, bool detailed) {
    if (!mapped.read.complete()) return ExitCode::failed;
    if (plan.stopped_by_gate) return ExitCode::safety_stop;
    if (detailed && !plan.operations.empty()) return ExitCode::changes_pending;
    return ExitCode::ok;
}

ExitCode sync_exit_code(const state::Plan& plan, const MappedSource& mapped,
                        const apply::Tally& result) {
    if (!mapped.read.complete() || result.abandoned) return ExitCode::failed;
    if (plan.stopped_by_gate) return ExitCode::safety_stop;
    if (result.failed + result.skipped > 0 || !mapped.rejections.empty() ||
        !mapped.failed_joins.empty() || !plan.rejected_links.empty())
        return ExitCode::partial;
    return ExitCode::ok;
}

// Failures one by one (up to `show`), every adoption, and why the target was abandoned.
// Even --quiet shows this many failures: they are what a cron mail is for.
constexpr size_t k_failures_always_shown = 20;

void print_outcomes(std::ostream& out, const std::vector<apply::Outcome>& outcomes,
                    const apply::Tally& result, size_t show) {
    size_t shown = 0, failures = 0;
    for (const auto& outcome : outcomes) {
        if (!outcome.adoption.empty())
            out << "  = " << outcome.operation->key << ": " << outcome.adoption << '\n';
        const bool abandoned_skip =
            result.abandoned && outcome.result == apply::Result::skipped &&
            outcome.message.starts_with("not sent: the target was abandoned");
        if (outcome.result == apply::Result::done || abandoned_skip) continue;
        ++failures;
        if (shown++ < std::max<size_t>(show, k_failures_always_shown))
            out << "  ! " << state::verb(outcome.operation->kind) << " " << outcome.operation->key
                << ": " << outcome.message << '\n';
    }
    if (failures > std::max<size_t>(show, k_failures_always_shown))
        out << "  ... and " << failures - std::max<size_t>(show, k_failures_always_shown)
            << " more failures (each is in the log)\n";
    if (result.abandoned) {
        size_t not_sent = 0;
        for (const auto& outcome : outcomes)
            not_sent += outcome.result == apply::Result::skipped &&
                        outcome.message.starts_with("not sent: the target was abandoned");
        out << "The target could not be used (" << *result.abandoned << "); " << not_sent
            << " further operations were not attempted.\n";
    }
}

void print_summary(std::ostream& out, const std::string& target, const state::RunCounts& counts,
                   const apply::Tally& result, double seconds) {
    out << fmt::format(
        "\nApplied to target \"{}\" in {:.2f} s: {} created, {} updated, {} deactivated, {} "
        "reactivated, "
        "{}{}{} unchanged, {} rejected, {} failed{}.\n",
        target, seconds, counts.created, counts.updated, counts.deactivated, counts.reactivated,
        result.deleted ? fmt::format("{} deleted, ", result.deleted) : "",
        result.linked ? fmt::format("{} managers linked, ", result.linked) : "", counts.unchanged,
        counts.rejected, counts.failed,
        counts.withheld ? fmt::format(", {} deactivations and deletions withheld", counts.withheld)
                        : "");
}

// Which source key owns each account, as the state says: an account is never handed to another.
apply::AccountOwners owners_of(const state::StateSnapshot& snapshot, bool case_sensitive_keys) {
    std::map<std::string, std::string> key_by_id;
    for (const auto& resource : snapshot.resources)
        if (!resource.scim_id.empty()) key_by_id[resource.scim_id] = resource.key;
    return {std::move(key_by_id), case_sensitive_keys};
}

// The state's folder exists and is writable, or can be made: what sync will need.
std::optional<std::string> state_location_problem(const std::filesystem::path& state) {
    std::error_code error;
    auto folder = std::filesystem::absolute(state, error).parent_path();
    while (!folder.empty() && !std::filesystem::exists(folder, error))
        folder = folder.parent_path();
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return "cannot create or write the state in " + folder.string() + ": " +
               std::strerror(errno);
    return std::nullopt;
}

std::optional<std::string> target_problem(const TargetConfig& target) {
    try {
        (void)resolve_credentials(target);
    } catch (const ConfigError& error) {
        return error.what();
    }
    for (const auto& [file, name] : {std::pair{&target.ca_file, "ca_file"},
                                     std::pair{&target.client_certificate, "client_certificate"},
                                     std::pair{&target.client_key, "client_key"}})
        if (!file->empty() && !std::ifstream(*file))
            return "target." + std::string(name) + ": cannot read " + file->string() + ": " +
                   std::strerror(errno);
    // A private key is a secret: only its owner may read it, as for token files.
    if (!target.client_key.empty())
        if (auto read = http::read_secret_file(target.client_key); !read)
            return "target.client_key: " + read.error();
    return std::nullopt;
}

// Mapped attributes the target said it lacks, the last time a sync asked it (validate does
// not contact the target).
void print_attributes_the_target_lacks(std::ostream& out, const mappings::Mapping& mapping,
                                       const state::StateSnapshot& snapshot) {
    if (!snapshot.target_capabilities) {
        out << "Target attributes: not known yet (sync asks the target before its first write)\n";
        return;
    }
    const auto capabilities = scim::capabilities_from_state(*snapshot.target_capabilities);
    for (const auto& [path, evidence] : capabilities.unkept)
        out << "Target attributes: the target does not keep " << path << " (learnt: " << evidence
            << "); sync leaves it out\n";
    if (!capabilities.patch_refused.empty())
        out << "Target PATCH: not used (learnt: " << capabilities.patch_refused
            << "); set target.profile: put_only to say so\n";
    if (!capabilities.user_attributes) {
        out << "Target attributes: the target does not describe them (/Schemas)\n";
        return;
    }
    std::vector<std::string> lacking;
    for (const auto& path : managed_paths(mapping)) {
        std::string plain = path; // emails[type eq "work"].value -> emails.value
        for (auto open = plain.find('['); open != std::string::npos; open = plain.find('[')) {
            auto close = plain.find(']', open);
            plain.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
        }
        if (!scim::knows_attribute(*capabilities.user_attributes, plain)) lacking.push_back(path);
    }
    if (lacking.empty()) {
        out << "Target attributes: the target has every mapped attribute\n";
        return;
    }
    out << "Target attributes: the target lacks " << fmt::format("{}", fmt::join(lacking, ", "))
        << " (as it said when a sync last asked); sync leaves them out\n";
}

// Managers no record names and the state does not know: those this target deleted after they
// left (the audit trail remembers) are not unknown. True when there are such (plan again).
bool note_departed_managers(state::PlanPolicy& policy,
                            const std::vector<state::RejectedLink>& unknown, const Config& config) {
    std::vector<std::string> keys;
    keys.reserve(unknown.size());
    for (const auto& link : unknown)
        keys.push_back(link.manager_key);
    policy.departed_managers = state::StateStore::deleted_keys(config.state, config.target.name,
                                                               keys, config.case_sensitive_keys);
    return !policy.departed_managers.empty();
}

// Everything that can be checked before any write: config, mapping (loaded by prepare), the
// target's secret and files (the target is not contacted), the state (read, never created),
// the sources (read: this reaches LDAP and HR APIs) with their completeness guards.
ExitCode validate(const Prepared& prepared, std::ostream& out) {
    const auto& config = prepared.config;
    std::vector<std::string> problems;
    out << "Config  " << config.file.string() << ": valid\n";
    out << "Mapping " << prepared.mapping.file.string() << ": valid ("
        << prepared.mapping.rules.size() << " rules)\n";
    auto target = target_problem(config.target);
    out << "Target  \"" << config.target.name << "\" " << http::redact_url(config.target.url)
        << ": "
        << (target ? "NOT USABLE: " + *target
                   : std::string("secret and files readable (not contacted)"))
        << '\n';
    if (target) problems.push_back(*target);
    RunLock lock(config.state, RunLock::Mode::shared);
    auto snapshot = state::StateStore::read_snapshot(config.state, config.target.name, false);
    auto location = state_location_problem(config.state);
    out << "State   " << config.state.string() << ": "
        << (location ? "NOT USABLE: " + *location
            : std::filesystem::exists(config.state)
                ? std::to_string(snapshot.resources.size()) + " users known"
                : std::string("not created yet (sync creates it)"))
        << '\n';
    if (location) problems.push_back(*location);
    // validate counts people: their bodies go as soon as they are mapped.
    auto mapped = read_and_map(
        prepared, [&](const std::string& id) { return snapshot.last_complete_read(id); }, false,
        [](scim::DesiredResource& desired, const auto&) { desired.let_go(); });
    guard_completeness(mapped, snapshot.last_complete_read(prepared.source->describe()),
                       config.source_guards, false);
    out << "Source  " << prepared.source->describe() << ": " << mapped.records << " records, "
        << mapped.desired.size() << " mapped\n";
    print_group_tally(out, "Groups  ", prepared.mapping, tally_groups(mapped.desired));
    print_rejections(out, mapped);
    auto unknown_managers =
        state::unknown_managers(mapped.desired, snapshot.resources, config.case_sensitive_keys);
    state::PlanPolicy departed;
    if (note_departed_managers(departed, unknown_managers, config))
        std::erase_if(unknown_managers, [&](const state::RejectedLink& link) {
            return departed.departed_managers.contains(
                state::identity_key(link.manager_key, config.case_sensitive_keys));
        });
    print_rejected_links(out, unknown_managers);
    print_attributes_the_target_lacks(out, prepared.mapping, snapshot);
    if (!mapped.read.complete()) problems.emplace_back("the source failed");
    if (!problems.empty()) {
        out << "\nNOT VALID: " << problems.size()
            << (problems.size() == 1 ? " problem" : " problems") << " above; sync would fail.\n";
        return ExitCode::failed;
    }
    const bool clean =
        mapped.rejections.empty() && mapped.failed_joins.empty() && unknown_managers.empty();
    out << (clean ? "\nValid: sync can run.\n"
                  : "\nValid, with the records above rejected: sync would leave them alone.\n");
    return clean ? ExitCode::ok : ExitCode::partial;
}

// Re-hires the admin approved with --hand-over OLD=NEW: OLD left the source and has an account,
// NEW is in the source and has none. Anything else is refused before anything is sent.
void check_hand_overs(const RunOptions& options, const state::StateSnapshot& snapshot,
                      const MappedSource& mapped, bool case_sensitive) {
    auto same = [&](std::string_view a, std::string_view b) {
        return state::same_key(a, b, case_sensitive);
    };
    auto known = [&](const std::string& key) -> const state::StoredResource* {
        for (const auto& resource : snapshot.resources)
            if (same(resource.key, key) && !resource.scim_id.empty()) return &resource;
        return nullptr;
    };
    auto in_source = [&](const std::string& key) {
        return std::ranges::any_of(mapped.desired, [&](const auto& d) { return same(d.key, key); });
    };
    for (const auto& [old_key, new_key] : options.hand_overs) {
        const std::string pair = "--hand-over " + old_key + "=" + new_key + ": ";
        if (!known(old_key)) throw ConfigError(pair + old_key + " has no account in the state");
        if (in_source(old_key))
            throw ConfigError(pair + old_key +
                              " is still in the source; only a key that left can hand over");
        if (!in_source(new_key)) throw ConfigError(pair + new_key + " is not in the source");
        if (known(new_key)) throw ConfigError(pair + new_key + " already has an account");
    }
}

// The snapshot as the hand-overs leave it (plan shows what sync will do).
void hand_over_in(state::StateSnapshot& snapshot, const RunOptions& options, bool case_sensitive) {
    for (const auto& hand_over : options.hand_overs) {
        // Named, not a structured binding: clang 14 (clang-tidy) cannot capture those.
        const auto& [old_key, new_key] = hand_over;
        const std::string& taking_over = new_key;
        std::erase_if(snapshot.resources, [&](const auto& resource) {
            return state::same_key(resource.key, taking_over, case_sensitive) &&
                   resource.scim_id.empty();
        });
        for (auto& resource : snapshot.resources)
            if (state::same_key(resource.key, old_key, case_sensitive)) resource.key = new_key;
    }
}

// The key as the state spells it.
std::string stored_spelling(const state::StateSnapshot& snapshot, const std::string& key,
                            const Config& config) {
    for (const auto& resource : snapshot.resources)
        if (state::same_key(resource.key, key, config.case_sensitive_keys)) return resource.key;
    return key;
}

void print_hand_overs(std::ostream& out, const RunOptions& options) {
    for (const auto& [old_key, new_key] : options.hand_overs)
        out << "Handed over (--hand-over): the account of " << old_key << ", who left, is now "
            << new_key << "'s.\n";
}

// An approval names the exact withheld set it was given for; a set that changed since (the
// HR file changed, someone else left) is not sent, and the run stays gated.
// Releases the users' withheld set when the approval names it; true when it did.
bool approve_withheld(state::Plan& plan, const RunOptions& options, std::ostream& out) {
    if (options.approve_withheld.empty() || !plan.stopped_by_gate ||
        plan.withheld_digest() != options.approve_withheld)
        return false;
    out << "Approved: the " << plan.withheld.size() << " withheld operations of set "
        << options.approve_withheld << " are sent.\n\n";
    plan.release_withheld();
    return true;
}

// The same for the groups' withheld removals (their sets start with "g").
bool approve_withheld(state::GroupPlan& plan, const RunOptions& options, std::ostream& out) {
    if (options.approve_withheld.empty() || plan.withheld.empty() ||
        plan.withheld_digest() != options.approve_withheld)
        return false;
    out << "Approved: the " << plan.withheld.size() << " withheld group changes of set "
        << options.approve_withheld << " are sent.\n\n";
    plan.release_withheld();
    return true;
}

// An approval that named neither withheld set.
void refuse_approval(const state::Plan& plan, const state::GroupPlan* groups,
                     const RunOptions& options, std::ostream& out) {
    const bool users = plan.stopped_by_gate && !plan.withheld.empty();
    const bool group_changes = groups && !groups->withheld.empty();
    if (!users && !group_changes) {
        out << "--approve-withheld " << options.approve_withheld
            << ": no safety gate withholds anything in this run; nothing to approve.\n\n";
        return;
    }
    out << "--approve-withheld " << options.approve_withheld
        << ": NOT APPLIED. The withheld set is now "
        << (users ? plan.withheld_digest() : groups->withheld_digest())
        << (users && group_changes ? " (users) and " + groups->withheld_digest() + " (groups)"
                                   : std::string())
        << ", not the one approved: review the plan again.\n\n";
}

// One connection to the target for a run: reading back and sending share it.
struct Connection {
    Connection(const Config& config, const http::Credentials& credentials)
        : http({std::chrono::seconds(10), config.target.timeout, config.target.ca_file,
                "hr2scim/0.1", config.target.max_concurrency, config.target.client_certificate,
                config.target.client_key}),
          client({config.target.name, config.target.url, credentials,
                  config.target.profile == "entra" ? scim::PatchStyle::entra
                                                   : scim::PatchStyle::rfc7644},
                 http,
                 http::RetryPolicy{config.target.max_retries + 1, std::chrono::milliseconds(500),
                                   std::chrono::seconds(60), std::chrono::seconds(300)},
                 config.target.requests_per_second) {}
    http::HttpClient http;
    scim::ScimClient client;
};

// The target is asked what it is before anything is sent; target.profile overrides it.
// Nothing when it cannot be used (the reason is printed).
std::optional<scim::Capabilities> preflight(const TargetConfig& target, scim::ScimClient& client,
                                            std::ostream& out,
                                            const std::optional<nlohmann::json>& earlier) {
    auto found = scim::discover(client);
    if (!found) {
        out << "NOT SENT: " << found.error() << "\n";
        spdlog::error("target {}: {}", target.name, found.error());
        return std::nullopt;
    }
    auto capabilities = std::move(*found);
    // What earlier runs learnt from its answers still holds.
    if (earlier) scim::carry_learnt(capabilities, scim::capabilities_from_state(*earlier));
    if (!capabilities.patch_refused.empty() && target.profile == "auto")
        spdlog::info("target {}: PATCH is not used ({}); changes are read-modify-write PUTs. "
                     "Say `target.profile: put_only` in the config to make it explicit",
                     target.name, capabilities.patch_refused);
    if (target.profile == "rfc7644") {
        capabilities.patch = capabilities.filter = true;
    } else if (target.profile == "put_only") {
        capabilities.patch = false;
    } else if (target.profile == "minimal") {
        capabilities.patch = capabilities.filter = false;
    }
    spdlog::info("target {} ({}): {}, {}{}", target.name, capabilities.described_by,
                 capabilities.patch ? "PATCH" : "no PATCH (PUT)",
                 capabilities.filter ? "filters" : "no filters (users listed once)",
                 target.profile == "auto" ? "" : ", as target.profile " + target.profile + " says");
    return capabilities;
}

std::set<std::string> unkept_paths(const scim::Capabilities& capabilities) {
    std::set<std::string> paths;
    for (const auto& [path, evidence] : capabilities.unkept)
        paths.insert(path);
    return paths;
}

// What the target says it lacks is left out of the stored bodies that were read (idempotent).
void leave_out_of_stored(const std::optional<scim::Capabilities>& capabilities,
                         std::vector<state::StoredResource>& resources) {
    if (!capabilities) return;
    for (auto& resource : resources) {
        if (!resource.has_body) continue;
        if (capabilities->user_attributes)
            (void)scim::drop_unknown_attributes(resource.body, *capabilities->user_attributes);
        (void)scim::drop_attributes(resource.body, unkept_paths(*capabilities));
    }
}

// Attributes the target says it does not have are left out of what is sent (and of what
// the state says was sent), instead of failing every request that names them.
bool leave_out_unknown(const scim::Capabilities& capabilities, MappedSource& mapped,
                       state::StateSnapshot& snapshot) {
    if (!capabilities.user_attributes && capabilities.unkept.empty()) return false;
    const auto unkept = unkept_paths(capabilities);
    std::set<std::string> dropped;
    bool learnt_dropped = false;
    // Attributes it lacks (its /Schemas), then those it does not keep (learnt from answers).
    auto leave_out = [&](nlohmann::json& body) {
        std::vector<std::string> paths;
        if (capabilities.user_attributes)
            paths = scim::drop_unknown_attributes(body, *capabilities.user_attributes);
        const bool any = scim::drop_attributes(body, unkept);
        learnt_dropped = learnt_dropped || any;
        return !paths.empty() || any ? std::optional(paths) : std::nullopt;
    };
    for (auto& desired : mapped.desired) {
        if (desired.let_go_of) continue; // unchanged at a glance with what the target had said
        if (desired.packed.empty()) {
            if (auto paths = leave_out(desired.body)) dropped.insert(paths->begin(), paths->end());
            continue;
        }
        auto body = desired.packed.parse();
        auto paths = leave_out(body);
        if (!paths) continue;
        desired.packed = scim::PackedJson(body);
        desired.sent_fingerprint.clear(); // planned the slow way
        dropped.insert(paths->begin(), paths->end());
    }
    leave_out_of_stored(capabilities, snapshot.resources);
    if (!dropped.empty())
        spdlog::warn("the target has no {} (its /Schemas says so); left out of what is sent",
                     fmt::format("{}", fmt::join(dropped, ", ")));
    if (learnt_dropped)
        spdlog::info("the target does not keep {} (learnt from its answers); left out of what is "
                     "sent and compared",
                     fmt::format("{}", fmt::join(unkept, ", ")));
    return !dropped.empty() || learnt_dropped;
}

// What a run sent: the users' outcomes, and the groups' where there were group operations.
struct Sent {
    std::vector<apply::Outcome> outcomes;
    apply::Tally tally;
    std::optional<apply::GroupResults> groups;
};

// What a target's answers taught is kept for the next runs and said once, here.
void keep_learnt(const apply::Learnt& learnt, const Config& config,
                 const scim::Capabilities& capabilities, state::StateStore& store,
                 std::ostream& out) {
    if (learnt.empty()) return;
    auto kept = capabilities;
    for (const auto& [path, evidence] : learnt.unkept)
        if (kept.unkept.emplace(path, evidence).second)
            out << "Learnt: the target does not keep " << path << " (" << evidence
                << "); left out of what is sent and compared from now on\n";
    if (!learnt.patch_refused.empty() && kept.patch_refused.empty()) {
        kept.patch_refused = learnt.patch_refused;
        out << "Learnt: the target does not take PATCH (" << learnt.patch_refused
            << "); changes are read-modify-write PUTs from now on. Say `target.profile: "
               "put_only` in the config to make it explicit\n";
    }
    if (learnt.member_cap > 0 && (kept.member_cap == 0 || learnt.member_cap < kept.member_cap)) {
        kept.member_cap = learnt.member_cap;
        kept.member_cap_evidence = learnt.member_cap_evidence;
        out << "Learnt: the target takes at most " << learnt.member_cap
            << " members in one group request (" << learnt.member_cap_evidence
            << "); group changes are sent in requests of that size from now on. Set "
               "`target.max_member_changes_per_patch` to say so\n";
    }
    store.remember_capabilities(config.target.name, scim::to_json(kept));
}

// Sends a plan to the target, the users' operations and then the groups'; each outcome
// reaches the state as it arrives.
Sent execute(const Config& config, scim::ScimClient& client, state::StateStore& store,
             const state::StateSnapshot& snapshot, const state::Plan& plan,
             const state::GroupPlan* groups, mappings::Instant now,
             const scim::Capabilities& capabilities, bool quiet, std::int64_t run_id,
             std::ostream& out) {
    apply::StateRecorder to_state(store, config.target.name, now, run_id, config.audit_sensitive);
    ProgressLine recorder(to_state, plan.operations.size(),
                          !quiet && ProgressLine::stderr_is_terminal(), stderr);
    apply::Executor executor(client, recorder, owners_of(snapshot, config.case_sensitive_keys),
                             {config.target.breaker, config.target.max_concurrency, capabilities,
                              config.target.bulk, config.case_sensitive_keys});
    Sent sent;
    sent.outcomes = executor.run(plan);
    sent.tally = apply::tally(sent.outcomes, executor.abandoned());
    if (groups && !groups->operations.empty()) {
        // Members need their users' ids: the state after the users' operations has them.
        sent.groups = apply::tally(
            executor.run_groups(*groups, store.snapshot(config.target.name, false).resources));
    }
    keep_learnt(executor.learnt(), config, capabilities, store, out);
    return sent;
}

// The audit trail's entries for what the run held back: each withheld operation with the
// reason, and each rejected record; an entry the person's last one already says is not
// repeated run after run.
void record_held_back(state::StateStore& store, std::int64_t run_id, const Config& config,
                      const state::Plan& plan, const std::vector<connectors::Rejection>& rejected) {
    store.write_batch([&](state::StateStore& batch) {
        for (const auto& operation : plan.withheld) {
            auto entry =
                apply::audit_entry(operation, config.target.name, run_id, config.audit_sensitive);
            entry.status = "withheld";
            entry.error = plan.withheld_reason.value_or("");
            batch.append_audit(entry, true);
        }
        for (const auto& rejection : rejected) {
            if (rejection.key.empty()) continue; // no person to file it under
            batch.append_audit({.run_id = run_id,
                                .target = config.target.name,
                                .key = rejection.key,
                                .operation = "reject record",
                                .status = "rejected",
                                .error = rejection.reason,
                                .reason = rejection.origin},
                               true);
        }
    });
}

std::string file_fingerprint(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return state::body_hash(nlohmann::json(text.str()));
}

state::PlanOrigin origin_of(const Prepared& prepared, const state::StateSnapshot& snapshot) {
    return {prepared.config.target.name, file_fingerprint(prepared.config.file),
            file_fingerprint(prepared.mapping.file),
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

// Applies a reviewed plan file exactly: its operations and what it withheld; nothing if the
// config, the mapping or the state changed since it was made.
ExitCode apply_plan_file(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    RunLock lock(config.state, RunLock::Mode::exclusive);
    auto parsed = http::parse_json_body(
        read_text_file(options.plan_file, "the plan file", state::k_max_plan_file_bytes));
    if (!parsed) throw ConfigError(options.plan_file.string() + ": " + parsed.error());
    auto file = state::plan_from_json(*parsed);
    if (!file) throw ConfigError(options.plan_file.string() + ": " + file.error());
    if (auto problem = target_problem(config.target)) throw ConfigError(*problem);
    const auto credentials = resolve_credentials(config.target);
    state::StateStore store(config.state);
    const auto snapshot = store.snapshot(config.target.name);
    const auto now = origin_of(prepared, snapshot);
    std::vector<std::string> changed;
    if (file->origin.target != now.target)
        changed.push_back("it is for target " + file->origin.target + ", not " + now.target);
    if (file->origin.config_fingerprint != now.config_fingerprint)
        changed.emplace_back("the config changed");
    if (file->origin.mapping_fingerprint != now.mapping_fingerprint)
        changed.emplace_back("the mapping changed");
    if (file->origin.state_revision != now.state_revision)
        changed.emplace_back("the state changed (another run applied changes)");
    if (!changed.empty()) {
        std::string why;
        for (const auto& reason : changed)
            why += (why.empty() ? "" : "; ") + reason;
        out << "NOT APPLIED: since " << options.plan_file.string() << " was made, " << why
            << ". Make and review a new plan.\n";
        return ExitCode::failed;
    }
    // The digest matched; still, every account it names must be the one the state holds for
    // that key: an edited scim_id would change an account hr2scim never managed.
    if (auto foreign =
            state::foreign_account(file->plan, snapshot.resources, config.case_sensitive_keys)) {
        out << "NOT APPLIED: " << options.plan_file.string() << ": " << *foreign
            << ". Nothing was sent. Make and review a new plan.\n";
        return ExitCode::failed;
    }
    if (auto foreign = state::foreign_group(file->groups, snapshot.groups)) {
        out << "NOT APPLIED: " << options.plan_file.string() << ": " << *foreign
            << ". Nothing was sent. Make and review a new plan.\n";
        return ExitCode::failed;
    }
    out << "Plan " << options.plan_file.string() << " (operations digest " << file->digest
        << ") matches the config, the mapping and the state.\n";
    auto& plan = file->plan;
    plan.release_withheld();
    print_plan(out, plan, config.target.name, options.show_operations);
    auto& groups = file->groups;
    groups.release_withheld();
    print_group_operations(out, groups);
    auto started = std::chrono::steady_clock::now();
    auto run_id = store.begin_run(config.target.name, "apply");
    Connection target(config, credentials);
    auto capabilities = preflight(config.target, target.client, out, snapshot.target_capabilities);
    if (!capabilities) {
        store.finish_run(run_id, {}, static_cast<int>(ExitCode::failed));
        return ExitCode::failed;
    }
    auto [outcomes, result, groups_sent] =
        execute(config, target.client, store, snapshot, plan, &groups, file->origin.as_of,
                *capabilities, options.quiet, run_id, out);
    state::RunCounts counts{0,
                            result.created,
                            result.updated,
                            result.deactivated,
                            result.reactivated,
                            0,
                            0,
                            result.failed + result.skipped,
                            0,
                            true};
    ExitCode code = result.abandoned                     ? ExitCode::failed
                    : result.failed + result.skipped > 0 ? ExitCode::partial
                                                         : ExitCode::ok;
    if (code == ExitCode::ok && groups_sent && groups_sent->failed > 0) code = ExitCode::partial;
    if (groups_sent && groups_sent->not_sent > 0) code = ExitCode::failed;
    store.finish_run(run_id, counts, static_cast<int>(code));
    store.record_run_outcomes(run_id, outcomes_by_kind(outcomes));
    print_summary(
        out, config.target.name, counts, result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    print_outcomes(out, outcomes, result, options.show_operations);
    if (groups_sent) print_groups_sent(out, config.target.name, *groups_sent);
    return code;
}

// target.reconcile_every: due after that many syncs, or that long, since the last one; and
// when there never was one.
bool reconcile_due(const TargetConfig& target, state::StateStore& store, mappings::Instant now) {
    if (!target.reconcile_every_runs && !target.reconcile_every) return false;
    auto last = store.last_reconcile(target.name);
    if (!last) return true;
    if (target.reconcile_every_runs && last->syncs_since + 1 >= *target.reconcile_every_runs)
        return true;
    return target.reconcile_every &&
           (!last->started_at || now - *last->started_at >= *target.reconcile_every);
}

// sync --reconcile: the snapshot as the target really holds the managed attributes.
Drift read_back(scim::ScimClient& client, state::StateSnapshot& snapshot,
                const mappings::Mapping& mapping, std::ostream& out) {
    auto drift = reconcile(client, snapshot, managed_paths(mapping));
    if (!mapping.groups.empty()) reconcile_groups(client, snapshot, drift);
    out << "Reconciled " << drift.checked << " users with the target: " << drift.changed.size()
        << " differed from what was sent, " << drift.vanished.size() << " vanished";
    if (drift.groups_checked > 0) {
        size_t missing = 0;
        for (const auto& [group, members] : drift.members_missing)
            missing += members.size();
        out << "; " << drift.groups_checked << " groups: " << drift.groups_vanished.size()
            << " vanished, " << missing << " members removed by someone else";
    }
    if (!drift.unreadable.empty())
        out << ", " << drift.unreadable.size() << " could not be read (left as they are)";
    out << ".\n\n";
    for (const auto& why : drift.unreadable)
        spdlog::warn("reconcile: {}", why);
    return drift;
}

// Operations that repair drift are shown as such; a vanished account nobody recreates is
// forgotten, so that no later run acts on an account that is not there.
void mark_repairs(state::Plan& plan, const Drift& drift, state::StateStore& store,
                  const std::string& target) {
    std::set<std::string> recreated;
    for (auto& operation : plan.operations) {
        const bool vanished = drift.vanished.contains(operation.key);
        if (!vanished && !drift.changed.contains(operation.key)) continue;
        operation.repair = true;
        operation.decision = vanished ? "vanished from the target; created again"
                                      : "drift: the target no longer held what was sent";
        if (vanished) recreated.insert(operation.key);
    }
    for (const auto& key : drift.vanished)
        if (!recreated.contains(key)) store.forget(target, key);
}

// Group operations that repair drift say so (in the plan and the audit trail).
void mark_group_repairs(state::GroupPlan& plan, const Drift& drift) {
    for (auto& operation : plan.operations) {
        if (drift.groups_vanished.contains(operation.key))
            operation.decision = "vanished from the target; created again";
        else if (operation.kind == state::GroupOperationKind::add_members &&
                 drift.members_missing.contains(operation.key))
            operation.decision = "drift: removed on the target by someone else; put back";
    }
}

ExitCode plan_or_sync(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    const bool sync = options.command == Command::sync;
    // plan reads the state without creating or migrating it; sync owns it for the run.
    RunLock lock(config.state, sync ? RunLock::Mode::exclusive : RunLock::Mode::shared);
    http::Credentials credentials;
    std::optional<state::StateStore> store;
    if (sync) {
        if (auto problem = target_problem(config.target))
            throw ConfigError(*problem); // before any work
        credentials = resolve_credentials(config.target);
        store.emplace(config.state);
    }
    const auto wall_started = std::chrono::system_clock::now();
    const bool reconciling =
        sync && (options.reconcile || reconcile_due(config.target, *store, prepared.now));
    // At scale: the state is read without bodies, each person is packed with a fingerprint as
    // soon as mapped, and only those whose fingerprint differs from the state's are diffed.
    // Reconciling compares every body, and hand-overs move keys: both read everything.
    const bool at_a_glance = !reconciling && options.hand_overs.empty();
    auto snapshot =
        store ? store->snapshot(config.target.name, !at_a_glance)
              : state::StateStore::read_snapshot(config.state, config.target.name, !at_a_glance);
    const auto cached =
        snapshot.target_capabilities
            ? std::optional(scim::capabilities_from_state(*snapshot.target_capabilities))
            : std::nullopt;
    std::optional<state::StoredIndex> index;
    std::atomic<bool> released = false; // bodies of people unchanged at a glance were let go
    auto map_source = [&](const std::optional<scim::Capabilities>& known) {
        FinishMapped finish;
        if (at_a_glance) {
            index.emplace(snapshot.resources, config.case_sensitive_keys);
            finish = [&, unkept = known ? unkept_paths(*known) : std::set<std::string>()](
                         scim::DesiredResource& desired,
                         const std::vector<scim::AttributePath>& kept_paths) {
                // What the target said it lacks, or was seen not to keep, is left out before
                // the fingerprint is taken.
                if (known && known->user_attributes)
                    (void)scim::drop_unknown_attributes(desired.body, *known->user_attributes);
                (void)scim::drop_attributes(desired.body, unkept);
                state::pack_for_planning(
                    desired, desired.manager_key ? index->scim_id(*desired.manager_key) : nullptr);
                // Joined sources were read first: the paths a failed one keeps are known.
                if (state::unchanged_at_a_glance(desired, *index, kept_paths)) {
                    desired.let_go(); // planning needs its fingerprint only
                    released = true;
                }
            };
        }
        return read_and_map(
            prepared, [&](const std::string& id) { return snapshot.last_complete_read(id); }, false,
            finish);
    };
    auto mapped = map_source(cached);
    // The run report and the metrics, once the run is closed in the state; a file that cannot
    // be written is logged and does not change what the run did.
    auto write_outputs = [&](RunReportInputs report) {
        report.target = config.target.name;
        report.command = reconciling ? "sync --reconcile" : "sync";
        report.started = wall_started;
        report.finished = std::chrono::system_clock::now();
        report.records = mapped.records;
        report.source_complete = mapped.read.complete();
        report.rejections = &mapped.rejections;
        try {
            if (!options.report.empty()) write_run_report(options.report, report);
            if (!config.metrics_textfile.empty())
                write_file_atomically(config.metrics_textfile,
                                      prometheus_metrics(state::read_history(config.state, 20)),
                                      0644);
        } catch (const std::exception& error) {
            spdlog::error("{}", error.what());
        }
    };
    // A target that cannot be used ends the run before anything is sent; it is a run all the
    // same (the state, the metrics and the report count it).
    auto unusable_target = [&](const state::Plan* plan) {
        state::RunCounts counts;
        counts.records = mapped.records;
        counts.rejected = mapped.rejections.size();
        counts.source_complete = mapped.read.complete();
        const auto id = store->begin_run(config.target.name, "sync");
        store->finish_run(id, counts, static_cast<int>(ExitCode::failed));
        write_outputs({.run_id = id,
                       .exit_code = static_cast<int>(ExitCode::failed),
                       .plan = plan,
                       .stopped_because = "the target could not be used (the log says why)"});
        return ExitCode::failed;
    };
    if (!options.hand_overs.empty()) {
        check_hand_overs(options, snapshot, mapped, config.case_sensitive_keys);
        if (store) {
            for (const auto& [old_key, new_key] : options.hand_overs)
                if (!store->hand_over(config.target.name,
                                      stored_spelling(snapshot, old_key, config), new_key))
                    throw ConfigError("--hand-over " + old_key + "=" + new_key +
                                      ": the state changed");
            snapshot = store->snapshot(config.target.name);
        } else {
            hand_over_in(snapshot, options, config.case_sensitive_keys);
        }
        print_hand_overs(out, options);
    }
    std::optional<Drift> drift;
    // The target is contacted only when there is something to read back or to send: a run
    // with nothing to do sends no request at all.
    std::optional<Connection> target;
    std::optional<scim::Capabilities> capabilities;
    auto connect = [&] {
        if (!target) {
            target.emplace(config, credentials);
            capabilities =
                preflight(config.target, target->client, out, snapshot.target_capabilities);
            if (capabilities)
                store->remember_capabilities(config.target.name, scim::to_json(*capabilities));
        }
        return capabilities.has_value();
    };
    // What the target said about itself last time: its missing attributes are left out of
    // the plan before anyone asks it again (plan included).
    if (cached && !at_a_glance) leave_out_unknown(*cached, mapped, snapshot);
    if (reconciling) {
        if (!connect()) return unusable_target(nullptr);
        leave_out_unknown(*capabilities, mapped, snapshot);
        drift = read_back(target->client, snapshot, prepared.mapping, out);
    }
    const std::string source_id = prepared.source->describe();
    guard_completeness(mapped, snapshot.last_complete_read(source_id), config.source_guards,
                       options.allow_shrink);
    auto make_plan = [&] {
        auto policy = policy_for(prepared, options, mapped);
        policy.absences = snapshot.absences;
        if (at_a_glance) { // the bodies planning will read
            auto which = state::resources_needing_bodies(mapped.desired, snapshot.resources, policy,
                                                         &*index);
            if (store) {
                store->fill_bodies(config.target.name, snapshot.resources, which);
            } else {
                state::StateStore::read_bodies(config.state, config.target.name, snapshot.resources,
                                               which);
            }
            leave_out_of_stored(capabilities ? capabilities : cached, snapshot.resources);
        }
        auto started = std::chrono::steady_clock::now();
        auto made = state::make_plan(mapped.desired, snapshot.resources, policy,
                                     at_a_glance ? &*index : nullptr);
        if (note_departed_managers(policy, made.rejected_links, config))
            made = state::make_plan(mapped.desired, snapshot.resources, policy,
                                    at_a_glance ? &*index : nullptr);
        spdlog::info(
            "planned {} operations for {} people in {:.2f} s", made.operations.size(),
            mapped.desired.size(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        return made;
    };
    auto plan = make_plan();
    const bool approving = !options.approve_withheld.empty() && !plan.withheld.empty();
    if (sync && !target && (!plan.operations.empty() || approving)) {
        if (!connect()) return unusable_target(&plan);
        const bool same = cached && scim::to_json(*cached) == scim::to_json(*capabilities);
        if (at_a_glance && !same && released) {
            mapped = map_source(capabilities); // bodies let go of may hold what it lacks
            leave_out_of_stored(capabilities, snapshot.resources);
            plan = make_plan();
        } else if (!same && leave_out_unknown(*capabilities, mapped, snapshot)) {
            plan = make_plan();
        }
    }
    if (drift) mark_repairs(plan, *drift, *store, config.target.name);
    bool approved = approve_withheld(plan, options, out);
    print_plan(out, plan, config.target.name, options.show_operations);
    std::optional<state::GroupPlan> group_plan;
    if (!prepared.mapping.groups.empty()) {
        const auto desired_groups =
            state::collect_groups(mapped.desired, config.case_sensitive_keys);
        const auto policy = policy_for(prepared, options, mapped);
        group_plan =
            state::plan_groups({desired_groups, snapshot.groups, mapped.desired, snapshot.resources,
                                plan, policy.protected_keys, policy.source_incomplete},
                               config.groups);
        if (drift) mark_group_repairs(*group_plan, *drift);
        approved = approve_withheld(*group_plan, options, out) || approved;
        print_group_plan(out, prepared.mapping, tally_groups(mapped.desired), *group_plan);
        if (sync && !target && !group_plan->operations.empty() && !connect())
            return unusable_target(&plan);
    }
    if (!options.approve_withheld.empty() && !approved)
        refuse_approval(plan, group_plan ? &*group_plan : nullptr, options, out);
    print_rejections(out, mapped, options.show_operations);
    if (!sync) {
        if (!options.plan_out.empty()) {
            write_plan_file(options.plan_out, plan, group_plan ? &*group_plan : nullptr,
                            origin_of(prepared, snapshot), config.file, out);
        }
        return plan_exit_code(plan, mapped, options.detailed_exitcode);
    }

    if (auto why = apply::stop_requested()) {
        spdlog::warn("stopped before sending anything ({})", *why);
        return ExitCode::failed;
    }
    auto started = std::chrono::steady_clock::now();
    auto run_id = store->begin_run(config.target.name, reconciling ? "sync --reconcile" : "sync");
    record_held_back(*store, run_id, config, plan, mapped.rejections);
    std::vector<apply::Outcome> outcomes;
    apply::Tally result;
    std::optional<apply::GroupResults> groups_sent;
    if (target) { // nothing to send otherwise
        plan.unpack_bodies();
        auto sent = execute(config, target->client, *store, snapshot, plan,
                            group_plan ? &*group_plan : nullptr, prepared.now, *capabilities,
                            options.quiet, run_id, out);
        outcomes = std::move(sent.outcomes);
        result = sent.tally;
        groups_sent = std::move(sent.groups);
    }
    state::RunCounts counts{mapped.records,           result.created,
                            result.updated,           result.deactivated,
                            result.reactivated,       plan.unchanged,
                            mapped.rejections.size(), result.failed + result.skipped,
                            plan.withheld.size(),     mapped.read.complete()};
    auto code = sync_exit_code(plan, mapped, result);
    if (code == ExitCode::ok && group_plan && !group_plan->withheld.empty())
        code = ExitCode::safety_stop;
    if (code == ExitCode::ok && groups_sent && groups_sent->failed > 0) code = ExitCode::partial;
    if (code != ExitCode::failed && groups_sent && groups_sent->not_sent > 0)
        code = ExitCode::failed; // the target was given up during the groups
    if (mapped.read.complete()) store->record_complete_read(source_id, mapped.yielded);
    if (plan.absences_counted) store->record_absences(config.target.name, plan.absences);
    for (const auto& [id, count] : mapped.complete_reads)
        store->record_complete_read(id, count);
    store->finish_run(run_id, counts, static_cast<int>(code));
    store->record_run_outcomes(run_id, outcomes_by_kind(outcomes));
    if (const auto pruned = store->prune_audit(config.audit_keep); pruned > 0)
        spdlog::info("audit: {} entries older than {} days pruned", pruned,
                     config.audit_keep.count());
    write_outputs({.run_id = run_id,
                   .exit_code = static_cast<int>(code),
                   .plan = &plan,
                   .outcomes = &outcomes,
                   .tally = &result});
    print_summary(
        out, config.target.name, counts, result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (snapshot.resources.empty() && result.adopted > 0) // a lost or mistyped state file
        out << "no state: " << result.adopted << " existing accounts matched (looked up on the "
            << "target and taken over, not created a second time)\n";
    print_outcomes(out, outcomes, result, options.show_operations);
    if (groups_sent) print_groups_sent(out, config.target.name, *groups_sent);
    return code;
}

void print_source_values(std::ostream& out, const connectors::Record& record) {
    out << "Source values:\n";
    for (const auto& [name, values] : record.attributes) {
        out << "  " << name << " =";
        for (const auto& value : values)
            out << " "
                << nlohmann::json(value).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace);
        out << '\n';
    }
}

void print_rule_outcomes(std::ostream& out, const mappings::Mapping& mapping,
                         const connectors::Record& record, mappings::Instant now) {
    out << "\nMapped attributes (" << mapping.file.string() << "):\n";
    for (const auto& outcome : mappings::trace_record(mapping, record, now)) {
        out << "  " << outcome.target << " = "
            << (outcome.value.empty()
                    ? std::string("(none)")
                    : nlohmann::json(outcome.value)
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
            << "    from " << outcome.rule;
        if (!outcome.note.empty()) out << "    [" << outcome.note << "]";
        out << '\n';
    }
}

std::string_view disposition_name(scim::Disposition disposition) {
    switch (disposition) {
    case scim::Disposition::provision:
        return "provisioned";
    case scim::Disposition::hold:
        return "left alone";
    case scim::Disposition::out_of_scope:
        return "out of scope";
    }
    return "?";
}

void print_decision(std::ostream& out, const Prepared& prepared,
                    const scim::DesiredResource& desired) {
    const auto& mapping = prepared.mapping;
    out << "\nScope and lifecycle (as of " << mappings::format_instant(prepared.now) << "):\n";
    if (!mapping.scope.include && !mapping.scope.exclude)
        out << "  scope: everyone in the source\n";
    if (mapping.scope.include) out << "  scope include: " << mapping.scope.include_text << '\n';
    if (mapping.scope.exclude) out << "  scope exclude: " << mapping.scope.exclude_text << '\n';
    if (!mapping.lifecycle.time_zone) out << "  lifecycle: none (no dates in the mapping)\n";
    out << "  => " << disposition_name(desired.disposition);
    if (!desired.decision.empty()) out << ": " << desired.decision;
    out << '\n';
    if (desired.manager_key) out << "  manager: source key " << *desired.manager_key << '\n';
}

// One person, end to end, without writing anything: what the source has, what each rule
// makes of it, the SCIM body, and what the planner would send.
ExitCode explain(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    const auto& config = prepared.config;
    RunLock lock(config.state, RunLock::Mode::shared);
    const auto snapshot = state::StateStore::read_snapshot(config.state, config.target.name);
    const auto& stored = snapshot.resources;
    auto mapped = read_and_map(
        prepared, [&](const std::string& id) { return snapshot.last_complete_read(id); }, true);
    const auto* record = [&]() -> const connectors::Record* {
        for (const auto& candidate : mapped.read.records)
            if (candidate.key == options.key) return &candidate;
        return nullptr;
    }();
    bool rejected = false;
    for (const auto& rejection : mapped.rejections) {
        if (rejection.key != options.key) continue;
        out << "REJECTED " << rejection.origin << ": " << rejection.reason << "\n\n";
        rejected = true;
    }
    const auto* known = [&]() -> const state::StoredResource* {
        for (const auto& resource : stored)
            if (resource.key == options.key) return &resource;
        return nullptr;
    }();
    if (!record) {
        if (rejected) {
            out << "The record with the key " << options.key
                << " was rejected: sync leaves its user as it is.\n";
            return ExitCode::partial;
        }
        out << "The source has no record with the key " << options.key << ".\n";
        if (!known) {
            out << "The state does not know it either: nobody has that key.\n";
            return ExitCode::failed;
        }
        out << "The state knows it (" << state::to_string(known->status) << ", SCIM id "
            << known->scim_id << "): ";
        auto policy = policy_for(prepared, options, mapped);
        policy.absences = snapshot.absences;
        const auto plan = state::make_plan(mapped.desired, stored, policy);
        const auto absence = std::ranges::find(plan.absences, known->key, &state::Absence::key);
        if (absence != plan.absences.end() && !absence->confirmed) {
            out << "absent from " << absence->reads << " complete read(s) so far; sync would "
                << "not deactivate it yet (" << absence->until << ").\n";
        } else {
            out << "sync would deactivate it, subject to the safety gates.\n";
        }
        return ExitCode::ok;
    }
    out << "Record " << record->key << " from " << record->origin << "\n\n";
    print_source_values(out, *record);
    print_rule_outcomes(out, prepared.mapping, *record, prepared.now);
    const auto* desired = [&]() -> const scim::DesiredResource* {
        for (const auto& resource : mapped.desired)
            if (resource.key == options.key) return &resource;
        return nullptr;
    }();
    if (!desired) return ExitCode::partial;
    print_decision(out, prepared, *desired);
    print_person_groups(out, prepared.mapping, *record, *desired, prepared.now);
    out << "\nSCIM body:\n"
        << desired->body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n\n";
    // The whole run is planned, so that managers resolve and the gates count as sync would;
    // only this person's operations are shown.
    auto policy = policy_for(prepared, options, mapped);
    policy.absences = snapshot.absences;
    auto plan = state::make_plan(mapped.desired, stored, policy);
    if (note_departed_managers(policy, plan.rejected_links, config))
        plan = state::make_plan(mapped.desired, stored, policy);
    auto other = [&](const auto& operation) { return operation.key != options.key; };
    std::erase_if(plan.operations, other);
    std::erase_if(plan.withheld, other);
    std::erase_if(plan.absences, other);
    std::erase_if(plan.rejected_links, other);
    std::erase_if(plan.unlinked_managers,
                  [&](const std::string& line) { return !line.starts_with(options.key + ":"); });
    plan.unchanged = plan.operations.empty() && plan.withheld.empty() && known ? 1 : 0;
    plan.protected_keys = 0;
    plan.held = desired->disposition == scim::Disposition::hold && known ? 1 : 0;
    print_plan(out, plan, config.target.name);
    return ExitCode::ok;
}

} // namespace

// What ends a run before it starts (a bad config, mapping or state) is logged and exit 1.
template <typename Run> ExitCode reporting_errors(Run&& run) {
    try {
        return run();
    } catch (const ConfigError& error) {
        spdlog::error("{}", error.what());
    } catch (const mappings::MappingError& error) {
        spdlog::error("{}", error.what());
    } catch (const state::StateError& error) {
        spdlog::error("state: {}", error.what());
    } catch (const std::exception& error) {
        spdlog::critical("unexpected error: {}", error.what());
    }
    return ExitCode::failed;
}

ExitCode run_prepared(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    if (options.command == Command::validate) return validate(prepared, out);
    if (options.command == Command::explain) return explain(prepared, options, out);
    if (options.command == Command::apply) return apply_plan_file(prepared, options, out);
    return plan_or_sync(prepared, options, out);
}

// How much an exit code matters when several targets give one each: could not run, then a
// safety stop, then partial, then changes (plan --detailed-exitcode), then ok.
int severity(ExitCode code) {
    switch (code) {
    case ExitCode::failed:
        return 4;
    case ExitCode::safety_stop:
        return 3;
    case ExitCode::partial:
        return 2;
    case ExitCode::changes_pending:
        return 1;
    default:
        return 0;
    }
}

// Each target in turn, from one read of the sources: a target that fails does not stop the
// others, and the summary says which did what.
ExitCode run_each_target(std::vector<Config>& configs, const RunOptions& options,
                         std::ostream& out) {
    if (options.command == Command::apply || !options.plan_out.empty() ||
        !options.approve_withheld.empty() || !options.hand_overs.empty())
        throw ConfigError("the config has " + std::to_string(configs.size()) +
                          " targets: apply, plan --out, --approve-withheld and --hand-over act "
                          "on one; name it with --target NAME");
    SharedSources shared;
    std::vector<std::pair<std::string, ExitCode>> results;
    for (auto& config : configs) {
        const std::string name = config.target.name;
        out << (results.empty() ? "" : "\n") << "=== Target " << name << " ===\n";
        RunOptions one = options;
        if (!options.report.empty()) {
            one.report = options.report;
            one.report.replace_filename(options.report.stem().string() + "." + name +
                                        options.report.extension().string());
        }
        const auto code = reporting_errors([&] {
            auto prepared = prepare(std::move(config), options.log_level, options.as_of,
                                    options.pinned, &shared);
            return run_prepared(prepared, one, out);
        });
        results.emplace_back(name, code);
    }
    ExitCode worst = ExitCode::ok;
    std::string summary;
    for (const auto& [name, code] : results) {
        summary += (summary.empty() ? "" : "; ") + name + " " +
                   (code == ExitCode::failed ? std::string("FAILED")
                                             : result_name(static_cast<int>(code))) +
                   " (exit " + std::to_string(static_cast<int>(code)) + ")";
        if (severity(code) > severity(worst)) worst = code;
    }
    out << "\nTargets: " << summary << ".\n";
    return worst;
}

ExitCode run(const RunOptions& options, std::ostream& out) {
    if (options.command == Command::history) {
        const auto config = load_config(options.config);
        const auto records =
            state::read_audit(config.state, options.key, config.case_sensitive_keys);
        if (records.empty()) {
            out << "No history for " << options.key << ": the audit trail of "
                << config.state.string() << " has no entry about it (entries are kept "
                << config.audit_keep.count() << " days).\n";
            return ExitCode::failed;
        }
        print_history(out, options.key, records);
        return ExitCode::ok;
    }
    if (options.command == Command::status) {
        const auto config = load_config(options.config);
        print_status(out, state::read_history(config.state, options.status_runs), config.state);
        return ExitCode::ok;
    }
    auto configs = one_config_per_target(read_config(options), options.target);
    if (configs.size() > 1) return run_each_target(configs, options, out);
    auto prepared =
        prepare(std::move(configs.front()), options.log_level, options.as_of, options.pinned);
    return run_prepared(prepared, options, out);
}

ExitCode run_reporting_errors(const RunOptions& options, std::ostream& out) {
    return reporting_errors([&] { return run(options, out); });
}

void check_config(const RunOptions& options) {
    SharedSources shared;
    for (auto& config : one_config_per_target(read_config(options)))
        (void)prepare(std::move(config), options.log_level, options.as_of, options.pinned, &shared);
}

} // namespace hr2scim::agent
