// The sector pump: a reader thread moves the source into a ring of slots, the calling thread
// sends each slot to the drive in WRITE commands of the transfer size. Slots are larger than a
// WRITE (a mebibyte or more) so that the two threads meet a few hundred times a second, not
// tens of thousands.

#include "discwright/write_engine.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "device/command_runner.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "scsi/commands.h"

namespace discwright {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t min_slot_bytes = 1u << 20;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// A run of sectors read from the stream, waiting to be written.
struct Slot {
    std::vector<std::byte> bytes;
    u64 first = 0; // sector index within the section
    u32 count = 0;
};

/// The ring between the reader thread and the writer: free slots go to the reader, filled
/// ones to the writer, in order.
class SlotRing {
public:
    SlotRing(std::size_t slots, std::size_t slot_bytes) : m_slots(slots) {
        for (auto& s : m_slots)
            s.bytes.resize(slot_bytes);
        for (std::size_t i = 0; i < slots; ++i)
            m_free.push_back(i);
    }
    [[nodiscard]] std::size_t slot_bytes() const { return m_slots.front().bytes.size(); }
    [[nodiscard]] Slot& at(std::size_t i) { return m_slots[i]; }

    /// Reader side: a free slot, or nullopt when the writer stopped.
    std::optional<std::size_t> take_free() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || !m_free.empty(); });
        if (m_stop) return std::nullopt;
        const auto i = m_free.front();
        m_free.pop_front();
        return i;
    }
    void put_filled(std::size_t i, u64 bytes) {
        {
            std::lock_guard lock(m_mutex);
            m_filled.push_back(i);
            m_used += bytes;
        }
        m_changed.notify_all();
    }
    /// Writer side: the next filled slot, or nullopt at the end of the section or when the
    /// reader failed (then rethrow_reader_failure()).
    std::optional<std::size_t> take_filled() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return !m_filled.empty() || m_reader_done; });
        if (m_filled.empty()) return std::nullopt;
        const auto i = m_filled.front();
        m_filled.pop_front();
        return i;
    }
    void put_free(std::size_t i, u64 bytes) {
        {
            std::lock_guard lock(m_mutex);
            m_free.push_back(i);
            m_used -= bytes;
        }
        m_changed.notify_all();
    }
    void reader_finished(std::exception_ptr failure) {
        {
            std::lock_guard lock(m_mutex);
            m_reader_done = true;
            m_failure = std::move(failure);
        }
        m_changed.notify_all();
    }
    void stop() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
    }
    void rethrow_reader_failure() {
        std::lock_guard lock(m_mutex);
        if (m_failure) std::rethrow_exception(m_failure);
    }
    [[nodiscard]] u64 used_bytes() {
        std::lock_guard lock(m_mutex);
        return m_used;
    }

private:
    std::vector<Slot> m_slots;
    std::deque<std::size_t> m_free, m_filled;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    u64 m_used = 0;
    bool m_stop = false;
    bool m_reader_done = false;
    std::exception_ptr m_failure;
};

/// Joins the reader thread on every way out of write_section.
class ReaderThread {
public:
    ReaderThread(SlotRing& ring, std::thread thread) : m_ring(ring), m_thread(std::move(thread)) {}
    ~ReaderThread() {
        m_ring.stop();
        if (m_thread.joinable()) m_thread.join();
    }
    ReaderThread(const ReaderThread&) = delete;
    ReaderThread& operator=(const ReaderThread&) = delete;

private:
    SlotRing& m_ring;
    std::thread m_thread;
};

scsi::Cdb write_cdb(const WriteEngineOptions& o, i64 lba, u32 count) {
    // A negative LBA (a CD pre-gap) travels as its 32-bit two's complement (MMC-6 4.2.3.5).
    const auto field = static_cast<u32>(static_cast<u64>(lba) & 0xFFFF'FFFFu);
    if (o.use_streaming_write12)
        return scsi::write12(
            {.lba = field, .blocks = count, .streaming = true, .block_size = o.bytes_per_sector});
    return scsi::write10(
        {.lba = field, .blocks = static_cast<u16>(count), .block_size = o.bytes_per_sector});
}

} // namespace

