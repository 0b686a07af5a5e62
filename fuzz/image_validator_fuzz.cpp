// Fuzz target: ImageValidator audits untrusted image bytes. check() reports damage instead of
// failing, so it must return for any bytes: never a crash, a hang, an absurd allocation or an
// exception (include/discwright/image_validator.h). validate() may only throw discwright::Error.
// Every problem names a known rule with that rule's severity, and says what is wrong.
//
// Inputs are shaped as for image_reader_fuzz: one that starts with a volume descriptor ("CD001"
// at BP 2), or is shorter than 17 blocks, is placed at LBA 16 of a zeroed image of at least
// 40 blocks; other inputs are the image itself.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "discwright/error.h"
#include "discwright/image_validator.h"
#include "discwright/stream.h"

using namespace discwright;

namespace {

constexpr std::size_t block = 2048;
constexpr std::size_t system_area = 16 * block;
constexpr std::size_t padded_image = 40 * block;

StreamPtr image_of(const std::uint8_t* data, std::size_t size) {
    std::vector<std::byte> bytes;
    const bool descriptor_first =
        size < system_area + block || (size >= 6 && std::memcmp(data + 1, "CD001", 5) == 0);
    if (descriptor_first) {
        bytes.resize(std::max(padded_image, system_area + size));
        if (size) std::memcpy(bytes.data() + system_area, data, size);
    } else {
        bytes.resize(size);
        std::memcpy(bytes.data(), data, size);
    }
    return std::make_shared<MemoryStream>(std::move(bytes), "fuzz input");
}

const ValidationCheck* rule(std::string_view id) {
    for (const auto& c : validation_checks())
        if (c.id == id) return &c;
    return nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ImageValidator validator;
    validator.set_stream(image_of(data, size));
    try {
        validator.validate();
    } catch (const Error&) {
    }
    const ValidationReport report = validator.check(); // anything thrown is a finding
    for (const auto& p : report.problems) {
        const ValidationCheck* c = rule(p.check);
        if (!c || c->severity != p.severity || p.message.empty()) __builtin_trap();
    }
    if (report.errors() + report.warnings() != report.problems.size()) __builtin_trap();
    return 0;
}
