#include "apply/executor.hpp"

#include "apply/group_operations.hpp"
#include "http/log_fields.hpp"
#include "http/url.hpp"
#include "scim/body_path.hpp"
#include "scim/filter.hpp"
#include "scim/patch.hpp"
#include "scim/schema.hpp"
#include "scim/write_check.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <queue>
#include <spdlog/spdlog.h>
#include <thread>
#include <unordered_map>

namespace hr2scim::apply {
namespace {

using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;
using Effect = Outcome::Effect;

Outcome failure(const state::Operation& operation, Result result, std::string message,
                Effect effect = Effect::none) {
    Outcome outcome;
    outcome.operation = &operation;
    outcome.result = result;
    outcome.message = std::move(message);
    outcome.effect = effect;
    return outcome;
}

Outcome call_failure(const state::Operation& operation, const scim::CallError& error,
                     const std::string& prefix = {}) {
    const Result result = classify(error);
    // Never sent: "not sent: the target was abandoned", not "no answer".
    if (result == Result::skipped) return failure(operation, result, error.detail);
    return failure(operation, result, prefix + error.describe());
}

// A user sent with active:false (pre-hire, terminated) is kept as deactivated.
Outcome saved(const state::Operation& operation, std::string id, json body,
              std::optional<ResourceStatus> status = std::nullopt) {
    Outcome outcome;
    outcome.operation = &operation;
    outcome.effect = Effect::save;
    outcome.scim_id = std::move(id);
    const bool inactive = body.is_object() && body.value("active", true) == false;
    outcome.status =
        status.value_or(inactive ? ResourceStatus::deactivated : ResourceStatus::active);
    outcome.body = std::move(body);
    return outcome;
}

// A definite "no" from the target: nothing was created, the journal entry can go.
// The version a target gave a user (meta.version, or its ETag, which the client puts there).
std::optional<std::string> version_of(const json& resource) {
    if (!resource.is_object()) return std::nullopt;
    auto meta = resource.find("meta");
    if (meta == resource.end() || !meta->is_object()) return std::nullopt;
    auto version = meta->find("version");
    if (version == meta->end() || !version->is_string() || version->empty()) return std::nullopt;
    const auto& text = version->get_ref<const std::string&>();
    if (text.size() > 1024 ||
        std::ranges::any_of(text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return std::nullopt; // never put into a header
    return text;
}

// The values a change sets, as a body to compare with what the target answers.
json changed(const std::vector<scim::AttributeChange>& changes) {
    json values = json::object();
    for (const auto& change : changes)
        if (change.after) scim::apply_change(values, change);
    return values;
}

// Whether an answer is a resource to compare (a 204 or a bare acknowledgement is not).
bool holds_resource(const json& answer) {
    if (!answer.is_object()) return false;
    for (const auto& [name, unused] : answer.items())
        if (name != "meta" && name != "schemas" && name != "id") return true;
    return false;
}

// The whole enterprise manager value (servers refuse a path into it), and its schema listed.
void set_manager(json& body, json reference) {
    body[scim::k_enterprise_user_schema]["manager"] = std::move(reference);
    auto& schemas = body["schemas"];
    if (std::ranges::find(schemas, json(scim::k_enterprise_user_schema)) == schemas.end())
        schemas.push_back(scim::k_enterprise_user_schema);
}

bool definitely_not_created(const scim::CallError& error) {
    auto result = classify(error);
    return result == Result::refused || result == Result::conflict;
}

// A filter that finds users holding `value` at `path`: emails[type eq "work"].value → emails.value.
std::string filter_for(const scim::AttributePath& path, const std::string& value) {
    std::string attribute = (path.schema.empty() ? "" : path.schema + ":") + path.attribute;
    if (!path.sub_attribute.empty()) attribute += "." + path.sub_attribute;
    return scim::eq_filter(attribute, value);
}

} // namespace

Tally tally(const std::vector<Outcome>& outcomes, const std::optional<std::string>& abandoned) {
    Tally counts;
    counts.abandoned = abandoned;
    for (const auto& outcome : outcomes) {
        if (outcome.result == Result::skipped) {
            ++counts.skipped;
            continue;
        }
        if (outcome.result != Result::done) {
            ++counts.failed;
            counts.not_taken += outcome.result == Result::not_taken ? 1 : 0;
            continue;
        }
        counts.adopted += outcome.adoption.empty() ? 0 : 1;
        counts.recreated += outcome.recreated ? 1 : 0;
        switch (outcome.operation->kind) {
        case OperationKind::create:
            ++counts.created;
            break;
        case OperationKind::update:
            ++counts.updated;
            break;
        case OperationKind::deactivate:
            ++counts.deactivated;
            break;
        case OperationKind::reactivate:
            ++counts.reactivated;
            break;
        case OperationKind::remove:
            ++counts.deleted;
            break;
        case OperationKind::link_manager:
            ++counts.linked;
            break;
        }
    }
    return counts;
}

Executor::Executor(scim::ScimClient& client, OutcomeSink& sink, AccountOwners owners,
                   const ExecutorSettings& settings)
    : m_client(client), m_sink(sink), m_concurrency(std::max<size_t>(1, settings.concurrency)),
      m_patch(settings.target.patch ? Support::unknown : Support::no),
      m_self_described(settings.target.self_described), m_filter(settings.target.filter),
      m_etag(settings.target.etag),
      m_bulk(settings.bulk && settings.target.bulk && settings.target.bulk_max_operations > 1),
      m_bulk_max_operations(settings.target.bulk_max_operations),
      m_bulk_max_payload(settings.target.bulk_max_payload),
      m_directory(client, settings.target.max_results == 0
                              ? 100
                              : std::min<size_t>(100, settings.target.max_results)),
      m_owners(std::move(owners)), m_breaker(settings.breaker),
      m_case_sensitive_keys(settings.case_sensitive_keys),
      m_member_cap(settings.target.member_cap) {}

scim::CallResult<std::vector<json>> Executor::users_holding(const scim::AttributePath& path,
                                                            const std::string& value) {
    if (m_filter) {
        auto found = m_client.find_users(filter_for(path, value));
        if (!found) return found;
        std::vector<json> holding;
        bool unfiltered = false;
        for (auto& resource : *found) {
            if (holds_at(resource, path, value))
                holding.push_back(std::move(resource));
            else
                unfiltered = true;
        }
        // Only a plain attribute tells a filter ignored from a value held elsewhere
        // (emails.value in a home address, say).
        const bool plain = path.schema.empty() && path.sub_attribute.empty() && !path.filter;
        if (!unfiltered || !plain) return holding;
        // Users who do not hold the value: the filter was ignored, and a page of everyone
        // proves nothing about who is absent.
        if (m_filter.exchange(false))
            spdlog::warn("the target ignores ?filter= (a look-up for {} answered with users who "
                         "do not hold it); users are found by listing them once instead",
                         path.to_string());
    }
    return m_directory.holding(path, value);
}

template <class Send>
auto Executor::matching_version(const std::string& id, const std::string& version, Send send)
    -> decltype(send(std::string())) {
    const bool guarded = m_etag && !version.empty();
    auto answer = send(guarded ? version : std::string());
    if (answer || !guarded || answer.error().status != 412) return answer;
    auto current = m_client.get_user(id);
    if (!current) return answer;
    const auto now = version_of(*current);
    spdlog::info("user {} changed on the target since hr2scim last wrote it (412); sending "
                 "again for its version {}",
                 id, now.value_or("(none)"));
    return send(now.value_or(std::string()));
}

bool Executor::patch_refused(const scim::CallError& error) const {
    if (error.status == 405 || error.status == 501) return true;
    // Nothing but a 429 proves a target busy: on one that does not describe itself, a first
    // PATCH answered 400 or 5xx is a probe that failed, not a storm to retry.
    return !m_self_described && m_patch == Support::unknown &&
           (error.status == 400 || (error.status >= 500 && error.status != 503));
}

scim::CallResult<json> Executor::send_changes(const std::string& id,
                                              const std::vector<scim::AttributeChange>& changes,
                                              const json& body, const std::string& version) {
    if (m_patch != Support::no) {
        // Until one PATCH has been answered, they go one at a time: one refusal teaches the
        // run, not one per operation in flight.
        std::unique_lock probe(m_patch_probe, std::defer_lock);
        if (m_patch == Support::unknown) probe.lock();
        if (m_patch != Support::no) {
            const bool probing = m_patch == Support::unknown && !m_self_described;
            auto patched = matching_version(id, version, [&](const std::string& if_match) {
                return m_client.patch_user(id, scim::to_patch_operations(changes), if_match,
                                           probing);
            });
            if (patched) m_patch = Support::yes;
            if (patched || !patch_refused(patched.error())) return patched;
            if (m_patch.exchange(Support::no) != Support::no) {
                const std::string evidence = "PATCH /Users/" + id + " answered " +
                                             patched.error().describe() +
                                             " before any PATCH was accepted";
                spdlog::warn("the target does not take PATCH ({}); changes are sent as "
                             "read-modify-write PUT from now on, in later runs too. Say "
                             "`target.profile: put_only` in the config to make it explicit",
                             evidence);
                std::lock_guard lock(m_mutex);
                m_learnt.patch_refused = evidence;
            }
        }
    }
    return replace(id, changes, body);
}

scim::CallResult<json> Executor::replace(const std::string& id,
                                         const std::vector<scim::AttributeChange>& changes,
                                         const json& body) {
    for (int attempt = 1;; ++attempt) {
        auto held = m_client.get_user(id);
        if (!held) return held;
        const std::string version = m_etag ? version_of(*held).value_or("") : std::string();
        auto replaced =
            m_client.replace_user(id, scim::merge_managed(*held, body, changes), version);
        if (replaced || replaced.error().status != 412 || attempt == 3) return replaced;
        spdlog::info("user {} changed on the target between reading and writing it (412); "
                     "reading it again",
                     id);
    }
}

Learnt Executor::learnt() const {
    std::lock_guard lock(m_mutex);
    return m_learnt;
}

Outcome Executor::verified(const state::Operation& operation, const std::string& id, json body,
                           const json& sent, const json& answered, bool read_back,
                           std::optional<ResourceStatus> status) {
    json resource = answered;
    if (!holds_resource(resource)) {
        auto read = m_client.get_user(id);
        if (!read || !holds_resource(*read)) {
            spdlog::warn("{}: the target's answer held no user and reading user {} back failed "
                         "({}); recorded as sent",
                         operation.key, id,
                         read ? "no user in the answer" : read.error().describe());
            Outcome outcome = saved(operation, id, std::move(body), status);
            outcome.version = version_of(answered).value_or("");
            return outcome;
        }
        resource = std::move(*read);
        read_back = true;
    }
    auto check = scim::check_written(sent, resource);
    if (!check.dropped.empty() && !read_back) {
        // An answer may be a short representation: only what a read gives is evidence.
        if (auto read = m_client.get_user(id); read && holds_resource(*read)) {
            resource = std::move(*read);
            check = scim::check_written(sent, resource);
        } else {
            check.dropped.clear();
        }
    }
    // A target that does not show `active` or `userName` cannot prove it lost them: they are
    // never learnt away (a deactivation must always be sent).
    std::erase_if(check.dropped,
                  [](const std::string& path) { return path == "active" || path == "userName"; });
    for (const auto& path : check.dropped) {
        std::lock_guard lock(m_mutex);
        if (m_learnt.unkept.contains(path)) continue;
        const json* value = scim::value_at_change_path(sent, path);
        m_learnt.unkept[path] = "sent " + path + " = " +
                                (value ? value->dump(-1, ' ', false, json::error_handler_t::replace)
                                       : std::string("a value")) +
                                " to user " + id + " (" + operation.key +
                                "); the target answered 2xx and read back without it";
        spdlog::warn("the target does not keep {} ({}); it is left out of what is sent and "
                     "compared from now on",
                     path, m_learnt.unkept[path]);
    }
    std::set<std::string> dropped;
    for (const auto& path : check.dropped)
        dropped.insert(path);
    json recorded = std::move(body);
    for (const auto& path : dropped)
        scim::apply_change(recorded, {path, std::nullopt, std::nullopt});
    scim::record_held(recorded, resource, check);
    Outcome outcome = saved(operation, id, std::move(recorded), status);
    outcome.version = version_of(resource).value_or(version_of(answered).value_or(""));
    if (!check.kept.empty()) {
        outcome.result = Result::not_taken;
        outcome.message =
            scim::describe({check.kept, {}}) +
            " (the target answered 2xx; recorded as it holds it, sent again next run)";
        spdlog::warn("{}: {}", operation.key, outcome.message);
    }
    return outcome;
}

std::optional<Outcome> Executor::unverified_create(const state::Operation& operation,
                                                   const std::string& id, const json& sent,
                                                   json& read) {
    auto held = m_client.get_user(id);
    if (!held && held.error().status == 404) {
        // Some targets show a new user to reads a moment after answering its create.
        std::this_thread::sleep_for(std::chrono::seconds(1));
        held = m_client.get_user(id);
    }
    if (!held) {
        if (held.error().status == 404)
            return failure(operation, Result::unknown,
                           "the target answered the create with id " + id +
                               ", which reads back as no user (404); the user is looked up on "
                               "the next run");
        return failure(operation, Result::unknown,
                       "reading back the created user " + id + " failed (" +
                           held.error().describe() + "); the user is looked up on the next run");
    }
    // externalId where the target shows one (some keep none), else userName: a different
    // value names somebody else's account.
    for (const char* attribute : {"externalId", "userName"}) {
        auto value = sent.find(attribute);
        if (value == sent.end() || !value->is_string()) continue;
        auto shown = held->find(attribute);
        if (shown == held->end() || shown->is_null()) continue;
        if (holds_value(*held, attribute, value->get_ref<const std::string&>())) break;
        return failure(operation, Result::conflict,
                       "the target answered the create with id " + id +
                           ", an account that does not hold this person's " + attribute +
                           " (it holds " +
                           shown->dump(-1, ' ', false, json::error_handler_t::replace) +
                           "); not recorded, and the user is looked up on the next run");
    }
    {
        std::lock_guard lock(m_mutex);
        if (auto owner = m_owners.key_of(id); owner && !m_owners.same_key(*owner, operation.key))
            return failure(operation, Result::conflict,
                           "the target answered the create with id " + id + ", the account of " +
                               *owner +
                               "; not recorded, and the user is looked up on the next run");
    }
    read = std::move(*held);
    return std::nullopt;
}

// Which operations may start: each waits for the operations it depends on and for the one
// before it on the same person. Ready ones start in plan order.
struct Executor::Schedule {
    std::vector<std::optional<Outcome>> outcomes;
    std::vector<std::vector<size_t>> dependents;
    std::vector<size_t> waiting_on;
    std::vector<bool> unmet; // depends on an operation that is not before it in the plan
    std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
    size_t finished = 0;
    std::condition_variable changed;
    std::exception_ptr error; // a failure of the agent itself (the state): every worker stops

    Schedule(const state::Plan& plan, const AccountOwners& owners)
        : outcomes(plan.operations.size()), dependents(plan.operations.size()),
          waiting_on(plan.operations.size(), 0), unmet(plan.operations.size(), false) {
        const auto& operations = plan.operations;
        std::unordered_map<size_t, size_t> index_of_id;
        std::unordered_map<std::string, size_t> last_of_person;
        for (size_t index = 0; index < operations.size(); ++index) {
            std::set<size_t> before;
            for (size_t dependency : operations[index].depends_on) {
                auto found = index_of_id.find(dependency);
                if (found == index_of_id.end())
                    unmet[index] = true;
                else
                    before.insert(found->second);
            }
            auto [previous, first] =
                last_of_person.try_emplace(owners.id_of(operations[index].key), index);
            if (!first) {
                before.insert(previous->second);
                previous->second = index;
            }
            waiting_on[index] = before.size();
            for (size_t earlier : before)
                dependents[earlier].push_back(index);
            index_of_id[operations[index].id] = index;
            if (before.empty()) ready.push(index);
        }
    }
};

std::vector<Outcome> Executor::run(const state::Plan& plan) {
    Schedule schedule(plan, m_owners);
    if (m_bulk) run_bulk(plan, schedule);
    const size_t workers = std::min(m_concurrency, plan.operations.size());
    if (workers <= 1) {
        work(plan, schedule);
    } else {
        std::vector<std::jthread> threads;
        threads.reserve(workers);
        for (size_t i = 0; i < workers; ++i)
            threads.emplace_back([&] { work(plan, schedule); });
    }
    if (schedule.error) std::rethrow_exception(schedule.error);
    std::vector<Outcome> outcomes;
    outcomes.reserve(plan.operations.size());
    for (auto& outcome : schedule.outcomes)
        outcomes.push_back(std::move(*outcome));
    return outcomes;
}

// One worker: takes the next ready operation, sends it without holding the lock, records it.
void Executor::work(const state::Plan& plan, Schedule& schedule) {
    std::unique_lock lock(m_mutex);
    for (;;) {
        schedule.changed.wait(lock, [&] {
            return schedule.error || !schedule.ready.empty() ||
                   schedule.finished == plan.operations.size();
        });
        if (schedule.error || schedule.ready.empty()) return;
        const size_t index = schedule.ready.top();
        schedule.ready.pop();
        const auto& operation = plan.operations[index];
        const bool dependencies_met =
            !schedule.unmet[index] &&
            std::ranges::all_of(operation.depends_on, [&](size_t id) { return m_succeeded[id]; });
        Outcome outcome;
        if (const auto& why = m_breaker.tripped()) {
            outcome = failure(operation, Result::skipped,
                              "not sent: the target was abandoned (" + *why + ")");
        } else if (!dependencies_met) {
            outcome = failure(operation, Result::skipped,
                              "waits for a later run: an operation it depends on did not succeed");
        } else {
            lock.unlock();
            try {
                outcome = execute(operation);
            } catch (...) {
                lock.lock();
                schedule.error = std::current_exception();
                schedule.changed.notify_all();
                return;
            }
            lock.lock();
            m_breaker.note(outcome.result, outcome.message);
            // Requests of other operations still waiting to be retried stop now.
            if (const auto& reason = m_breaker.tripped()) m_client.abandon(*reason);
        }
        try {
            finish(operation, std::move(outcome), schedule, index);
        } catch (...) {
            schedule.error = std::current_exception();
            schedule.changed.notify_all();
            return;
        }
    }
}

std::vector<GroupOutcome> Executor::run_groups(const state::GroupPlan& plan,
                                               const std::vector<state::StoredResource>& users) {
    GroupOperations handler(m_client, m_sink, m_mutex, users, m_case_sensitive_keys, m_member_cap);
    // Each group's operations, in plan order; groups being deleted go first.
    std::vector<std::vector<size_t>> groups;
    std::map<std::string, size_t> group_of;
    for (size_t index = 0; index < plan.operations.size(); ++index) {
        auto [at, added] = group_of.try_emplace(plan.operations[index].key, groups.size());
        if (added) groups.emplace_back();
        groups[at->second].push_back(index);
    }
    auto deletes = [&](const std::vector<size_t>& indexes) {
        return std::ranges::any_of(indexes, [&](size_t index) {
            return plan.operations[index].kind == state::GroupOperationKind::remove;
        });
    };
    std::ranges::stable_partition(groups, deletes);
    const auto first_kept =
        static_cast<size_t>(std::ranges::find_if_not(groups, deletes) - groups.begin());

    std::vector<std::optional<GroupOutcome>> outcomes(plan.operations.size());
    std::exception_ptr error;
    auto phase = [&](size_t from, size_t to) {
        std::atomic<size_t> next = from;
        auto work = [&] {
            for (size_t group = next++; group < to; group = next++) {
                for (size_t index : groups[group]) {
                    const auto& operation = plan.operations[index];
                    GroupOutcome outcome;
                    std::optional<std::string> tripped;
                    {
                        std::lock_guard lock(m_mutex);
                        if (error) return;
                        tripped = m_breaker.tripped();
                    }
                    if (tripped) {
                        outcome.operation = &operation;
                        outcome.result = Result::skipped;
                        outcome.not_sent = true;
                        outcome.message = *tripped;
                    } else {
                        try {
                            outcome = handler.run(operation);
                        } catch (...) {
                            std::lock_guard lock(m_mutex);
                            error = std::current_exception();
                            return;
                        }
                    }
                    std::lock_guard lock(m_mutex);
                    try {
                        if (!outcome.not_sent) {
                            m_breaker.note(outcome.result, outcome.message);
                            if (const auto& reason = m_breaker.tripped()) m_client.abandon(*reason);
                        }
                        if (outcome.member_cap > 0 && (m_learnt.member_cap == 0 ||
                                                       outcome.member_cap < m_learnt.member_cap)) {
                            m_learnt.member_cap = outcome.member_cap;
                            m_learnt.member_cap_evidence = outcome.member_cap_evidence;
                        }
                        m_sink.record_group(outcome);
                    } catch (...) {
                        error = std::current_exception();
                        return;
                    }
                    outcomes[index] = std::move(outcome);
                }
            }
        };
        const size_t workers = std::min(m_concurrency, to - from);
        if (workers <= 1) return work();
        std::vector<std::jthread> threads;
        threads.reserve(workers);
        for (size_t i = 0; i < workers; ++i)
            threads.emplace_back(work);
    };
    phase(0, first_kept);
    if (!error) phase(first_kept, groups.size());
    if (error) std::rethrow_exception(error);
    std::vector<GroupOutcome> out;
    out.reserve(outcomes.size());
    for (auto& outcome : outcomes)
        out.push_back(std::move(*outcome));
    return out;
}

// Under the lock: the outcome reaches the state, and what waited for it may start.
void Executor::finish(const state::Operation& operation, Outcome outcome, Schedule& schedule,
                      size_t index) {
    m_succeeded[operation.id] = outcome.result == Result::done;
    if (outcome.result == Result::done && outcome.effect == Effect::save) {
        m_created[m_owners.id_of(operation.key)] = {outcome.scim_id, outcome.body};
        m_versions[outcome.scim_id] = outcome.version;
        m_owners.claim(outcome.scim_id, operation.key);
        json held = outcome.body;
        held["id"] = outcome.scim_id;
        m_directory.add(held);
    }
    m_sink.record(outcome);
    schedule.outcomes[index] = std::move(outcome);
    ++schedule.finished;
    for (size_t next : schedule.dependents[index])
        if (--schedule.waiting_on[next] == 0) schedule.ready.push(next);
    schedule.changed.notify_all();
}

bool Executor::bulkable(const state::Operation& operation) const {
    // A change without PATCH is a read-modify-write PUT, which a Bulk request cannot read.
    const bool patch = m_patch != Support::no;
    switch (operation.kind) {
    case OperationKind::create:
        return !operation.resolve_first && operation.unique.empty() &&
               !m_look_up_first.contains(operation.id);
    case OperationKind::update:
    case OperationKind::reactivate:
        return patch && !operation.scim_id.empty();
    case OperationKind::remove:
        return !operation.scim_id.empty();
    case OperationKind::deactivate:
        return patch && !operation.resolve_first && !operation.scim_id.empty();
    case OperationKind::link_manager:
        return false;
    }
    return false;
}

Outcome Executor::bulk_outcome(const state::Operation& operation,
                               const std::optional<BulkResult>& result, bool& retry_alone) {
    if (!result)
        return failure(operation, Result::unknown,
                       "the Bulk answer held no result for it; looked at again on the next run");
    const long status = result->status;
    const auto kind = operation.kind;
    if (status >= 200 && status < 300) {
        switch (kind) {
        case OperationKind::create: {
            auto id = usable_id(result->response);
            if (!id)
                if (auto in_location = scim::user_id_in_location(result->location))
                    id = usable_id(json{{"id", *in_location}});
            if (!id)
                return failure(operation, Result::unknown,
                               "the target answered the create without a usable id; the user "
                               "is looked up on the next run");
            Outcome outcome = saved(operation, *id, operation.body);
            outcome.version = version_of(result->response).value_or("");
            return outcome;
        }
        case OperationKind::deactivate:
            return saved(operation, operation.scim_id, operation.body, ResourceStatus::deactivated);
        case OperationKind::remove: {
            Outcome outcome = saved(operation, operation.scim_id, operation.body);
            outcome.effect = Effect::forget;
            m_owners.release(operation.scim_id);
            return outcome;
        }
        default: {
            Outcome outcome = saved(operation, operation.scim_id, operation.body);
            outcome.version = version_of(result->response).value_or("");
            return outcome;
        }
        }
    }
    if (kind == OperationKind::remove && status == 404) {
        Outcome outcome = saved(operation, operation.scim_id, operation.body);
        outcome.effect = Effect::forget;
        m_owners.release(operation.scim_id);
        return outcome;
    }
    const bool change = kind != OperationKind::create && kind != OperationKind::remove;
    if ((kind == OperationKind::create && status == 409) || status == 412 ||
        (change && (status == 404 || status == 405 || status == 501))) {
        retry_alone = true;
        return {};
    }
    scim::CallError error{status, {}, {}, 1};
    if (result->response.is_object()) {
        if (auto type = result->response.find("scimType");
            type != result->response.end() && type->is_string())
            error.scim_type = type->get<std::string>();
        if (auto detail = result->response.find("detail");
            detail != result->response.end() && detail->is_string())
            error.detail = detail->get<std::string>().substr(0, 300);
    }
    Outcome outcome = call_failure(operation, error, "in a Bulk request: ");
    if (kind == OperationKind::create && definitely_not_created(error))
        outcome.effect = Effect::forget;
    return outcome;
}

// A report created beside their manager references the manager by bulkId (RFC 7644 §3.7.2)
// only where the manager's create comes earlier in the same request: never itself, never in
// a cycle, never forward (no reliance on a server resolving forward references). Creates go
// managers first (by the depth of their chain of managers created here); a reference that
// cannot point back is left to the link after the creates.
std::map<std::string, std::string> Executor::order_creates(const state::Plan& plan,
                                                           std::vector<size_t>& taken) const {
    const auto& operations = plan.operations;
    std::set<std::string> created_here;
    for (size_t index : taken)
        if (operations[index].kind == OperationKind::create)
            created_here.insert(m_owners.id_of(operations[index].key));
    std::map<std::string, std::string> manager_of;
    for (const auto& operation : operations) {
        if (operation.kind != OperationKind::link_manager) continue;
        const auto report = m_owners.id_of(operation.key);
        const auto manager = m_owners.id_of(operation.manager_key);
        if (report != manager && created_here.contains(report) && created_here.contains(manager))
            manager_of[report] = manager;
    }
    // Depth of each chain of managers (0: no manager created here), each person walked once;
    // a chain that comes back to itself is a cycle, whose references are all dropped (each
    // member is linked after the creates).
    std::map<std::string, size_t> depth;
    std::set<std::string> in_cycle;
    for (const auto& [start, unused] : manager_of) {
        std::vector<std::string> chain; // walked, depth not known yet
        std::map<std::string, size_t> position;
        std::string at = start;
        size_t base = 0; // the depth of whom the chain's last person reports to
        for (;;) {
            if (auto known = depth.find(at); known != depth.end()) {
                base = known->second;
                break;
            }
            auto next = manager_of.find(at);
            if (next == manager_of.end()) {
                depth[at] = 0;
                break;
            }
            if (auto seen = position.find(at); seen != position.end()) {
                for (size_t i = seen->second; i < chain.size(); ++i) {
                    in_cycle.insert(chain[i]);
                    depth[chain[i]] = 0;
                }
                chain.resize(seen->second);
                break;
            }
            position[at] = chain.size();
            chain.push_back(at);
            at = next->second;
        }
        for (size_t i = chain.size(); i-- > 0;)
            depth[chain[i]] = base + (chain.size() - i);
    }
    for (const auto& member : in_cycle)
        manager_of.erase(member);
    std::stable_sort(taken.begin(), taken.end(), [&](size_t a, size_t b) {
        auto rank = [&](size_t index) -> size_t {
            if (operations[index].kind != OperationKind::create) return SIZE_MAX;
            auto found = depth.find(m_owners.id_of(operations[index].key));
            return found == depth.end() ? 0 : found->second;
        };
        return rank(a) < rank(b);
    });
    return manager_of;
}

BulkItem Executor::bulk_item(const state::Operation& operation, size_t index) const {
    BulkItem item;
    item.index = index;
    item.bulk_id = "op" + std::to_string(operation.id);
    if (m_etag) item.version = operation.version;
    switch (operation.kind) {
    case OperationKind::create:
        item.method = "POST";
        item.path = "/Users";
        item.data = operation.body;
        break;
    case OperationKind::remove:
        item.method = "DELETE";
        item.path = "/Users/" + http::url_encode(operation.scim_id);
        break;
    default:
        item.method = "PATCH";
        item.path = "/Users/" + http::url_encode(operation.scim_id);
        item.data = scim::patch_request(scim::to_patch_operations(operation.changes),
                                        m_client.patch_style());
        break;
    }
    return item;
}

void Executor::run_bulk(const state::Plan& plan, Schedule& schedule) {
    std::vector<size_t> taken, others;
    while (!schedule.ready.empty()) {
        const size_t index = schedule.ready.top();
        schedule.ready.pop();
        (bulkable(plan.operations[index]) ? taken : others).push_back(index);
    }
    for (size_t index : others)
        schedule.ready.push(index);
    if (taken.size() < 2) {
        for (size_t index : taken)
            schedule.ready.push(index);
        return;
    }
    const auto& operations = plan.operations;
    const auto manager_of = order_creates(plan, taken);
    std::vector<BulkItem> items;
    std::map<std::string, std::string> bulk_id_of; // identity -> the bulkId of its create
    for (size_t index : taken) {
        items.push_back(bulk_item(operations[index], index));
        if (operations[index].kind == OperationKind::create)
            bulk_id_of[m_owners.id_of(operations[index].key)] = items.back().bulk_id;
    }
    // References are set before batching, so that the payload limit counts them.
    for (auto& item : items) {
        if (item.method != "POST") continue;
        auto manager = manager_of.find(m_owners.id_of(operations[item.index].key));
        if (manager == manager_of.end()) continue;
        set_manager(item.data, {{"value", "bulkId:" + bulk_id_of[manager->second]}});
    }
    std::deque<std::vector<BulkItem>> batches;
    for (auto& batch : bulk_batches(std::move(items), m_bulk_max_operations, m_bulk_max_payload))
        batches.push_back(std::move(batch));
    size_t unanswered_in_a_row = 0;
    while (!batches.empty()) {
        auto batch = std::move(batches.front());
        batches.pop_front();
        auto push_back_all = [&] {
            std::lock_guard lock(m_mutex);
            for (const auto& item : batch)
                schedule.ready.push(item.index);
            for (const auto& rest : batches)
                for (const auto& item : rest)
                    schedule.ready.push(item.index);
            batches.clear();
        };
        // Only a reference to a create earlier in this same request is kept.
        std::set<std::string> earlier;
        std::map<std::string, std::string> referenced; // report bulkId -> manager bulkId
        for (auto& item : batch) {
            if (item.method != "POST") continue;
            auto manager = manager_of.find(m_owners.id_of(operations[item.index].key));
            if (manager != manager_of.end()) {
                if (earlier.contains(bulk_id_of[manager->second]))
                    referenced[item.bulk_id] = bulk_id_of[manager->second];
                else
                    item.data = operations[item.index].body; // as planned: linked afterwards
            }
            earlier.insert(item.bulk_id);
        }
        {
            std::lock_guard lock(m_mutex);
            for (const auto& item : batch)
                if (item.method == "POST") m_sink.journal_create(operations[item.index], item.data);
        }
        auto answer = m_client.bulk(bulk_request(batch));
        // Not Bulk's to do (no such endpoint, too large, not implemented): one by one. A
        // refused token, a busy target or no answer is not about Bulk.
        const long status = answer ? 0 : answer.error().status;
        const bool refused = status == 501 || (status >= 400 && status < 500 && status != 401 &&
                                               status != 403 && status != 408 && status != 429);
        if (refused) {
            spdlog::warn("the target refused a Bulk request ({}); operations are sent one by one",
                         answer.error().describe());
            m_bulk = false;
            push_back_all();
            return;
        }
        if (!answer && classify(answer.error()) != Result::skipped &&
            (status == 0 || status == 408 || status >= 500)) {
            split_unanswered(operations, schedule, batch, batches, answer.error(),
                             ++unanswered_in_a_row);
            continue;
        }
        unanswered_in_a_row = 0;
        settle_batch(operations, schedule, batch, answer, referenced);
        if (const auto& why = m_breaker.tripped()) {
            m_client.abandon(*why);
            push_back_all();
            return;
        }
    }
}

// A Bulk request without an answer is never sent whole again: its creates (which the target
// may have made) go one by one, looked up first; the rest is halved and sent again, and after
// three unanswered requests in a row everything left goes one by one.
void Executor::split_unanswered(const std::vector<state::Operation>& operations, Schedule& schedule,
                                std::vector<BulkItem>& batch,
                                std::deque<std::vector<BulkItem>>& batches,
                                const scim::CallError& error, size_t unanswered_in_a_row) {
    std::lock_guard lock(m_mutex);
    std::vector<BulkItem> rest;
    for (auto& item : batch) {
        if (item.method == "POST") {
            m_look_up_first.insert(operations[item.index].id);
            schedule.ready.push(item.index);
        } else {
            rest.push_back(std::move(item));
        }
    }
    spdlog::warn("a Bulk request of {} operations got no answer ({}); {}", batch.size(),
                 error.describe(),
                 unanswered_in_a_row >= 3 ? "the rest of the run sends operations one by one"
                                          : "its creates go one by one, looked up first, and the "
                                            "rest is sent again in halves");
    if (unanswered_in_a_row >= 3 || rest.size() < 2) {
        for (const auto& item : rest)
            schedule.ready.push(item.index);
        if (unanswered_in_a_row >= 3) {
            m_bulk = false;
            for (const auto& later : batches)
                for (const auto& item : later)
                    schedule.ready.push(item.index);
            batches.clear();
        }
        return;
    }
    const auto half = static_cast<std::ptrdiff_t>(rest.size() / 2);
    batches.emplace_front(std::make_move_iterator(rest.begin() + half),
                          std::make_move_iterator(rest.end()));
    batches.emplace_front(std::make_move_iterator(rest.begin()),
                          std::make_move_iterator(rest.begin() + half));
}

// What a Bulk answer means for each of its operations: the creates' ids are verified (read
// back as this person) and each change's answer compared with what was sent, before the
// outcomes reach the state.
void Executor::settle_batch(const std::vector<state::Operation>& operations, Schedule& schedule,
                            const std::vector<BulkItem>& batch,
                            const scim::CallResult<json>& answer,
                            const std::map<std::string, std::string>& referenced) {
    std::vector<std::optional<BulkResult>> results(batch.size());
    std::string unreadable;
    if (answer) {
        if (auto read = bulk_results(*answer, batch); !read)
            unreadable = read.error();
        else
            results = std::move(*read);
    }
    std::vector<std::pair<size_t, Outcome>> settled;
    {
        std::lock_guard lock(m_mutex);
        for (size_t i = 0; i < batch.size(); ++i) {
            const auto& item = batch[i];
            const auto& operation = operations[item.index];
            bool retry_alone = false;
            Outcome outcome;
            if (!answer) {
                outcome = call_failure(operation, answer.error(), "the Bulk request: ");
            } else if (!unreadable.empty()) {
                outcome = failure(operation, Result::unknown,
                                  "the Bulk answer could not be read: " + unreadable);
            } else {
                outcome = bulk_outcome(operation, results[i], retry_alone);
            }
            if (retry_alone) {
                schedule.ready.push(item.index);
                continue;
            }
            settled.emplace_back(i, std::move(outcome));
        }
    }
    // Without the lock: reading back is a request.
    std::map<std::string, std::string> id_of_bulk; // creates verified here
    std::map<std::string, json> read_of_bulk;
    for (auto& [i, outcome] : settled) {
        const auto& item = batch[i];
        const auto& operation = operations[item.index];
        if (outcome.result != Result::done || outcome.effect != Effect::save) continue;
        if (item.method == "POST") {
            json read;
            if (auto wrong = unverified_create(operation, outcome.scim_id, outcome.body, read)) {
                outcome = std::move(*wrong);
                continue;
            }
            const std::string id = outcome.scim_id;
            outcome = verified(operation, id, outcome.body, operation.body, read, true);
            id_of_bulk[item.bulk_id] = id;
            read_of_bulk[item.bulk_id] = std::move(read);
        } else if (item.method == "PATCH") {
            const json answered = results[i] ? results[i]->response : json();
            auto status = outcome.status;
            outcome = verified(operation, outcome.scim_id, outcome.body, changed(operation.changes),
                               answered, false, status);
        }
    }
    std::lock_guard lock(m_mutex);
    for (auto& [i, outcome] : settled) {
        const auto& item = batch[i];
        // The manager reference as the target resolved it: linked only when it reads back as
        // the manager's id; otherwise the link after the creates sets it.
        if (auto manager = referenced.find(item.bulk_id);
            manager != referenced.end() && outcome.result == Result::done) {
            auto id = id_of_bulk.find(manager->second);
            const json* held = scim::value_at_change_path(
                read_of_bulk[item.bulk_id],
                std::string(scim::k_enterprise_user_schema) + ":manager");
            if (id != id_of_bulk.end() && held && held->is_object() &&
                held->value("value", json()) == json(id->second)) {
                set_manager(outcome.body, {{"value", id->second}});
                m_linked_in_bulk.insert(m_owners.id_of(operations[item.index].key));
            }
        }
        m_breaker.note(outcome.result, outcome.message);
        finish(operations[item.index], std::move(outcome), schedule, item.index);
    }
}

Outcome Executor::execute(const state::Operation& operation) {
    http::LogKey about(operation.key); // every line about this operation names the person
    switch (operation.kind) {
    case OperationKind::create:
        return create(operation);
    case OperationKind::update:
    case OperationKind::reactivate:
        return update(operation);
    case OperationKind::deactivate:
        return deactivate(operation);
    case OperationKind::remove:
        return remove(operation);
    case OperationKind::link_manager:
        return link_manager(operation);
    }
    return failure(operation, Result::refused, "unknown operation");
}

std::optional<std::string> Executor::claim_account(const json& resource, const std::string& id,
                                                   const std::string& key) {
    std::lock_guard lock(m_mutex);
    if (auto problem = m_owners.adoption_problem(resource, id, key)) return problem;
    m_owners.claim(id, key);
    return std::nullopt;
}

// externalId first (it is ours), then userName. A result is used only when it holds the value
// searched for: a target that ignores the filter answers with users who do not.
std::optional<Executor::Found> Executor::find_existing(const state::Operation& operation,
                                                       Outcome& failed) {
    for (const char* attribute : {"externalId", "userName"}) {
        auto value = operation.body.find(attribute);
        if (value == operation.body.end() || !value->is_string()) continue;
        const auto& wanted = value->get_ref<const std::string&>();
        auto found = users_holding(scim::AttributePath{{}, attribute, std::nullopt, {}}, wanted);
        if (!found) {
            failed = call_failure(operation, found.error(),
                                  "look-up by " + std::string(attribute) + " failed: ");
            return std::nullopt;
        }
        std::vector<const json*> holding;
        for (const auto& resource : *found)
            holding.push_back(&resource);
        if (holding.size() > 1) {
            failed = failure(operation, Result::conflict,
                             std::to_string(holding.size()) + " users on the target hold " +
                                 attribute + " " + wanted + "; refusing to guess");
            return std::nullopt;
        }
        if (holding.empty()) continue;
        auto id = usable_id(*holding.front());
        if (!id) {
            failed = failure(operation, Result::unknown,
                             "the look-up by " + std::string(attribute) +
                                 " returned a user without a usable id; not adopted");
            return std::nullopt;
        }
        return Found{*id, *holding.front(), attribute};
    }
    return std::nullopt;
}

Outcome Executor::adopt(const state::Operation& operation, const Found& found) {
    if (auto problem = claim_account(found.resource, found.id, operation.key))
        return failure(operation, Result::conflict, *problem, Effect::forget);
    auto replaced = replace(found.id, {}, operation.body);
    if (!replaced)
        return call_failure(operation, replaced.error(),
                            "replacing the existing user " + found.id + " failed: ");
    Outcome outcome =
        verified(operation, found.id, operation.body, operation.body, *replaced, false);
    outcome.adoption = "took over the existing account " + found.id + ", matched by " + found.by;
    spdlog::info("create {}: {}", operation.key, outcome.adoption);
    return outcome;
}

// Journals the create, sends it, and records the user when the answer carries a usable id.
// Nothing when the call failed (its error is in `error`).
std::optional<Outcome> Executor::post(const state::Operation& operation, const json& body,
                                      scim::CallError* error) {
    {
        std::lock_guard lock(m_mutex);
        m_sink.journal_create(operation, body);
    }
    auto created = m_client.create_user(body);
    if (!created) {
        *error = created.error();
        return std::nullopt;
    }
    if (auto id = usable_id(*created)) {
        // The id is a claim like any look-up result: it must read back as this person.
        json read;
        if (auto wrong = unverified_create(operation, *id, body, read)) return *wrong;
        return verified(operation, *id, body, body, read, true);
    }
    // The journal entry stays: the next run looks the user up instead of creating another.
    return failure(operation, Result::unknown,
                   "the target answered the create without a usable id; the user is looked up on "
                   "the next run");
}

Outcome Executor::create(const state::Operation& operation) {
    Outcome failed;
    // Journaled before a run that died, or sent in a Bulk request that got no answer: the
    // target may hold it already.
    bool look_up_first = operation.resolve_first;
    if (!look_up_first) {
        std::lock_guard lock(m_mutex);
        look_up_first = m_look_up_first.contains(operation.id);
    }
    if (look_up_first) {
        if (auto existing = find_existing(operation, failed)) return adopt(operation, *existing);
        if (failed.operation) return failed;
    }
    if (!operation.unique.empty()) return create_with_unique(operation, operation);
    scim::CallError error;
    if (auto posted = post(operation, operation.body, &error)) return *posted;
    if (classify(error) == Result::conflict) {
        // Already there (made by hand, or by another tool): adopted only when verified and unowned.
        if (auto existing = find_existing(operation, failed)) return adopt(operation, *existing);
        if (failed.operation) {
            failed.effect = Effect::forget;
            return failed;
        }
    }
    Outcome outcome = call_failure(operation, error);
    if (definitely_not_created(error)) outcome.effect = Effect::forget;
    return outcome;
}

// unique(...): a candidate the target refuses as taken (409: its look-up compared case
// sensitively, its uniqueness does not) is dropped and the next one tried. Never adopted:
// an account holding that value belongs to somebody else.
Outcome Executor::create_with_unique(state::Operation picked, const state::Operation& operation) {
    std::string refused;
    for (;;) {
        Outcome failed;
        if (auto problem = pick_unique(picked, failed); !problem.empty()) {
            // pick_unique names `picked`, a copy that ends with this call.
            failed.operation = &operation;
            if (failed.result != Result::done) return failed;
            return failure(
                operation, Result::conflict,
                problem + (refused.empty() ? "" : "; refused by the target as taken: " + refused),
                Effect::forget);
        }
        scim::CallError error;
        if (auto posted = post(operation, picked.body, &error)) return *posted;
        if (classify(error) != Result::conflict) {
            Outcome outcome = call_failure(operation, error);
            if (definitely_not_created(error)) outcome.effect = Effect::forget;
            return outcome;
        }
        // Drop the value refused: userName's when there is a unique userName, else each one used.
        const bool has_user_name = std::ranges::any_of(picked.unique, [](const auto& choice) {
            return choice.path.to_string() == "userName";
        });
        for (auto& choice : picked.unique) {
            if (has_user_name && choice.path.to_string() != "userName") continue;
            const json* used = scim::value_at(picked.body, choice.path);
            if (!used || !used->is_string()) continue;
            refused += (refused.empty() ? "" : ", ") + used->get<std::string>();
            std::erase(choice.candidates, used->get<std::string>());
        }
    }
}

// The first candidate nobody on the target holds yet (the planner left out those taken in
// the state). A look-up answer that does not hold the candidate does not make it taken.
std::string Executor::pick_unique(state::Operation& operation, Outcome& failed) {
    for (const auto& choice : operation.unique) {
        std::string listed;
        bool picked = false;
        for (const auto& candidate : choice.candidates) {
            auto found = users_holding(choice.path, candidate);
            if (!found) {
                failed = call_failure(operation, found.error(),
                                      "checking whether " + choice.path.to_string() + " '" +
                                          candidate + "' is free failed: ");
                return failed.message;
            }
            bool taken = !found->empty();
            if (!taken) { // free on the target; still free in this run?
                std::lock_guard lock(m_mutex);
                taken = !m_picked_unique
                             .insert(choice.path.to_string() + "\n" +
                                     state::identity_key(candidate, false))
                             .second;
            }
            if (!taken) {
                scim::set_value(operation.body, choice.path, candidate);
                picked = true;
                break;
            }
            listed += (listed.empty() ? "" : ", ") + candidate;
        }
        if (!picked)
            return "no free value for " + choice.path.to_string() + " (unique): " +
                   (listed.empty()
                        ? std::string(
                              "every candidate is empty or held by another user in the state")
                        : "taken on the target: " + listed);
    }
    return {};
}

Outcome Executor::update(const state::Operation& operation) {
    auto patched =
        send_changes(operation.scim_id, operation.changes, operation.body, operation.version);
    if (!patched && patched.error().status == 404) {
        // Deleted on the target behind our back: the person is still in the source, so they
        // get their account again.
        spdlog::warn("{}: user {} no longer exists on the target; creating it again", operation.key,
                     operation.scim_id);
        {
            std::lock_guard lock(m_mutex);
            m_owners.release(operation.scim_id);
        }
        state::Operation create_again = operation;
        create_again.kind = OperationKind::create;
        create_again.scim_id.clear();
        create_again.changes.clear();
        Outcome outcome = create(create_again);
        outcome.operation = &operation;
        outcome.recreated = outcome.result == Result::done;
        return outcome;
    }
    if (!patched) return call_failure(operation, patched.error());
    return verified(operation, operation.scim_id, operation.body, changed(operation.changes),
                    *patched, false);
}

Outcome Executor::deactivate(const state::Operation& operation) {
    std::string scim_id = operation.scim_id;
    if (operation.resolve_first) {
        Outcome failed;
        auto existing = find_existing(operation, failed);
        if (failed.operation) return failed;
        if (!existing) { // never created: nothing to deactivate
            Outcome outcome = saved(operation, {}, operation.body);
            outcome.effect = Effect::forget;
            return outcome;
        }
        if (auto problem = claim_account(existing->resource, existing->id, operation.key))
            return failure(operation, Result::conflict, *problem);
        scim_id = existing->id;
    }
    auto patched = send_changes(scim_id, operation.changes, operation.body,
                                operation.resolve_first ? std::string() : operation.version);
    if (!patched && patched.error().status == 404) {
        spdlog::warn("deactivate {}: user {} is already gone from the target", operation.key,
                     scim_id);
        Outcome outcome = saved(operation, scim_id, operation.body);
        outcome.effect = Effect::forget;
        return outcome;
    }
    if (!patched) return call_failure(operation, patched.error());
    return verified(operation, scim_id, operation.body, changed(operation.changes), *patched, false,
                    ResourceStatus::deactivated);
}

Outcome Executor::remove(const state::Operation& operation) {
    auto deleted =
        matching_version(operation.scim_id, operation.version, [&](const std::string& if_match) {
            return m_client.delete_user(operation.scim_id, if_match);
        });
    if (!deleted && deleted.error().status != 404) return call_failure(operation, deleted.error());
    Outcome outcome = saved(operation, operation.scim_id, operation.body);
    outcome.effect = Effect::forget;
    std::lock_guard lock(m_mutex);
    m_owners.release(operation.scim_id);
    return outcome;
}

// Both users exist now (the manager was created earlier in this run): set the reference.
// scimmy-like servers refuse a path into the manager ("…:manager.value"); the whole complex
// value works everywhere.
Outcome Executor::link_manager(const state::Operation& operation) {
    std::string report_id = operation.scim_id;
    std::string report_version = operation.version;
    json body = operation.body;
    std::optional<std::string> manager_id;
    {
        std::lock_guard lock(m_mutex);
        if (auto report = m_created.find(m_owners.id_of(operation.key));
            report != m_created.end()) {
            report_id = report->second.first;
            body = report->second.second;
            report_version = m_versions[report_id];
        }
        if (auto manager = m_created.find(m_owners.id_of(operation.manager_key));
            manager != m_created.end())
            manager_id = manager->second.first;
        // Set in the report's create already, through the manager's bulkId.
        if (m_linked_in_bulk.contains(m_owners.id_of(operation.key)) && manager_id)
            return saved(operation, report_id, body);
    }
    if (report_id.empty())
        return failure(operation, Result::skipped,
                       "the user was not created; linked on a later run");
    if (!manager_id)
        return failure(operation, Result::skipped,
                       "the manager " + operation.manager_key +
                           " was not created; linked on a later run");
    json reference = {{"value", *manager_id}};
    set_manager(body, reference);
    auto patched = send_changes(
        report_id,
        {{std::string(scim::k_enterprise_user_schema) + ":manager", std::nullopt, reference}}, body,
        report_version);
    if (!patched) return call_failure(operation, patched.error());
    json sent = json::object();
    set_manager(sent, reference);
    return verified(operation, report_id, std::move(body), sent, *patched, false);
}

} // namespace hr2scim::apply
