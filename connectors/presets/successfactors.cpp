// SAP SuccessFactors OData v2: GET /odata/v2/User with $format=json, $select and $expand,
// answered {"d": {"results": [...], "__next": "<the next page's URL>"}} (server-side
// paging, at most 1000 rows a page, fewer with customPageSize: the page_size parameter;
// $inlinecount gives the total the read is checked against); inactive users only when the
// filter asks for them. Dates are /Date(ms)/, read as ISO dates. Basic auth as
// user@companyId; a tenant that has retired it takes `auth: bearer` with an OAuth token.
// https://userapps.support.sap.com/sap/support/knowledge/en/2489065 (server-side paging, __next)
// https://userapps.support.sap.com/sap/support/knowledge/en/2723468 (customPageSize)
// https://userapps.support.sap.com/sap/support/knowledge/en/2736579 (status t/f; the filter)
// https://userapps.support.sap.com/sap/support/knowledge/en/3020341 (/Date(ms)/)
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"api_host", true, "",
               "your data center's API address, such as https://api4.successfactors.com"},
    OptionSpec{"page_size", false, "1000", "users per page (customPageSize), at most 1000"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{api_host}/odata/v2/User?$format=json&$filter=status%20in%20't','f'"
                       "&$select=userId,username,firstName,lastName,nickname,email,title,"
                       "department,division,location,status,hireDate,manager/userId"
                       "&$expand=manager&$inlinecount=allpages&customPageSize={page_size}"},
    PresetValue{"auth", "basic"},
    PresetValue{"password_env", "SUCCESSFACTORS_PASSWORD"},
    PresetValue{"records", "/d/results"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "next_url"},
    PresetValue{"next_pointer", "/d/__next"},
    PresetValue{"total_pointer", "/d/__count"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "userId"},
    PresetValue{"user_name", "username?"},
    PresetValue{"email", "email"},
    PresetValue{"first_name", "firstName"},
    PresetValue{"last_name", "lastName"},
    PresetValue{"preferred_name", "nickname?"},
    PresetValue{"title", "title?"},
    PresetValue{"department", "department?"},
    PresetValue{"division", "division?"},
    PresetValue{"office", "location?"},
    PresetValue{"manager_id", "manager.userId?"},
    PresetValue{"status", "status"},
    PresetValue{"hire_date", "hireDate?"},
};

} // namespace

const SourcePreset successfactors{
    "successfactors", "SAP SuccessFactors",
    "http_api",       "https://userapps.support.sap.com/sap/support/knowledge/en/2489065",
    k_parameters,     k_options,
    k_fields,         "successfactors"};

} // namespace hr2scim::connectors::presets
