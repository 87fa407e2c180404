#pragma once
// A JSON body kept as its text. A parsed nlohmann tree of a SCIM User takes about 3.8 KB; its
// text about 600 bytes. At a million people, bodies that planning only compares by fingerprint
// or passes along unchanged stay packed, and are parsed where they are needed. Copies share
// one text.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hr2scim::scim {

class PackedJson {
  public:
    PackedJson() = default;
    // The text is written into a buffer kept by the thread, then copied once at its size: dump()
    // grows a new string by doubling, which left a third of each packed body unused.
    explicit PackedJson(const nlohmann::json& value) {
        thread_local std::string buffer;
        buffer.clear();
        nlohmann::detail::serializer<nlohmann::json> writer(
            nlohmann::detail::output_adapter<char>(buffer), ' ');
        writer.dump(value, false, false, 0); // what value.dump() does, into the buffer
        m_text = std::make_shared<const std::string>(buffer);
    }

    // Text written as dump() would write it (the compiled mapping writes bodies directly).
    [[nodiscard]] static PackedJson of_text(std::string_view text) {
        PackedJson packed;
        packed.m_text = std::make_shared<const std::string>(text);
        return packed;
    }

    [[nodiscard]] bool empty() const { return !m_text; }
    [[nodiscard]] const std::string& text() const { return *m_text; }
    // The text was written by dump(): it parses.
    [[nodiscard]] nlohmann::json parse() const { return nlohmann::json::parse(*m_text); }

  private:
    std::shared_ptr<const std::string> m_text;
};

} // namespace hr2scim::scim
