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
#include "fuzz_image_input.h"

using namespace discwright;

namespace {

const ValidationCheck* rule(std::string_view id) {
    for (const auto& c : validation_checks())
        if (c.id == id) return &c;
    return nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ImageValidator validator;
    validator.set_stream(fuzz::image_of(data, size));
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
