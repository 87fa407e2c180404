#include "apply/bulk.hpp"

#include <charconv>
#include <set>

namespace hr2scim::apply {
namespace {

using nlohmann::json;

constexpr std::string_view k_bulk_request = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
// What one operation adds to a request besides its data ({"method": ..., "path": ...}).
constexpr size_t k_operation_overhead = 128;

json operation_of(const BulkItem& item) {
    json operation = {{"method", item.method}, {"path", item.path}, {"bulkId", item.bulk_id}};
    if (!item.version.empty()) operation["version"] = item.version;
    if (!item.data.is_null()) operation["data"] = item.data;
    return operation;
}

std::optional<long> status_of(const json& result) {
    auto status = result.find("status");
    if (status == result.end()) return std::nullopt;
    if (status->is_number_integer()) return status->get<long>();
    if (!status->is_string()) return std::nullopt;
    const auto& text = status->get_ref<const std::string&>();
    long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string text_of(const json& result, const char* name) {
    auto found = result.find(name);
    return found != result.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// Whether `result` is recognisably the answer to `item`.
bool answers(const json& result, const BulkItem& item) {
    if (!result.is_object() || !status_of(result)) return false;
    if (text_of(result, "method") != item.method) return false;
    const std::string bulk_id = text_of(result, "bulkId");
    if (item.method == "POST") return bulk_id == item.bulk_id;
    if (!bulk_id.empty()) return bulk_id == item.bulk_id;
    const std::string location = text_of(result, "location");
    return !location.empty() && location.ends_with(item.path);
}

} // namespace

std::vector<std::vector<BulkItem>> bulk_batches(std::vector<BulkItem> items, size_t max_operations,
                                                size_t max_payload) {
    std::vector<std::vector<BulkItem>> batches;
    size_t bytes = 0;
    for (auto& item : items) {
        const size_t size = operation_of(item).dump().size() + k_operation_overhead;
        const bool full = !batches.empty() && (batches.back().size() >= max_operations ||
                                               (max_payload > 0 && bytes + size > max_payload));
        if (batches.empty() || full) {
            batches.emplace_back();
            bytes = 256; // the request's own envelope
        }
        bytes += size;
        batches.back().push_back(std::move(item));
    }
    return batches;
}

json bulk_request(const std::vector<BulkItem>& items) {
    json request = {{"schemas", {k_bulk_request}}, {"Operations", json::array()}};
    for (const auto& item : items)
        request["Operations"].push_back(operation_of(item));
    return request;
}

tl::expected<std::vector<std::optional<BulkResult>>, std::string>
bulk_results(const json& answer, const std::vector<BulkItem>& items) {
    const json* operations = nullptr;
    if (answer.is_object())
        if (auto found = answer.find("Operations"); found != answer.end() && found->is_array())
            operations = &*found;
    if (!operations) return tl::unexpected(std::string("the Bulk answer is not a BulkResponse"));
    std::vector<std::optional<BulkResult>> results(items.size());
    std::set<size_t> used;
    for (size_t i = 0; i < items.size(); ++i) {
        std::optional<size_t> match;
        // In order, as targets answer; otherwise wherever it is.
        if (i < operations->size() && !used.contains(i) && answers((*operations)[i], items[i]))
            match = i;
        for (size_t j = 0; !match && j < operations->size(); ++j)
            if (!used.contains(j) && answers((*operations)[j], items[i])) match = j;
        if (!match) continue;
        used.insert(*match);
        const json& result = (*operations)[*match];
        BulkResult read;
        read.status = *status_of(result);
        read.location = text_of(result, "location");
        if (auto response = result.find("response"); response != result.end())
            read.response = *response;
        results[i] = std::move(read);
    }
    return results;
}

} // namespace hr2scim::apply
