#include "connectors/pager.hpp"

#include <charconv>

#include "connectors/json_records.hpp"
#include "http/url.hpp"

namespace hr2scim::connectors {

Pager::Pager(PaginationSettings settings, std::string first_url)
    : m_settings(std::move(settings)), m_base_url(std::move(first_url)) {}

std::string Pager::first_url() const {
    std::string url = m_base_url;
    switch (m_settings.style) {
    case PaginationStyle::page:
        url = http::set_query_parameter(url, m_settings.page_param, std::to_string(m_settings.page_start));
        if (!m_settings.size_param.empty())
            url = http::set_query_parameter(url, m_settings.size_param, std::to_string(m_settings.page_size));
        break;
    case PaginationStyle::offset:
        url = http::set_query_parameter(url, m_settings.offset_param, "0");
        url = http::set_query_parameter(url, m_settings.limit_param, std::to_string(m_settings.page_size));
        break;
    default: break;
    }
    return url;
}

bool Pager::reached_total(const nlohmann::json& body) const {
    if (m_settings.total_pointer.empty()) return false;
    auto total = text_at(body, m_settings.total_pointer);
    if (!total) return false;
    // A total that is not a whole number is ignored: the read goes on to an empty page.
    size_t count = 0;
    auto [end, error] = std::from_chars(total->data(), total->data() + total->size(), count);
    return error == std::errc() && end == total->data() + total->size() && m_records >= count;
}

tl::expected<std::optional<std::string>, std::string> Pager::follow(std::string url) {
    // A server that points back at a page already read would page forever.
    if (!m_seen.insert(url).second) return tl::unexpected("the API points back to a page already read: " + url);
    return std::optional<std::string>(std::move(url));
}

tl::expected<std::optional<std::string>, std::string> Pager::next(const std::string& current_url,
                                                                  const nlohmann::json& body,
                                                                  const http::Response& response,
                                                                  size_t records_on_page) {
    m_seen.insert(current_url);
    if (++m_pages >= m_settings.max_pages && m_settings.style != PaginationStyle::none)
        return tl::unexpected("more than " + std::to_string(m_settings.max_pages) +
                              " pages (max_pages); the API keeps paging");
    m_records += records_on_page;
    // A short page is not the end: APIs cap page sizes below what was asked. Only an empty
    // page, or reaching the total the API reports, ends a page or offset read.
    const bool last_page = records_on_page == 0 || reached_total(body);
    switch (m_settings.style) {
    case PaginationStyle::none: return std::optional<std::string>();
    case PaginationStyle::page:
        if (last_page) return std::optional<std::string>();
        return follow(http::set_query_parameter(current_url, m_settings.page_param,
                                                std::to_string(m_settings.page_start + static_cast<long>(m_pages))));
    case PaginationStyle::offset:
        if (last_page) return std::optional<std::string>();
        m_offset += static_cast<long>(records_on_page);
        return follow(http::set_query_parameter(current_url, m_settings.offset_param, std::to_string(m_offset)));
    case PaginationStyle::cursor: {
        auto cursor = text_at(body, m_settings.cursor_pointer);
        if (!cursor) return std::optional<std::string>();
        return follow(http::set_query_parameter(m_base_url, m_settings.cursor_param, *cursor));
    }
    case PaginationStyle::next_url: {
        auto link = text_at(body, m_settings.next_pointer);
        if (!link) return std::optional<std::string>();
        return follow(http::resolve_url(current_url, *link));
    }
    case PaginationStyle::link: {
        const auto* header = response.header("link");
        std::string link = header ? http::next_link(*header) : std::string();
        if (link.empty()) return std::optional<std::string>();
        return follow(http::resolve_url(current_url, link));
    }
    }
    return std::optional<std::string>();
}

} // namespace hr2scim::connectors
