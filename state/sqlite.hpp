#pragma once
// A thin RAII layer over the SQLite C API: just what the state store needs.

#include "http/run_error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hr2scim::state {

// The state cannot be read or written: this ends the run.
class StateError : public RunError {
  public:
    using RunError::RunError;
    [[nodiscard]] std::string_view kind() const override { return "state"; }
};

// Why the folder that holds the state `file` cannot take it, or nothing. The folder must exist:
// it is never created, since a mistyped `state:` would otherwise start from nothing against a
// target that already holds the accounts (packages, the container and systemd's
// StateDirectory= make it, mode 0700). `writing`: the folder must be writable too.
[[nodiscard]] std::optional<std::string> state_folder_problem(const std::filesystem::path& file,
                                                              bool writing = true);

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);
    bool step();  // true while there is a row
    void run();   // steps to the end
    void reset(); // ready to step again, with new bindings
    [[nodiscard]] std::string text(int column) const;
    // The text without a copy, valid until the next step or reset.
    [[nodiscard]] std::string_view view(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] bool is_null(int column) const;

  private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
};

class Database {
  public:
    // Creates the file with mode 0600 (and its folder with 0700) when it does not exist;
    // read-only opens an existing file without writing to it.
    explicit Database(const std::filesystem::path& path, bool read_only = false);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void execute(std::string_view sql);
    // Whether a transaction is open on this connection.
    [[nodiscard]] bool in_transaction() const;
    [[nodiscard]] Statement prepare(std::string_view sql) { return Statement(m_db, sql); }
    // A statement to keep and run many times (reset between runs).
    [[nodiscard]] std::unique_ptr<Statement> prepare_kept(std::string_view sql) {
        return std::make_unique<Statement>(m_db, sql);
    }
    [[nodiscard]] std::int64_t last_insert_id() const;
    [[nodiscard]] int changes() const; // rows changed by the last statement
    // `name(text)` in this connection's SQL: a deterministic function of one text argument,
    // for a migration that rewrites a column with our code (NULL stays NULL).
    void define_function(const char* name, std::string (*function)(std::string_view));

  private:
    sqlite3* m_db = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& m_db;
    bool m_done = false;
    bool m_nested = false; // inside another transaction: a savepoint of it
};

} // namespace hr2scim::state
