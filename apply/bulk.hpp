#pragma once
// RFC 7644 §3.7 Bulk: many operations in one request, within the target's limits. Its answer
// is a claim to check like any other: a result counts only when it is recognisably the one
// for its operation (the same method, and the same bulkId or location); an operation without
// such a result is treated as not answered.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::apply {

struct BulkItem {
    size_t index = 0;    // the operation's position in the plan
    std::string method;  // POST, PATCH, PUT or DELETE
    std::string path;    // "/Users" or "/Users/<id>"
    std::string bulk_id; // unique in the request
    std::string version; // If-Match ("version" in the request), when ETags are used
    nlohmann::json data; // null for DELETE
};

struct BulkResult {
    long status = 0;
    std::string location;    // for a create: where the new user is
    nlohmann::json response; // what the target said (an error, or the resource)
};

// Items in requests of at most `max_operations` and, where one item allows, `max_payload`
// bytes each, in order.
[[nodiscard]] std::vector<std::vector<BulkItem>>
bulk_batches(std::vector<BulkItem> items, size_t max_operations, size_t max_payload);

[[nodiscard]] nlohmann::json bulk_request(const std::vector<BulkItem>& items);

// One entry per item, in the items' order: its result, or nothing when the answer holds none
// that is recognisably its. An answer that is not a BulkResponse is an error.
[[nodiscard]] tl::expected<std::vector<std::optional<BulkResult>>, std::string>
bulk_results(const nlohmann::json& answer, const std::vector<BulkItem>& items);

} // namespace hr2scim::apply
