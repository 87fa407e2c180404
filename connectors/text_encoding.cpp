#include "connectors/text_encoding.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <iconv.h>
#include <stdexcept>
#include <utility>

namespace hr2scim::connectors {
namespace {

struct Encoding {
    std::string_view canonical;
    std::string_view iconv_name;
    std::array<std::string_view, 3> spellings; // folded: lower case, no '-' or '_'
};

constexpr std::array k_encodings = {
    Encoding{"utf-8", "UTF-8", {"utf8", "", ""}},
    Encoding{"windows-1252", "WINDOWS-1252", {"windows1252", "cp1252", ""}},
    Encoding{"iso-8859-1", "ISO-8859-1", {"iso88591", "latin1", ""}},
    Encoding{"iso-8859-15", "ISO-8859-15", {"iso885915", "latin9", ""}},
};

std::string folded(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == '-' || c == '_') continue;
        out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

const Encoding* encoding_named(std::string_view name) {
    const auto wanted = folded(name);
    for (const auto& encoding : k_encodings)
        for (auto spelling : encoding.spellings)
            if (!spelling.empty() && spelling == wanted) return &encoding;
    return nullptr;
}

iconv_t handle(void* stored) {
    return static_cast<iconv_t>(stored);
}

} // namespace

std::string source_encodings() {
    std::string names;
    for (const auto& encoding : k_encodings)
        names += (names.empty() ? "" : ", ") + std::string(encoding.canonical);
    return names;
}

std::optional<std::string> canonical_encoding(std::string_view name) {
    const auto* encoding = encoding_named(name);
    if (!encoding) return std::nullopt;
    return std::string(encoding->canonical);
}

ToUtf8::ToUtf8(const std::string& encoding) {
    const auto* known = encoding_named(encoding);
    if (!known || known->canonical == "utf-8")
        throw std::invalid_argument("no conversion from '" + encoding + "' to UTF-8");
    m_iconv = iconv_open("UTF-8", std::string(known->iconv_name).c_str());
    if (reinterpret_cast<std::intptr_t>(m_iconv) == -1) // iconv_open's (iconv_t)-1
        throw std::runtime_error("iconv cannot convert " + encoding + " to UTF-8 here");
}

ToUtf8::~ToUtf8() {
    iconv_close(handle(m_iconv));
}

std::string_view ToUtf8::convert(std::string_view text) {
    // A single-byte character takes at most three bytes in UTF-8.
    m_out.resize(text.size() * 3 + 4);
    char* in = const_cast<char*>(text.data()); // iconv's signature; it does not write there
    size_t in_left = text.size();
    char* out = m_out.data();
    size_t out_left = m_out.size();
    iconv(handle(m_iconv), nullptr, nullptr, nullptr, nullptr); // a fresh state for each text
    while (in_left > 0) {
        if (iconv(handle(m_iconv), &in, &in_left, &out, &out_left) != static_cast<size_t>(-1))
            break;
        if (errno != EILSEQ && errno != EINVAL) { // E2BIG cannot be: room for three times
            out = std::copy_n(in, in_left, out);  // nothing is dropped: the UTF-8 check judges
            break;
        }
        *out++ = *in++; // undefined here: kept, and the row is rejected as not UTF-8
        --in_left;
        --out_left;
    }
    return {m_out.data(), static_cast<size_t>(out - m_out.data())};
}

} // namespace hr2scim::connectors
