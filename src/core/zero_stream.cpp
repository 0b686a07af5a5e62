// ZeroStream: MsftStreamZero, `size` zero bytes.

#include <algorithm>
#include <cstring>

#include "discwright/stream.h"

namespace discwright {

std::size_t ZeroStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    const std::size_t n = std::min<u64>(buffer.size(), m_size - offset);
    std::memset(buffer.data(), 0, n);
    return n;
}

} // namespace discwright
