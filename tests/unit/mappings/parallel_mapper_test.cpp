#include "mappings/parallel_mapper.hpp"

#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace hr2scim::mappings {
namespace {

connectors::Record record(int i) {
    return {"k" + std::to_string(i), {}, "hr.csv:" + std::to_string(i)};
}

// Workers that finish out of order still hand the batches back in the order records came.
TEST(ParallelMapper, ResultsComeBackInTheSourcesOrderWhateverTheTiming) {
    std::vector<std::string> taken;
    std::atomic<int> batches = 0;
    std::set<std::thread::id> threads;
    std::mutex threads_mutex;
    {
        ParallelMapper mapper(
            [&](MappedBatch& batch) {
                {
                    std::lock_guard lock(threads_mutex);
                    threads.insert(std::this_thread::get_id());
                }
                // Every other batch is slow: a later one finishes first.
                if (batches++ % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
                for (auto& r : batch.records) {
                    scim::DesiredResource mapped;
                    mapped.key = r.key;
                    batch.desired.push_back(std::move(mapped));
                }
            },
            [&](MappedBatch& batch) {
                for (auto& d : batch.desired)
                    taken.push_back(d.key);
            },
            3, 7);
        for (int i = 0; i < 500; ++i)
            mapper.add(record(i));
        mapper.finish();
    }
    ASSERT_EQ(taken.size(), 500U);
    for (int i = 0; i < 500; ++i)
        ASSERT_EQ(taken[static_cast<size_t>(i)], "k" + std::to_string(i));
    EXPECT_GT(threads.size(), 1U);
    EXPECT_EQ(batches.load(), 72); // 500 records in batches of 7
}

TEST(ParallelMapper, WhatAWorkerThrowsReachesTheReader) {
    ParallelMapper mapper(
        [](MappedBatch& batch) {
            for (auto& r : batch.records)
                if (r.key == "k42") throw std::runtime_error("cannot map k42");
        },
        [](MappedBatch&) {}, 2, 10);
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i)
                mapper.add(record(i));
            mapper.finish();
        },
        std::runtime_error);
}

TEST(ParallelMapper, NothingAddedIsNothingTaken) {
    int taken = 0;
    ParallelMapper mapper([](MappedBatch&) {}, [&](MappedBatch&) { ++taken; });
    mapper.finish();
    EXPECT_EQ(taken, 0);
}

} // namespace
} // namespace hr2scim::mappings
