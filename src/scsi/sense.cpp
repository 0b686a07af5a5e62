#include "scsi/sense.h"

#include <algorithm>
#include <array>

#include "core/byte_io.h"
#include "core/endian.h"

namespace discwright::scsi {

using core::Be16;
using core::Be32;
using core::OnDisk;

namespace {

// SPC-4 4.5.3: fixed format sense data
struct FixedSense {
    u8 response_code{};        // byte 0: VALID (bit 7), RESPONSE CODE (bits 6-0): 70h or 71h
    u8 obsolete{};             // byte 1
    u8 key{};                  // byte 2: FILEMARK (7), EOM (6), ILI (5), SENSE KEY (3-0)
    Be32 information{};        // bytes 3-6
    u8 additional_length{};    // byte 7: bytes after this one
    Be32 command_specific{};   // bytes 8-11
    u8 asc{};                  // byte 12
    u8 ascq{};                 // byte 13
    u8 fru_code{};             // byte 14
    u8 sksv{};                 // byte 15: SKSV (bit 7), sense-key specific (bits 6-0)
    Be16 sense_key_specific{}; // bytes 16-17: the progress indication for NO SENSE / NOT READY
};
static_assert(OnDisk<FixedSense> && sizeof(FixedSense) == 18);
static_assert(offsetof(FixedSense, information) == 3);
static_assert(offsetof(FixedSense, asc) == 12);
static_assert(offsetof(FixedSense, sense_key_specific) == 16);

// SPC-4 4.5.2.1: descriptor format sense data, header
struct DescriptorSenseHeader {
    u8 response_code{};     // byte 0: 72h or 73h
    u8 key{};               // byte 1: SENSE KEY (bits 3-0)
    u8 asc{};               // byte 2
    u8 ascq{};              // byte 3
    u8 reserved[3]{};       // bytes 4-6
    u8 additional_length{}; // byte 7: bytes of descriptors that follow
};
static_assert(OnDisk<DescriptorSenseHeader> && sizeof(DescriptorSenseHeader) == 8);

// SPC-4 4.5.2.1: every sense data descriptor starts with its type and length
struct SenseDescriptorHeader {
    u8 type{};              // byte 0
    u8 additional_length{}; // byte 1: bytes after this one
};
static_assert(OnDisk<SenseDescriptorHeader> && sizeof(SenseDescriptorHeader) == 2);

// SPC-4 4.5.2.2: information descriptor (type 00h), after its 2-byte header
struct InformationDescriptor {
    u8 valid{};                  // byte 2: VALID (bit 7)
    u8 reserved{};               // byte 3
    core::Be<u64> information{}; // bytes 4-11
};
static_assert(OnDisk<InformationDescriptor> && sizeof(InformationDescriptor) == 10);

// SPC-4 4.5.2.4: sense-key specific descriptor (type 02h), after its 2-byte header
struct SenseKeySpecificDescriptor {
    u8 reserved[2]{};          // bytes 2-3
    u8 sksv{};                 // byte 4: SKSV (bit 7)
    Be16 sense_key_specific{}; // bytes 5-6
    u8 reserved7{};            // byte 7
};
static_assert(OnDisk<SenseKeySpecificDescriptor> && sizeof(SenseKeySpecificDescriptor) == 6);

constexpr u8 information_descriptor = 0x00;
constexpr u8 sense_key_specific_descriptor = 0x02;

/// SPC-4 4.5.2.4.4: the sense-key specific bytes hold a progress indication only under these.
constexpr bool reports_progress(SenseKey key) {
    return key == SenseKey::NoSense || key == SenseKey::NotReady;
}

/// The bytes a header's additional length covers, bounded by what arrived.
std::span<const std::byte> bounded(std::span<const std::byte> sense, u8 additional_length) {
    return sense.first(std::min<std::size_t>(sense.size(), std::size_t{8} + additional_length));
}

/// A copy of `bytes` padded with zeros to T's size, so that a short reply reads as a whole
/// struct whose missing fields the caller then ignores.
template <OnDisk T> T read_padded(std::span<const std::byte> bytes) {
    std::array<std::byte, sizeof(T)> padded{};
    core::ByteWriter w{padded};
    w.bytes(bytes.first(std::min(bytes.size(), padded.size())));
    return core::ByteReader{padded}.read<T>();
}

void decode_fixed(std::span<const std::byte> sense, SenseInfo& info) {
    const auto f = read_padded<FixedSense>(sense);
    const auto have = sense.size() < 8 ? sense : bounded(sense, f.additional_length);
    info.key = static_cast<SenseKey>(f.key & 0x0F);
    if (have.size() > offsetof(FixedSense, asc)) info.asc = f.asc;
    if (have.size() > offsetof(FixedSense, ascq)) info.ascq = f.ascq;
    if ((f.response_code & 0x80) != 0 && have.size() >= offsetof(FixedSense, additional_length))
        info.information = u32{f.information};
    if (have.size() >= sizeof(FixedSense) && (f.sksv & 0x80) != 0 && reports_progress(info.key))
        info.progress = u16{f.sense_key_specific};
}

void decode_descriptors(std::span<const std::byte> sense, SenseInfo& info) {
    const auto h = read_padded<DescriptorSenseHeader>(sense);
    info.key = static_cast<SenseKey>(h.key & 0x0F);
    if (sense.size() > offsetof(DescriptorSenseHeader, asc)) info.asc = h.asc;
    if (sense.size() > offsetof(DescriptorSenseHeader, ascq)) info.ascq = h.ascq;
    if (sense.size() <= sizeof h) return;
    core::ByteReader r{bounded(sense, h.additional_length).subspan(sizeof h)};
    while (r.remaining() >= sizeof(SenseDescriptorHeader)) {
        const auto d = r.read<SenseDescriptorHeader>();
        if (d.additional_length > r.remaining()) break; // cut short: nothing more to trust
        const auto start = r.position();
        if (d.type == information_descriptor &&
            d.additional_length >= sizeof(InformationDescriptor)) {
            const auto inf = r.read<InformationDescriptor>();
            if ((inf.valid & 0x80) != 0) info.information = u64{inf.information};
        } else if (d.type == sense_key_specific_descriptor &&
                   d.additional_length >= sizeof(SenseKeySpecificDescriptor)) {
            const auto sks = r.read<SenseKeySpecificDescriptor>();
            if ((sks.sksv & 0x80) != 0 && reports_progress(info.key))
                info.progress = u16{sks.sense_key_specific};
        }
        r.seek(start + d.additional_length);
    }
}

// How discwright reads sense: the first rule that matches wins. `any` matches every value.
constexpr int any = -1;
struct SenseRule {
    int key;
    int asc;
    int ascq;
    ErrorCode code;
    RetryAdvice retry;
};
using C = ErrorCode;
using R = RetryAdvice;
constexpr SenseRule rules[] = {
    // NOT READY
    {0x2, 0x3A, any, C::MediaNoMedia, R::Fail},
    {0x2, 0x04, 0x00, C::MediaBecomingReady, R::AfterDelay}, // drives say this while spinning up
    {0x2, 0x04, 0x01, C::MediaBecomingReady, R::AfterDelay},
    {0x2, 0x04, 0x04, C::MediaFormatInProgress, R::AfterDelay},
    {0x2, 0x04, 0x07, C::MediaBusy, R::AfterDelay}, // operation in progress
    {0x2, 0x04, 0x08, C::MediaBusy, R::AfterDelay}, // long write in progress
    {0x2, 0x30, any, C::MediaIncompatible, R::Fail},
    // MEDIUM ERROR: streaming first, then the write-side codes, then everything else is a read
    {0x3, 0x0C, 0x09, C::LossOfStreaming, R::Fail},
    {0x3, 0x03, any, C::MediaWriteError, R::Fail}, // peripheral device write fault
    {0x3, 0x0C, any, C::MediaWriteError, R::Fail},
    {0x3, 0x31, any, C::MediaWriteError, R::Fail}, // medium format corrupted
    {0x3, 0x32, any, C::MediaWriteError, R::Fail}, // no defect spare location
    {0x3, 0x50, any, C::MediaWriteError, R::Fail}, // write append error
    {0x3, 0x51, any, C::MediaWriteError, R::Fail}, // erase failure
    {0x3, 0x72, any, C::MediaWriteError, R::Fail}, // session fixation
    {0x3, 0x73, any, C::MediaWriteError, R::Fail}, // CD control, power calibration area
    {0x3, any, any, C::MediaReadError, R::Fail},
    // ILLEGAL REQUEST
    {0x5, 0x0C, 0x09, C::LossOfStreaming, R::Fail},
    {0x5, 0x20, any, C::CommandNotSupported, R::Fail},
    {0x5, 0x21, 0x00, C::MediaCapacityExceeded, R::Fail},
    {0x5, 0x21, 0x02, C::InvalidMediaState, R::Fail}, // invalid address for write
    {0x5, 0x26, any, C::InvalidModeParameters, R::Fail},
    {0x5, 0x30, any, C::MediaIncompatible, R::Fail},
    {0x5, 0x63, any, C::MediaCapacityExceeded, R::Fail}, // end of user area
    {0x5, 0x64, any, C::InvalidMediaState, R::Fail},     // illegal mode for this track
    {0x5, any, any, C::DeviceCommandFailed, R::Fail},
    // UNIT ATTENTION: the condition is reported once; the command itself was not run
    {0x6, 0x28, any, C::DeviceCommandFailed, R::Immediately},
    {0x6, 0x29, any, C::DeviceCommandFailed, R::Immediately},
    {0x6, 0x2A, any, C::DeviceCommandFailed, R::Immediately},
    {0x6, any, any, C::DeviceCommandFailed, R::Immediately},
    // DATA PROTECT
    {0x7, 0x27, any, C::MediaWriteProtected, R::Fail},
    // BLANK CHECK: a read met unrecorded blocks
    {0x8, any, any, C::MediaReadError, R::Fail},
    // ABORTED COMMAND: the transfer or the target gave up; the command may succeed again
    {0xB, any, any, C::DeviceCommandFailed, R::Immediately},
    {0x4, any, any, C::DeviceCommandFailed, R::Fail},
};

constexpr bool matches(int rule, u8 value) {
    return rule == any || rule == value;
}

constexpr std::string_view key_names[16] = {
    "NO SENSE",       "RECOVERED ERROR", "NOT READY",      "MEDIUM ERROR",
    "HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
    "BLANK CHECK",    "VENDOR SPECIFIC", "COPY ABORTED",   "ABORTED COMMAND",
    "SENSE KEY 0xC",  "VOLUME OVERFLOW", "MISCOMPARE",     "SENSE KEY 0xF",
};

} // namespace

std::string_view to_string(SenseKey key) {
    return key_names[static_cast<u8>(key) & 0x0F];
}

SenseOutcome classify_sense(SenseKey key, u8 asc, u8 ascq) {
    for (const auto& r : rules)
        if (matches(r.key, static_cast<u8>(key)) && matches(r.asc, asc) && matches(r.ascq, ascq))
            return {r.code, r.retry};
    return {};
}

SenseCode SenseInfo::code() const {
    return {static_cast<u8>(key), asc, ascq, description};
}

SenseInfo decode_sense(std::span<const std::byte> sense) {
    SenseInfo info;
    if (sense.empty()) {
        info.description = "no sense data";
        return info;
    }
    const u8 response_code = static_cast<u8>(sense[0]) & 0x7F;
    const bool fixed = response_code == 0x70 || response_code == 0x71;
    const bool descriptor = response_code == 0x72 || response_code == 0x73;
    if (!fixed && !descriptor) {
        info.description = fmt::format("unrecognised sense format 0x{:02X}", response_code);
        return info;
    }
    const std::size_t key_offset = fixed ? offsetof(FixedSense, key) : 1;
    if (sense.size() <= key_offset) {
        info.description = fmt::format("truncated sense data ({} bytes)", sense.size());
        return info;
    }
    info.valid = true;
    info.deferred = response_code == 0x71 || response_code == 0x73;
    if (fixed)
        decode_fixed(sense, info);
    else
        decode_descriptors(sense, info);
    const auto words = describe_asc(info.asc, info.ascq);
    info.description = words.empty()
                           ? fmt::format("ASC 0x{:02X} ASCQ 0x{:02X}", info.asc, info.ascq)
                           : std::string(words);
    const auto outcome = classify_sense(info.key, info.asc, info.ascq);
    info.error_code = outcome.error_code;
    info.retry = outcome.retry;
    return info;
}

std::vector<std::byte> encode_fixed_sense(SenseKey key, u8 asc, u8 ascq,
                                          std::optional<u32> information,
                                          std::optional<u16> progress) {
    std::vector<std::byte> bytes(sizeof(FixedSense));
    core::ByteWriter w{bytes};
    w.put(FixedSense{
        .response_code = static_cast<u8>(0x70 | (information ? 0x80 : 0)),
        .key = static_cast<u8>(static_cast<u8>(key) & 0x0F),
        .information = information.value_or(0),
        .additional_length = static_cast<u8>(sizeof(FixedSense) - 8),
        .asc = asc,
        .ascq = ascq,
        .sksv = static_cast<u8>(progress ? 0x80 : 0),
        .sense_key_specific = progress.value_or(0),
    });
    return bytes;
}

} // namespace discwright::scsi
