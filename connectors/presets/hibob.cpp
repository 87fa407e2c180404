// HiBob: POST /v1/people/search with the fields to return and showInactive, answered
// {"employees": [...]} in one page, each person's fields nested by category (work.title,
// internal.status); list fields (title, department, site) are item ids unless humanReadable
// asks for their names beside them, so their names are read from humanReadable. displayName
// is Bob's whole display name, not a preferred first name. A service user's id and token are
// the Basic credentials.
// https://apidocs.hibob.com/docs/people-read-api-contract
// https://apidocs.hibob.com/docs/how-to-work-with-lists-public-api
// https://apidocs.hibob.com/docs/api-service-users
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"base_url", false, "https://api.hibob.com", "the API's address"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{base_url}/v1/people/search"},
    PresetValue{"method", "POST"},
    PresetValue{
        "body",
        R"({"showInactive": true, "humanReadable": "APPEND", "fields": ["root.id", "root.email", "root.firstName", )"
        R"("root.surname", "root.displayName", "work.title", "work.department", )"
        R"("work.site", "work.reportsTo", "work.startDate", "work.employeeIdInCompany", )"
        R"("internal.status", "internal.terminationDate"]})"},
    PresetValue{"auth", "basic"},
    PresetValue{"password_env", "HIBOB_SERVICE_TOKEN"},
    PresetValue{"records", "/employees"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "none"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "id"},
    PresetValue{"email", "email"},
    PresetValue{"first_name", "firstName"},
    PresetValue{"last_name", "surname"},
    PresetValue{"display_name", "displayName?"},
    PresetValue{"title", "humanReadable.work.title?"},
    PresetValue{"department", "humanReadable.work.department?"},
    PresetValue{"office", "humanReadable.work.site?"},
    PresetValue{"manager_id", "work.reportsTo.id?"},
    PresetValue{"status", "internal.status"},
    PresetValue{"hire_date", "work.startDate"},
    PresetValue{"termination_date", "internal.terminationDate?"},
};

} // namespace

const SourcePreset hibob{
    "hibob",      "HiBob",   "http_api", "https://apidocs.hibob.com/docs/people-read-api-contract",
    k_parameters, k_options, k_fields,   "hibob"};

} // namespace hr2scim::connectors::presets