struct WriteEngine::State {
    std::atomic<bool> in_progress{false};
};

WriteEngine::WriteEngine(DiscRecorder& recorder, WriteEngineOptions options)
    : m_recorder(recorder), m_state(std::make_unique<State>()) {
    set_options(options);
}

WriteEngine::~WriteEngine() = default;

bool WriteEngine::write_in_progress() const {
    return m_state->in_progress.load();
}

void WriteEngine::set_options(const WriteEngineOptions& o) {
    if (m_state->in_progress)
        throw Error(ErrorCode::WriteInProgress,
                    "write engine options cannot change while a section is being written");
    auto bad = [](std::string_view field, auto value, std::string_view why) {
        return Error(ErrorCode::InvalidParam,
                     fmt::format("write engine: {} {} is invalid: {}", field, value, why))
            .with_option(std::string(field));
    };
    if (o.bytes_per_sector == 0 || o.bytes_per_sector > 65536)
        throw bad("bytes_per_sector", o.bytes_per_sector, "must lie in 1..65536");
    if (o.write_unit_sectors == 0 || o.write_unit_sectors > 65535)
        throw bad("write_unit_sectors", o.write_unit_sectors, "must lie in 1..65535");
    if (o.sectors_per_write != 0 && o.sectors_per_write % o.write_unit_sectors != 0)
        throw bad("sectors_per_write", o.sectors_per_write, "must be a multiple of the write unit");
    if (!o.use_streaming_write12 && o.sectors_per_write > 65535)
        throw bad("sectors_per_write", o.sectors_per_write, "WRITE(10) moves at most 65535");
    if (o.progress_interval.count() <= 0)
        throw bad("progress_interval", o.progress_interval.count(), "must be positive");
    m_options = o;
}

