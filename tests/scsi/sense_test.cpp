#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "scsi/sense.h"

namespace discwright::scsi {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> b;
    for (int x : v)
        b.push_back(static_cast<std::byte>(x));
    return b;
}

// ---- fixed format ------------------------------------------------------------------------

TEST(Sense, DecodesFixedFormat) {
    // SPC-4 4.5.3: 70h, key byte 2, additional length byte 7, ASC/ASCQ bytes 12-13
    const auto info =
        decode_sense(bytes({0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00, 0, 0, 0, 0}));
    EXPECT_TRUE(info.valid);
    EXPECT_FALSE(info.deferred);
    EXPECT_EQ(info.key, SenseKey::IllegalRequest);
    EXPECT_EQ(info.asc, 0x24);
    EXPECT_EQ(info.ascq, 0x00);
    EXPECT_EQ(info.description, "INVALID FIELD IN CDB");
    EXPECT_FALSE(info.information);
    EXPECT_FALSE(info.progress);
    EXPECT_EQ(info.error_code, ErrorCode::DeviceCommandFailed);
    EXPECT_EQ(info.retry, RetryAdvice::Fail);
    EXPECT_EQ(fmt::format("{}", info), "5/24/00 INVALID FIELD IN CDB");
}

TEST(Sense, FixedInformationFieldNeedsTheValidBit) {
    // VALID (byte 0 bit 7) makes bytes 3-6 the failing LBA
    const auto with = decode_sense(
        bytes({0xF0, 0, 0x03, 0x00, 0x01, 0x02, 0x03, 10, 0, 0, 0, 0, 0x11, 0x00, 0, 0, 0, 0}));
    ASSERT_TRUE(with.information);
    EXPECT_EQ(*with.information, 0x00010203u);
    EXPECT_EQ(with.error_code, ErrorCode::MediaReadError);
    const auto without = decode_sense(
        bytes({0x70, 0, 0x03, 0x00, 0x01, 0x02, 0x03, 10, 0, 0, 0, 0, 0x11, 0x00, 0, 0, 0, 0}));
    EXPECT_FALSE(without.information);
}

TEST(Sense, FixedProgressIndication) {
    // NOT READY, 04/04 format in progress, SKSV with progress 0x8000 (half done)
    const auto info = decode_sense(
        bytes({0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x04, 0x04, 0, 0x80, 0x80, 0x00}));
    ASSERT_TRUE(info.progress);
    EXPECT_EQ(*info.progress, 0x8000);
    EXPECT_EQ(info.error_code, ErrorCode::MediaFormatInProgress);
    EXPECT_EQ(info.retry, RetryAdvice::AfterDelay);
    EXPECT_EQ(info.description, "LOGICAL UNIT NOT READY, FORMAT IN PROGRESS");
    // the same bytes under ILLEGAL REQUEST are a field pointer, not progress
    const auto field = decode_sense(
        bytes({0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00, 0, 0xC0, 0x00, 0x02}));
    EXPECT_FALSE(field.progress);
}

TEST(Sense, DeferredErrorsAreMarked) {
    const auto info =
        decode_sense(bytes({0x71, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x0C, 0x00, 0, 0, 0, 0}));
    EXPECT_TRUE(info.valid);
    EXPECT_TRUE(info.deferred);
    EXPECT_EQ(info.error_code, ErrorCode::MediaWriteError);
}

TEST(Sense, FixedAdditionalLengthBoundsTheFields) {
    // additional length 4 ends the sense at byte 11: the ASC bytes present are not trusted
    const auto info =
        decode_sense(bytes({0x70, 0, 0x02, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0x3A, 0x01, 0, 0, 0, 0}));
    EXPECT_TRUE(info.valid);
    EXPECT_EQ(info.key, SenseKey::NotReady);
    EXPECT_EQ(info.asc, 0);
    EXPECT_EQ(info.ascq, 0);
}

