#pragma once
// A field path: where one value sits in an HR API's JSON record, written the way vendors
// document their fields. Segments are member names joined by dots; an array is walked into
// (every element, as the flattened attributes do) unless a selector picks elements:
//   attributes.department.value.attributes.name       (Personio)
//   workAssignments[primaryIndicator=true].reportsTo[0].associateOID   (ADP)
//   businessCommunication.emails[nameCode.codeValue=Work E-mail].emailUri
// `[N]` picks the Nth element (from 0); `[path=value]` keeps the elements whose text at the
// (dotted) path is exactly value. A member name holding a dot, `[` or `]` cannot be written.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace hr2scim::connectors {

class FieldPath {
  public:
    // The path, or what is wrong with it (for the config's error).
    [[nodiscard]] static tl::expected<FieldPath, std::string> parse(std::string_view text);

    struct Found {
        bool present = false;            // the last member is in the record (maybe null)
        std::vector<std::string> values; // its text values, in order; none for null or empty
    };
    [[nodiscard]] Found find(const nlohmann::json& record) const;
    [[nodiscard]] const std::string& text() const { return m_text; }

  private:
    struct Selector {
        std::optional<size_t> index;
        std::vector<std::string> match_path; // [a.b=value]: a, b
        std::string match_value;
    };
    struct Segment {
        std::string name;
        std::optional<Selector> selector;
    };
    static void walk(const nlohmann::json& node, std::span<const Segment> rest, Found& found,
                     int depth);
    static bool matches(const nlohmann::json& element, const Selector& selector);

    std::string m_text;
    std::vector<Segment> m_segments;
};

} // namespace hr2scim::connectors
