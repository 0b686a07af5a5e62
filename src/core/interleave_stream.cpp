// InterleaveStream: MsftStreamInterleave, a round robin of fixed-size chunks, e.g. 2352 bytes of
// main channel then 96 bytes of subcode per 2448-byte raw CD frame.

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "discwright/error.h"
#include "discwright/stream.h"

namespace discwright {

InterleaveStream::InterleaveStream(std::vector<StreamPtr> streams,
                                   std::vector<u32> interleave_sizes)
    : m_streams(std::move(streams)), m_sizes(std::move(interleave_sizes)) {
    if (m_streams.empty())
        throw Error(ErrorCode::InvalidParam, "interleave stream: no streams given");
    if (m_streams.size() != m_sizes.size())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("interleave stream: {} streams but {} interleave sizes",
                                m_streams.size(), m_sizes.size()));
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
        if (!m_streams[i])
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("interleave stream: stream {} is null", i));
        if (m_sizes[i] == 0)
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("interleave stream: stream {} ('{}') has interleave size 0", i,
                                    m_streams[i]->description()));
    }
    const u64 chunks = m_streams[0]->size() / m_sizes[0];
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
        const u64 have = m_streams[i]->size();
        // Divides instead of multiplying, so a huge stream cannot overflow into a match.
        if (have % m_sizes[i] != 0 || have / m_sizes[i] != chunks)
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("interleave stream: stream {} ('{}') holds {} bytes, "
                                    "{} chunks of {} bytes expected",
                                    i, m_streams[i]->description(), have, chunks, m_sizes[i]));
        m_offsets_in_round.push_back(static_cast<u32>(m_round));
        m_round += m_sizes[i];
        if (m_round > std::numeric_limits<u32>::max())
            throw Error(
                ErrorCode::InvalidParam,
                fmt::format("interleave stream: a round of {} bytes is over 4 GiB", m_round));
        if (__builtin_add_overflow(m_size, have, &m_size))
            throw Error(ErrorCode::InvalidParam, "interleave stream: total size is over 2^64");
    }
}

std::size_t InterleaveStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    const std::size_t n = std::min<u64>(buffer.size(), m_size - offset);
    std::size_t done = 0;
    while (done < n) {
        const u64 pos = offset + done;
        const u64 round = pos / m_round;
        const u64 in_round = pos % m_round;
        // Interleave sizes are non-zero, so the offsets are strictly increasing.
        const std::size_t i = static_cast<std::size_t>(
            std::upper_bound(m_offsets_in_round.begin(), m_offsets_in_round.end(), in_round) -
            m_offsets_in_round.begin() - 1);
        const u64 in_chunk = in_round - m_offsets_in_round[i];
        const std::size_t want = std::min<u64>(n - done, m_sizes[i] - in_chunk);
        const u64 source_offset = round * m_sizes[i] + in_chunk;
        const std::size_t got = m_streams[i]->read_at(source_offset, buffer.subspan(done, want));
        if (got != want)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("interleave stream: stream {} ('{}') gave {} bytes at offset "
                                    "{}: {} bytes expected",
                                    i, m_streams[i]->description(), got, source_offset, want));
        done += got;
    }
    return n;
}

std::string InterleaveStream::description() const {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < m_streams.size(); ++i)
        parts.push_back(fmt::format("{} bytes of '{}'", m_sizes[i], m_streams[i]->description()));
    return fmt::format("interleave of {}", fmt::join(parts, ", "));
}

} // namespace discwright