TEST(Sense, TruncatedFixedSenseDecodesWhatArrived) {
    const auto full =
        bytes({0xF0, 0, 0x02, 0, 0, 0, 9, 10, 0, 0, 0, 0, 0x3A, 0x02, 0, 0x80, 0x12, 0x34});
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto info = decode_sense(std::span(full).first(n));
        EXPECT_EQ(info.valid, n >= 3) << n;
        if (n >= 3) {
            EXPECT_EQ(info.key, SenseKey::NotReady) << n;
        }
        EXPECT_EQ(info.asc, n >= 13 ? 0x3A : 0) << n;
        EXPECT_EQ(info.ascq, n >= 14 ? 0x02 : 0) << n;
        EXPECT_EQ(info.information.has_value(), n >= 7) << n;
        EXPECT_EQ(info.progress.has_value(), n >= 18) << n;
        EXPECT_FALSE(info.description.empty()) << n;
    }
    EXPECT_EQ(decode_sense({}).description, "no sense data");
    EXPECT_EQ(decode_sense(std::span(full).first(2)).description, "truncated sense data (2 bytes)");
    EXPECT_EQ(decode_sense(full).description, "MEDIUM NOT PRESENT - TRAY OPEN");
    EXPECT_EQ(decode_sense(full).error_code, ErrorCode::MediaNoMedia);
}

TEST(Sense, RejectsUnrecognisedFormats) {
    for (int code : {0x00, 0x69, 0x74, 0x7F}) {
        const auto info = decode_sense(bytes({code, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0}));
        EXPECT_FALSE(info.valid);
        EXPECT_EQ(info.error_code, ErrorCode::DeviceCommandFailed);
        EXPECT_EQ(info.retry, RetryAdvice::Fail);
        EXPECT_EQ(info.description, fmt::format("unrecognised sense format 0x{:02X}", code));
    }
}

// ---- descriptor format -------------------------------------------------------------------

TEST(Sense, DecodesDescriptorFormat) {
    // SPC-4 4.5.2: 72h, key byte 1, ASC/ASCQ bytes 2-3, then an information descriptor (00h,
    // 10 bytes, VALID) and a sense-key specific descriptor (02h, 6 bytes, SKSV + progress)
    const auto info = decode_sense(
        bytes({0x72, 0x02, 0x04, 0x07, 0, 0,    0,    20,   0x00, 0x0A, 0x80, 0,    0,    0,
               0,    1,    0,    0,    0, 0x2A, 0x02, 0x06, 0,    0,    0x80, 0x40, 0x00, 0}));
    EXPECT_TRUE(info.valid);
    EXPECT_EQ(info.key, SenseKey::NotReady);
    EXPECT_EQ(info.asc, 0x04);
    EXPECT_EQ(info.ascq, 0x07);
    ASSERT_TRUE(info.information);
    EXPECT_EQ(*info.information, 0x000000010000002Au);
    ASSERT_TRUE(info.progress);
    EXPECT_EQ(*info.progress, 0x4000);
    EXPECT_EQ(info.error_code, ErrorCode::MediaBusy);
    EXPECT_EQ(info.retry, RetryAdvice::AfterDelay);
    EXPECT_EQ(fmt::format("{}", info), "2/04/07 LOGICAL UNIT NOT READY, OPERATION IN PROGRESS");
}

TEST(Sense, DescriptorsBeyondTheReceivedBytesAreIgnored) {
    // additional length claims 20 bytes but the information descriptor is cut short
    const auto full = bytes(
        {0x73, 0x03, 0x11, 0x00, 0, 0, 0, 20, 0x00, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x05});
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto info = decode_sense(std::span(full).first(n));
        EXPECT_EQ(info.valid, n >= 2) << n;
        EXPECT_EQ(info.information.has_value(), n == full.size()) << n;
    }
    const auto info = decode_sense(full);
    EXPECT_TRUE(info.deferred);
    EXPECT_EQ(info.error_code, ErrorCode::MediaReadError);
    EXPECT_EQ(*info.information, 5u);
    // an additional length of 0 hides the descriptors even though they arrived
    auto hidden = full;
    hidden[7] = std::byte{0};
    EXPECT_FALSE(decode_sense(hidden).information);
}

TEST(Sense, UnknownCodesAreDescribedByNumber) {
    const auto info = decode_sense(bytes({0x72, 0x04, 0x8F, 0x12, 0, 0, 0, 0}));
    EXPECT_EQ(info.description, "ASC 0x8F ASCQ 0x12");
    EXPECT_EQ(info.key, SenseKey::HardwareError);
    EXPECT_EQ(fmt::format("{}", info), "4/8F/12 ASC 0x8F ASCQ 0x12");
}

