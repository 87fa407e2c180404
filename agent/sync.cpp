#include "agent/sync.hpp"

#include "agent/approval.hpp"
#include "agent/daily_cap.hpp"
#include "agent/drift_repair.hpp"
#include "agent/first_run.hpp"
#include "agent/group_report.hpp"
#include "agent/hand_over.hpp"
#include "agent/left_out_attributes.hpp"
#include "agent/outcome_printer.hpp"
#include "agent/pace_estimate.hpp"
#include "agent/plan_files.hpp"
#include "agent/plan_html.hpp"
#include "agent/plan_policy.hpp"
#include "agent/plan_printer.hpp"
#include "agent/read_and_map.hpp"
#include "agent/run_lock.hpp"
#include "agent/run_session.hpp"
#include "agent/send_users.hpp"
#include "agent/target_checks.hpp"
#include "agent/target_connection.hpp"
#include "agent/token_expiry.hpp"
#include "agent/upload_confirmation.hpp"
#include "apply/run_recorder.hpp"
#include "apply/stop_request.hpp"
#include "scim/write_check.hpp"
#include "state/group_plan.hpp"
#include "state/planner.hpp"
#include "state/sqlite.hpp"
#include "state/state_store.hpp"

#include <atomic>
#include <chrono>
#include <spdlog/spdlog.h>
#include <system_error>
#include <thread>
#include <tuple>

namespace hr2scim::agent {
namespace {

// One plan or sync of one target, step by step; the steps share what the run has read.
class PlanOrSync {
  public:
    PlanOrSync(const Prepared& prepared, const RunOptions& options, std::ostream& out)
        : m_prepared(prepared), m_config(prepared.config), m_options(options),
          m_plan_as_json(options.command == Command::plan && options.output == OutputFormat::json),
          m_out(m_plan_as_json ? m_discarded : out), m_json_out(out),
          m_sync(options.command == Command::sync),
          // plan reads the state without creating or migrating it; sync owns it for the run.
          m_lock(m_config.state, m_sync ? RunLock::Mode::exclusive : RunLock::Mode::shared) {}
    PlanOrSync(const PlanOrSync&) = delete;
    PlanOrSync& operator=(const PlanOrSync&) = delete;
    ~PlanOrSync() { free_on_two_cores(); }

    ExitCode run();
    // After run() of a plan: what a sync would have stopped at.
    [[nodiscard]] PlanVerdict verdict() const {
        return {.gate_stopped = m_plan.stopped_by_gate,
                .withheld = m_plan.withheld.size(),
                .reason = m_plan.withheld_reason,
                .groups_withheld = m_group_plan ? m_group_plan->withheld.size() : 0,
                .group_reasons =
                    m_group_plan ? m_group_plan->withheld_reasons : std::vector<std::string>{},
                .rejected_links = m_plan.rejected_links.size()};
    }

