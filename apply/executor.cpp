// The executor: schedules a plan's operations (dependencies, one person at a time, up to
// ExecutorSettings::concurrency at once, the breaker) and hands each to its handler: the user
// operations (user_operations.cpp), Bulk (bulk_sender.cpp), the group operations
// (group_operations.cpp). Each outcome reaches the sink as it arrives.
#include "apply/executor.hpp"

#include "apply/executor_internal.hpp"
#include "apply/group_operations.hpp"

namespace hr2scim::apply {
namespace {

// "the daily cap of 12 writes (...) is reached; it frees up ...", from an outcome's message.
std::string daily_cap_reason(const std::string& message) {
    const auto at = message.find(http::k_daily_cap_refusal);
    return message.substr(at + std::string_view("not sent: ").size());
}

} // namespace

Tally tally(const std::vector<Outcome>& outcomes, const std::optional<std::string>& abandoned) {
    Tally counts;
    counts.abandoned = abandoned;
    for (const auto& outcome : outcomes) {
        if (outcome.result == Result::skipped) {
            ++counts.skipped;
            counts.deferred += outcome.deferred ? 1 : 0;
            counts.stopped += outcome.stopped ? 1 : 0;
            continue;
        }
        if (outcome.result != Result::done) {
            ++counts.failed;
            counts.not_taken += outcome.result == Result::not_taken ? 1 : 0;
            continue;
        }
        counts.adopted += outcome.adoption.empty() ? 0 : 1;
        counts.awaiting += outcome.awaiting_confirmation ? 1 : 0;
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
      m_requests_counted(settings.requests_counted),
      m_bulk_max_payload(settings.target.bulk_max_payload),
      m_directory(client, settings.target.max_results == 0
                              ? 100
                              : std::min<size_t>(100, settings.target.max_results)),
      m_owners(std::move(owners)), m_breaker(settings.breaker),
      m_case_sensitive_keys(settings.case_sensitive_keys), m_adopting(settings.adopting),
      m_member_cap(settings.target.member_cap), m_max_operations(settings.max_operations),
      m_deadline(settings.deadline), m_budget_setting(settings.budget_setting) {}

Learnt Executor::learnt() const {
    std::lock_guard lock(m_mutex);
    return m_learnt;
}

std::vector<Outcome> Executor::run(state::Plan& plan,
                                   const std::function<void()>& after_revocations) {
    plan.unfold_links(); // every manager link its own operation, with its dependencies
    Schedule schedule(plan, m_owners);
    run_phase(plan, schedule, Urgency::revoke);
    if (after_revocations) after_revocations();
    run_phase(plan, schedule, Urgency::grant);
    return std::move(schedule.outcomes);
}

void Executor::run_phase(state::Plan& plan, Schedule& schedule, Urgency limit) {
    {
        std::lock_guard lock(m_mutex);
        schedule.limit = limit;
        if (!schedule.takeable()) return;
    }
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
}

std::optional<std::string> Executor::over_budget() const {
    if (m_max_operations && m_started >= *m_max_operations)
        return "waits for the next run: this run's budget of " + std::to_string(*m_max_operations) +
               " operations (" + m_budget_setting + ") is spent";
    if (m_deadline && std::chrono::steady_clock::now() >= *m_deadline)
        return "waits for the next run: this run's time (" + m_budget_setting + ") is spent";
    if (m_daily_cap_reached) return "waits for the next run: " + *m_daily_cap_reached;
    return std::nullopt;
}

// One worker: takes the next ready operation, sends it without holding the lock, records it.
// It stops when nothing this phase may take is ready and nothing running could make it so.
void Executor::work(state::Plan& plan, Schedule& schedule) {
    std::unique_lock lock(m_mutex);
    for (;;) {
        schedule.changed.wait(
            lock, [&] { return schedule.error || schedule.takeable() || schedule.in_flight == 0; });
        if (schedule.error || !schedule.takeable()) return;
        const size_t index = schedule.ready.top();
        schedule.ready.pop();
        auto& operation = plan.operations[index];
        const bool dependencies_met =
            !schedule.unmet[index] && std::ranges::all_of(operation.depends_on, [&](size_t id) {
                return m_succeeded.contains(id);
            });
        Outcome outcome;
        if (const auto& why = m_breaker.tripped()) {
            outcome = failure(operation, Result::skipped,
                              "not sent: the target was abandoned (" + *why + ")");
            if (m_breaker.stopping()) mark_stopped(outcome, *why);
        } else if (!dependencies_met) {
            const bool waits_for_deferred = std::ranges::any_of(
                operation.depends_on, [&](size_t id) { return m_deferred.contains(id); });
            outcome = failure(operation, Result::skipped,
                              waits_for_deferred
                                  ? "waits for the next run: an operation it depends on was "
                                    "left for it"
                                  : "waits for a later run: an operation it depends on did not "
                                    "succeed");
            outcome.deferred = waits_for_deferred;
        } else if (auto spent = over_budget()) {
            outcome = failure(operation, Result::skipped, std::move(*spent));
            outcome.deferred = true;
        } else {
            ++m_started;
            ++schedule.in_flight;
            lock.unlock();
            try {
                operation.parse_for_sending(); // this worker's alone until finished
                outcome = execute(operation);
            } catch (...) {
                lock.lock();
                --schedule.in_flight;
                schedule.error = std::current_exception();
                schedule.changed.notify_all();
                return;
            }
            lock.lock();
            --schedule.in_flight;
            // Its retries were cut short by the stop: not sent again, not failed.
            if (unsent_for_the_stop(outcome.result, outcome.message))
                mark_stopped(outcome, *m_breaker.tripped());
            m_breaker.note(outcome.result, outcome.message);
            // Requests of other operations still waiting to be retried stop now.
            if (const auto& reason = m_breaker.tripped()) m_client.abandon(*reason);
        }
        if (outcome.deferred) m_deferred.insert(operation.id);
        try {
            finish(operation, std::move(outcome), schedule, index);
            operation.let_go_of_parsed();
        } catch (...) {
            schedule.error = std::current_exception();
            schedule.changed.notify_all();
            return;
        }
    }
}

std::vector<GroupOutcome> Executor::run_groups(const state::GroupPlan& plan,
                                               const std::vector<state::StoredResource>& users,
                                               const std::set<Urgency>& only) {
    GroupOperations handler(m_client, m_sink, m_mutex, users, m_case_sensitive_keys, m_member_cap);
    // Each group's operations, in plan order; groups being deleted go first.
    std::vector<std::vector<size_t>> groups;
    std::map<std::string, size_t> group_of;
    for (size_t index = 0; index < plan.operations.size(); ++index) {
        if (!only.empty() && !only.contains(urgency(plan.operations[index]))) continue;
        auto [at, added] = group_of.try_emplace(plan.operations[index].key, groups.size());
        if (added) groups.emplace_back();
        groups[at->second].push_back(index);
    }
    auto deletes = [&](const std::vector<size_t>& indexes) {
        return std::ranges::any_of(indexes, [&](size_t index) {
            return plan.operations[index].kind == state::GroupOperationKind::remove;
        });
    };
    const auto first_kept = static_cast<size_t>(
        std::stable_partition(groups.begin(), groups.end(), deletes) - groups.begin());

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
                    std::optional<std::string> spent;
                    bool stopping = false;
                    {
                        std::lock_guard lock(m_mutex);
                        if (error) return;
                        tripped = m_breaker.tripped();
                        stopping = m_breaker.stopping();
                        spent = tripped ? std::nullopt : over_budget();
                        if (!tripped && !spent) ++m_started;
                    }
                    if (tripped || spent) {
                        outcome.operation = &operation;
                        outcome.result = Result::skipped;
                        outcome.not_sent = true;
                        outcome.deferred = spent.has_value();
                        outcome.message = tripped ? *tripped : *spent;
                        outcome.stopped = tripped && stopping;
                        if (outcome.stopped)
                            outcome.message = "not sent: " + *tripped + "; the next run sends it";
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
                    if (held_by_daily_cap(outcome.result, outcome.message)) outcome.deferred = true;
                    if (!outcome.not_sent && unsent_for_the_stop(outcome.result, outcome.message))
                        outcome.not_sent = outcome.stopped = true;
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
        if (outcome) out.push_back(std::move(*outcome));
    return out;
}

// A request the target's daily cap left no room for was never sent: the operation waits for
// a later run (it did not fail, and says nothing about the target), and so does every operation
// not started yet.
bool Executor::held_by_daily_cap(Result result, const std::string& message) {
    if (result != Result::skipped || !http::refused_by_daily_cap(message)) return false;
    if (!m_daily_cap_reached) m_daily_cap_reached = daily_cap_reason(message);
    return true;
}

// A request whose retries the stop cut short ("not sent: the target was abandoned", while the
// breaker abandoned nothing): it was not sent again, and it did not fail.
bool Executor::unsent_for_the_stop(Result result, const std::string& message) const {
    return result == Result::skipped && message.starts_with("not sent: the target was abandoned") &&
           m_breaker.stopping();
}

// Under the lock: the outcome reaches the state, and what waited for it may start.
void Executor::finish(const state::Operation& operation, Outcome outcome, Schedule& schedule,
                      size_t index) {
    if (held_by_daily_cap(outcome.result, outcome.message)) outcome.deferred = true;
    if (outcome.deferred) m_deferred.insert(operation.id);
    if (outcome.result == Result::done)
        m_succeeded.insert(operation.id);
    else
        m_succeeded.erase(operation.id);
    if (outcome.result == Result::done && outcome.effect == Effect::save) {
        // As text, for the manager link later in the run (it parses the one it needs): the
        // create's own text when the target holds what was sent, as it mostly does. A link is
        // the last a run does to a user: what it leaves is not kept.
        scim::PackedJson held_text;
        if (operation.kind != state::OperationKind::link_manager)
            held_text = !operation.packed_body.empty() && outcome.body == operation.body
                            ? operation.packed_body
                            : scim::PackedJson(outcome.body);
        m_created[m_owners.id_of(operation.key)] = {outcome.scim_id, outcome.version,
                                                    std::move(held_text)};
        m_owners.claim(outcome.scim_id, operation.key);
        if (m_directory.listed()) {
            json held = outcome.body;
            held["id"] = outcome.scim_id;
            m_directory.add(held);
        }
    }
    m_sink.record(outcome);
    outcome.body = nullptr; // in the state now; nothing after the run reads it
    schedule.outcomes[index] = std::move(outcome);
    ++schedule.finished;
    for (size_t next : schedule.dependents[index])
        if (--schedule.waiting_on[next] == 0) schedule.ready.push(next);
    schedule.changed.notify_all();
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

} // namespace hr2scim::apply
