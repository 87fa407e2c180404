#include "mappings/parallel_mapper.hpp"

#include <algorithm>

namespace hr2scim::mappings {

ParallelMapper::ParallelMapper(Step map, Step take, size_t threads, size_t batch_size)
    : m_map(std::move(map)), m_take(std::move(take)),
      m_batch_size(std::max<size_t>(batch_size, 1)) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    m_most_in_flight = threads * 4;
    m_filling.reserve(m_batch_size);
    for (size_t i = 0; i < threads; ++i)
        m_workers.emplace_back([this] { work(); });
}

ParallelMapper::~ParallelMapper() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_workers.clear(); // joins
}

void ParallelMapper::add(connectors::Record&& record) {
    m_filling.push_back(std::move(record));
    if (m_filling.size() >= m_batch_size) submit();
}

void ParallelMapper::finish() {
    if (!m_filling.empty()) submit();
    take_mapped(true);
}

void ParallelMapper::submit() {
    {
        std::lock_guard lock(m_mutex);
        auto& slot = m_slots.emplace_back();
        slot.batch.records = std::move(m_filling);
        m_waiting.push_back(&slot);
    }
    m_changed.notify_all();
    m_filling = {};
    m_filling.reserve(m_batch_size);
    take_mapped(false);
}

// Takes the mapped batches at the front; waits while too many are in flight (or, at the end,
// until none is).
void ParallelMapper::take_mapped(bool all) {
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] {
            const bool must_wait = all ? !m_slots.empty() : m_slots.size() > m_most_in_flight;
            return !must_wait || m_slots.front().mapped;
        });
        if (m_slots.empty() || !m_slots.front().mapped) return;
        Slot slot = std::move(m_slots.front());
        m_slots.pop_front();
        lock.unlock();
        if (slot.error) std::rethrow_exception(slot.error);
        m_take(slot.batch);
    }
}

void ParallelMapper::work() {
    for (;;) {
        Slot* slot = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_stopping || !m_waiting.empty(); });
            if (m_stopping) return; // what is left is not wanted any more
            slot = m_waiting.front();
            m_waiting.pop_front();
        }
        std::exception_ptr error;
        try {
            m_map(slot->batch);
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard lock(m_mutex);
            slot->mapped = true;
            slot->error = error;
        }
        m_changed.notify_all();
    }
}

} // namespace hr2scim::mappings