void WriteEngine::write_section(const Stream& data, i64 start_lba, u32 sector_count,
                                u64 stream_offset, const WriteEngineHandler& handler,
                                CancellationToken cancel, const SectorObserver& observer) {
    if (m_state->in_progress.exchange(true))
        throw Error(ErrorCode::WriteInProgress,
                    fmt::format("a section is already being written to {}", m_recorder.address()))
            .with_drive(m_recorder.address());
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag = false; }
    } done{m_state->in_progress};

    const WriteEngineOptions& o = m_options;
    const u64 bps = o.bytes_per_sector;
    const u64 needed = static_cast<u64>(sector_count) * bps;
    if (stream_offset > data.size() || data.size() - stream_offset < needed)
        throw Error(ErrorCode::StreamNotSupported,
                    fmt::format("write engine: {} holds {} bytes from offset {}, fewer than the "
                                "{} sectors of {} bytes to write",
                                data.description(),
                                data.size() - std::min(stream_offset, data.size()), stream_offset,
                                sector_count, bps))
            .with_path(data.description());

    // Sectors per WRITE: what the transport moves at once, in whole write units.
    u32 per_write = o.sectors_per_write;
    if (per_write == 0) {
        const u64 max_bytes = std::max<u64>(m_recorder.maximum_page_aligned_transfer_size(), bps);
        per_write = static_cast<u32>(
            std::min<u64>(max_bytes / bps, o.use_streaming_write12 ? 0x10000u : 0xFFFFu));
        per_write -= per_write % o.write_unit_sectors;
        if (per_write == 0) per_write = o.write_unit_sectors;
    }
    const u64 write_bytes = per_write * bps;
    const u64 slot_writes = std::max<u64>(1, min_slot_bytes / write_bytes);
    const u64 slot_bytes = slot_writes * write_bytes;
    const std::size_t slots = std::max<std::size_t>(2, o.buffer_bytes / slot_bytes);
    SlotRing ring(slots, slot_bytes);
    const u64 slot_sectors = slot_bytes / bps;

    WriteEngineProgress progress;
    progress.start_lba = start_lba;
    progress.sector_count = sector_count;
    progress.total_system_buffer = slots * slot_bytes;
    std::atomic<i64> last_read{-1};

    const auto t0 = Clock::now();
    auto report = [&](i64 last_written) {
        progress.last_written_lba = last_written;
        progress.last_read_lba = last_read.load();
        progress.used_system_buffer = ring.used_bytes();
        progress.elapsed_seconds = seconds_since(t0);
        if (handler) handler(progress);
    };
    report(start_lba - 1);

    ReaderThread reader(
        ring, std::thread([&] {
            try {
                for (u64 first = 0; first < sector_count; first += slot_sectors) {
                    const auto index = ring.take_free();
                    if (!index) break;
                    Slot& slot = ring.at(*index);
                    slot.first = first;
                    slot.count =
                        static_cast<u32>(std::min<u64>(slot_sectors, sector_count - first));
                    const std::span<std::byte> bytes{slot.bytes.data(), slot.count * bps};
                    const auto got = data.read_at(stream_offset + first * bps, bytes);
                    if (got != bytes.size())
                        throw Error(ErrorCode::DataStreamReadFailure,
                                    fmt::format("{} ended at byte {} while {} more were expected",
                                                data.description(),
                                                stream_offset + first * bps + got,
                                                bytes.size() - got))
                            .with_path(data.description());
                    if (observer) observer(first, bytes);
                    last_read = start_lba + static_cast<i64>(first + slot.count) - 1;
                    ring.put_filled(*index, bytes.size());
                }
                ring.reader_finished(nullptr);
            } catch (...) {
                ring.reader_finished(std::current_exception());
            }
        }));

    auto& runner = m_recorder.runner();
    i64 last_written = start_lba - 1;
    auto next_report = t0 + o.progress_interval;
    i64 window_lba = last_written;
    auto window_t = t0;
    for (;;) {
        const auto index = ring.take_filled();
        if (!index) break;
        const Slot& slot = ring.at(*index);
        for (u32 done_in_slot = 0; done_in_slot < slot.count;) {
            if (cancel.cancelled())
                throw Error(ErrorCode::RequestCancelled,
                            last_written < start_lba
                                ? fmt::format("write to {} cancelled before the first sector",
                                              m_recorder.address())
                                : fmt::format("write to {} cancelled: LBAs {}..{} were written, "
                                              "the rest of the section was not",
                                              m_recorder.address(), start_lba, last_written))
                    .with_drive(m_recorder.address());
            const u32 n = std::min<u32>(per_write, slot.count - done_in_slot);
            const i64 lba = start_lba + static_cast<i64>(slot.first + done_in_slot);
            runner.write(
                write_cdb(o, lba, n),
                std::span<const std::byte>(slot.bytes).subspan(done_in_slot * bps, n * bps));
            done_in_slot += n;
            last_written = lba + n - 1;
            const auto now = Clock::now();
            if (now >= next_report) {
                const double dt = std::chrono::duration<double>(now - window_t).count();
                if (dt > 0)
                    progress.sectors_per_second =
                        static_cast<double>(last_written - window_lba) / dt;
                window_lba = last_written;
                window_t = now;
                next_report = now + o.progress_interval;
                report(last_written);
            }
        }
        ring.put_free(*index, slot.count * bps);
    }
    ring.rethrow_reader_failure();
    if (last_written != start_lba + static_cast<i64>(sector_count) - 1)
        throw Error(ErrorCode::Internal,
                    fmt::format("write engine stopped at LBA {} of a section ending at {}",
                                last_written, start_lba + static_cast<i64>(sector_count) - 1));
    const double total = seconds_since(t0);
    if (total > 0) progress.sectors_per_second = sector_count / total;
    report(last_written);
}

} // namespace discwright