// ---- encoding ----------------------------------------------------------------------------

TEST(Sense, EncodesFixedSenseForTargets) {
    const auto b = encode_fixed_sense(SenseKey::MediumError, 0x0C, 0x00, 0x00123456u);
    ASSERT_EQ(b.size(), 18u);
    EXPECT_EQ(b[0], std::byte{0xF0}); // VALID and response code 70h
    EXPECT_EQ(b[2], std::byte{0x03});
    EXPECT_EQ(b[4], std::byte{0x12});
    EXPECT_EQ(b[7], std::byte{10});
    EXPECT_EQ(b[12], std::byte{0x0C});
    EXPECT_EQ(b[15], std::byte{0x00});
    const auto info = decode_sense(b);
    EXPECT_EQ(info.key, SenseKey::MediumError);
    EXPECT_EQ(*info.information, 0x00123456u);
    EXPECT_EQ(info.error_code, ErrorCode::MediaWriteError);

    const auto progress = decode_sense(encode_fixed_sense(SenseKey::NotReady, 0x04, 0x08, {}, 777));
    EXPECT_FALSE(progress.information);
    EXPECT_EQ(progress.progress, 777);
    EXPECT_EQ(progress.error_code, ErrorCode::MediaBusy);
    const auto plain = encode_fixed_sense(SenseKey::UnitAttention, 0x28, 0x00);
    EXPECT_EQ(plain[0], std::byte{0x70});
    EXPECT_EQ(decode_sense(plain).retry, RetryAdvice::Immediately);
}

TEST(Sense, CodeCarriesTheWordsForErrors) {
    const auto info = decode_sense(encode_fixed_sense(SenseKey::DataProtect, 0x27, 0x00));
    const SenseCode code = info.code();
    EXPECT_EQ(code.key, 7);
    EXPECT_EQ(code.asc, 0x27);
    EXPECT_EQ(code.ascq, 0);
    EXPECT_EQ(code.description, "WRITE PROTECTED");
    EXPECT_EQ(info.error_code, ErrorCode::MediaWriteProtected);
}

// ---- the mapping table -------------------------------------------------------------------

struct MappingCase {
    SenseKey key;
    u8 asc;
    u8 ascq;
    ErrorCode code;
    RetryAdvice retry;
};

