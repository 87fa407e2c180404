#pragma once
// Maps records on every core while the source is still being read. Records go to the workers
// in batches; each mapped batch comes back to the reading thread in the order its records
// came, so a run is the same whatever the threads' timing. At most a few batches are in
// flight: memory stays bounded however large the source.

#include "connectors/record.hpp"
#include "scim/desired_resource.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hr2scim::mappings {

struct MappedBatch {
    std::vector<connectors::Record> records;
    std::vector<scim::DesiredResource> desired;
    std::vector<connectors::Rejection> rejections;
};

class ParallelMapper {
  public:
    using Step = std::function<void(MappedBatch&)>;

    // `map` runs on the workers, one batch at a time each; `take` on the thread that calls
    // add() and finish(), batch after batch in order. threads 0: one per core.
    ParallelMapper(Step map, Step take, size_t threads = 0, size_t batch_size = 512);
    ~ParallelMapper();
    ParallelMapper(const ParallelMapper&) = delete;
    ParallelMapper& operator=(const ParallelMapper&) = delete;

    void add(connectors::Record&& record);
    // Maps and takes what is left; rethrows what a worker threw.
    void finish();

  private:
    struct Slot {
        MappedBatch batch;
        bool mapped = false;
        std::exception_ptr error;
    };
    void submit();
    void take_mapped(bool all);
    void work();

    Step m_map;
    Step m_take;
    size_t m_batch_size;
    size_t m_most_in_flight;
    std::vector<connectors::Record> m_filling;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Slot> m_slots; // in order; the front is taken next
    std::deque<Slot*> m_waiting;
    bool m_stopping = false;
    std::vector<std::jthread> m_workers;
};

} // namespace hr2scim::mappings
