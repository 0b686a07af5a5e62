// StreamReader: a cursor over Stream::read_at.

#include "discwright/stream.h"

namespace discwright {

std::size_t StreamReader::read(std::span<std::byte> buffer) {
    const std::size_t n = m_stream->read_at(m_pos, buffer);
    m_pos += n;
    return n;
}

} // namespace discwright
