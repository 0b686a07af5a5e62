#include "discwright/disc_stream.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"

namespace discwright {

namespace {

u64 readable_sectors(DiscRecorder& r) {
    if (!r.media_present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}", r.address()))
            .with_drive(r.address());
    const auto facts = burn::read_disc_facts(r);
    if (facts.disc && facts.disc->disc_status == DiscStatus::Empty) return 0;
    if (facts.rules && !facts.sequential()) return facts.total_sectors;
    // Sequential (and read-only) media: up to the last recorded block.
    const Capacity c = r.capacity();
    return static_cast<u64>(c.last_lba) + 1;
}

} // namespace

DiscStream::DiscStream(std::shared_ptr<DiscRecorder> recorder)
    : m_owner(std::move(recorder)), m_recorder(m_owner.get()),
      m_sectors(readable_sectors(*m_recorder)) {}

DiscStream::DiscStream(DiscRecorder& recorder, u64 sectors)
    : m_recorder(&recorder), m_sectors(sectors) {}

std::string DiscStream::description() const {
    return m_recorder->address();
}

std::size_t DiscStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= size()) return 0;
    const u64 n = std::min<u64>(buffer.size(), size() - offset);
    const u64 per = std::max<u64>(1, m_recorder->maximum_page_aligned_transfer_size() / block_size);
    std::lock_guard lock(m_mutex);
    u64 done = 0;
    while (done < n) {
        const u64 at = offset + done;
        const u64 sector = at / block_size;
        const bool cached = !m_cache.empty() && sector >= m_cache_first &&
                            sector < m_cache_first + m_cache.size() / block_size;
        if (!cached) {
            const u64 count = std::min(per, m_sectors - sector);
            m_cache.resize(count * block_size);
            try {
                burn::read_sectors(*m_recorder, sector, m_cache);
            } catch (...) {
                m_cache.clear();
                throw;
            }
            m_cache_first = sector;
        }
        const u64 from = at - m_cache_first * block_size;
        const u64 take = std::min<u64>(n - done, m_cache.size() - from);
        std::memcpy(buffer.data() + done, m_cache.data() + from, take);
        done += take;
    }
    return n;
}

} // namespace discwright
