// Fuzz target: sense bytes come from the drive (or a transport that rebuilt them) and are
// untrusted. decode_sense must accept any bytes and keep its promises: a description always,
// the safe defaults for anything it does not recognise, and fields only from bytes it has.

#include <cstddef>
#include <cstdint>
#include <span>

#include <fmt/format.h>

#include "scsi/sense.h"

using namespace discwright;
using namespace discwright::scsi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const SenseInfo info = decode_sense(bytes);
    if (info.description.empty()) __builtin_trap();
    if (!info.valid && (info.error_code != ErrorCode::DeviceCommandFailed ||
                        info.retry != RetryAdvice::Fail || info.information || info.progress))
        __builtin_trap();
    // fixed format keeps the INFORMATION field in 4 bytes
    if (info.valid && size > 0 && (data[0] & 0x7F) < 0x72 && info.information &&
        *info.information > 0xFFFFFFFFu)
        __builtin_trap();
    const SenseOutcome outcome = classify_sense(info.key, info.asc, info.ascq);
    if (info.valid && (outcome.error_code != info.error_code || outcome.retry != info.retry))
        __builtin_trap();
    const SenseCode code = info.code();
    if (code.description != info.description) __builtin_trap();
    (void)fmt::format("{}", info);
    // what a target encodes from the decoded fields decodes to the same fields
    if (info.valid) {
        const auto again = decode_sense(encode_fixed_sense(info.key, info.asc, info.ascq));
        if (again.key != info.key || again.asc != info.asc || again.ascq != info.ascq ||
            again.description != info.description)
            __builtin_trap();
    }
    return 0;
}
