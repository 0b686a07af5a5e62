// PseudoRandomStream: MsftStreamPrng001, deterministic bytes for test burns.
//
// The algorithm is part of the format: a test burn written by one release must verify with
// every later release. Do not change it; the golden value in tests/core/streams_test.cpp pins it.
//
//   mix(z)  = splitmix64's finaliser on 64-bit unsigned z, all arithmetic modulo 2^64:
//               z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
//               z = (z ^ (z >> 27)) * 0x94d049bb133111eb
//               return z ^ (z >> 31)
//   GAMMA   = 0x9e3779b97f4a7c15
//
//   Key, from the seed words w[0..n-1] (n may be 0):
//               key = mix(GAMMA + n)
//               for each word w in order: key = mix(key + GAMMA + w)
//
//   Byte i of the stream:
//               z = mix(key + GAMMA * (i / 8 + 1))
//               byte = (z >> (8 * (i % 8))) & 0xff
//
// That is, the stream is the output of splitmix64 started from state `key`, each 64-bit output
// stored little-endian. Byte i depends only on the seed words and i, so a read at any offset
// costs the same and needs no state. set_seed(s) is set_extended_seed({s}).

#include <algorithm>

#include <fmt/format.h>

#include "discwright/stream.h"

namespace discwright {

namespace {

constexpr u64 gamma = 0x9e3779b97f4a7c15ULL;

constexpr u64 mix(u64 z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

u64 derive_key(const std::vector<u32>& seed) {
    u64 key = mix(gamma + seed.size());
    for (u32 w : seed)
        key = mix(key + gamma + w);
    return key;
}

} // namespace

PseudoRandomStream::PseudoRandomStream(u64 size, u32 seed)
    : m_size(size), m_seed{seed}, m_key(derive_key(m_seed)) {}

void PseudoRandomStream::set_seed(u32 seed) {
    set_extended_seed({seed});
}

void PseudoRandomStream::set_extended_seed(std::vector<u32> seed) {
    m_seed = std::move(seed);
    m_key = derive_key(m_seed);
}

std::size_t PseudoRandomStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    const std::size_t n = std::min<u64>(buffer.size(), m_size - offset);
    std::size_t done = 0;
    while (done < n) {
        const u64 i = offset + done;
        const u64 z = mix(m_key + gamma * (i / 8 + 1));
        // Bytes of this 64-bit word from i % 8 up to its end or the end of the read.
        for (u64 b = i % 8; b < 8 && done < n; ++b, ++done)
            buffer[done] = static_cast<std::byte>((z >> (8 * b)) & 0xff);
    }
    return n;
}

std::string PseudoRandomStream::description() const {
    return fmt::format("pseudo-random stream (seed {})", fmt::join(m_seed, ", "));
}

} // namespace discwright
