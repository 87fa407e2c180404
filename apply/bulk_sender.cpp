// Bulk (RFC 7644 section 3.7): the ready operations a Bulk request can carry, in batches, creates
// ordered managers first; what a batch cannot settle goes back to the ready queue.
#include "apply/executor.hpp"
#include "apply/executor_internal.hpp"

#include <list>

namespace hr2scim::apply {

bool Executor::bulkable(const state::Operation& operation) const {
    // A change without PATCH is a read-modify-write PUT, which a Bulk request cannot read.
    const bool patch = m_patch != Support::no;
    switch (operation.kind) {
    case OperationKind::create:
        return !operation.resolve_first && !m_adopting && operation.details().unique.empty() &&
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
                if (auto in_location =
                        scim::id_in_location(scim::ResourceType::user, result->location))
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
    const Answer answer = answer_of(status);
    if (kind == OperationKind::remove && answer == Answer::not_found) {
        Outcome outcome = saved(operation, operation.scim_id, operation.body);
        outcome.effect = Effect::forget;
        m_owners.release(operation.scim_id);
        return outcome;
    }
    const bool change = kind != OperationKind::create && kind != OperationKind::remove;
    if ((kind == OperationKind::create && answer == Answer::exists) ||
        answer == Answer::version_changed ||
        (change && (answer == Answer::not_found || answer == Answer::unsupported))) {
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
    if (change && answer == Answer::exists)
        return failure(operation, Result::conflict,
                       "in a Bulk request: " + refused_change(operation.changes, error));
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
    if (m_etag) item.version = operation.details().version;
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

void Executor::run_bulk(state::Plan& plan, Schedule& schedule) {
    std::vector<size_t> taken, others;
    // What this phase may take, most urgent first, within the run's budget.
    const size_t room = m_max_operations
                            ? *m_max_operations - std::min(m_started, *m_max_operations)
                            : plan.operations.size();
    while (schedule.takeable()) {
        const size_t index = schedule.ready.top();
        schedule.ready.pop();
        (bulkable(plan.operations[index]) && taken.size() < room ? taken : others).push_back(index);
    }
    for (size_t index : others)
        schedule.ready.push(index);
    if (taken.size() < 2 || over_budget()) {
        for (size_t index : taken)
            schedule.ready.push(index);
        return;
    }
    for (size_t index : taken) // parsed until their outcome is recorded
        plan.operations[index].parse_for_sending();
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
    // Batches go concurrently (up to max_concurrency): a target works through one Bulk
    // request's operations one after another, and each create it answers is read back, so one
    // large request at a time leaves the target and the pipeline idle. Small batches (as the
    // target allows, k_batch) keep many in flight and let the target interleave their
    // read-backs; measured against the test server at 10,000 users and 20 ms, batches of 50
    // gave 310-313 users/s where batches of 157 gave 278-295 (single requests: 312). Where
    // requests are counted (a budget, a daily cap), or with one worker, each request carries as
    // many as the target takes.
    constexpr size_t k_batch = 50;
    const size_t workers = std::max<size_t>(1, std::min(m_concurrency, items.size() / 2));
    const size_t per_batch = workers == 1 || m_requests_counted
                                 ? m_bulk_max_operations
                                 : std::min(m_bulk_max_operations, k_batch);
    std::deque<std::vector<BulkItem>> batches;
    for (auto& batch : bulk_batches(std::move(items), per_batch, m_bulk_max_payload))
        batches.push_back(std::move(batch));
    size_t unanswered_in_a_row = 0; // under m_mutex
    bool stopped = false;           // under m_mutex: everything left goes one by one
    // Under m_mutex: answered batches waiting for their read-backs, the read-backs any sender
    // may take (before sending another batch), and the Bulk requests not yet settled (a
    // sender with nothing to do waits for their read-backs rather than leave them to one).
    std::list<AnsweredBatch> answered_batches;
    std::deque<std::pair<std::list<AnsweredBatch>::iterator, size_t>> read_backs;
    size_t sending = 0;
    std::condition_variable work_changed;
    // Under m_mutex: the operations of `batch` and of every batch not yet sent go back to the
    // ready queue.
    auto push_back_all = [&](const std::vector<BulkItem>& batch) {
        for (const auto& item : batch)
            schedule.ready.push(item.index);
        for (const auto& rest : batches)
            for (const auto& item : rest)
                schedule.ready.push(item.index);
        batches.clear();
        stopped = true;
    };
    // Under m_mutex: records a batch whose read-backs are all done; a breaker tripped by it
    // stops the sending.
    auto finish_batch = [&](std::list<AnsweredBatch>::iterator answered) {
        finish_answered(operations, schedule, *answered);
        for (const auto& settled : answered->settled)
            plan.operations[answered->batch[settled.first].index].let_go_of_parsed();
        answered_batches.erase(answered);
        if (const auto& why = m_breaker.tripped()) {
            m_client.abandon(*why);
            push_back_all({});
        }
    };
    auto read_back = [&](std::unique_lock<std::mutex>& lock) {
        auto [answered, k] = read_backs.front();
        read_backs.pop_front();
        lock.unlock();
        verify_answered(operations, *answered, answered->to_read_back[k]);
        lock.lock();
        if (--answered->unverified == 0) finish_batch(answered);
    };
    // Sends one batch and settles its answer; its read-backs are left for whoever is free.
    auto send_batch = [&](std::vector<BulkItem> batch, std::unique_lock<std::mutex>& lock) {
        // Only a reference to a create earlier in this same request is kept.
        std::set<std::string> earlier;
        std::map<std::string, std::string> referenced; // report bulkId -> manager bulkId
        for (auto& item : batch) {
            if (item.method != "POST") continue;
            auto manager = manager_of.find(m_owners.id_of(operations[item.index].key));
            if (manager != manager_of.end()) {
                if (earlier.contains(bulk_id_of.at(manager->second)))
                    referenced[item.bulk_id] = bulk_id_of.at(manager->second);
                else
                    item.data = operations[item.index].body; // as planned: linked afterwards
            }
            earlier.insert(item.bulk_id);
        }
        m_started += batch.size();
        for (const auto& item : batch)
            if (item.method == "POST") m_sink.journal_create(operations[item.index], item.data);
        lock.unlock();
        auto answer = m_client.bulk(bulk_request(batch));
        // Not Bulk's to do (no such endpoint, too large, not implemented): one by one.
        // A refused token, a busy target or no answer is not about Bulk.
        if (!answer && refuses_the_request(answer_of(answer.error()))) {
            lock.lock();
            if (m_bulk)
                spdlog::warn("the target refused a Bulk request ({}); operations are sent one "
                             "by one",
                             answer.error().describe());
            m_bulk = false;
            push_back_all(batch);
            return;
        }
        if (!answer && classify(answer.error()) != Result::skipped &&
            unanswered(answer_of(answer.error()))) {
            size_t in_a_row = 0;
            {
                std::lock_guard count(m_mutex);
                in_a_row = ++unanswered_in_a_row;
            }
            split_unanswered(operations, schedule, batch, batches, answer.error(), in_a_row);
            lock.lock();
            return;
        }
        lock.lock();
        unanswered_in_a_row = 0;
        auto answered = answered_batches.insert(answered_batches.end(), AnsweredBatch{});
        answered->batch = std::move(batch);
        answered->referenced = std::move(referenced);
        settle_answer(operations, schedule, *answered, answer);
        if (answered->unverified == 0) {
            finish_batch(answered);
            return;
        }
        for (size_t k = 0; k < answered->to_read_back.size(); ++k)
            read_backs.emplace_back(answered, k);
    };
    auto send_batches = [&] {
        std::unique_lock lock(m_mutex);
        for (;;) {
            const auto can_send = [&] { return !stopped && !batches.empty(); };
            work_changed.wait(lock, [&] {
                return schedule.error || !read_backs.empty() || can_send() || sending == 0;
            });
            if (schedule.error) break;
            try {
                if (!read_backs.empty()) {
                    read_back(lock);
                } else if (can_send()) {
                    std::vector<BulkItem> batch = std::move(batches.front());
                    batches.pop_front();
                    if (over_budget()) { // the run's time is spent: the workers say so for each
                        push_back_all(batch);
                    } else {
                        ++sending;
                        try {
                            send_batch(std::move(batch), lock);
                        } catch (...) {
                            if (!lock.owns_lock()) lock.lock();
                            --sending;
                            throw;
                        }
                        --sending;
                    }
                } else {
                    break; // nothing to send, nothing to read back, nothing coming
                }
            } catch (...) {
                if (!lock.owns_lock()) lock.lock();
                schedule.error = std::current_exception();
                stopped = true;
            }
            work_changed.notify_all();
        }
        work_changed.notify_all();
    };
    // Every worker, though there may be fewer batches: a batch answered leaves read-backs
    // for all of them. Counted before any sender starts (they take batches as they go).
    const size_t senders = batches.empty() ? 0 : workers;
    if (senders <= 1) {
        send_batches();
    } else {
        std::vector<std::jthread> threads;
        threads.reserve(senders);
        for (size_t i = 0; i < senders; ++i)
            threads.emplace_back(send_batches);
    }
    {
        std::lock_guard lock(m_mutex);
        if (!m_bulk || stopped) {
            for (const auto& rest : batches)
                for (const auto& item : rest)
                    schedule.ready.push(item.index);
            batches.clear();
        }
    }
    if (schedule.error) std::rethrow_exception(schedule.error);
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

} // namespace hr2scim::apply
