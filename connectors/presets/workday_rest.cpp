// Workday's REST API, the workers collection: GET /ccx/api/v1/{tenant}/workers with limit
// (at most 100) and offset, answered {"total": N, "data": [...]}. An API client for
// integrations gets its access token from a refresh token. The summary the collection gives
// has no first and last name apart, no dates and no manager: RaaS is the fuller source. Its
// key is `id`, the worker's Workday ID (the summary has no employee ID).
// Workday's own reference needs a customer login; this follows its public copies:
// https://community.workday.com/sites/default/files/file-hosting/restapi/index.html
// https://documentation.sailpoint.com/connectors/workday_accounts/help/integrating_workday_accounts/create_api_client_for_integration.html
#include "connectors/presets/presets.hpp"

#include <array>

namespace hr2scim::connectors::presets {
namespace {

constexpr std::array k_parameters = {
    OptionSpec{"host", true, "",
               "your tenant's REST API host, such as https://wd2-impl-services1.workday.com"},
    OptionSpec{"tenant", true, "", "your Workday tenant's name"},
};

constexpr std::array k_options = {
    PresetValue{"url", "{host}/ccx/api/v1/{tenant}/workers"},
    PresetValue{"auth", "oauth2"},
    PresetValue{"token_url", "{host}/ccx/oauth2/{tenant}/token"},
    PresetValue{"client_secret_env", "WORKDAY_CLIENT_SECRET"},
    PresetValue{"refresh_token_env", "WORKDAY_REFRESH_TOKEN"},
    PresetValue{"records", "/data"},
    PresetValue{"key", "employee_id"},
    PresetValue{"pagination", "offset"},
    PresetValue{"page_size", "100"},
    PresetValue{"total_pointer", "/total"},
};

constexpr std::array k_fields = {
    PresetValue{"employee_id", "id"},
    PresetValue{"email", "primaryWorkEmail"},
    PresetValue{"display_name", "descriptor"},
    PresetValue{"title", "businessTitle?"},
    PresetValue{"department", "primarySupervisoryOrganization.descriptor?"},
};

} // namespace

const SourcePreset workday_rest{
    "workday_rest",
    "Workday (REST API, workers)",
    "http_api",
    "https://community.workday.com/sites/default/files/file-hosting/restapi/index.html",
    k_parameters,
    k_options,
    k_fields,
    "workday_rest"};

} // namespace hr2scim::connectors::presets
