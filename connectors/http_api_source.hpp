#pragma once
// People from an HR system's JSON API (BambooHR, Personio, Workday RaaS, home-grown): bearer,
// basic or OAuth2 client-credentials auth, the record array at a JSON pointer, five
// pagination styles. A page that fails, is not JSON, or lacks the array fails the source.

#include "connectors/pager.hpp"
#include "connectors/source.hpp"
#include "http/retry.hpp"
#include "http/retrying_sender.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>

namespace hr2scim::connectors {

enum class ApiAuth { none, bearer, basic, oauth2 };

struct HttpApiSettings {
    std::string url;
    ApiAuth auth = ApiAuth::none;
    std::string token;           // bearer; never logged
    std::string username;        // basic
    std::string password;        // basic; never logged
    std::string token_url;       // oauth2
    std::string client_id;       // oauth2
    std::string client_secret;   // oauth2; never logged
    std::string scope;           // oauth2, optional
    std::string records_pointer; // JSON pointer to the array; empty: the body is the array
    std::string key;             // the attribute that holds each person's key
    PaginationSettings pagination;
    std::chrono::seconds timeout{30};
    http::RetryPolicy retry{4, std::chrono::milliseconds(500), std::chrono::seconds(60),
                            std::chrono::seconds(300)};
    std::string ca_file;
    http::Sleeper sleeper; // tests may pass their own
};

class HttpApiSource final : public Source {
  public:
    explicit HttpApiSource(HttpApiSettings settings);
    [[nodiscard]] SourceRead read() override;
    [[nodiscard]] std::string describe() const override;

  private:
    HttpApiSettings m_settings;
};

[[nodiscard]] std::span<const OptionSpec> http_api_source_options();
[[nodiscard]] std::unique_ptr<Source> make_http_api_source(const SourceOptions& options);

} // namespace hr2scim::connectors
