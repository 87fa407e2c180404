#include "mappings/functions.hpp"

#include "mappings/argument_checks.hpp"
#include "mappings/date_functions.hpp"
#include "mappings/dates.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <re2/re2.h>
#include <set>
#include <utf8proc.h>

namespace hr2scim::mappings {
namespace {

using Arguments = std::vector<Value>;
constexpr size_t k_any = SIZE_MAX;

// UTF-8 text as code points and back; invalid bytes pass through as themselves.
std::vector<int32_t> code_points(const std::string& text) {
    std::vector<int32_t> points;
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    auto length = static_cast<utf8proc_ssize_t>(text.size());
    for (utf8proc_ssize_t at = 0; at < length;) {
        utf8proc_int32_t point = 0;
        utf8proc_ssize_t used = utf8proc_iterate(bytes + at, length - at, &point);
        if (used <= 0) {
            points.push_back(
                -static_cast<int32_t>(static_cast<unsigned char>(text[static_cast<size_t>(at)])) -
                1);
            ++at;
            continue;
        }
        points.push_back(point);
        at += used;
    }
    return points;
}

std::string from_code_points(const std::vector<int32_t>& points, size_t first = 0,
                             size_t count = SIZE_MAX) {
    std::string out;
    for (size_t i = first; i < points.size() && i - first < count; ++i) {
        if (points[i] < 0) {
            out += static_cast<char>(-points[i] - 1);
            continue;
        }
        utf8proc_uint8_t encoded[4];
        auto written = utf8proc_encode_char(points[i], encoded);
        out.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(written));
    }
    return out;
}

bool is_ascii(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// `map` for any code point; `ascii_map` what it does to ASCII, without a call per character.
template <class Map, class AsciiMap>
std::string map_code_points(const std::string& text, Map map, AsciiMap ascii_map) {
    if (is_ascii(text)) {
        std::string ascii = text; // one byte, one code point: no decoding
        for (char& c : ascii)
            c = ascii_map(c);
        return ascii;
    }
    auto points = code_points(text);
    for (auto& point : points)
        if (point >= 0) point = map(point);
    return from_code_points(points);
}

const RE2& compiled(const std::string& pattern) {
    // Patterns are few and come from the mapping file: compile each once per run and mapping
    // thread. One read from the data that is not a pattern rejects that record.
    thread_local std::map<std::string, std::unique_ptr<RE2>> cache;
    auto& entry = cache[pattern];
    if (!entry) entry = std::make_unique<RE2>(pattern, RE2::Quiet);
    if (!entry->ok())
        throw EvaluationError("'" + pattern + "' is not a regular expression: " + entry->error());
    return *entry;
}

// --- text ---

Value lower(const Arguments& a) {
    return map_code_points(a[0].text(), utf8proc_tolower,
                           [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
}
Value upper(const Arguments& a) {
    return map_code_points(a[0].text(), utf8proc_toupper,
                           [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; });
}

Value trim(const Arguments& a) {
    return Value(trimmed(a[0].text()));
}

Value proper_case(const Arguments& a) {
    if (std::string text = a[0].text(); is_ascii(text)) { // the same rule, byte by byte
        bool start = true;
        for (char& c : text) {
            const bool upper = c >= 'A' && c <= 'Z', letter = upper || (c >= 'a' && c <= 'z');
            if (letter && start && !upper) c = char(c - 'a' + 'A');
            if (letter && !start && upper) c = char(c - 'A' + 'a');
            start = !letter && c != '\'';
        }
        return text;
    }
    auto points = code_points(a[0].text());
    bool start = true;
    for (auto& point : points) {
        if (point < 0) continue;
        bool letter = utf8proc_category(point) <= UTF8PROC_CATEGORY_LO;
        point = letter ? (start ? utf8proc_totitle(point) : utf8proc_tolower(point)) : point;
        start = !letter && point != '\'';
    }
    return from_code_points(points);
}

Value strip_spaces(const Arguments& a) {
    std::string text = a[0].text();
    std::erase_if(text, [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
    return text;
}

// Letters that do not decompose into a base letter and marks.
const std::map<int32_t, std::string_view> k_letters = {
    {0xDF, "ss"}, {0xE6, "ae"},  {0xC6, "AE"},  {0xF8, "o"}, {0xD8, "O"}, {0x142, "l"},
    {0x141, "L"}, {0x111, "d"},  {0x110, "D"},  {0xF0, "d"}, {0xD0, "D"}, {0xFE, "th"},
    {0xDE, "TH"}, {0x153, "oe"}, {0x152, "OE"}, {0x131, "i"}};

Value normalize_diacritics(const Arguments& a) {
    utf8proc_uint8_t* stripped = nullptr;
    std::string text = a[0].text();
    if (is_ascii(text)) return text; // nothing to compose, strip or spell out
    auto length =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                     static_cast<utf8proc_ssize_t>(text.size()), &stripped,
                     static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK));
    if (length < 0) return text; // not valid UTF-8: left as it is
    std::string decomposed(reinterpret_cast<char*>(stripped), static_cast<size_t>(length));
    std::free(stripped);
    std::string out;
    for (int32_t point : code_points(decomposed)) {
        auto letter = k_letters.find(point);
        out += letter != k_letters.end() ? std::string(letter->second) : from_code_points({point});
    }
    return out;
}

Value left(const Arguments& a) {
    long count = whole_number_argument("left", 1, a[1]);
    return from_code_points(code_points(a[0].text()), 0, static_cast<size_t>(std::max(count, 0L)));
}

Value mid(const Arguments& a) {
    long start = whole_number_argument("mid", 1, a[1]);
    long count = a.size() > 2 ? whole_number_argument("mid", 2, a[2]) : LONG_MAX;
    if (start < 1 || count <= 0) return Value(std::string());
    return from_code_points(code_points(a[0].text()), static_cast<size_t>(start - 1),
                            static_cast<size_t>(count));
}

Value word(const Arguments& a) {
    std::string delimiters = a.size() > 2 ? a[2].text() : " ";
    long wanted = whole_number_argument("word", 1, a[1]);
    std::string text = a[0].text();
    long index = 0;
    for (size_t at = 0; at < text.size();) {
        size_t start = text.find_first_not_of(delimiters, at);
        if (start == std::string::npos) break;
        size_t end = std::min(text.find_first_of(delimiters, start), text.size());
        if (++index == wanted) return Value(text.substr(start, end - start));
        at = end;
    }
    return Value(std::string());
}

Value replace(const Arguments& a) {
    const RE2& pattern = compiled(a[1].text());
    std::string text = a[0].text();
    RE2::GlobalReplace(&text, pattern, a[2].text());
    return text;
}

Value matches(const Arguments& a) {
    return Value(RE2::PartialMatch(a[0].text(), compiled(a[1].text())));
}

Value append(const Arguments& a) {
    std::string out;
    for (const auto& value : a)
        out += value.text();
    return out;
}

Value hash(const Arguments& a) {
    // FNV-1a 64: the same input always maps to the same value (not a secret-keeping hash).
    std::uint64_t state = 14695981039346656037ULL;
    for (unsigned char c : a[0].text()) {
        state ^= c;
        state *= 1099511628211ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(state));
    long length = a.size() > 1 ? std::clamp(whole_number_argument("hash", 1, a[1]), 1L, 16L) : 16L;
    return Value(std::string(hex, static_cast<size_t>(length)));
}

// --- lists ---

Value join(const Arguments& a) {
    std::string out;
    for (size_t i = 1; i < a.size(); ++i)
        for (const auto& item : a[i].list())
            if (!item.empty()) out += (out.empty() ? "" : a[0].text()) + item;
    return out;
}

Value split(const Arguments& a) {
    std::string text = a[0].text(), separator = a[1].text();
    List parts;
    if (text.empty()) return Value(parts);
    if (separator.empty()) return Value(List{text});
    for (size_t at = 0;;) {
        size_t next = text.find(separator, at);
        parts.push_back(text.substr(at, next == std::string::npos ? std::string::npos : next - at));
        if (next == std::string::npos) break;
        at = next + separator.size();
    }
    return Value(parts);
}

Value count(const Arguments& a) {
    return Value(std::to_string(a[0].list().size()));
}

Value remove_duplicates(const Arguments& a) {
    List out;
    std::set<std::string> seen;
    for (auto& item : a[0].list())
        if (seen.insert(item).second) out.push_back(item);
    return Value(out);
}

// --- conditions ---

Value coalesce(const Arguments& a) {
    for (const auto& value : a)
        if (!value.is_empty()) return value;
    return {};
}

Value iif(const Arguments& a) {
    return a[0].truthy() ? a[1] : a[2];
}

Value switch_on(const Arguments& a) {
    std::string key = a[0].text();
    for (size_t i = 2; i + 1 < a.size(); i += 2)
        if (a[i].text() == key) return a[i + 1];
    return a[1];
}

Value is_null(const Arguments& a) {
    return Value(std::holds_alternative<std::monostate>(a[0].data));
}
Value is_null_or_empty(const Arguments& a) {
    return Value(a[0].is_empty());
}
Value is_present(const Arguments& a) {
    return Value(!a[0].is_empty());
}
Value negate(const Arguments& a) {
    return Value(!a[0].truthy());
}

constexpr std::array k_functions = {
    Function{"lower", 1, 1, R"(lower("Ada LÖVE") is "ada löve")", lower, false},
    Function{"upper", 1, 1, R"(upper("Ada Löve") is "ADA LÖVE")", upper, false},
    Function{"trim", 1, 1, R"(trim("  Ada ") is "Ada")", trim, false},
    Function{"pcase", 1, 1, R"(pcase("ADA o'BRIEN-LOVELACE") is "Ada O'brien-Lovelace")",
             proper_case, false},
    Function{"strip_spaces", 1, 1, R"(strip_spaces(" +44 20 7946 ") is "+44207946")", strip_spaces,
             false},
    Function{"normalize_diacritics", 1, 1,
             R"(normalize_diacritics("Søren Müller-Łódź") is "Soren Muller-Lodz")",
             normalize_diacritics, false},
    Function{"left", 2, 2, R"(left("Lovelace", 4) is "Love")", left, false},
    Function{"mid", 2, 3, R"(mid("Lovelace", 5, 3) is "lac")", mid, false},
    Function{"substring", 2, 3, R"(substring("Lovelace", 5) is "lace")", mid, false},
    Function{"word", 2, 3, R"(word("Ada King Lovelace", 2) is "King")", word, false},
    Function{"replace", 3, 3, R"(replace("+44 (20) 7946", "[^0-9+]", "") is "+44207946")", replace,
             false},
    Function{"matches", 2, 2, R"(matches("E1001", "^E[0-9]+$") is true)", matches, false},
    Function{"append", 1, k_any, R"(append("a", "b", "c") is "abc")", append, false},
    Function{"concat", 1, k_any, R"(concat(first, ".", last) is "Ada.Lovelace")", append, false},
    Function{"hash", 1, 2, R"(hash("E1001", 8) is "e7661526")", hash, false},
    Function{"join", 2, k_any, R"(join(", ", "a", "", "b") is "a, b")", join, false},
    Function{"split", 2, 2, R"(split("a;b", ";") is the list a, b)", split, false},
    Function{"count", 1, 1, R"(count(split("a;b;c", ";")) is "3")", count, false},
    Function{"remove_duplicates", 1, 1,
             R"(remove_duplicates(split("a;b;a", ";")) is the list a, b)", remove_duplicates,
             false},
    Function{
        "unique", 1, k_any,
        R"(unique(mail, concat(first, ".", last, "@example.com")) on create: the first one free)",
        coalesce, false},
    Function{"coalesce", 1, k_any,
             R"(coalesce(nickname, first_name) is "Ada" when nickname is empty)", coalesce, false},
    Function{"iif", 3, 3, R"(iif(status == "active", "yes", "no") is "yes" when status is active)",
             iif, false},
    Function{"if", 3, 3,
             R"(if(is_present(end_date), "leaver", "staff") is "staff" without an end_date)", iif,
             false},
    Function{"switch", 2, k_any,
             R"(switch(country, "Other", "DE", "Germany", "FR", "France") is "France" for FR)",
             switch_on, false},
    Function{"is_null", 1, 1, R"(is_null(middle_name) is true when the attribute is missing)",
             is_null, false},
    Function{"is_null_or_empty", 1, 1, R"(is_null_or_empty("") is true)", is_null_or_empty, false},
    Function{"is_present", 1, 1, R"(is_present(mail) is true when mail has a value)", is_present,
             false},
    Function{"not", 1, 1, R"(not(is_present(end_date)) is true without an end_date)", negate,
             false},
};

} // namespace

std::span<const Function> functions() {
    static const std::vector<Function> all = [] {
        std::vector<Function> list(k_functions.begin(), k_functions.end());
        auto dates = date_functions();
        list.insert(list.end(), dates.begin(), dates.end());
        return list;
    }();
    return all;
}

const Function* find_function(std::string_view name) {
    for (const auto& function : functions())
        if (function.name == name) return &function;
    return nullptr;
}

std::optional<std::string> check_pattern(const std::string& pattern) {
    RE2 compiled_pattern(pattern, RE2::Quiet);
    if (compiled_pattern.ok()) return std::nullopt;
    return "invalid regular expression: " + compiled_pattern.error();
}

} // namespace hr2scim::mappings
