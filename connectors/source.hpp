#pragma once
// A source of people. Every source ends a read either complete or failed; a failed read
// still returns what it read, but the run must not deactivate anybody because of it.

#include "connectors/record.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hr2scim::connectors {

struct SourceRead {
    std::vector<Record> records;
    std::vector<Rejection> rejections;
    std::optional<std::string> failure;       // set when the source failed as a whole
    std::vector<std::string> attribute_names; // e.g. the CSV header; empty when unknown

    [[nodiscard]] bool complete() const { return !failure.has_value(); }
};

// Takes each record as it is read; the source keeps none of them.
using RecordSink = std::function<void(Record&&)>;

class Source {
  public:
    virtual ~Source() = default;
    [[nodiscard]] virtual SourceRead read() = 0;
    // The records go to `each` as they are read instead of into the result, so that a large
    // source is never held whole. Keys that appear twice are not rejected here: the caller,
    // which has seen every key, does it (see reject_duplicate_keys). Sources that do not stream
    // read whole (rejecting repeated keys themselves), then hand the records over.
    [[nodiscard]] virtual SourceRead read_each(const RecordSink& each) {
        auto whole = read();
        for (auto& record : whole.records)
            each(std::move(record));
        whole.records.clear();
        return whole;
    }
    [[nodiscard]] virtual std::string describe() const = 0; // for logs: "csv:examples/hr.csv"
    // About how many records a read will give, when the source can tell cheaply without
    // reading them (room is made for them at once); nothing when it cannot.
    [[nodiscard]] virtual std::optional<size_t> estimated_records() const { return std::nullopt; }
};

// Each source kind declares its options; the config loader rejects anything else.
struct OptionSpec {
    std::string_view name;
    bool required;
    std::string_view default_value;
    std::string_view help;
};

struct SourceOptions {
    std::map<std::string, std::string, std::less<>> values; // validated against the spec
    std::filesystem::path base_directory;                   // relative paths resolve here

    [[nodiscard]] const std::string& get(std::string_view name) const;
};

// A source option whose value is unusable; the config loader adds file and line.
struct OptionError : std::runtime_error {
    OptionError(std::string option_name, const std::string& message)
        : std::runtime_error(message), option(std::move(option_name)) {}
    std::string option;
};

using SourceFactory = std::function<std::unique_ptr<Source>(const SourceOptions&)>;

struct SourceKind {
    std::string_view name;
    std::span<const OptionSpec> options;
    SourceFactory make;
};

} // namespace hr2scim::connectors
