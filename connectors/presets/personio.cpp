// Personio's Personnel Data API: GET /v1/company/employees, records at /data, each attribute
// an object {label, value, type} under `attributes`; offset pagination (offset counts
// records) with limit at most 100, and the total in metadata.total_elements. The token comes
// from POST /v1/auth with the client id and secret in the form, at data.token.
// https://developer.personio.de/reference/get_v1-company-employees
// https://developer.personio.de/docs/pagination-adoption-guide-for-v1-get-employees-endpoint
// https://developer.personio.de/reference/auth
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"base_url", false, "https://api.personio.de", "the API's address"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{base_url}/v1/company/employees"},
    PresetValue{"auth", "oauth2"},
    PresetValue{"token_url", "{base_url}/v1/auth"},
    PresetValue{"client_auth", "body"},
    PresetValue{"token_pointer", "/data/token"},
    PresetValue{"client_secret_env", "PERSONIO_CLIENT_SECRET"},
    PresetValue{"records", "/data"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "offset"},
    PresetValue{"page_size", "100"},
    PresetValue{"total_pointer", "/metadata/total_elements"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "attributes.id.value"},
    PresetValue{"email", "attributes.email.value"},
    PresetValue{"first_name", "attributes.first_name.value"},
    PresetValue{"last_name", "attributes.last_name.value"},
    PresetValue{"preferred_name", "attributes.preferred_name.value?"},
    PresetValue{"title", "attributes.position.value?"},
    PresetValue{"department", "attributes.department.value.attributes.name?"},
    PresetValue{"office", "attributes.office.value.attributes.name?"},
    PresetValue{"manager_id", "attributes.supervisor.value.attributes.id.value?"},
    PresetValue{"status", "attributes.status.value"},
    PresetValue{"hire_date", "attributes.hire_date.value"},
    PresetValue{"termination_date", "attributes.termination_date.value?"},
};

} // namespace

const SourcePreset personio{
    "personio",   "Personio",
    "http_api",   "https://developer.personio.de/reference/get_v1-company-employees",
    k_parameters, k_options,
    k_fields,     "personio"};

} // namespace hr2scim::connectors::presets
