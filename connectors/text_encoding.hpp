#pragma once
// Source files in the single-byte encodings spreadsheet programs still write (Excel's "CSV"
// is Windows-1252 on most Western systems), turned into UTF-8 line by line through iconv.
// Only encodings where a line end, a quote and every delimiter are the ASCII bytes are
// offered, so a file can be converted one physical line at a time.

#include <optional>
#include <string>
#include <string_view>

namespace hr2scim::connectors {

// The encodings a source may name, as the config writes them: "utf-8, windows-1252, …".
[[nodiscard]] std::string source_encodings();

// Whether `name` is one of source_encodings() (case, '-' and '_' aside; also cp1252, latin1,
// latin9), as its canonical spelling ("windows-1252"), or nothing.
[[nodiscard]] std::optional<std::string> canonical_encoding(std::string_view name);

// Converts text in one of source_encodings() (not UTF-8) to UTF-8.
class ToUtf8 {
  public:
    // `encoding`: a canonical name other than utf-8.
    explicit ToUtf8(const std::string& encoding);
    ~ToUtf8();
    ToUtf8(const ToUtf8&) = delete;
    ToUtf8& operator=(const ToUtf8&) = delete;

    // The text in UTF-8, valid until the next call. A byte the encoding does not define
    // (Windows-1252 leaves five undefined) is kept as it is, so that the UTF-8 check rejects
    // its row naming the column rather than a character being guessed.
    [[nodiscard]] std::string_view convert(std::string_view text);

  private:
    void* m_iconv;
    std::string m_out;
};

} // namespace hr2scim::connectors
