// Any bytes as an answer from a server (a SCIM target, an HR API): its body, its
// Retry-After and Link headers, and the pages it serves must never crash the agent, overflow
// a duration, or end a read that does not add up. The first byte picks what is fuzzed.
#include "connectors/json_records.hpp"
#include "connectors/pager.hpp"
#include "http/json_body.hpp"
#include "http/retry.hpp"
#include "http/url.hpp"
#include "scim/discovery.hpp"
#include "scim/scim_error.hpp"
#include "scim/write_check.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace hr2scim;

void body(std::string_view text) {
    auto parsed = http::parse_json_body(text);
    if (parsed) {
        if (auto records = connectors::records_at(*parsed, "/data"); records)
            for (const auto& item : **records)
                if (item.is_object()) (void)connectors::flatten_json(item);
        (void)connectors::text_at(*parsed, "/total");
    }
    (void)scim::error_from_response(http::Response{400, {}, std::string(text)});
}

void retry_after(std::string_view text) {
    const auto now = std::chrono::system_clock::from_time_t(1800000000);
    auto wait = http::parse_retry_after(text, now);
    if (wait && (*wait < std::chrono::seconds(0) || *wait > http::k_longest_retry_after))
        std::abort();
    const http::RetryPolicy policy{4, std::chrono::milliseconds(500), std::chrono::seconds(60),
                                   std::chrono::seconds(300)};
    auto delay = http::retry_delay(policy, 3, wait);
    if (delay && *delay > policy.max_delay) std::abort(); // never waits longer than a retry may
}

void link(std::string_view text) {
    auto next = http::next_link(text);
    if (!next || next->empty()) return;
    auto url = http::resolve_url("https://hr.example.com/api?page=1", *next);
    (void)http::origin_of(url);
}

// Pages as a server might serve them: a read that ends must have read what the total says.
void pages(std::string_view text) {
    for (auto style : {connectors::PaginationStyle::page, connectors::PaginationStyle::offset,
                       connectors::PaginationStyle::next_url, connectors::PaginationStyle::link}) {
        connectors::PaginationSettings settings;
        settings.style = style;
        settings.total_pointer = "/total";
        settings.next_pointer = "/next";
        settings.max_pages = 8;
        connectors::Pager pager(settings, "https://hr.example.com/api");
        auto page = http::parse_json_body(text);
        if (!page) return;
        std::string url = pager.first_url();
        size_t read = 0;
        for (int i = 0; i < 8; ++i) {
            auto records = connectors::records_at(*page, "/data");
            const size_t count = records ? (*records)->size() : 0;
            read += count;
            http::Response response{
                200, {{"link", connectors::text_at(*page, "/link").value_or("")}}, {}};
            auto next = pager.next(url, *page, response, count);
            if (!next) break;
            if (!*next) {
                auto total = connectors::text_at(*page, "/total");
                if (total && *total != std::to_string(read))
                    std::abort(); // ended although it does not add up
                break;
            }
            url = **next;
            if (http::origin_of(url) != "https://hr.example.com:443")
                std::abort(); // left the origin
        }
    }
}

// A target's description of itself (/ServiceProviderConfig, /Schemas) and the rate-limit
// headers: whatever it says, the capabilities are sane and the attributes left out of a body
// are exactly the ones it does not know.
void description(std::string_view text) {
    const auto now = std::chrono::system_clock::from_time_t(1800000000);
    http::Response limited{429, {{"x-ratelimit-reset", std::string(text.substr(0, 40))}}, {}};
    auto wait = http::server_wait(limited, now);
    if (wait && (*wait < std::chrono::seconds(0) || *wait > http::k_longest_retry_after))
        std::abort();
    auto parsed = http::parse_json_body(text);
    if (!parsed) return;
    (void)scim::capabilities_from(*parsed);
    (void)scim::capabilities_from_state(*parsed);
    auto known = scim::user_attributes_from(*parsed);
    if (!known) return;
    nlohmann::json user = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                           {"userName", "ada"},
                           {"title", "Engineer"},
                           {"name", {{"givenName", "Ada"}}}};
    for (const auto& path : scim::drop_unknown_attributes(user, *known))
        if (scim::knows_attribute(*known, path)) std::abort(); // dropped a known attribute
    if (!user.contains("schemas")) std::abort();               // common attributes always stay
}

// A target's answer to a write (issue 22): a read-modify-write PUT sends back everything it
// held that hr2scim does not manage, and holds every value sent; comparing never crashes.
void written(std::string_view text) {
    auto parsed = http::parse_json_body(text);
    if (!parsed || !parsed->is_object()) return;
    const nlohmann::json sent = {
        {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
        {"userName", "ada"},
        {"title", "Engineer"},
        {"name", {{"givenName", "Ada"}}},
        {"emails", {{{"type", "work"}, {"value", "ada@example.com"}}}},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", {{"department", "R"}}}};
    const std::vector<scim::AttributeChange> changes = {
        {"nickName", nlohmann::json("A"), std::nullopt}};
    auto check = scim::check_written(sent, *parsed);
    auto recorded = sent;
    scim::record_held(recorded, *parsed, check);
    (void)scim::describe(check);
    const auto merged = scim::merge_managed(*parsed, sent, changes);
    for (const auto& [name, value] : parsed->items())
        if (!sent.contains(name) && name != "meta" && name != "schemas" && name != "nickName" &&
            merged.value(name, nlohmann::json()) != value)
            std::abort(); // changed what hr2scim does not manage
    if (!scim::check_written(sent, merged).kept.empty()) std::abort(); // lost a value sent
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] == 'W') { // the answer to a write
        written(text);
        return 0;
    }
    switch (data[0] % 5) {
    case 0:
        body(text);
        break;
    case 1:
        retry_after(text);
        break;
    case 2:
        link(text);
        break;
    case 3:
        pages(text);
        break;
    default:
        description(text);
        break;
    }
    return 0;
}
