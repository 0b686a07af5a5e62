#pragma once
// SmallFileReadAhead: small host files of an image read ahead of the writer, on worker
// threads. On a tree of many small files the work is the system calls (open, read, close) per
// file, not the bytes; two threads issuing them halve the time on two cores, while the writer
// keeps writing and reporting in image order.
//
// Files are gathered into batches of image neighbours (a run of contiguous extents, up to
// batch_limit bytes). A batch's files are read into one buffer, their padding zeroed, so the
// writer stores the whole run with one write. At most `window` batches are in flight, so
// memory stays flat whatever the tree.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "discwright/cancellation.h"
#include "fs/layout/image_plan.h"

namespace discwright::fs {

class SmallFileReadAhead {
public:
    /// Host files up to this size are read here; bigger ones are copied by the kernel.
    static constexpr u64 small_file = 256 << 10;
    static constexpr u64 batch_limit = 4 << 20;
    static constexpr std::size_t window = 4;

    struct Batch {
        u64 at = 0;                        // image byte offset of the first file
        std::vector<const Segment*> files; // contiguous in the image, in image order
        u64 bytes = 0;                     // of the files, each padded to whole blocks
        std::unique_ptr<std::byte[]> data; // batch_limit + 1 bytes: the files, then slack
        std::exception_ptr failure;        // what reading one of them threw
        bool ready = false;
        [[nodiscard]] u64 end() const { return at + bytes; }
    };

    /// Whether `s` is a file this reader takes: a host file of at most small_file bytes.
    static bool takes(const ImagePlan& plan, const Segment& s);

    SmallFileReadAhead(const ImagePlan& plan, CancellationToken cancel, unsigned workers);
    ~SmallFileReadAhead();
    SmallFileReadAhead(const SmallFileReadAhead&) = delete;
    SmallFileReadAhead& operator=(const SmallFileReadAhead&) = delete;

    /// Queues file `s` at image byte offset `at`. A batch is handed to the workers when it is
    /// full or when `s` does not follow it.
    void add(const Segment& s, u64 at);
    /// Hands the batch being gathered to the workers.
    void submit();
    /// Batches handed over and not yet taken with next().
    [[nodiscard]] std::size_t in_flight() const { return m_queue.size(); }
    /// The oldest batch, once read (waits for it); null when none is in flight. It stays
    /// valid until the next call of add() or next(). Throws what reading it threw.
    const Batch* next();

private:
    void work();
    void read_batch(Batch& b, std::string& dir, int& dir_fd) const;
    static_assert(small_file <= batch_limit);

    const ImagePlan& m_plan;
    CancellationToken m_cancel;
    std::unique_ptr<Batch> m_open;               // being gathered (this thread only)
    std::deque<std::unique_ptr<Batch>> m_queue;  // handed over, oldest first
    std::unique_ptr<Batch> m_taken;              // returned by next()
    std::vector<std::unique_ptr<Batch>> m_spare; // taken and done with: buffers to reuse
    std::size_t m_next_unclaimed = 0;            // index into m_queue of the next batch to read
    std::mutex m_mutex;
    std::condition_variable m_work, m_done;
    bool m_stop = false;
    std::vector<std::thread> m_workers;
};

} // namespace discwright::fs
