#pragma once
// WriteEngine (IMAPI's MsftWriteEngine2): writes sectors of a stream to a range of LBAs of a
// recorder, and nothing else. Mode pages, capacity checks, formatting and closing belong to the
// writers that use it (DataDiscWriter; later the raw and track-at-once writers).
//
// A reader thread fills a ring buffer from the stream while the calling thread sends WRITE(10)
// (or WRITE(12) with the Streaming bit) commands of the largest size the transport allows,
// rounded down to the write unit, so the drive's buffer stays full. Busy answers (LONG WRITE IN
// PROGRESS, the drive's buffer full) are waited out by the command runner; a buffer underrun is
// Error(LossOfStreaming), a write failure Error(MediaWriteError) naming the LBA.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>

#include "discwright/cancellation.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

class DiscRecorder;

/// IWriteEngine2EventArgs: where a write_section() is.
struct WriteEngineProgress {
    i64 start_lba = 0;
    u32 sector_count = 0;
    i64 last_read_lba = -1;      // last LBA whose bytes came from the stream (-1: none yet)
    i64 last_written_lba = -1;   // last LBA the drive accepted
    u64 total_system_buffer = 0; // bytes of the engine's ring buffer
    u64 used_system_buffer = 0;  // bytes read from the stream and not yet written
    [[nodiscard]] u64 free_system_buffer() const {
        return total_system_buffer - used_system_buffer;
    }
    double elapsed_seconds = 0;
    /// Sectors per second over the last half second (0 until known).
    double sectors_per_second = 0;
    [[nodiscard]] u64 sectors_done() const {
        return last_written_lba < start_lba ? 0
                                            : static_cast<u64>(last_written_lba - start_lba + 1);
    }
};

/// Called on the writing thread once before the first WRITE, every half second, and once after
/// the last. A handler may cancel through the CancellationSource of the token it passed.
using WriteEngineHandler = std::function<void(const WriteEngineProgress&)>;

/// Called on the reader thread with each run of source bytes before it is written, in order:
/// `first_sector` counts from the start of the section. DataDiscWriter checksums with it.
using SectorObserver = std::function<void(u64 first_sector, std::span<const std::byte> bytes)>;

struct WriteEngineOptions {
    /// BytesPerSector: 2048 for data; 2352 or 2448 for raw CD.
    u32 bytes_per_sector = 2048;
    /// UseStreamingWrite12: WRITE(12) with the Streaming bit (no defect management on
    /// DVD-RAM and BD-RE) instead of WRITE(10).
    bool use_streaming_write12 = false;
    /// Every WRITE starts at a multiple of this many sectors from the section start and covers
    /// a multiple of it, except a short last one (16 for DVD ECC blocks, 32 for BD clusters).
    u32 write_unit_sectors = 1;
    /// Sectors per WRITE; 0: the largest the transport allows (rounded to the write unit).
    u32 sectors_per_write = 0;
    /// Bytes of the ring buffer between the reader thread and the drive.
    std::size_t buffer_bytes = 32u << 20;
    /// StartingSectorsPerSecond / EndingSectorsPerSecond: hints only, for progress estimates
    /// before the engine has measured anything. -1: unknown.
    i32 starting_sectors_per_second = -1;
    i32 ending_sectors_per_second = -1;
    /// How often the handler hears of progress.
    std::chrono::milliseconds progress_interval{500};
};

class WriteEngine {
public:
    explicit WriteEngine(DiscRecorder& recorder, WriteEngineOptions options = {});
    ~WriteEngine();
    WriteEngine(const WriteEngine&) = delete;
    WriteEngine& operator=(const WriteEngine&) = delete;

    [[nodiscard]] const WriteEngineOptions& options() const { return m_options; }
    /// InvalidParam naming the field when a value is out of range; WriteInProgress during a write.
    void set_options(const WriteEngineOptions& options);

    /// WriteSection: writes `sector_count` sectors from `data` (starting at byte
    /// `stream_offset`) to the LBAs from `start_lba` on (negative LBAs reach a CD's pre-gap).
    /// The stream must hold them all (else StreamNotSupported). Synchronous. On cancellation
    /// the engine stops after the WRITE in flight and throws RequestCancelled: every sector up
    /// to the reported last_written_lba is on the medium, none after it.
    void write_section(const Stream& data, i64 start_lba, u32 sector_count, u64 stream_offset = 0,
                       const WriteEngineHandler& handler = {}, CancellationToken cancel = {},
                       const SectorObserver& observer = {});

    /// WriteInProgress.
    [[nodiscard]] bool write_in_progress() const;

private:
    DiscRecorder& m_recorder;
    WriteEngineOptions m_options;
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace discwright
