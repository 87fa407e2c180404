#include "agent/first_run.hpp"

namespace hr2scim::agent {

scim::CallResult<scim::ListPage> first_user(scim::ScimClient& client) {
    const bool by_cursor = client.paging() == scim::Paging::cursor;
    return client.list_page(scim::ResourceType::user,
                            {.count = 1,
                             .start_index = by_cursor ? std::nullopt : std::optional<size_t>(1),
                             .cursor = by_cursor ? std::optional<std::string>("") : std::nullopt});
}

std::optional<FirstRunStop> first_run_stop(scim::ScimClient& client, const Config& config) {
    const auto page = first_user(client);
    const std::string state_line = "the state " + config.state.string() +
                                   " holds nobody for target \"" + config.target.name + "\"";
    const std::string choice =
        ". If this is the first run against a target that already has accounts, run it once "
        "with --adopt-existing: each create is looked up first and a matching account (by "
        "externalId or userName) is taken over, not duplicated. If hr2scim has synced this "
        "target before, the state is not the one it wrote: check `state:` in the config";
    if (!page)
        return FirstRunStop{.why = state_line +
                                   ", and the target could not say whether it holds users (" +
                                   page.error().describe() + ")" + choice,
                            .unanswered = true};
    if (page->resources.empty() && page->total.value_or(0) == 0) return std::nullopt;
    const std::string held =
        page->total && *page->total > 0 ? std::to_string(*page->total) + " users" : "users";
    return FirstRunStop{.why = state_line + ", but the target already holds " + held + choice};
}

std::string first_run_note(const Config& config, size_t creates, bool adopting) {
    const std::string target = "A first run for target \"" + config.target.name + "\"";
    if (adopting)
        return target + " with --adopt-existing: each of the " + std::to_string(creates) +
               " creates looks its person up on the target first (by externalId, then "
               "userName), and a matching account is taken over, not duplicated.\n";
    return target +
           ": sync asks the target whether it already holds users, and if it does, stops before "
           "sending unless --adopt-existing is given.\n";
}

} // namespace hr2scim::agent