TEST(SenseMapping, FollowsTheTable) {
    using K = SenseKey;
    using C = ErrorCode;
    using R = RetryAdvice;
    const MappingCase cases[] = {
        {K::NotReady, 0x3A, 0x00, C::MediaNoMedia, R::Fail},
        {K::NotReady, 0x3A, 0x02, C::MediaNoMedia, R::Fail},
        {K::NotReady, 0x04, 0x01, C::MediaBecomingReady, R::AfterDelay},
        {K::NotReady, 0x04, 0x04, C::MediaFormatInProgress, R::AfterDelay},
        {K::NotReady, 0x04, 0x07, C::MediaBusy, R::AfterDelay},
        {K::NotReady, 0x04, 0x08, C::MediaBusy, R::AfterDelay},
        {K::NotReady, 0x30, 0x00, C::MediaIncompatible, R::Fail},
        {K::IllegalRequest, 0x30, 0x05, C::MediaIncompatible, R::Fail},
        {K::MediumError, 0x0C, 0x00, C::MediaWriteError, R::Fail},
        {K::MediumError, 0x73, 0x03, C::MediaWriteError, R::Fail},
        {K::MediumError, 0x11, 0x05, C::MediaReadError, R::Fail},
        {K::MediumError, 0x15, 0x00, C::MediaReadError, R::Fail},
        {K::MediumError, 0x0C, 0x09, C::LossOfStreaming, R::Fail},
        {K::IllegalRequest, 0x0C, 0x09, C::LossOfStreaming, R::Fail},
        {K::IllegalRequest, 0x20, 0x00, C::CommandNotSupported, R::Fail},
        {K::IllegalRequest, 0x21, 0x00, C::MediaCapacityExceeded, R::Fail},
        {K::IllegalRequest, 0x21, 0x02, C::InvalidMediaState, R::Fail},
        {K::IllegalRequest, 0x64, 0x00, C::InvalidMediaState, R::Fail},
        {K::IllegalRequest, 0x26, 0x00, C::InvalidModeParameters, R::Fail},
        {K::IllegalRequest, 0x24, 0x00, C::DeviceCommandFailed, R::Fail},
        {K::IllegalRequest, 0x2C, 0x00, C::DeviceCommandFailed, R::Fail},
        {K::UnitAttention, 0x28, 0x00, C::DeviceCommandFailed, R::Immediately},
        {K::UnitAttention, 0x29, 0x00, C::DeviceCommandFailed, R::Immediately},
        {K::UnitAttention, 0x2A, 0x01, C::DeviceCommandFailed, R::Immediately},
        {K::DataProtect, 0x27, 0x00, C::MediaWriteProtected, R::Fail},
        {K::AbortedCommand, 0x00, 0x00, C::DeviceCommandFailed, R::Immediately},
        {K::HardwareError, 0x44, 0x00, C::DeviceCommandFailed, R::Fail},
        {K::BlankCheck, 0x00, 0x00, C::MediaReadError, R::Fail},
        {K::NoSense, 0x00, 0x00, C::DeviceCommandFailed, R::Fail},
        {K::Miscompare, 0x1D, 0x00, C::DeviceCommandFailed, R::Fail},
    };
    for (const auto& c : cases) {
        const auto got = classify_sense(c.key, c.asc, c.ascq);
        EXPECT_EQ(got.error_code, c.code)
            << fmt::format("{:X}/{:02X}/{:02X}", static_cast<int>(c.key), c.asc, c.ascq);
        EXPECT_EQ(got.retry, c.retry)
            << fmt::format("{:X}/{:02X}/{:02X}", static_cast<int>(c.key), c.asc, c.ascq);
    }
}

TEST(AscTable, DescribesWhatOpticalDrivesReport) {
    EXPECT_EQ(describe_asc(0x3A, 0x01), "MEDIUM NOT PRESENT - TRAY CLOSED");
    EXPECT_EQ(describe_asc(0x04, 0x08), "LOGICAL UNIT NOT READY, LONG WRITE IN PROGRESS");
    EXPECT_EQ(describe_asc(0x0C, 0x09), "WRITE ERROR - LOSS OF STREAMING");
    EXPECT_EQ(describe_asc(0x0C, 0x0A), "WRITE ERROR - PADDING BLOCKS ADDED");
    EXPECT_EQ(describe_asc(0x21, 0x02), "INVALID ADDRESS FOR WRITE");
    EXPECT_EQ(describe_asc(0x30, 0x05), "CANNOT WRITE MEDIUM - INCOMPATIBLE FORMAT");
    EXPECT_EQ(describe_asc(0x73, 0x02), "POWER CALIBRATION AREA IS FULL");
    EXPECT_EQ(describe_asc(0x00, 0x00), "NO ADDITIONAL SENSE INFORMATION");
    EXPECT_EQ(describe_asc(0x73, 0x17), "RDZ IS FULL"); // the last entry
    EXPECT_EQ(describe_asc(0x40, 0x85), "DIAGNOSTIC FAILURE ON COMPONENT NN (80H-FFH)");
    EXPECT_EQ(describe_asc(0x3A, 0x7F), "");
    EXPECT_EQ(describe_asc(0xFF, 0xFF), "");
    EXPECT_EQ(to_string(SenseKey::IllegalRequest), "ILLEGAL REQUEST");
}

// Decoding never fails on arbitrary bytes.
TEST(Sense, DecoderIsTotalOnEveryPrefix) {
    std::vector<std::byte> junk(64);
    for (std::size_t i = 0; i < junk.size(); ++i)
        junk[i] = static_cast<std::byte>(i * 37 + 11);
    for (int rc : {0x70, 0x71, 0x72, 0x73, 0xF0, 0xF2}) {
        junk[0] = static_cast<std::byte>(rc);
        for (std::size_t n = 0; n <= junk.size(); ++n) {
            const auto info = decode_sense(std::span(junk).first(n));
            EXPECT_FALSE(info.description.empty());
        }
    }
}

} // namespace
} // namespace discwright::scsi
