#pragma once
// The last line of defence for secrets: every log line and every line written to standard
// output passes through http::redact_secrets() on its way out, whatever code produced it.

#include <memory>
#include <mutex>
#include <ostream>
#include <spdlog/sinks/base_sink.h>
#include <streambuf>
#include <string>

namespace hr2scim::agent {

// Wraps another sink; the formatted payload is redacted before it reaches it.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit RedactingSink(spdlog::sink_ptr inner) : m_inner(std::move(inner)) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& message) override;
    void flush_() override { m_inner->flush(); }
    void set_pattern_(const std::string& pattern) override { m_inner->set_pattern(pattern); }
    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
        m_inner->set_formatter(std::move(formatter));
    }

  private:
    spdlog::sink_ptr m_inner;
};

// A line-buffered stream buffer that redacts each line before writing it to `out`.
class RedactingBuffer final : public std::streambuf {
  public:
    explicit RedactingBuffer(std::ostream& out) : m_out(out) {}
    ~RedactingBuffer() override { flush_line(); }
    RedactingBuffer(const RedactingBuffer&) = delete;
    RedactingBuffer& operator=(const RedactingBuffer&) = delete;

  protected:
    int_type overflow(int_type c) override;
    int sync() override;

  private:
    void flush_line();
    std::ostream& m_out;
    std::string m_line;
};

} // namespace hr2scim::agent
