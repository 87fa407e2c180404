#include "apply/upload_sender.hpp"

#include "apply/inbound_upload.hpp"
#include "apply/stop_request.hpp"
#include "apply/work_order.hpp"
#include "scim/schema.hpp"
#include "state/planner.hpp"
#include "state/source_key.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <spdlog/spdlog.h>

namespace hr2scim::apply {
namespace {

using nlohmann::json;
using state::OperationKind;

// Requests in a row without an answer (after the client's own retries) before the target is
// given up for the run.
constexpr size_t k_unanswered_before_giving_up = 3;

std::string external_id_of(const json& body) {
    if (!body.is_object()) return {};
    auto found = body.find("externalId");
    return found != body.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Outcome failed(const state::Operation& operation, Result result, std::string message) {
    Outcome outcome;
    outcome.operation = &operation;
    outcome.result = result;
    outcome.message = std::move(message);
    return outcome;
}

bool inactive(const json& body) {
    auto active = body.find("active");
    return active != body.end() && active->is_boolean() && !active->get<bool>();
}

} // namespace

// One person's upload: the operation, the body the state records once it is taken, and the
// manager links it carries.
struct UploadSender::Upload {
    state::Operation* operation = nullptr;
    std::string external_id;
    json body;
    std::vector<state::Operation*> links; // manager links sent within this upload
    Urgency urgency = Urgency::change;
    size_t depth = 0; // managers created in this run go before their reports
};

std::optional<std::string> UploadSender::over_budget() const {
    if (m_settings.max_operations && m_sent >= *m_settings.max_operations)
        return "waits for the next run: this run's budget of " +
               std::to_string(*m_settings.max_operations) + " operations (" +
               m_settings.budget_setting + ") is spent";
    if (m_settings.deadline && std::chrono::steady_clock::now() >= *m_settings.deadline)
        return "waits for the next run: this run's time (" + m_settings.budget_setting +
               ") is spent";
    return std::nullopt;
}

std::vector<Outcome> UploadSender::run(state::Plan& plan,
                                       const std::map<std::string, std::string>& accounts) {
    const bool exact = m_settings.case_sensitive_keys;
    auto id_of = [&](const std::string& key) { return state::identity_key(key, exact); };
    std::vector<Outcome> outcomes;
    outcomes.reserve(plan.operations.size());

    // Each person's account by externalId: the state's, and this run's uploads'.
    std::map<std::string, std::string> external_ids;
    for (const auto& [key, external_id] : accounts)
        external_ids[id_of(key)] = external_id;
    std::deque<Upload> uploads;
    std::map<std::string, Upload*> by_key;
    std::vector<state::Operation*> links;
    for (auto& operation : plan.operations) {
        if (operation.kind == OperationKind::link_manager) {
            links.push_back(&operation);
            continue;
        }
        if (operation.kind == OperationKind::remove) {
            outcomes.push_back(failed(operation, Result::refused,
                                      "not sent: an upload target has no DELETE (a leaver is "
                                      "uploaded with active false)"));
            m_sink.record(outcomes.back());
            continue;
        }
        json body = operation.full_body();
        auto external_id = external_id_of(body);
        // A leaver whose last upload failed is known by the account alone (the state no longer
        // says what the target holds): the account's id is the externalId it was made with.
        if (external_id.empty() && !operation.scim_id.empty() && body.is_object()) {
            external_id = operation.scim_id;
            body["externalId"] = external_id;
        }
        if (external_id.empty()) {
            outcomes.push_back(failed(operation, Result::refused,
                                      "not sent: the user has no externalId, by which the target "
                                      "matches an upload to its account"));
            m_sink.record(outcomes.back());
            continue;
        }
        // The account is the one its externalId names: a new externalId would be a new account,
        // and the old one would be left as it is.
        if (!operation.scim_id.empty() && operation.scim_id != external_id) {
            outcomes.push_back(failed(
                operation, Result::refused,
                "not sent: its externalId changed from " + operation.scim_id + " to " +
                    external_id +
                    "; the target matches uploads by externalId, so this would make a second "
                    "account and leave " +
                    operation.scim_id +
                    " as it is. Give the record its old externalId back, or hand the account over "
                    "(hr2scim sync --hand-over) once the target's account has the new one"));
            m_sink.record(outcomes.back());
            continue;
        }
        external_ids[id_of(operation.key)] = external_id;
        auto& upload = uploads.emplace_back();
        upload.operation = &operation;
        upload.external_id = external_id;
        upload.body = std::move(body);
        upload.urgency = urgency(operation);
        by_key[id_of(operation.key)] = &upload;
    }

    // A manager link goes with its person's own upload, or is one of its own: the person's
    // stored user with the manager's externalId.
    for (auto* link : links) {
        auto manager = external_ids.find(id_of(link->manager_key));
        if (manager == external_ids.end()) {
            outcomes.push_back(failed(*link, Result::skipped,
                                      "the manager " + link->manager_key +
                                          " has no account yet; linked on a later run"));
            m_sink.record(outcomes.back());
            continue;
        }
        if (auto found = by_key.find(id_of(link->key)); found != by_key.end()) {
            state::set_manager_id(found->second->body, manager->second);
            found->second->links.push_back(link);
            continue;
        }
        json body = link->full_body();
        const auto external_id = link->scim_id.empty() ? external_id_of(body) : link->scim_id;
        if (external_id.empty() || !body.is_object()) {
            outcomes.push_back(failed(*link, Result::skipped,
                                      "the user has no account yet; linked on a later run"));
            m_sink.record(outcomes.back());
            continue;
        }
        state::set_manager_id(body, manager->second);
        auto& upload = uploads.emplace_back();
        upload.operation = link;
        upload.external_id = external_id;
        upload.body = std::move(body);
        upload.urgency = Urgency::change;
        by_key[id_of(link->key)] = &upload;
    }

    // A create whose manager link was folded into it (a plan only shown folds them; one sent
    // never should) carries the manager too.
    for (auto& upload : uploads)
        if (upload.operation->link_after)
            if (auto manager = external_ids.find(id_of(upload.operation->manager_key));
                manager != external_ids.end())
                state::set_manager_id(upload.body, manager->second);

    // Managers uploaded in this run go before their reports (the target resolves a manager
    // reference against the accounts it holds when it processes the report).
    auto manager_of = [](const Upload& upload) {
        if (!upload.links.empty()) return upload.links.front()->manager_key;
        return upload.operation->link_after ? upload.operation->manager_key : std::string();
    };
    for (auto& upload : uploads) {
        const Upload* at = &upload;
        std::set<std::string> seen{id_of(at->operation->key)};
        for (size_t depth = 1; depth <= 64; ++depth) {
            const auto manager = manager_of(*at);
            if (manager.empty() || !seen.insert(id_of(manager)).second) break;
            auto found = by_key.find(id_of(manager));
            if (found == by_key.end()) break;
            upload.depth = depth;
            at = found->second;
        }
    }
    std::vector<Upload*> order;
    order.reserve(uploads.size());
    for (auto& upload : uploads)
        order.push_back(&upload);
    std::ranges::stable_sort(order, [](const Upload* a, const Upload* b) {
        return std::tie(a->urgency, a->depth) < std::tie(b->urgency, b->depth);
    });

    for (size_t at = 0; at < order.size();) {
        if (auto why = stop_requested()) {
            for (; at < order.size(); ++at) {
                Outcome outcome = failed(*order[at]->operation, Result::skipped, {});
                mark_stopped(outcome, "hr2scim was asked to stop (" + *why + ")");
                settle(*order[at], std::move(outcome), outcomes);
            }
            break;
        }
        std::optional<std::string> spent = over_budget();
        if (m_abandoned) spent = "not sent: the target was given up (" + *m_abandoned + ")";
        if (spent) {
            for (; at < order.size(); ++at) {
                Outcome outcome = failed(*order[at]->operation, Result::skipped, *spent);
                outcome.deferred = !m_abandoned.has_value();
                settle(*order[at], std::move(outcome), outcomes);
            }
            break;
        }
        size_t take = std::min(k_upload_max_users, order.size() - at);
        if (m_settings.max_operations) take = std::min(take, *m_settings.max_operations - m_sent);
        std::vector<Upload*> batch(order.begin() + static_cast<std::ptrdiff_t>(at),
                                   order.begin() + static_cast<std::ptrdiff_t>(at + take));
        at += take;
        m_sent += take;
        send(std::move(batch), outcomes);
    }
    std::ranges::sort(outcomes, {}, [](const Outcome& outcome) { return outcome.operation->id; });
    return outcomes;
}

// One request; a request refused as a whole is split until the user it cannot take is alone.
void UploadSender::send(std::vector<Upload*> batch, std::vector<Outcome>& outcomes) {
    std::vector<UploadItem> items;
    items.reserve(batch.size());
    for (auto* upload : batch)
        items.push_back({"u" + std::to_string(m_next_bulk_id++), upload_user(upload->body)});
    auto answer = m_client.upload(upload_request(items));
    if (answer) {
        m_unanswered = 0;
        for (auto* upload : batch) {
            Outcome outcome;
            outcome.operation = upload->operation;
            outcome.effect = Outcome::Effect::save;
            outcome.scim_id = upload->external_id;
            outcome.body = upload->body;
            outcome.status = inactive(upload->body) ? state::ResourceStatus::deactivated
                                                    : state::ResourceStatus::active;
            outcome.awaiting_confirmation = true;
            settle(*upload, std::move(outcome), outcomes);
        }
        return;
    }
    const auto& error = answer.error();
    const Answer said = answer_of(error);
    if (said == Answer::denied) {
        m_abandoned = error.describe();
        m_client.abandon(*m_abandoned);
        for (auto* upload : batch)
            settle(*upload, failed(*upload->operation, Result::target_unusable, error.describe()),
                   outcomes);
        return;
    }
    if (refuses_the_request(said) && batch.size() > 1) {
        spdlog::info("target {}: an upload of {} users was refused ({}); sent again in halves to "
                     "find the user it cannot take",
                     m_client.name(), batch.size(), error.describe());
        const auto half = batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2);
        send({batch.begin(), half}, outcomes);
        send({half, batch.end()}, outcomes);
        return;
    }
    const Result result = classify(error);
    if (result == Result::transient || result == Result::target_unusable) {
        if (++m_unanswered >= k_unanswered_before_giving_up) {
            m_abandoned = std::to_string(m_unanswered) +
                          " uploads in a row failed, the last: " + error.describe();
            m_client.abandon(*m_abandoned);
        }
    }
    // An upload is a whole user, sent again by the next run: nothing is recorded of it.
    for (auto* upload : batch)
        settle(*upload,
               failed(*upload->operation,
                      result == Result::target_unusable ? Result::transient : result,
                      error.describe()),
               outcomes);
}

// The upload's outcome, and its manager links' after it.
void UploadSender::settle(Upload& upload, Outcome outcome, std::vector<Outcome>& outcomes) {
    m_sink.record(outcome);
    for (auto* link : upload.links) {
        Outcome linked = outcome;
        linked.operation = link;
        linked.awaiting_confirmation = false; // the same upload: its own outcome awaits
        if (outcome.result != Result::done && !outcome.stopped && !outcome.deferred) {
            linked.result = Result::skipped;
            linked.message = "the user's upload was not taken; linked on a later run";
        }
        m_sink.record(linked);
        outcomes.push_back(std::move(linked));
    }
    outcomes.push_back(std::move(outcome));
}

} // namespace hr2scim::apply
