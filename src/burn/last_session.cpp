// read_last_session: where the newest session of a disc starts comes from the drive (disc and
// track information), not from scanning, because sessions on CD are ~11,400 blocks apart.

#include <mutex>

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/multisession.h"

namespace discwright {

namespace {

/// The recorded user data of a disc as a Stream of 2048-byte sectors (READ(10) underneath).
class RecordedSectors final : public Stream {
public:
    RecordedSectors(DiscRecorder& recorder, u64 sectors)
        : m_recorder(recorder), m_sectors(sectors) {}
    u64 size() const override { return m_sectors * block_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override {
        if (offset >= size()) return 0;
        const u64 n = std::min<u64>(buffer.size(), size() - offset);
        const u64 first = offset / block_size;
        const u64 last = (offset + n + block_size - 1) / block_size;
        std::vector<std::byte> blocks((last - first) * block_size);
        {
            std::lock_guard lock(m_mutex);
            burn::read_sectors(m_recorder, first, blocks);
        }
        std::copy_n(blocks.begin() + static_cast<std::ptrdiff_t>(offset - first * block_size), n,
                    buffer.begin());
        return n;
    }
    std::string description() const override { return m_recorder.address(); }

private:
    DiscRecorder& m_recorder;
    u64 m_sectors;
    mutable std::mutex m_mutex;
};

} // namespace

ImageReader read_last_session(DiscRecorder& recorder) {
    const auto facts = burn::read_disc_facts(recorder);
    if (!facts.present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}", recorder.address()))
            .with_drive(recorder.address());
    ReaderOptions options;
    u64 sectors = 0;
    if (facts.sequential()) {
        if (facts.sessions == 0)
            throw Error(ErrorCode::NoValidVolumeDescriptor,
                        fmt::format("the disc in {} holds no session", recorder.address()))
                .with_drive(recorder.address());
        options.session_start = static_cast<u64>(facts.previous_session_start);
        sectors = static_cast<u64>(facts.previous_session_last) + 1;
    } else {
        sectors = facts.volume_end ? facts.volume_end : facts.total_sectors;
    }
    return ImageReader(std::make_shared<RecordedSectors>(recorder, sectors), options);
}

} // namespace discwright
