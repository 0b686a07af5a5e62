#include "fs/small_file_read_ahead.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace discwright::fs {

namespace {

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

} // namespace

bool SmallFileReadAhead::takes(const ImagePlan& plan, const Segment& s) {
    return plan.file_bytes(s) <= small_file && !plan.tree().stream(s.item());
}

SmallFileReadAhead::SmallFileReadAhead(const ImagePlan& plan, CancellationToken cancel,
                                       unsigned workers)
    : m_plan(plan), m_cancel(std::move(cancel)) {
    for (unsigned i = 0; i < workers; ++i)
        m_workers.emplace_back([this] { work(); });
}

SmallFileReadAhead::~SmallFileReadAhead() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_work.notify_all();
    for (auto& t : m_workers)
        t.join();
}

void SmallFileReadAhead::add(const Segment& s, u64 at) {
    const u64 padded = u64{s.blocks} * discwright::block_size;
    if (m_open && (m_open->end() != at || m_open->bytes + padded > batch_limit)) submit();
    if (!m_open) {
        if (m_taken) m_spare.push_back(std::move(m_taken)); // the writer is done with it
        if (!m_spare.empty()) { // reuse a buffer: fresh ones cost page faults and mmap calls
            m_open = std::move(m_spare.back());
            m_spare.pop_back();
            m_open->files.clear();
            m_open->bytes = 0;
            m_open->failure = nullptr;
            m_open->ready = false;
        } else {
            m_open = std::make_unique<Batch>();
            // Not zeroed: every byte is read or padded by read_batch.
            m_open->data.reset(new std::byte[batch_limit + 1]);
        }
        m_open->at = at;
    }
    m_open->files.push_back(&s);
    m_open->bytes += padded;
}

void SmallFileReadAhead::submit() {
    if (!m_open) return;
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(m_open));
    }
    m_work.notify_one();
}

const SmallFileReadAhead::Batch* SmallFileReadAhead::next() {
    std::unique_lock lock(m_mutex);
    if (m_queue.empty()) return nullptr;
    m_done.wait(lock, [&] { return m_queue.front()->ready; });
    if (m_taken) m_spare.push_back(std::move(m_taken));
    m_taken = std::move(m_queue.front());
    m_queue.pop_front();
    --m_next_unclaimed; // the front was claimed: it is ready
    lock.unlock();
    if (m_taken->failure) std::rethrow_exception(m_taken->failure);
    return m_taken.get();
}

void SmallFileReadAhead::work() {
    std::string dir; // folder of the last file read, and its descriptor
    int dir_fd = -1;
    for (;;) {
        Batch* b = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_work.wait(lock, [&] { return m_stop || m_next_unclaimed < m_queue.size(); });
            if (m_stop) break;
            b = m_queue[m_next_unclaimed++].get();
        }
        try {
            read_batch(*b, dir, dir_fd);
        } catch (...) {
            b->failure = std::current_exception();
        }
        {
            std::lock_guard lock(m_mutex);
            b->ready = true;
        }
        m_done.notify_all();
    }
    if (dir_fd >= 0) ::close(dir_fd);
}

// Per file: an open relative to its folder (kept open while its neighbours are read), one
// pread of one byte more than staged, which proves the size unchanged without another stat
// (a file that grew fills the extra byte), and a close. The byte past the end lands in the next
// file's place (or the slack byte at the end) and is overwritten.
void SmallFileReadAhead::read_batch(Batch& b, std::string& dir, int& dir_fd) const {
    const ItemTree& tree = m_plan.tree();
    std::size_t pos = 0;
    for (const Segment* s : b.files) {
        m_cancel.throw_if_cancelled();
        const u64 file_bytes = m_plan.file_bytes(*s);
        const u64 padded = u64{s->blocks} * discwright::block_size;
        const std::string host = tree.host_path(s->item());
        const auto slash = host.rfind('/');
        const std::string_view folder = slash == std::string::npos
                                            ? std::string_view(".")
                                            : std::string_view(host).substr(0, slash);
        const char* name = slash == std::string::npos ? host.c_str() : host.c_str() + slash + 1;
        if (dir_fd < 0 || folder != dir) {
            if (dir_fd >= 0) ::close(dir_fd);
            dir = folder;
            dir_fd = ::open(dir.empty() ? "/" : dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        int fd = -1;
        if (dir_fd >= 0) {
            fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOATIME);
            if (fd < 0 && errno == EPERM) fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
        }
        if (fd < 0)
            throw Error(ErrorCode::DataStreamCreateFailure,
                        fmt::format("cannot open '{}': {} (staged as {})", host, errno_text(errno),
                                    tree.path(s->item())))
                .with_path(host);
        u64 got = 0;
        while (got < file_bytes + 1) {
            const ssize_t n = ::pread(fd, b.data.get() + pos + got, file_bytes + 1 - got,
                                      static_cast<off_t>(got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int err = errno;
                ::close(fd);
                throw Error(ErrorCode::DataStreamReadFailure,
                            fmt::format("cannot read '{}': {}", host, errno_text(err)))
                    .with_path(host);
            }
            if (n == 0) break;
            got += static_cast<u64>(n);
            // A regular file reads short only at its end: a short read that stops exactly at
            // the staged size is the end, and saves the second read that would return 0.
            if (got == file_bytes) break;
        }
        ::close(fd);
        if (got != file_bytes)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("'{}' changed size after it was staged: {} bytes expected, "
                                    "{} found (image path {})",
                                    host, file_bytes,
                                    got > file_bytes ? fmt::format("more than {}", file_bytes)
                                                     : std::to_string(got),
                                    tree.path(s->item())))
                .with_path(host);
        std::memset(b.data.get() + pos + file_bytes, 0, padded - file_bytes + 1);
        pos += padded;
    }
}

} // namespace discwright::fs
