// The user operations: create (looked up first where journaled, verified by reading back),
// update, deactivate, delete and manager links, each answering one Outcome. Nothing here
// writes the state: a create is journaled through the sink before it is sent.
#include "apply/executor.hpp"
#include "apply/executor_internal.hpp"

namespace hr2scim::apply {
namespace {

// A 409 the look-up matched to nobody: what the target said, and which of this person's
// identifying values it named as taken (an account of someone else normalised to the same
// name, one hidden from look-ups), or that it named none. A 409 naming none of them is not
// taken to mean an account exists (Salesforce answers 409 for a create without a profile).
std::string taken_by_nobody_found(const json& body, const scim::CallError& error) {
    std::vector<std::string> sent;
    for (const char* attribute : {"userName", "externalId"})
        if (auto value = body.find(attribute); value != body.end() && value->is_string())
            sent.push_back(std::string(attribute) + " " + value->get<std::string>());
    if (auto emails = body.find("emails"); emails != body.end() && emails->is_array())
        for (const auto& email : *emails)
            if (email.is_object() && email.contains("value") && email["value"].is_string())
                sent.push_back("e-mail " + email["value"].get<std::string>());
    std::string named;
    for (const auto& each : sent) {
        const std::string value = each.substr(each.find(' ') + 1);
        if (!value.empty() && error.detail.find(value) != std::string::npos)
            named += (named.empty() ? "" : ", ") + each;
    }
    if (named.empty())
        return "the target refuses the create (" + error.describe() +
               ") and no account it shows holds this person's externalId or userName; its answer "
               "names none of this person's values, so it is not taken as an existing account. "
               "Not created and not taken over; tried again next run";
    return "the target refuses the create as taken (" + error.describe() +
           ") and no account it shows holds this person's externalId or userName; the target "
           "names the account taken by " +
           named + ". Not created and not taken over; tried again next run";
}

// The identifying values a change sets, as "userName to x" or "emails to a@x, b@x".
std::vector<std::pair<std::string, std::string>>
identity_values_set(const std::vector<scim::AttributeChange>& changes) {
    std::vector<std::pair<std::string, std::string>> set;
    for (const auto& change : changes) {
        if (!change.after) continue;
        const auto& after = *change.after;
        if ((change.path == "userName" || change.path == "externalId") && after.is_string()) {
            set.emplace_back(change.path, after.get<std::string>());
        } else if (change.path == "emails" && after.is_array()) {
            for (const auto& email : after)
                if (email.is_object() && email.contains("value") && email["value"].is_string())
                    set.emplace_back("emails", email["value"].get<std::string>());
        } else if (change.path.starts_with("emails") && after.is_string()) {
            set.emplace_back("emails", after.get<std::string>());
        }
    }
    return set;
}

} // namespace

std::string executor_detail::refused_change(const std::vector<scim::AttributeChange>& changes,
                                            const scim::CallError& error) {
    const auto set = identity_values_set(changes);
    // Values the answer names; of those, the ones whose attribute it names too, when it does
    // ("userName x is already taken" names userName, not the e-mail that is also x).
    const auto mentions = [&](const std::string& path) {
        const std::string word = path == "emails" ? "mail" : path;
        const auto same = [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        };
        return std::search(error.detail.begin(), error.detail.end(), word.begin(), word.end(),
                           same) != error.detail.end();
    };
    std::string named, named_with_attribute, all;
    for (const auto& [path, value] : set) {
        const std::string each = path + " to " + value;
        all += (all.empty() ? "" : ", ") + each;
        if (value.empty() || error.detail.find(value) == std::string::npos) continue;
        named += (named.empty() ? "" : ", ") + each;
        if (mentions(path))
            named_with_attribute += (named_with_attribute.empty() ? "" : ", ") + each;
    }
    if (!named_with_attribute.empty()) named = named_with_attribute;
    std::string what;
    if (!named.empty())
        what = "changing " + named;
    else if (!all.empty())
        what = "the change (it sets " + all + "; its answer names none of them)";
    else
        what = "the change (it sets no userName, externalId or e-mail)";
    return "the target refused " + what + " (" + error.describe() +
           "); another account holds the value, or the target reserves it: nothing was changed. "
           "Resolve the other account; the change is sent again next run";
}

scim::CallResult<std::vector<json>> Executor::users_holding(const scim::AttributePath& path,
                                                            const std::string& value) {
    if (m_filter) {
        auto found = m_client.find(scim::ResourceType::user, filter_for(path, value));
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
    if (answer || !guarded || answer_of(answer.error()) != Answer::version_changed) return answer;
    auto current = m_client.get(scim::ResourceType::user, id);
    if (!current) return answer;
    const auto now = version_of(*current);
    spdlog::info("user {} changed on the target since hr2scim last wrote it (412); sending "
                 "again for its version {}",
                 id, now.value_or("(none)"));
    return send(now.value_or(std::string()));
}

bool Executor::patch_refused(const scim::CallError& error) const {
    const Answer answer = answer_of(error);
    if (answer == Answer::unsupported) return true;
    // Nothing but a 429 or a 503 proves a target busy: on one that does not describe itself, a
    // first PATCH answered 400 or another 5xx is a probe that failed, not a storm to retry.
    return !m_self_described && m_patch == Support::unknown &&
           (answer == Answer::bad_request || answer == Answer::no_target ||
            answer == Answer::failing);
}

scim::CallResult<json> Executor::send_changes(const std::string& id,
                                              const std::vector<scim::AttributeChange>& changes,
                                              const json& body, const std::string& version) {
    // A target that takes userName and active only each in a PATCH of its own gets them in
    // two, in the order scim::identity_changes_apart gives; each for the version the one
    // before made. A refusal of the first leaves the second unsent.
    if (m_client.identity_patched_alone() && m_patch != Support::no) {
        if (auto apart = scim::identity_changes_apart(changes); apart.size() > 1) {
            scim::CallResult<json> answer;
            std::string at = version;
            for (const auto& part : apart) {
                answer = send_changes(id, part, body, at);
                if (!answer) return answer;
                at = version_of(*answer).value_or(std::string());
            }
            return answer;
        }
    }
    if (m_patch != Support::no) {
        // Until one PATCH has been answered, they go one at a time: one refusal teaches the
        // run, not one per operation in flight.
        std::unique_lock probe(m_patch_probe, std::defer_lock);
        if (m_patch == Support::unknown) probe.lock();
        if (m_patch != Support::no) {
            const bool probing = m_patch == Support::unknown && !m_self_described;
            auto patched = matching_version(id, version, [&](const std::string& if_match) {
                return m_client.patch(scim::ResourceType::user, id,
                                      scim::to_patch_operations(changes), if_match, probing);
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
        auto held = m_client.get(scim::ResourceType::user, id);
        if (!held) return held;
        const std::string version = m_etag ? version_of(*held).value_or("") : std::string();
        auto replaced = m_client.replace(scim::ResourceType::user, id,
                                         scim::merge_managed(*held, body, changes), version);
        if (replaced || answer_of(replaced.error()) != Answer::version_changed || attempt == 3)
            return replaced;
        spdlog::info("user {} changed on the target between reading and writing it (412); "
                     "reading it again",
                     id);
    }
}

Outcome Executor::verified(const state::Operation& operation, const std::string& id, json body,
                           const json& sent, const json& answered, bool read_back,
                           std::optional<ResourceStatus> status) {
    json resource = answered;
    if (!holds_resource(resource)) {
        auto read = m_client.get(scim::ResourceType::user, id);
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
        if (auto read = m_client.get(scim::ResourceType::user, id); read && holds_resource(*read)) {
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
    auto held = m_client.get(scim::ResourceType::user, id);
    if (!held && answer_of(held.error()) == Answer::not_found) {
        // Some targets show a new user to reads a moment after answering its create.
        std::this_thread::sleep_for(std::chrono::seconds(1));
        held = m_client.get(scim::ResourceType::user, id);
    }
    if (!held) {
        if (answer_of(held.error()) == Answer::not_found)
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
                                                       Outcome& failed, bool by_user_name) {
    for (const char* attribute : {"externalId", "userName"}) {
        if (!by_user_name && std::string_view(attribute) == "userName") continue;
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
    auto created = m_client.create(scim::ResourceType::user, body);
    if (!created) {
        *error = created.error();
        return std::nullopt;
    }
    if (auto id = usable_id(*created)) {
        // The id is a claim like any look-up result: it must read back as this person.
        json read;
        if (auto wrong = unverified_create(operation, *id, body, read)) return std::move(*wrong);
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
    // Taking accounts over (--adopt-existing): a unique() userName is a candidate, not this
    // person's, until the create picks it.
    const bool only_by_external_id =
        !look_up_first && m_adopting && !operation.details().unique.empty();
    if (look_up_first || m_adopting) {
        if (auto existing = find_existing(operation, failed, !only_by_external_id))
            return adopt(operation, *existing);
        if (failed.operation) return failed;
    }
    if (!operation.details().unique.empty()) return create_with_unique(operation, operation);
    scim::CallError error;
    if (auto posted = post(operation, operation.body, &error)) return std::move(*posted);
    if (classify(error) == Result::conflict) {
        // Already there (made by hand, or by another tool): adopted only when verified and unowned.
        if (auto existing = find_existing(operation, failed)) return adopt(operation, *existing);
        if (failed.operation) {
            failed.effect = Effect::forget;
            return failed;
        }
        return failure(operation, Result::conflict, taken_by_nobody_found(operation.body, error),
                       Effect::forget);
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
        if (auto failed = pick_unique(picked)) {
            // pick_unique names `picked`, a copy that ends with this call.
            failed->operation = &operation;
            if (failed->result == Result::conflict && !refused.empty())
                failed->message += "; refused by the target as taken: " + refused;
            return std::move(*failed);
        }
        scim::CallError error;
        if (auto posted = post(operation, picked.body, &error)) return std::move(*posted);
        if (classify(error) != Result::conflict) {
            Outcome outcome = call_failure(operation, error);
            if (definitely_not_created(error)) outcome.effect = Effect::forget;
            return outcome;
        }
        // Drop the value refused: userName's when there is a unique userName, else each one used.
        const bool has_user_name =
            std::ranges::any_of(picked.details().unique, [](const auto& choice) {
                return choice.path.to_string() == "userName";
            });
        for (auto& choice : picked.edit_details().unique) {
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
std::optional<Outcome> Executor::pick_unique(state::Operation& operation) {
    for (const auto& choice : operation.details().unique) {
        std::string listed;
        bool picked = false;
        for (const auto& candidate : choice.candidates) {
            auto found = users_holding(choice.path, candidate);
            if (!found)
                return call_failure(operation, found.error(),
                                    "checking whether " + choice.path.to_string() + " '" +
                                        candidate + "' is free failed: ");
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
            return failure(operation, Result::conflict,
                           "no free value for " + choice.path.to_string() + " (unique): " +
                               (listed.empty() ? std::string("every candidate is empty or held by "
                                                             "another user in the state")
                                               : "taken on the target: " + listed),
                           Effect::forget);
    }
    return std::nullopt;
}

Outcome Executor::update(const state::Operation& operation) {
    auto patched = send_changes(operation.scim_id, operation.changes, operation.body,
                                operation.details().version);
    if (!patched && answer_of(patched.error()) == Answer::not_found) {
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
    if (!patched && answer_of(patched.error()) == Answer::exists)
        return failure(operation, Result::conflict,
                       refused_change(operation.changes, patched.error()));
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
    auto patched =
        send_changes(scim_id, operation.changes, operation.body,
                     operation.resolve_first ? std::string() : operation.details().version);
    if (!patched && answer_of(patched.error()) == Answer::not_found) {
        spdlog::warn("deactivate {}: user {} is already gone from the target", operation.key,
                     scim_id);
        Outcome outcome = saved(operation, scim_id, operation.body);
        outcome.effect = Effect::forget;
        return outcome;
    }
    if (!patched && answer_of(patched.error()) == Answer::exists)
        return failure(operation, Result::conflict,
                       refused_change(operation.changes, patched.error()));
    if (!patched) return call_failure(operation, patched.error());
    return verified(operation, scim_id, operation.body, changed(operation.changes), *patched, false,
                    ResourceStatus::deactivated);
}

Outcome Executor::remove(const state::Operation& operation) {
    auto deleted = matching_version(
        operation.scim_id, operation.details().version, [&](const std::string& if_match) {
            return m_client.remove(scim::ResourceType::user, operation.scim_id, if_match);
        });
    if (!deleted && answer_of(deleted.error()) != Answer::not_found)
        return call_failure(operation, deleted.error());
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
    std::string report_version = operation.details().version;
    json body = operation.body;
    std::optional<std::string> manager_id;
    {
        std::lock_guard lock(m_mutex);
        if (auto report = m_created.find(m_owners.id_of(operation.key));
            report != m_created.end()) {
            report_id = report->second.scim_id;
            if (!report->second.body.empty()) body = report->second.body.parse();
            report_version = report->second.version;
        }
        if (auto manager = m_created.find(m_owners.id_of(operation.manager_key));
            manager != m_created.end())
            manager_id = manager->second.scim_id;
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
