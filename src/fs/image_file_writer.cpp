// FileSystemImageResult::write_to_file: the image into a host file. File data moves with
// copy_file_range (the bytes never pass through user space when the file systems allow it);
// metadata is rendered extent by extent; zero fill becomes holes. The output is written under
// a temporary name in the same folder and renamed at the end, so a failure or a cancel never
// leaves a partial file under the requested name.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discwright/file_system_image_result.h"
#include "fs/layout/image_plan.h"
#include "fs/layout/item_data.h"
#include "fs/small_file_read_ahead.h"

namespace discwright {

namespace {

constexpr u64 chunk = 8 << 20; // bytes per copy_file_range / pwrite call
constexpr u64 file_event_step = 1 << 20;

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

class OutputFile {
public:
    OutputFile(const std::string& path, Overwrite overwrite) : m_path(path) {
        if (overwrite == Overwrite::Refuse && ::access(path.c_str(), F_OK) == 0)
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("'{}' exists and overwriting was not allowed", path))
                .with_path(path);
        m_temp = path + ".partial-" + std::string(6, 'X'); // mkstemp's template
        m_fd = ::mkstemp(m_temp.data());
        if (m_fd < 0) fail("cannot create a temporary file beside", errno);
        ::fchmod(m_fd, 0644 & ~current_umask());
    }
    ~OutputFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (!m_committed) ::unlink(m_temp.c_str());
    }
    int fd() const { return m_fd; }
    const std::string& temp() const { return m_temp; }
    void pwrite_all(const std::byte* data, u64 n, u64 at) {
        while (n > 0) {
            ssize_t w = ::pwrite(m_fd, data, n, static_cast<off_t>(at));
            if (w < 0) {
                if (errno == EINTR) continue;
                fail("cannot write", errno);
            }
            data += w;
            n -= static_cast<u64>(w);
            at += static_cast<u64>(w);
        }
    }
    void commit(u64 size) {
        if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) fail("cannot size", errno);
        if (::close(m_fd) != 0) {
            m_fd = -1;
            fail("cannot finish writing", errno);
        }
        m_fd = -1;
        if (::rename(m_temp.c_str(), m_path.c_str()) != 0)
            fail("cannot rename the output to", errno);
        m_committed = true;
    }
    [[noreturn]] void fail(std::string_view what, int err) const {
        throw Error(ErrorCode::OutputWriteFailure,
                    fmt::format("{} '{}': {}", what, m_path, errno_text(err)))
            .with_path(m_path);
    }

private:
    static mode_t current_umask() {
        mode_t m = ::umask(0);
        ::umask(m);
        return m;
    }
    std::string m_path, m_temp;
    int m_fd = -1;
    bool m_committed = false;
};

struct Progress {
    const EventHandler& events;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    u64 total = 0;
    u64 done = 0;
    std::chrono::steady_clock::time_point last{};

    void report(const std::string& file, bool force) {
        if (!events) return;
        auto now = std::chrono::steady_clock::now();
        if (!force && now - last < std::chrono::milliseconds(100)) return;
        last = now;
        double elapsed = std::chrono::duration<double>(now - start).count();
        double remaining = done ? elapsed * static_cast<double>(total - done) / double(done) : -1;
        events(ProgressEvent{ProgressAction::WritingImage, elapsed, remaining, done, total, file});
    }
};

/// Copies file segments into the output: small host files through the read-ahead workers,
/// the rest with copy_file_range where the kernel can, reads and writes where it cannot;
/// per-file events at IMAPI's cadence, in image order.
class FileCopier {
public:
    FileCopier(const fs::ImagePlan& plan, OutputFile& out, const EventHandler& events,
               Progress& progress, const CancellationToken& cancel)
        : m_plan(plan), m_out(out), m_events(events), m_progress(progress), m_cancel(cancel),
          m_small(plan, cancel, std::clamp(std::thread::hardware_concurrency(), 1u, 4u)) {}

    void copy(const fs::Segment& s, u64 at) {
        if (fs::SmallFileReadAhead::takes(m_plan, s)) {
            m_small.add(s, at);
            while (m_small.in_flight() >= fs::SmallFileReadAhead::window)
                write_batch(*m_small.next());
            return;
        }
        flush();
        copy_big(s, at);
    }

    /// Writes every small file queued so far.
    void flush() {
        m_small.submit();
        while (const fs::SmallFileReadAhead::Batch* b = m_small.next())
            write_batch(*b);
    }

private:
    void copy_big(const fs::Segment& s, u64 at) {
        const std::string image_path = m_events ? m_plan.tree().path(s.item()) : std::string();
        const u64 total_sectors = s.blocks;
        const u64 file_bytes = m_plan.file_bytes(s);
        if (m_events) m_events(FileProgressEvent{image_path, 0, total_sectors});
        StreamPtr data = fs::open_item_data(m_plan.tree(), s.item());
        // IMAPI's cadence: an event at 0, one per MiB, and one at the end.
        u64 copied = 0, next_event = file_event_step, reported = 0;
        const int in_fd = data->native_fd();
        while (copied < file_bytes) {
            m_cancel.throw_if_cancelled();
            u64 want = std::min(chunk, file_bytes - copied);
            if (m_events) want = std::min(want, next_event - copied);
            const u64 got = in_fd >= 0 && m_copy_range ? copy_range(*data, in_fd, copied, at, want)
                                                       : copy_read(*data, copied, at, want);
            if (got == ~u64{0}) continue; // copy_file_range refused: retry by reading
            if (got == 0)
                throw Error(ErrorCode::DataStreamInconsistency,
                            fmt::format("'{}' ended after {} of its {} staged bytes",
                                        data->description(), copied, file_bytes))
                    .with_path(data->description());
            copied += got;
            m_progress.done += got;
            if (m_events && copied >= next_event) {
                reported = copied / discwright::block_size;
                m_events(FileProgressEvent{image_path, reported, total_sectors});
                next_event += file_event_step;
            }
            m_progress.report(image_path, false);
        }
        fs::check_item_unchanged(m_plan.tree(), s.item(), *data);
        // The last block's padding stays a hole in the fresh output file: it reads as zeros,
        // and writing it would cost a system call per file.
        if (m_events && reported != total_sectors)
            m_events(FileProgressEvent{image_path, total_sectors, total_sectors});
        m_progress.done += total_sectors * discwright::block_size - file_bytes;
    }

