#include "scim/discovery.hpp"

#include "scim/schema.hpp"

#include <algorithm>
#include <cctype>

namespace hr2scim::scim {
namespace {

using nlohmann::json;

std::string lower(std::string_view text) {
    std::string result(text);
    std::ranges::transform(result, result.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

// feature.supported, when it is a real boolean; `fallback` otherwise.
bool supported(const json& config, const char* feature, bool fallback) {
    auto found = config.find(feature);
    if (found == config.end() || !found->is_object()) return fallback;
    auto flag = found->find("supported");
    return flag != found->end() && flag->is_boolean() ? flag->get<bool>() : fallback;
}

size_t whole_number(const json& config, const char* feature, const char* field) {
    auto found = config.find(feature);
    if (found == config.end() || !found->is_object()) return 0;
    auto value = found->find(field);
    if (value == found->end() || !value->is_number_integer() || value->get<long long>() <= 0)
        return 0;
    return static_cast<size_t>(value->get<long long>());
}

// Attributes every resource has (RFC 7643 §3.1), whether or not a schema lists them.
bool is_common_attribute(std::string_view name) {
    return name == "schemas" || name == "id" || name == "externalid" || name == "meta";
}

// The resources of a ListResponse, or a bare list; nothing for anything else.
const json* listed(const json& answer) {
    const json* list = &answer;
    if (answer.is_object()) {
        auto resources = answer.find("Resources");
        if (resources == answer.end()) return nullptr;
        list = &*resources;
    }
    return list->is_array() ? list : nullptr;
}

bool refused_or_unreachable(const CallError& error) {
    return error.status == 0 || error.status == 401 || error.status == 403;
}

} // namespace

Capabilities capabilities_from(const json& config) {
    Capabilities capabilities;
    if (!config.is_object()) return capabilities;
    // RFC 7644 defaults are assumed where the document is silent or unreadable.
    capabilities.patch = supported(config, "patch", true);
    capabilities.filter = supported(config, "filter", true);
    capabilities.max_results = whole_number(config, "filter", "maxResults");
    capabilities.bulk = supported(config, "bulk", false);
    capabilities.bulk_max_operations = whole_number(config, "bulk", "maxOperations");
    capabilities.bulk_max_payload = whole_number(config, "bulk", "maxPayloadSize");
    capabilities.etag = supported(config, "etag", false);
    // RFC 9865 §4: "pagination": {"cursor": true, ...} announces cursor paging. Unlike the
    // RFC 7644 features, it is a plain boolean and absent means index paging only.
    if (auto pagination = config.find("pagination");
        pagination != config.end() && pagination->is_object()) {
        auto cursor = pagination->find("cursor");
        capabilities.cursor_paging =
            cursor != pagination->end() && cursor->is_boolean() && cursor->get<bool>();
        capabilities.max_page_size = whole_number(config, "pagination", "maxPageSize");
    }
    return capabilities;
}

std::optional<std::set<std::string>> user_attributes_from(const json& schemas) {
    const json* list = listed(schemas);
    if (!list) return std::nullopt;
    std::set<std::string> known;
    bool describes_user = false;
    for (const auto& schema : *list) {
        if (!schema.is_object()) continue;
        auto id = schema.find("id");
        auto attributes = schema.find("attributes");
        if (id == schema.end() || !id->is_string() || attributes == schema.end() ||
            !attributes->is_array())
            continue;
        const std::string& urn = id->get_ref<const std::string&>();
        const bool core = urn == k_user_schema;
        // Extensions of User by name (enterprise, or an application's own :User extension).
        if (!core && !urn.ends_with(":User")) continue;
        describes_user = describes_user || core;
        const std::string prefix = core ? "" : lower(urn) + ":";
        for (const auto& attribute : *attributes) {
            if (!attribute.is_object() || !attribute.contains("name") ||
                !attribute["name"].is_string())
                continue;
            const std::string name = prefix + lower(attribute["name"].get<std::string>());
            known.insert(name);
            if (auto subs = attribute.find("subAttributes");
                subs != attribute.end() && subs->is_array())
                for (const auto& sub : *subs)
                    if (sub.is_object() && sub.contains("name") && sub["name"].is_string())
                        known.insert(name + "." + lower(sub["name"].get<std::string>()));
        }
    }
    if (!describes_user) return std::nullopt;
    return known;
}

json to_json(const Capabilities& capabilities) {
    json stored = {{"patch", capabilities.patch},
                   {"filter", capabilities.filter},
                   {"max_results", capabilities.max_results},
                   {"bulk", capabilities.bulk},
                   {"bulk_max_operations", capabilities.bulk_max_operations},
                   {"bulk_max_payload", capabilities.bulk_max_payload},
                   {"etag", capabilities.etag},
                   {"cursor_paging", capabilities.cursor_paging},
                   {"max_page_size", capabilities.max_page_size},
                   {"described_by", capabilities.described_by},
                   {"self_described", capabilities.self_described}};
    if (capabilities.user_attributes) stored["user_attributes"] = *capabilities.user_attributes;
    if (!capabilities.unkept.empty()) stored["unkept"] = capabilities.unkept;
    if (!capabilities.patch_refused.empty()) stored["patch_refused"] = capabilities.patch_refused;
    if (capabilities.member_cap > 0) {
        stored["member_cap"] = capabilities.member_cap;
        stored["member_cap_evidence"] = capabilities.member_cap_evidence;
    }
    return stored;
}

Capabilities capabilities_from_state(const json& stored) {
    Capabilities capabilities;
    if (!stored.is_object()) return capabilities;
    auto flag = [&](const char* name, bool fallback) {
        auto found = stored.find(name);
        return found != stored.end() && found->is_boolean() ? found->get<bool>() : fallback;
    };
    auto count = [&](const char* name) {
        auto found = stored.find(name);
        return found != stored.end() && found->is_number_unsigned() ? found->get<size_t>() : 0;
    };
    capabilities.patch = flag("patch", true);
    capabilities.filter = flag("filter", true);
    capabilities.max_results = count("max_results");
    capabilities.bulk = flag("bulk", false);
    capabilities.bulk_max_operations = count("bulk_max_operations");
    capabilities.bulk_max_payload = count("bulk_max_payload");
    capabilities.etag = flag("etag", false);
    capabilities.cursor_paging = flag("cursor_paging", false);
    capabilities.max_page_size = count("max_page_size");
    if (auto described = stored.find("described_by");
        described != stored.end() && described->is_string())
        capabilities.described_by = described->get<std::string>();
    if (auto known = stored.find("user_attributes"); known != stored.end() && known->is_array()) {
        std::set<std::string> names;
        for (const auto& name : *known)
            if (name.is_string()) names.insert(name.get<std::string>());
        capabilities.user_attributes = std::move(names);
    }
    capabilities.self_described = flag("self_described", false);
    if (auto unkept = stored.find("unkept"); unkept != stored.end() && unkept->is_object())
        for (const auto& [path, evidence] : unkept->items())
            if (evidence.is_string()) capabilities.unkept[path] = evidence.get<std::string>();
    if (auto refused = stored.find("patch_refused");
        refused != stored.end() && refused->is_string())
        capabilities.patch_refused = refused->get<std::string>();
    capabilities.member_cap = count("member_cap");
    if (auto evidence = stored.find("member_cap_evidence");
        evidence != stored.end() && evidence->is_string())
        capabilities.member_cap_evidence = evidence->get<std::string>();
    return capabilities;
}

void carry_learnt(Capabilities& fresh, const Capabilities& earlier) {
    fresh.unkept.insert(earlier.unkept.begin(), earlier.unkept.end());
    // A target that now describes itself says for itself whether it has PATCH.
    if (!fresh.self_described && fresh.patch_refused.empty())
        fresh.patch_refused = earlier.patch_refused;
    if (!fresh.patch_refused.empty()) fresh.patch = false;
    if (fresh.member_cap == 0) {
        fresh.member_cap = earlier.member_cap;
        fresh.member_cap_evidence = earlier.member_cap_evidence;
    }
}

std::optional<std::set<std::string>> user_extensions_from(const json& resource_types) {
    const json* list = listed(resource_types);
    if (!list) return std::nullopt;
    for (const auto& type : *list) {
        if (!type.is_object()) continue;
        auto schema = type.find("schema");
        if (schema == type.end() || *schema != k_user_schema) continue;
        std::set<std::string> extensions;
        if (auto listed = type.find("schemaExtensions"); listed != type.end() && listed->is_array())
            for (const auto& extension : *listed)
                if (extension.is_object() && extension.contains("schema") &&
                    extension["schema"].is_string())
                    extensions.insert(lower(extension["schema"].get<std::string>()));
        return extensions;
    }
    return std::nullopt;
}

void keep_extensions(std::set<std::string>& known, const std::set<std::string>& extensions) {
    std::erase_if(known, [&](const std::string& name) {
        if (!name.starts_with("urn:")) return false;
        const auto colon = name.rfind(':');
        return !extensions.contains(name.substr(0, colon));
    });
}

bool knows_attribute(const std::set<std::string>& known, std::string_view path) {
    const std::string wanted = lower(path);
    if (is_common_attribute(wanted)) return true;
    if (known.contains(wanted)) return true;
    // A complex attribute described without its sub-attributes knows them all.
    auto dot = wanted.rfind('.');
    auto colon = wanted.rfind(':');
    if (dot != std::string::npos && (colon == std::string::npos || dot > colon)) {
        const std::string parent = wanted.substr(0, dot);
        if (!known.contains(parent)) return false;
        return std::ranges::none_of(known, [&](const std::string& name) {
            return name.size() > parent.size() + 1 && name.starts_with(parent + ".");
        });
    }
    return false;
}

std::vector<std::string> drop_unknown_attributes(json& body, const std::set<std::string>& known) {
    std::vector<std::string> dropped;
    if (!body.is_object()) return dropped;
    auto is_extension = [](const std::string& key, const json& value) {
        return key.starts_with("urn:") && value.is_object();
    };
    // One level: the core attributes (prefix "") or those inside one extension.
    auto prune = [&](json& object, const std::string& prefix) {
        for (auto it = object.begin(); it != object.end();) {
            if (prefix.empty() && is_extension(it.key(), *it)) {
                ++it;
                continue;
            }
            const std::string path = prefix + it.key();
            if (!knows_attribute(known, path)) {
                dropped.push_back(path);
                it = object.erase(it);
                continue;
            }
            // Sub-attributes of a complex value (name.givenName); multi-valued ones stay whole.
            if (it->is_object())
                for (auto sub = it->begin(); sub != it->end();) {
                    if (knows_attribute(known, path + "." + sub.key())) {
                        ++sub;
                        continue;
                    }
                    dropped.push_back(path + "." + sub.key());
                    sub = it->erase(sub);
                }
            ++it;
        }
    };
    prune(body, "");
    for (auto it = body.begin(); it != body.end();) {
        if (is_extension(it.key(), *it)) {
            prune(*it, it.key() + ":");
            if (it->empty()) {
                it = body.erase(it);
                continue;
            }
        }
        ++it;
    }
    // The schemas list names only what is left.
    if (auto listed = body.find("schemas"); listed != body.end() && listed->is_array())
        for (auto it = listed->begin(); it != listed->end();) {
            if (it->is_string() && *it != k_user_schema && !body.contains(it->get<std::string>()))
                it = listed->erase(it);
            else
                ++it;
        }
    return dropped;
}

tl::expected<Capabilities, std::string> discover(ScimClient& client, bool plural_too) {
    std::string described_by = "/ServiceProviderConfig";
    auto config = client.get_json(described_by);
    // Salesforce serves it at the plural path, as SCIM 1.1 named it (its profile asks for it).
    if (plural_too && !config && config.error().status == 404) {
        auto plural = client.get_json("/ServiceProviderConfigs");
        if (plural && plural->is_object()) {
            config = std::move(plural);
            described_by = "/ServiceProviderConfigs";
        }
    }
    if (config && config->is_object()) {
        Capabilities capabilities = capabilities_from(*config);
        capabilities.described_by = described_by;
        capabilities.self_described = true;
        if (auto schemas = client.get_json("/Schemas"))
            capabilities.user_attributes = user_attributes_from(*schemas);
        // An extension described in /Schemas is still not the User's unless /ResourceTypes
        // lists it for the User type.
        if (capabilities.user_attributes)
            if (auto types = client.get_json("/ResourceTypes"))
                if (auto extensions = user_extensions_from(*types))
                    keep_extensions(*capabilities.user_attributes, *extensions);
        return capabilities;
    }
    const std::string base = client.base_url();
    if (!config && refused_or_unreachable(config.error()))
        return tl::unexpected(
            "the target " + base +
            " cannot be used: GET /ServiceProviderConfig: " + config.error().describe());
    // No description: one listing proves the URL and the credentials.
    auto listed = client.get_json("/Users?startIndex=1&count=1");
    const bool is_list = listed && (listed->is_array() ||
                                    (listed->is_object() && (listed->contains("Resources") ||
                                                             listed->contains("totalResults"))));
    if (is_list) {
        Capabilities capabilities;
        capabilities.described_by =
            "GET /Users (it has no /ServiceProviderConfig; RFC 7644 assumed)";
        return capabilities;
    }
    std::string why = !config ? config.error().describe() : "not a ServiceProviderConfig";
    std::string users = !listed ? listed.error().describe() : "not a SCIM list of users";
    return tl::unexpected("the target " + base +
                          " does not answer as a SCIM service provider (GET "
                          "/ServiceProviderConfig: " +
                          why + "; GET /Users: " + users +
                          "). Check target.url: it is the SCIM base, e.g. "
                          "https://app.example.com/scim/v2");
}

} // namespace hr2scim::scim
