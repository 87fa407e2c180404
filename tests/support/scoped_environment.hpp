#pragma once
// An environment variable set for one scope: other tests of the same program expect it unset.

#include <cstdlib>
#include <string>

namespace hr2scim::testing {

class ScopedEnvironment {
  public:
    ScopedEnvironment(std::string name, const std::string& value) : m_name(std::move(name)) {
        ::setenv(m_name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnvironment() { ::unsetenv(m_name.c_str()); }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  private:
    std::string m_name;
};

} // namespace hr2scim::testing
