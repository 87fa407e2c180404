// What a Bulk answer means for each of its operations. The answer is a claim like any other:
// each create's id is read back as this person, and each change's answer compared with what
// was sent, before the outcomes reach the state. The read-backs are requests of their own, so
// any Bulk sender that is free takes them (bulk_sender.cpp): a batch's reads go concurrently
// and the target is never left idle while one sender reads back fifty users one by one.
#include "apply/executor.hpp"
#include "apply/executor_internal.hpp"

namespace hr2scim::apply {

void Executor::settle_answer(const std::vector<state::Operation>& operations, Schedule& schedule,
                             AnsweredBatch& answered, const scim::CallResult<json>& answer) {
    const auto& batch = answered.batch;
    answered.results.assign(batch.size(), std::nullopt);
    std::string unreadable;
    if (answer) {
        if (auto read = bulk_results(*answer, batch); !read)
            unreadable = read.error();
        else
            answered.results = std::move(*read);
    }
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
            outcome = bulk_outcome(operation, answered.results[i], retry_alone);
        }
        if (retry_alone) {
            schedule.ready.push(item.index);
            continue;
        }
        if (outcome.result == Result::done && outcome.effect == Effect::save &&
            (item.method == "POST" || item.method == "PATCH"))
            answered.to_read_back.push_back(answered.settled.size());
        answered.settled.emplace_back(i, std::move(outcome));
    }
    answered.unverified = answered.to_read_back.size();
}

void Executor::verify_answered(const std::vector<state::Operation>& operations,
                               AnsweredBatch& answered, size_t k) {
    auto& [i, outcome] = answered.settled[k];
    const auto& item = answered.batch[i];
    const auto& operation = operations[item.index];
    if (item.method == "POST") {
        json read;
        if (auto wrong = unverified_create(operation, outcome.scim_id, outcome.body, read)) {
            outcome = std::move(*wrong);
            return;
        }
        const std::string id = outcome.scim_id;
        outcome = verified(operation, id, outcome.body, operation.body, read, true);
        std::lock_guard lock(m_mutex);
        answered.id_of_bulk[item.bulk_id] = id;
        answered.read_of_bulk[item.bulk_id] = std::move(read);
    } else {
        const json answer = answered.results[i] ? answered.results[i]->response : json();
        auto status = outcome.status;
        outcome = verified(operation, outcome.scim_id, outcome.body, changed(operation.changes),
                           answer, false, status);
    }
}

void Executor::finish_answered(const std::vector<state::Operation>& operations, Schedule& schedule,
                               AnsweredBatch& answered) {
    for (auto& [i, outcome] : answered.settled) {
        const auto& item = answered.batch[i];
        // The manager reference as the target resolved it: linked only when it reads back as
        // the manager's id; otherwise the link after the creates sets it.
        if (auto manager = answered.referenced.find(item.bulk_id);
            manager != answered.referenced.end() && outcome.result == Result::done) {
            auto id = answered.id_of_bulk.find(manager->second);
            const json* held = scim::value_at_change_path(
                answered.read_of_bulk[item.bulk_id],
                std::string(scim::k_enterprise_user_schema) + ":manager");
            if (id != answered.id_of_bulk.end() && held && held->is_object() &&
                held->value("value", json()) == json(id->second)) {
                set_manager(outcome.body, {{"value", id->second}});
                m_linked_in_bulk.insert(m_owners.id_of(operations[item.index].key));
            }
        }
        m_breaker.note(outcome.result, outcome.message);
        finish(operations[item.index], std::move(outcome), schedule, item.index);
    }
}

} // namespace hr2scim::apply