  private:
    void free_on_two_cores() noexcept;
    void open_state();
    void read_state_and_source();
    [[nodiscard]] FinishMapped pack_at_a_glance(std::optional<scim::Capabilities> known);
    [[nodiscard]] MappedSource map_source(const std::optional<scim::Capabilities>& known);
    void hand_over();
    bool connect();
    [[nodiscard]] std::optional<scim::Capabilities> known() const;
    [[nodiscard]] state::Plan make_plan();
    void fill_bodies(const state::PlanPolicy& policy);
    [[nodiscard]] bool needs_target() const;
    void plan_again_for_target();
    [[nodiscard]] state::GroupPlan plan_groups();
    void print_plans();
    [[nodiscard]] ExitCode finish_plan();
    [[nodiscard]] ExitCode close_unusable(const state::Plan* plan);
    // A first run (the state holds nobody for the target) told to take accounts over.
    [[nodiscard]] bool adopting() const {
        return m_options.adopt_existing && m_snapshot.resources.empty();
    }
    void print_first_run_note();
    void check_earlier_uploads();
    [[nodiscard]] ExitCode close_adoption_stop(const FirstRunStop& stop);
    [[nodiscard]] ExitCode send();
    void record_reads();
    [[nodiscard]] state::RunCounts run_counts(const apply::Tally& result) const;
    [[nodiscard]] RunFacts sync_facts(const apply::Tally& result,
                                      const std::optional<apply::GroupResults>& groups) const;
    // "sync" or "run" (a cycle of the service loop), as the state records the run.
    [[nodiscard]] std::string base_command() const {
        return m_options.service_loop ? "run" : "sync";
    }
    [[nodiscard]] std::string run_command() const {
        return base_command() + (m_reconciling ? " --reconcile" : "");
    }
    // A daily cap of the target is spent: nothing is sent, not even a read.
    [[nodiscard]] bool cap_spent() const { return m_caps.spent() != nullptr; }
    [[nodiscard]] state::RunCounts with_requests_sent(state::RunCounts counts) const;
    void defer_for_the_cap(std::vector<apply::Outcome>& outcomes, apply::Tally& result) const;
    void not_sent_for_the_stop(const std::string& why, std::vector<apply::Outcome>& outcomes,
                               apply::Tally& result) const;

