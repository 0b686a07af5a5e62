// MemoryStream: bytes held in memory.

#include <algorithm>
#include <cstring>

#include "discwright/stream.h"

namespace discwright {

MemoryStream::MemoryStream(std::vector<std::byte> bytes, std::string description)
    : m_bytes(std::move(bytes)), m_description(std::move(description)) {}

std::shared_ptr<MemoryStream> MemoryStream::from_string(std::string_view text) {
    auto b = std::as_bytes(std::span(text.data(), text.size()));
    return std::make_shared<MemoryStream>(std::vector<std::byte>(b.begin(), b.end()));
}

std::size_t MemoryStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_bytes.size()) return 0;
    const std::size_t n = std::min<u64>(buffer.size(), m_bytes.size() - offset);
    std::memcpy(buffer.data(), m_bytes.data() + offset, n);
    return n;
}

} // namespace discwright
