// FileSystemImageResult::write_to_file: the image into a host file. File data moves with
// copy_file_range (the bytes never pass through user space when the file systems allow it);
// metadata is rendered extent by extent; zero fill becomes holes. The output is written under
// a temporary name in the same folder and renamed at the end, so a failure or a cancel never
// leaves a partial file under the requested name.

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discwright/file_system_image_result.h"
#include "fs/layout/image_plan.h"
#include "fs/layout/item_data.h"

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
        m_temp = path + ".partial-XXXXXX";
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

} // namespace

void FileSystemImageResult::write_to_file(const std::string& path, const EventHandler& events,
                                          CancellationToken cancel, Overwrite overwrite) const {
    try {
        OutputFile out(path, overwrite);
        const fs::ImagePlan& plan = *m_plan;
        const u64 base = plan.start_block();
        Progress progress{events};
        progress.total = plan.total_blocks() * discwright::block_size;
        std::vector<std::byte> buffer;
        bool copy_range = true; // false once the kernel says it cannot between these files

        for (const fs::Segment& s : plan.segments()) {
            cancel.throw_if_cancelled();
            const u64 at = (u64{s.first_block} - base) * discwright::block_size;
            switch (s.kind) {
            case fs::Segment::Kind::Zero:
                break; // a hole; ftruncate gives the size
            case fs::Segment::Kind::Metadata:
                buffer.assign(u64{s.blocks} * discwright::block_size, std::byte{0});
                plan.render(s, buffer);
                out.pwrite_all(buffer.data(), buffer.size(), at);
                break;
            case fs::Segment::Kind::FileData: {
                const std::string image_path = events ? plan.tree().path(s.item()) : std::string();
                const u64 total_sectors = s.blocks;
                const u64 file_bytes = plan.file_bytes(s);
                if (events) events(FileProgressEvent{image_path, 0, total_sectors});
                StreamPtr data = fs::open_item_data(plan.tree(), s.item());
                // IMAPI's cadence: an event at 0, one per MiB, and one at the end.
                u64 copied = 0, next_event = file_event_step, reported = 0;
                const int in_fd = data->native_fd();
                while (copied < file_bytes) {
                    cancel.throw_if_cancelled();
                    u64 want = std::min(chunk, file_bytes - copied);
                    if (events) want = std::min(want, next_event - copied);
                    u64 got = 0;
                    if (in_fd >= 0 && copy_range) {
                        loff_t in_off = static_cast<loff_t>(copied);
                        loff_t out_off = static_cast<loff_t>(at + copied);
                        ssize_t n = ::copy_file_range(in_fd, &in_off, out.fd(), &out_off, want, 0);
                        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                                      errno == EOPNOTSUPP)) {
                            copy_range = false;
                            continue;
                        }
                        if (n < 0) {
                            if (errno == EINTR) continue;
                            throw Error(ErrorCode::DataStreamReadFailure,
                                        fmt::format("cannot copy '{}' into the image: {}",
                                                    data->description(), errno_text(errno)))
                                .with_path(data->description());
                        }
                        got = static_cast<u64>(n);
                    } else {
                        buffer.resize(want);
                        got = data->read_at(copied, buffer);
                        out.pwrite_all(buffer.data(), got, at + copied);
                    }
                    if (got == 0)
                        throw Error(ErrorCode::DataStreamInconsistency,
                                    fmt::format("'{}' ended after {} of its {} staged bytes",
                                                data->description(), copied, file_bytes))
                            .with_path(data->description());
                    copied += got;
                    progress.done += got;
                    if (events && copied >= next_event) {
                        reported = copied / discwright::block_size;
                        events(FileProgressEvent{image_path, reported, total_sectors});
                        next_event += file_event_step;
                    }
                    progress.report(image_path, false);
                }
                fs::check_item_unchanged(plan.tree(), s.item(), *data);
                // The last block's padding stays a hole in the fresh output file: it reads as
                // zeros, and writing it would cost a system call per file.
                const u64 tail = s.blocks * discwright::block_size - file_bytes;
                if (events && reported != total_sectors)
                    events(FileProgressEvent{image_path, total_sectors, total_sectors});
                progress.done += tail;
                break;
            }
            }
            if (s.kind != fs::Segment::Kind::FileData)
                progress.done += u64{s.blocks} * discwright::block_size;
        }
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
