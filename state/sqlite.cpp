#include "state/sqlite.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace hr2scim::state {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw StateError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void create_private_file(const std::filesystem::path& path) {
    std::error_code ignored;
    if (path.has_parent_path() && !std::filesystem::exists(path.parent_path(), ignored)) {
        std::filesystem::create_directories(path.parent_path(), ignored);
        std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all, ignored);
    }
    int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
    } else if (errno != EEXIST) {
        throw StateError("cannot create state file " + path.string() + ": " + std::strerror(errno));
    }
}

} // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_statement, nullptr) != SQLITE_OK)
        fail(db, "state query failed to prepare");
}

Statement::~Statement() { sqlite3_finalize(m_statement); }

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_db, "state query bind failed");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK) fail(m_db, "state query bind failed");
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK) fail(m_db, "state query bind failed");
    return *this;
}

bool Statement::step() {
    int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    fail(m_db, "state query failed");
}

void Statement::run() {
    while (step()) {
    }
}

std::string Statement::text(int column) const {
    const auto* value = sqlite3_column_text(m_statement, column);
    return value ? std::string(reinterpret_cast<const char*>(value),
                               static_cast<size_t>(sqlite3_column_bytes(m_statement, column)))
                 : std::string();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(m_statement, column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

Database::Database(const std::filesystem::path& path, bool read_only) {
    if (!read_only) create_private_file(path);
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        std::string message = "cannot open state file " + path.string();
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StateError(message);
    }
    sqlite3_busy_timeout(m_db, 10000);
    if (read_only) return;
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=NORMAL");
    execute("PRAGMA foreign_keys=ON");
}

Database::~Database() { sqlite3_close(m_db); }

void Database::execute(std::string_view sql) {
    char* error = nullptr;
    if (sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw StateError("state statement failed: " + message);
    }
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(m_db); }

Transaction::Transaction(Database& db) : m_db(db) { m_db.execute("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (m_done) return;
    try {
        m_db.execute("ROLLBACK");
    } catch (...) { // destructors never throw; the rollback happens when the connection closes anyway
    }
}

void Transaction::commit() {
    m_db.execute("COMMIT");
    m_done = true;
}

} // namespace hr2scim::state