    /// A batch of small files, read by the workers: one write, then each file's events.
    void write_batch(const fs::SmallFileReadAhead::Batch& b) {
        m_cancel.throw_if_cancelled();
        m_out.pwrite_all(b.data.get(), b.bytes, b.at);
        for (const fs::Segment* s : b.files) {
            const std::string image_path = m_events ? m_plan.tree().path(s->item()) : std::string();
            if (m_events) {
                m_events(FileProgressEvent{image_path, 0, s->blocks});
                m_events(FileProgressEvent{image_path, s->blocks, s->blocks});
            }
            m_progress.done += u64{s->blocks} * discwright::block_size;
            m_progress.report(image_path, false);
        }
    }

    u64 copy_range(const Stream& data, int in_fd, u64 copied, u64 at, u64 want) {
        for (;;) {
            loff_t in_off = static_cast<loff_t>(copied);
            loff_t out_off = static_cast<loff_t>(at + copied);
            ssize_t n = ::copy_file_range(in_fd, &in_off, m_out.fd(), &out_off, want, 0);
            if (n >= 0) return static_cast<u64>(n);
            if (errno == EINTR) continue;
            if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
                m_copy_range = false; // not between these file systems: read and write
                return ~u64{0};
            }
            throw Error(ErrorCode::DataStreamReadFailure,
                        fmt::format("cannot copy '{}' into the image: {}", data.description(),
                                    errno_text(errno)))
                .with_path(data.description());
        }
    }
    u64 copy_read(const Stream& data, u64 copied, u64 at, u64 want) {
        m_buffer.resize(want);
        const u64 got = data.read_at(copied, m_buffer);
        m_out.pwrite_all(m_buffer.data(), got, at + copied);
        return got;
    }

    const fs::ImagePlan& m_plan;
    OutputFile& m_out;
    const EventHandler& m_events;
    Progress& m_progress;
    const CancellationToken& m_cancel;
    std::vector<std::byte> m_buffer;
    bool m_copy_range = true;
    fs::SmallFileReadAhead m_small; // last: its workers stop before the rest goes
};

} // namespace

void FileSystemImageResult::write_to_file(const std::string& path, const EventHandler& events,
                                          CancellationToken cancel, Overwrite overwrite) const {
    try {
        OutputFile out(path, overwrite);
        const fs::ImagePlan& plan = *m_plan;
        const u64 base = plan.start_block();
        Progress progress{events};
        progress.total = plan.total_blocks() * discwright::block_size;
        auto offset_of = [&](const fs::Segment& s) {
            return (u64{s.first_block} - base) * discwright::block_size;
        };

        // Metadata is rendered and written on a second thread while this one copies file
        // data: the regions are disjoint and positional writes need no order.
        std::atomic<bool> stop{false};
        std::exception_ptr metadata_failure;
        std::thread metadata([&] {
            try {
                // Neighbouring extents (a namespace's folders lie one after another) are
                // gathered and written together: one write per few megabytes, not per folder,
                // so this thread seldom waits for the output file's lock.
                std::vector<std::byte> buffer;
                u64 buffer_at = 0;
                auto write_out = [&] {
                    out.pwrite_all(buffer.data(), buffer.size(), buffer_at);
                    buffer.clear();
                };
                for (const fs::Segment& s : plan.segments()) {
                    if (s.kind != fs::Segment::Kind::Metadata) continue;
                    if (stop.load() || cancel.cancelled()) return;
                    const u64 at = offset_of(s);
                    const u64 bytes = u64{s.blocks} * discwright::block_size;
                    if (!buffer.empty() &&
                        (buffer_at + buffer.size() != at || buffer.size() + bytes > chunk))
                        write_out();
                    if (buffer.empty()) buffer_at = at;
                    const std::size_t pos = buffer.size();
                    buffer.resize(pos + bytes, std::byte{0});
                    plan.render(s, std::span(buffer).subspan(pos));
                }
                if (!buffer.empty()) write_out();
            } catch (...) {
                metadata_failure = std::current_exception();
                stop.store(true);
            }
        });
        try {
            FileCopier copier(plan, out, events, progress, cancel);
            for (const fs::Segment& s : plan.segments()) {
                cancel.throw_if_cancelled();
                if (stop.load()) break; // the metadata thread failed; its error is thrown below
                if (s.kind == fs::Segment::Kind::FileData) copier.copy(s, offset_of(s));
            }
            copier.flush();
        } catch (...) {
            stop.store(true);
            metadata.join();
            throw;
        }
        metadata.join();
        if (metadata_failure) std::rethrow_exception(metadata_failure);
        cancel.throw_if_cancelled();
        out.commit(plan.total_blocks() * discwright::block_size);
        progress.done = progress.total;
        progress.report({}, true);
    } catch (Error& e) {
        e.add_frame(fmt::format("while writing {}", path));
        throw;
    }
}

} // namespace discwright
