#pragma once
// What the executor's files share: how an outcome is made from an answer, and the schedule of a
// run's operations. Not for use outside apply/executor*.cpp, apply/user_operations.cpp and
// apply/bulk_sender.cpp.

#include "apply/executor.hpp"
#include "apply/work_order.hpp"
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

using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;
using Effect = Outcome::Effect;

namespace executor_detail {
using nlohmann::json;
using state::OperationKind;
using state::ResourceStatus;
using Effect = Outcome::Effect;

inline Outcome failure(const state::Operation& operation, Result result, std::string message,
                       Effect effect = Effect::none) {
    Outcome outcome;
    outcome.operation = &operation;
    outcome.result = result;
    outcome.message = std::move(message);
    outcome.effect = effect;
    return outcome;
}

inline Outcome call_failure(const state::Operation& operation, const scim::CallError& error,
                            const std::string& prefix = {}) {
    const Result result = classify(error);
    // Never sent: "not sent: the target was abandoned", not "no answer".
    if (result == Result::skipped) return failure(operation, result, error.detail);
    return failure(operation, result, prefix + error.describe());
}

// A user sent with active:false (pre-hire, terminated) is kept as deactivated.
inline Outcome saved(const state::Operation& operation, std::string id, json body,
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
inline std::optional<std::string> version_of(const json& resource) {
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
inline json changed(const std::vector<scim::AttributeChange>& changes) {
    json values = json::object();
    for (const auto& change : changes)
        if (change.after) scim::apply_change(values, change);
    return values;
}

// Whether an answer is a resource to compare (a 204 or a bare acknowledgement is not).
inline bool holds_resource(const json& answer) {
    if (!answer.is_object()) return false;
    for (const auto& [name, unused] : answer.items())
        if (name != "meta" && name != "schemas" && name != "id") return true;
    return false;
}

// The whole enterprise manager value (servers refuse a path into it), and its schema listed.
inline void set_manager(json& body, json reference) {
    body[scim::k_enterprise_user_schema]["manager"] = std::move(reference);
    auto& schemas = body["schemas"];
    if (std::ranges::find(schemas, json(scim::k_enterprise_user_schema)) == schemas.end())
        schemas.push_back(scim::k_enterprise_user_schema);
}

inline bool definitely_not_created(const scim::CallError& error) {
    auto result = classify(error);
    return result == Result::refused || result == Result::conflict;
}

// A filter that finds users holding `value` at `path`: emails[type eq "work"].value → emails.value.
inline std::string filter_for(const scim::AttributePath& path, const std::string& value) {
    std::string attribute = (path.schema.empty() ? "" : path.schema + ":") + path.attribute;
    if (!path.sub_attribute.empty()) attribute += "." + path.sub_attribute;
    return scim::eq_filter(attribute, value);
}

// A 409 answering a change (PATCH or PUT, alone or in a Bulk request) of an existing user:
// which identifying value being set (userName, externalId, an e-mail) collided, as far as the
// target's answer tells, and what it said. The request as a whole was refused, so the user
// keeps what it held; the change stays planned and is sent again next run.
std::string refused_change(const std::vector<scim::AttributeChange>& changes,
                           const scim::CallError& error);

} // namespace executor_detail

using namespace executor_detail;

struct Executor::Schedule {
    std::vector<Outcome> outcomes; // by plan position; each is set once it is finished
    std::vector<std::vector<size_t>> dependents;
    std::vector<size_t> waiting_on;
    std::vector<bool> unmet; // depends on an operation that is not before it in the plan
    std::vector<Urgency> urgency;
    // The ready operations, most urgent first (offboarding first), then in plan order.
    struct LaterFirst {
        const std::vector<Urgency>* urgency;
        bool operator()(size_t a, size_t b) const {
            return std::pair((*urgency)[a], a) > std::pair((*urgency)[b], b);
        }
    };
    std::priority_queue<size_t, std::vector<size_t>, LaterFirst> ready;
    // What this phase of the run may take: nothing less urgent than this.
    Urgency limit = Urgency::grant;
    size_t in_flight = 0;
    size_t finished = 0;
    std::condition_variable changed;
    std::exception_ptr error; // a failure of the agent itself (the state): every worker stops

    // The next ready operation this phase may take, if any.
    [[nodiscard]] bool takeable() const { return !ready.empty() && urgency[ready.top()] <= limit; }

    Schedule(const state::Plan& plan, const AccountOwners& owners)
        : outcomes(plan.operations.size()), dependents(plan.operations.size()),
          waiting_on(plan.operations.size(), 0), unmet(plan.operations.size(), false),
          ready(LaterFirst{&urgency}) {
        const auto& operations = plan.operations;
        urgency.reserve(operations.size());
        for (const auto& operation : operations)
            urgency.push_back(apply::urgency(operation));
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

struct Executor::AnsweredBatch {
    std::vector<BulkItem> batch;
    std::map<std::string, std::string> referenced; // report bulkId -> manager bulkId
    std::vector<std::optional<BulkResult>> results;
    std::vector<std::pair<size_t, Outcome>> settled; // batch position, outcome
    std::vector<size_t> to_read_back;                // positions in `settled`
    // Under m_mutex: the creates verified so far (bulkId -> id, and what reads back).
    std::map<std::string, std::string> id_of_bulk;
    std::map<std::string, nlohmann::json> read_of_bulk;
    size_t unverified = 0; // under m_mutex: read-backs not yet done
};

} // namespace hr2scim::apply