    const Prepared& m_prepared;
    const Config& m_config;
    const RunOptions& m_options;
    // plan -o json: standard output holds the plan file's JSON only, so the listing, the
    // summary and the notes go to a stream that writes nowhere (no buffer: every write fails
    // quietly).
    const bool m_plan_as_json;
    std::ostream m_discarded{nullptr};
    std::ostream& m_out;
    std::ostream& m_json_out;
    const bool m_sync;
    RunLock m_lock;
    http::Credentials m_credentials;
    std::optional<state::StateStore> m_store;     // sync only
    std::optional<apply::RunRecorder> m_recorder; // sync only
    std::chrono::system_clock::time_point m_wall_started;
    bool m_reconciling = false;
    bool m_at_a_glance = false;
    state::StateSnapshot m_snapshot;
    std::optional<scim::Capabilities> m_cached; // what the target said about itself last time
    std::optional<state::StoredIndex> m_index;
    std::optional<CompiledPath>
        m_compiled; // the mapping compiled, when plan and sync pack at a glance
    std::atomic<bool> m_released = false; // bodies of people unchanged at a glance were let go
    MappedSource m_mapped;
    // The target is contacted only when there is something to read back or to send: a run
    // with nothing to do sends no request at all.
    std::optional<Connection> m_target;
    std::optional<scim::TargetProfile> m_profile;
    std::optional<Drift> m_drift;
    state::Plan m_plan;
    std::optional<state::GroupPlan> m_group_plan;
    DailyCaps m_caps; // what the runs of the last 24 hours left the target's daily caps
    // An upload target (entra_inbound): what its log said of earlier uploads.
    [[nodiscard]] bool uploads_only() const {
        return scim::TargetProfile::uploads_only(m_config.target.profile);
    }
    UploadCheck m_uploads;
};

// From this many people on, the mapped people are freed on a second thread while this one frees
// the operations and the state's rows: a million of each took ~0.1 s on one core at the end of
// a run that used two.
constexpr size_t k_people_freed_beside = 100000;

void PlanOrSync::free_on_two_cores() noexcept {
    if (m_mapped.desired.size() < k_people_freed_beside) return;
    try {
        std::thread people([desired = std::move(m_mapped.desired)]() mutable {
            std::vector<scim::DesiredResource>().swap(desired);
        });
        std::vector<state::Operation>().swap(m_plan.operations);
        m_index.reset();
        std::vector<state::StoredResource>().swap(m_snapshot.resources);
        people.join();
    } catch (const std::system_error&) {
        // No thread: the members free themselves as usual.
    }
}

ExitCode PlanOrSync::run() {
    open_state();
    if (m_sync && uploads_only() && !cap_spent()) check_earlier_uploads();
    read_state_and_source();
    if (!m_options.hand_overs.empty()) hand_over();
    // What the target said about itself last time: its missing attributes are left out of
    // the plan before anyone asks it again (plan included).
    if (m_cached && !m_at_a_glance) leave_out_unknown(*m_cached, m_mapped, m_snapshot);
    if (m_reconciling) {
        if (!connect()) return close_unusable(nullptr);
        leave_out_unknown(m_profile->capabilities(), m_mapped, m_snapshot);
        m_drift = read_back(m_target->client, m_snapshot, m_prepared.mapping, m_out);
    }
    guard_completeness(m_mapped, m_snapshot.last_complete_read(m_prepared.source->describe()),
                       m_config.source_guards, m_options.allow_shrink);
    m_plan = make_plan();
    if (m_sync && !m_target && needs_target() && !cap_spent()) {
        if (!connect()) return close_unusable(&m_plan);
        plan_again_for_target();
    }
    if (m_drift) mark_repairs(m_plan, *m_drift, *m_recorder);
    if (!m_prepared.mapping.groups.empty()) m_group_plan = plan_groups();
    const bool approved = approve_withheld(
        m_plan, m_group_plan, [this] { return plan_groups(); }, m_options, m_out);
    print_plans();
    if (m_sync && !m_target && m_group_plan && !m_group_plan->operations.empty() && !cap_spent() &&
        !connect())
        return close_unusable(&m_plan);
    if (!m_options.approve_withheld.empty() && !approved)
        refuse_approval(m_plan, m_group_plan ? &*m_group_plan : nullptr, m_options, m_out);
    print_rejections(m_out, m_mapped, m_options.show_operations);
    if (!m_sync || adopting()) print_first_run_note();
    if (!m_sync) return finish_plan();
    // An upload target is never asked (it matches each upload to an account itself).
    if (m_target && !uploads_only() && m_snapshot.resources.empty() && !m_options.adopt_existing &&
        m_plan.count(state::OperationKind::create) > 0)
        if (auto stop = first_run_stop(m_target->client, m_config))
            return close_adoption_stop(*stop);
    return send();
}

void PlanOrSync::open_state() {
    // plan stops where sync would: a state whose folder is missing is not a fresh start.
    if (auto problem = state::state_folder_problem(m_config.state, m_sync))
        throw ConfigError(*problem);
    if (m_sync) {
        if (auto problem = target_problem(m_config.target))
            throw ConfigError(*problem); // before any work
        m_credentials = resolve_credentials(m_config.target);
        if (auto expiring = token_expiry_warning(
                m_config.target, m_credentials,
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())))
            spdlog::warn("{}", *expiring);
        m_store.emplace(m_config.state);
        m_recorder.emplace(*m_store, m_config.target.name, m_config.audit_sensitive);
    }
    if (uploads_only() && m_options.reconcile)
        throw ConfigError("--reconcile: target " + m_config.target.name +
                          " (target.profile entra_inbound) cannot be read back; each sync reads "
                          "its provisioning log for what became of the uploads instead");
    if (uploads_only() && m_options.adopt_existing && m_sync)
        spdlog::warn("--adopt-existing: target {} matches each upload to its account itself "
                     "(externalId); nothing to adopt",
                     m_config.target.name);
    m_wall_started = std::chrono::system_clock::now();
    const auto now = std::chrono::floor<std::chrono::seconds>(m_wall_started);
    m_caps = m_store ? daily_caps(m_config.target, *m_store, now)
                     : daily_caps(m_config.target, m_config.state, now);
    // Reading back is requests too: with a cap spent it waits (and stays due).
    m_reconciling =
        m_sync && !cap_spent() && !uploads_only() &&
        (m_options.reconcile || reconcile_due(m_config.target, *m_store, m_prepared.now));
    // At scale: the state is read without bodies, each person is packed with a fingerprint as
    // soon as mapped, and only those whose fingerprint differs from the state's are diffed.
    // Reconciling compares every body, and hand-overs move keys: both read everything.
    m_at_a_glance = !m_reconciling && m_options.hand_overs.empty();
}

void PlanOrSync::read_state_and_source() {
    const auto& name = m_config.target.name;
    const auto started = std::chrono::steady_clock::now();
    m_snapshot = m_store ? m_store->snapshot(name, !m_at_a_glance)
                         : state::StateStore::read_snapshot(m_config.state, name, !m_at_a_glance);
    spdlog::debug(
        "read the state of {} users in {:.2f} s", m_snapshot.resources.size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (m_snapshot.target_capabilities)
        m_cached = scim::capabilities_from_state(*m_snapshot.target_capabilities);
    m_mapped = map_source(m_cached);
}

// Each person is packed as soon as mapped; what the target said it lacks, or was seen not to
// keep, is left out before the fingerprint is taken. The mapping is compiled when nothing it
// writes would be left out: the program then writes each body's text with the manager's id.
FinishMapped PlanOrSync::pack_at_a_glance(std::optional<scim::Capabilities> known) {
    m_index.emplace(m_snapshot.resources, m_config.case_sensitive_keys);
    auto unkept = known ? scim::unkept_paths(*known) : std::set<std::string>();
    auto drops_something = [&](nlohmann::json body) {
        if (known && known->user_attributes &&
            !scim::drop_unknown_attributes(body, *known->user_attributes).empty())
            return true;
        return scim::drop_attributes(body, unkept);
    };
    m_compiled.reset();
    if (auto program = mappings::CompiledMapping::compile(m_prepared.mapping);
        program && !drops_something(program->probe_body()))
        m_compiled = CompiledPath{std::move(program), [this](std::string_view manager_key) {
                                      return m_index->scim_id(manager_key);
                                  }};
    return [this, known = std::move(known), unkept = std::move(unkept)](
               scim::DesiredResource& desired, const std::vector<scim::AttributePath>& kept_paths) {
        if (!desired.packed.empty()) { // written by the compiled mapping
            state::fingerprint_packed(desired);
        } else {
            if (known && known->user_attributes)
                (void)scim::drop_unknown_attributes(desired.body, *known->user_attributes);
            (void)scim::drop_attributes(desired.body, unkept);
            state::pack_for_planning(
                desired, desired.manager_key ? m_index->scim_id(*desired.manager_key) : nullptr);
        }
        // Joined sources were read first: the paths a failed one keeps are known.
        if (state::unchanged_at_a_glance(desired, *m_index, kept_paths)) {
            desired.let_go(); // planning needs its fingerprint only
            m_released = true;
        }
    };
}

MappedSource PlanOrSync::map_source(const std::optional<scim::Capabilities>& known) {
    if (!m_at_a_glance)
        return read_and_map(
            m_prepared, [&](const std::string& id) { return m_snapshot.last_complete_read(id); });
    auto finish = pack_at_a_glance(known);
    return read_and_map(
        m_prepared, [&](const std::string& id) { return m_snapshot.last_complete_read(id); }, false,
        finish, m_compiled ? &*m_compiled : nullptr, m_snapshot.resources.size());
}

void PlanOrSync::hand_over() {
    check_hand_overs(m_options, m_snapshot, m_mapped, m_config.case_sensitive_keys);
    if (m_recorder) {
        for (const auto& [old_key, new_key] : m_options.hand_overs)
            if (!m_recorder->hand_over(stored_spelling(m_snapshot, old_key, m_config), new_key))
                throw ConfigError("--hand-over " + old_key + "=" + new_key + ": the state changed");
        m_snapshot = m_store->snapshot(m_config.target.name);
    } else {
        hand_over_in(m_snapshot, m_options, m_config.case_sensitive_keys);
    }
    print_hand_overs(m_out, m_options);
}

bool PlanOrSync::connect() {
    if (!m_target) {
        m_target.emplace(m_config, m_credentials);
        m_target->client.allow(m_caps.allowance()); // before the first request, preflight's
        m_profile =
            preflight(m_config.target, m_target->client, m_out, m_snapshot.target_capabilities);
        if (m_profile) m_recorder->remember_capabilities(scim::to_json(m_profile->capabilities()));
    }
    return m_profile.has_value();
}

std::optional<scim::Capabilities> PlanOrSync::known() const {
    return m_profile ? std::optional(m_profile->capabilities()) : m_cached;
}

state::Plan PlanOrSync::make_plan() {
    auto policy = policy_for(m_prepared, m_options, m_mapped);
    policy.absences = m_snapshot.absences;
    if (m_at_a_glance) fill_bodies(policy);
    const auto started = std::chrono::steady_clock::now();
    const auto* index = m_at_a_glance ? &*m_index : nullptr;
    // A plan that is only shown holds each manager link in its user's create, unless the links
    // are among the operations it lists.
    policy.fold_links =
        !m_sync && m_options.plan_out.empty() && m_options.plan_html.empty() && !m_plan_as_json;
    auto made = state::make_plan(m_mapped.desired, m_snapshot.resources, policy, index);
    if (note_departed_managers(policy, made.rejected_links, m_config))
        made = state::make_plan(m_mapped.desired, m_snapshot.resources, policy, index);
    if (m_options.show_operations > made.leading_operations()) made.unfold_links();
    mark_resends(made, m_snapshot.uploads, m_config.case_sensitive_keys);
    spdlog::info("planned {} operations for {} people in {:.2f} s", made.operation_count(),
                 m_mapped.desired.size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return made;
}

// The bodies planning will read.
void PlanOrSync::fill_bodies(const state::PlanPolicy& policy) {
    auto which =
        state::resources_needing_bodies(m_mapped.desired, m_snapshot.resources, policy, &*m_index);
    spdlog::debug("planning reads {} of {} stored bodies (the others are unchanged at a glance, "
                  "or held)",
                  which.size(), m_snapshot.resources.size());
    if (m_store) {
        m_store->fill_bodies(m_config.target.name, m_snapshot.resources, which);
    } else {
        state::StateStore::read_bodies(m_config.state, m_config.target.name, m_snapshot.resources,
                                       which);
    }
    leave_out_of_stored(known(), m_snapshot.resources);
}

bool PlanOrSync::needs_target() const {
    const bool approving = !m_options.approve_withheld.empty() && !m_plan.withheld.empty();
    return !m_plan.operations.empty() || approving;
}

// What the target says now may differ from what it said last time: the plan is made again
// with what it lacks left out.
void PlanOrSync::plan_again_for_target() {
    const auto& capabilities = m_profile->capabilities();
    const bool same = m_cached && scim::to_json(*m_cached) == scim::to_json(capabilities);
    if (m_at_a_glance && !same && m_released) {
        m_mapped = map_source(capabilities); // bodies let go of may hold what it lacks
        leave_out_of_stored(capabilities, m_snapshot.resources);
        m_plan = make_plan();
    } else if (!same && leave_out_unknown(capabilities, m_mapped, m_snapshot)) {
        m_plan = make_plan();
    }
}

// The groups as the people's memberships make them, against the users' plan as it is now.
state::GroupPlan PlanOrSync::plan_groups() {
    const auto desired_groups =
        state::collect_groups(m_mapped.desired, m_config.case_sensitive_keys);
    const auto policy = policy_for(m_prepared, m_options, m_mapped);
    auto groups = state::plan_groups({desired_groups, m_snapshot.groups, m_mapped.desired,
                                      m_snapshot.resources, m_plan, policy.protected_keys,
                                      policy.source_incomplete},
                                     m_config.groups);
    if (m_drift) mark_group_repairs(groups, *m_drift);
    return groups;
}

// The users' plan, the groups', and the one withheld set an approval names.
void PlanOrSync::print_plans() {
    print_plan(m_out, m_plan, m_config.target.name, m_options.show_operations);
    if (m_group_plan)
        print_group_plan(m_out, m_prepared.mapping, tally_groups(m_mapped.desired), *m_group_plan);
    print_withheld_set(m_out, m_plan, m_group_plan ? &*m_group_plan : nullptr);
    auto work = workload_of(m_plan);
    work.operations += m_group_plan ? m_group_plan->operations.size() : 0;
    print_pace(m_out, estimate_pace(work, m_config.target, m_caps));
}

ExitCode PlanOrSync::finish_plan() {
    if (!m_options.plan_out.empty() || m_plan_as_json) {
        auto origin = origin_of(m_prepared, m_snapshot);
        origin.adopt_existing = adopting(); // apply takes the matching accounts over
        const auto* groups = m_group_plan ? &*m_group_plan : nullptr;
        if (!m_options.plan_out.empty())
            write_plan_file(m_options.plan_out, m_plan, groups, origin, m_config.file, m_out);
        if (m_plan_as_json)
            state::write_plan_json([this](std::string_view piece) { m_json_out << piece; }, m_plan,
                                   origin, groups);
    }
    if (!m_options.plan_html.empty())
        write_plan_html(m_options.plan_html, m_plan, m_group_plan ? &*m_group_plan : nullptr,
                        {.target = m_config.target.name,
                         .config = m_config.file,
                         .made = std::chrono::floor<std::chrono::seconds>(m_wall_started),
                         .as_of = m_prepared.now,
                         .several_targets = m_config.targets.size() > 1});
    // The exit code sync would end with, sending aside: a gate's 3, rejected records' 2.
    return exit_code(
        {.source_failed = !m_mapped.read.complete(),
         .gate_stopped = m_plan.stopped_by_gate,
         .groups_withheld = m_group_plan && !m_group_plan->withheld.empty(),
         .rejected_records = m_mapped.rejections.size(),
         .failed_joins = m_mapped.failed_joins.size(),
         .rejected_links = m_plan.rejected_links.size(),
         .changes_pending = m_options.detailed_exitcode && !m_plan.operations.empty()});
}

// A target that cannot be used ends the run before anything is sent; it is a run all the
// same (the state, the metrics and the report count it). The state records it as a plain
// sync (or run), so that a reconcile stays due.
ExitCode PlanOrSync::close_unusable(const state::Plan* plan) {
    RunSession session(m_config, *m_recorder, base_command(), run_command(), m_options.report,
                       m_wall_started);
    state::RunCounts counts;
    counts.records = m_mapped.records;
    counts.rejected = m_mapped.rejections.size();
    counts.source_complete = m_mapped.read.complete();
    return session.close({.facts = {.target_unusable = true},
                          .counts = with_requests_sent(counts),
                          .plan = plan,
                          .rejections = &m_mapped.rejections,
                          .stopped_because = "the target could not be used (the log says why)",
                          .caps = &m_caps});
}

// plan sends no request: on a first run it says what sync will ask the target, and what
// --adopt-existing will do.
void PlanOrSync::print_first_run_note() {
    if (uploads_only()) {
        m_out << uploads_note(m_snapshot.uploads);
        return;
    }
    const size_t creates = m_plan.count(state::OperationKind::create);
    if (m_snapshot.resources.empty() && creates > 0)
        m_out << first_run_note(m_config, creates, adopting());
}

// What the log says of the uploads earlier runs left awaiting it, before the state is read: the
// failed ones are planned again.
void PlanOrSync::check_earlier_uploads() {
    const auto uploads = m_store->uploads(m_config.target.name);
    if (uploads.empty()) return;
    if (!connect()) return;
    m_uploads = check_uploads(m_target->client, m_config.target, *m_store, uploads,
                              std::chrono::floor<std::chrono::seconds>(m_wall_started), m_out);
}

// Holding users is a safety stop (exit 3); a target that cannot answer is one that could not be
// used (exit 1), as when discovery fails.
ExitCode PlanOrSync::close_adoption_stop(const FirstRunStop& stop) {
    if (stop.unanswered)
        spdlog::error("nothing sent: {}", stop.why);
    else
        spdlog::warn("nothing sent: {}", stop.why);
    m_out << "\nStopped before sending anything: " << stop.why << ".\n";
    RunSession session(m_config, *m_recorder, run_command(), "", m_options.report, m_wall_started);
    state::RunCounts counts;
    counts.records = m_mapped.records;
    counts.rejected = m_mapped.rejections.size();
    counts.source_complete = m_mapped.read.complete();
    return session.close(
        {.facts = {.target_unusable = stop.unanswered, .gate_stopped = !stop.unanswered},
         .counts = with_requests_sent(counts),
         .plan = &m_plan,
         .groups = m_group_plan ? &*m_group_plan : nullptr,
         .rejections = &m_mapped.rejections,
         .stopped_because = stop.unanswered
                                ? "a first run: the target could not say whether it holds users"
                                : "a first run against a target that holds users: "
                                  "--adopt-existing was not given",
         .caps = &m_caps});
}

ExitCode PlanOrSync::send() {
    const auto started = std::chrono::steady_clock::now();
    // Planned and printed: the operations hold what they send (a create shares its person's
    // text), so the mapped people are let go of before the run's longest part.
    std::vector<scim::DesiredResource>().swap(m_mapped.desired);
    RunSession session(m_config, *m_recorder, run_command(), "", m_options.report, m_wall_started);
    m_recorder->record_held_back(session.id(), m_plan, rejected_records(m_mapped.rejections));
    std::vector<apply::Outcome> outcomes;
    apply::Tally result;
    std::optional<apply::GroupResults> groups_sent;
    if (auto why = apply::stop_requested(); why && !m_plan.operations.empty()) {
        spdlog::warn("stopped before sending anything ({})", *why);
        not_sent_for_the_stop(*why, outcomes, result);
    } else if (m_target) { // nothing to send otherwise
        auto sent = send_users({m_config, m_target->client, *m_recorder, session.id(),
                                m_prepared.now, m_options.quiet, *m_store, m_caps, adopting()},
                               m_snapshot, m_plan, m_group_plan ? &*m_group_plan : nullptr,
                               *m_profile, m_out);
        outcomes = std::move(sent.outcomes);
        result = sent.tally;
        groups_sent = std::move(sent.groups);
    } else if (cap_spent()) {
        defer_for_the_cap(outcomes, result);
    }
    record_reads();
    // Given up: those this run did not send again (a changed record is sent afresh).
    if (uploads_only())
        m_uploads.given_up = static_cast<size_t>(std::ranges::count(
            m_store->uploads(m_config.target.name), state::PendingUpload::Status::given_up,
            &state::PendingUpload::status));
    const auto counts = with_requests_sent(run_counts(result));
    const auto code = session.close({.facts = sync_facts(result, groups_sent),
                                     .counts = counts,
                                     .plan = &m_plan,
                                     .groups = m_group_plan ? &*m_group_plan : nullptr,
                                     .outcomes = &outcomes,
                                     .tally = &result,
                                     .rejections = &m_mapped.rejections,
                                     .caps = &m_caps});
    print_summary(
        m_out, m_config.target.name, counts, result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (m_snapshot.resources.empty() && result.adopted > 0) // a lost or mistyped state file
        m_out << "no state: " << result.adopted << " existing accounts matched (looked up on the "
              << "target and taken over, not created a second time)\n";
    print_outcomes(m_out, outcomes, result, m_options.show_operations);
    if (groups_sent) print_groups_sent(m_out, m_config.target.name, *groups_sent);
    return code;
}

// What the next runs' guards compare with: complete reads and who is absent.
void PlanOrSync::record_reads() {
    if (m_mapped.read.complete())
        m_recorder->record_complete_read(m_prepared.source->describe(), m_mapped.yielded);
    if (m_plan.absences_counted) m_recorder->record_absences(m_plan.absences);
    for (const auto& [id, count] : m_mapped.complete_reads)
        m_recorder->record_complete_read(id, count);
}

// What the run sent to the target, for the daily caps of the next runs.
state::RunCounts PlanOrSync::with_requests_sent(state::RunCounts counts) const {
    if (m_target) {
        const auto sent = m_target->client.requests_sent();
        counts.requests_sent = sent.requests;
        counts.writes_sent = sent.writes;
    }
    return counts;
}

// A spent cap: every operation waits for a later run, as one the run's budget left over does
// (deferred, not failed). The groups' operations are planned again then.
void PlanOrSync::defer_for_the_cap(std::vector<apply::Outcome>& outcomes,
                                   apply::Tally& result) const {
    const std::string why = "waits for the next run: " + m_caps.spent()->spent_text();
    for (const auto& operation : m_plan.operations) {
        apply::Outcome outcome;
        outcome.operation = &operation;
        outcome.result = apply::Result::skipped;
        outcome.message = why;
        outcome.deferred = true;
        outcomes.push_back(std::move(outcome));
    }
    result = apply::tally(outcomes, std::nullopt);
}

// Asked to stop before sending: the run is closed as interrupted, every operation not sent.
void PlanOrSync::not_sent_for_the_stop(const std::string& why,
                                       std::vector<apply::Outcome>& outcomes,
                                       apply::Tally& result) const {
    for (const auto& operation : m_plan.operations) {
        apply::Outcome outcome;
        outcome.operation = &operation;
        apply::mark_stopped(outcome, "hr2scim was asked to stop (" + why + ")");
        outcomes.push_back(std::move(outcome));
    }
    result = apply::tally(outcomes, std::nullopt);
}

state::RunCounts PlanOrSync::run_counts(const apply::Tally& result) const {
    return {.records = m_mapped.records,
            .created = result.created,
            .updated = result.updated,
            .deactivated = result.deactivated,
            .reactivated = result.reactivated,
            .unchanged = m_plan.unchanged,
            .rejected = m_mapped.rejections.size(),
            .failed = result.failed + result.skipped - result.deferred - result.stopped,
            .withheld = m_plan.withheld.size(),
            .source_complete = m_mapped.read.complete(),
            .not_sent = result.stopped};
}

RunFacts PlanOrSync::sync_facts(const apply::Tally& result,
                                const std::optional<apply::GroupResults>& groups) const {
    return {.source_failed = !m_mapped.read.complete(),
            .abandoned = result.abandoned.has_value(),
            .groups_not_sent = groups && groups->not_sent > 0,
            .gate_stopped = m_plan.stopped_by_gate,
            .groups_withheld = m_group_plan && !m_group_plan->withheld.empty(),
            // Left for the next run by the run's own budget, or by a stop: not a failure.
            .failed_operations = result.failed + result.skipped - result.deferred - result.stopped +
                                 m_uploads.problems(),
            .failed_group_changes = groups ? groups->failed : 0,
            .rejected_records = m_mapped.rejections.size(),
            .failed_joins = m_mapped.failed_joins.size(),
            .rejected_links = m_plan.rejected_links.size(),
            .interrupted = result.stopped > 0 || (groups && groups->stopped > 0)};
}

} // namespace

ExitCode plan_or_sync(const Prepared& prepared, const RunOptions& options, std::ostream& out) {
    return PlanOrSync(prepared, options, out).run();
}

PlanVerdict plan_verdict(const Prepared& prepared, const RunOptions& options) {
    RunOptions planning = options;
    planning.command = Command::plan;
    planning.quiet = true;
    planning.plan_out.clear();
    planning.detailed_exitcode = false;
    // Whatever this second reading finds, the caller's own reading has reported already.
    struct SilentLog {
        spdlog::level::level_enum was = spdlog::get_level();
        SilentLog() { spdlog::set_level(spdlog::level::off); }
        SilentLog(const SilentLog&) = delete;
        SilentLog& operator=(const SilentLog&) = delete;
        ~SilentLog() { spdlog::set_level(was); }
    } silent;
    std::ostream nowhere(nullptr);
    PlanOrSync plan(prepared, planning, nowhere);
    (void)plan.run();
    return plan.verdict();
}

} // namespace hr2scim::agent
