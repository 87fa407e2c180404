#pragma once

#include <filesystem>
#include <string>

namespace hr2scim::testing {

// A fresh directory, removed with everything in it when the object goes.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path write(const std::string& name, const std::string& content) const;

  private:
    std::filesystem::path m_path;
};

[[nodiscard]] std::string read_file(const std::filesystem::path& path);

} // namespace hr2scim::testing
