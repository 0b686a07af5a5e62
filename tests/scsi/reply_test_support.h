#pragma once
// Helpers shared by the reply decoder/encoder tests: byte access by MMC byte number, and the
// two robustness checks every decoder gets (every truncation of a reply, and a length field
// that claims more than arrived).

#include <cstddef>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/error.h"
#include "discwright/types.h"
#include "support/expect_error.h"

namespace discwright::test {

/// Byte `i` of a reply, as MMC numbers it.
inline u8 byte_at(const std::vector<std::byte>& bytes, std::size_t i) {
    return static_cast<u8>(bytes.at(i));
}

inline void set_byte(std::vector<std::byte>& bytes, std::size_t i, u8 value) {
    bytes.at(i) = static_cast<std::byte>(value);
}

/// Every prefix of `full` shorter than `header` is InvalidResponseFromDevice; every longer one
/// decodes without throwing.
template <class Decode>
void expect_every_truncation_decodes(const std::vector<std::byte>& full, std::size_t header,
                                     Decode decode) {
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const std::span<const std::byte> part(full.data(), n);
        if (n < header) {
            expect_error(ErrorCode::InvalidResponseFromDevice, [&] { (void)decode(part); });
        } else {
            EXPECT_NO_THROW((void)decode(part)) << "prefix of " << n << " bytes";
        }
    }
}

} // namespace discwright::test
