// ConcatStream: MsftStreamConcatenate, several streams end to end.

#include <algorithm>

#include <fmt/format.h>

#include "discwright/error.h"
#include "discwright/stream.h"

namespace discwright {

ConcatStream::ConcatStream(std::vector<StreamPtr> parts) {
    m_parts.reserve(parts.size());
    m_starts.reserve(parts.size());
    for (auto& p : parts)
        append(std::move(p));
}

void ConcatStream::append(StreamPtr part) {
    if (!part)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("concatenated stream: part {} is null", m_parts.size()));
    m_starts.push_back(m_size);
    m_size += part->size();
    m_parts.push_back(std::move(part));
}

std::size_t ConcatStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    const std::size_t n = std::min<u64>(buffer.size(), m_size - offset);
    // The last part starting at or before offset holds it; empty parts share their start with
    // the next part, so upper_bound steps over them.
    std::size_t i = static_cast<std::size_t>(
        std::upper_bound(m_starts.begin(), m_starts.end(), offset) - m_starts.begin() - 1);
    std::size_t done = 0;
    while (done < n) {
        const u64 pos = offset + done;
        const u64 end = i + 1 < m_parts.size() ? m_starts[i + 1] : m_size;
        if (pos >= end) {
            ++i;
            continue;
        }
        const std::size_t want = std::min<u64>(n - done, end - pos);
        const std::size_t got = m_parts[i]->read_at(pos - m_starts[i], buffer.subspan(done, want));
        if (got != want)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("concatenated stream: part {} ('{}') gave {} bytes at offset "
                                    "{}: {} bytes expected",
                                    i, m_parts[i]->description(), got, pos - m_starts[i], want));
        done += got;
    }
    return n;
}

std::string ConcatStream::description() const {
    return fmt::format("concatenation of {} streams", m_parts.size());
}

} // namespace discwright
