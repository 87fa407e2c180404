#pragma once
// Whether a request reads or writes: budgets (http/budget.hpp) and daily caps
// (http/request_counter.hpp) are per kind.

#include <string_view>

namespace hr2scim::http {

enum class RequestKind { read, write };

// POST, PUT, PATCH and DELETE write; GET and HEAD read.
[[nodiscard]] RequestKind request_kind(std::string_view method);

} // namespace hr2scim::http
