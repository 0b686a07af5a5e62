#pragma once
// DiscStream: the recorded user data of the medium in a drive as a Stream of 2048-byte
// sectors, so everything that reads images (ImageReader, import, validation, extraction,
// verification) reads discs the same way. Reads are READ(10) commands of the transport's size;
// the last transfer is kept, because a file system reader asks for many small pieces of the
// same blocks.

#include <memory>
#include <mutex>
#include <vector>

#include "discwright/stream.h"

namespace discwright {

class DiscRecorder;

class DiscStream final : public Stream {
public:
    /// The readable sectors: up to the last recorded block on sequential media (READ
    /// CAPACITY), the formatted capacity on overwritable ones, 0 for a blank disc.
    /// MediaNoMedia when the drive is empty.
    explicit DiscStream(std::shared_ptr<DiscRecorder> recorder);
    /// The first `sectors` sectors only. The recorder must outlive the stream.
    DiscStream(DiscRecorder& recorder, u64 sectors);

    u64 size() const override { return m_sectors * block_size; }
    /// Thread-safe; errors name the drive and the LBA (MediaReadError ...).
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override;

private:
    std::shared_ptr<DiscRecorder> m_owner;
    DiscRecorder* m_recorder;
    u64 m_sectors = 0;
    mutable std::mutex m_mutex;
    mutable std::vector<std::byte> m_cache; // the last transfer
    mutable u64 m_cache_first = 0;          // its first sector
};

} // namespace discwright
