#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_io.h"

namespace discwright::core {
namespace {

struct Sample { // an on-disk struct made of disc-order fields
    Be16 tag;
    Le32 length;
    LeBe16 both;
};
static_assert(OnDisk<Sample> && sizeof(Sample) == 10);

std::vector<u8> to_u8(std::span<const std::byte> b) {
    std::vector<u8> v;
    for (auto x : b)
        v.push_back(static_cast<u8>(x));
    return v;
}

template <class Out> void encode_sample(Out& out, std::string_view name) {
    out.put(Sample{.tag = 0x0102, .length = static_cast<u32>(name.size()), .both = 5});
    out.text(name);
    if (name.size() % 2 == 1) out.u8(0); // pad to even, like ECMA-119 9.1.12
}

TEST(ByteWriter, WritesFieldsInTheirByteOrder) {
    std::array<std::byte, 16> buf{};
    ByteWriter w(buf);
    w.put(Sample{.tag = 0x0102, .length = 0x03040506, .both = 0x0708});
    w.u8(0xaa);
    w.text("hi");
    EXPECT_EQ(w.bytes_written(), 13u);
    EXPECT_EQ(w.remaining(), 3u);
    EXPECT_EQ(to_u8(std::span(buf).first(13)),
              (std::vector<u8>{0x01, 0x02, 0x06, 0x05, 0x04, 0x03, 0x08, 0x07, 0x07, 0x08, 0xaa,
                               'h', 'i'}));
}

TEST(ByteWriter, ZerosFillAndBytes) {
    std::array<std::byte, 8> buf;
    buf.fill(std::byte{0x55});
    ByteWriter w(buf);
    w.zeros(2);
    w.fill(3, 0x20);
    const std::array<std::byte, 2> raw{std::byte{9}, std::byte{8}};
    w.bytes(raw);
    EXPECT_EQ(to_u8(buf), (std::vector<u8>{0, 0, 0x20, 0x20, 0x20, 9, 8, 0x55}));
}

TEST(ByteWriter, PatchOverwritesWrittenBytes) {
    std::array<std::byte, 6> buf{};
    ByteWriter w(buf);
    w.put(Be16(0));
    w.text("abcd");
    w.patch(0, Be16(static_cast<u16>(w.bytes_written())));
    EXPECT_EQ(to_u8(buf), (std::vector<u8>{0, 6, 'a', 'b', 'c', 'd'}));
}

TEST(ByteWriter, PatchOutsideTheWrittenBytesIsInternal) {
    std::array<std::byte, 6> buf{};
    ByteWriter w(buf);
    w.put(Be16(0));
    try {
        w.patch(1, Be16(1)); // would reach byte 2, not yet written
        FAIL() << "patch past the written bytes did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Internal);
    }
}

TEST(ByteWriter, OverflowThrowsInternalAndWritesNothing) {
    std::array<std::byte, 4> buf{};
    ByteWriter w(buf);
    w.text("abc");
    try {
        w.put(Be16(0xffff));
        FAIL() << "overflow did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Internal);
        EXPECT_EQ(e.message(), "byte writer overflow: 2 bytes do not fit in 1 left");
    }
    EXPECT_EQ(w.bytes_written(), 3u);
    EXPECT_EQ(buf[3], std::byte{0});
    EXPECT_THROW(w.zeros(2), Error);
    EXPECT_THROW(w.fill(2, 1), Error);
}

TEST(SizeCounter, AgreesWithTheWriterForTheSameEncoder) {
    for (std::string_view name : {"", "a", "ab", "abcdefg"}) {
        SizeCounter n;
        encode_sample(n, name);
        std::array<std::byte, 64> buf{};
        ByteWriter w(buf);
        encode_sample(w, name);
        EXPECT_EQ(n.bytes(), w.bytes_written()) << name;
        EXPECT_EQ(n.bytes_written(), n.bytes());
    }
    SizeCounter n;
    encode_sample(n, "abc");
    EXPECT_EQ(n.bytes(), 14u); // 10 + 3 + 1 pad byte
}

TEST(ByteReader, ReadsFieldsAndText) {
    const std::array<std::byte, 14> in{
        std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x00}, std::byte{0x00},
        std::byte{0x00}, std::byte{0x05}, std::byte{0x00}, std::byte{0x00}, std::byte{0x05},
        std::byte{'x'},  std::byte{'y'},  std::byte{'z'},  std::byte{0x00}};
    ByteReader r(in);
    auto s = r.read<Sample>();
    EXPECT_EQ(s.tag.value(), 0x0102);
    EXPECT_EQ(s.length.value(), 3u);
    EXPECT_EQ(s.both.value(), 5);
    EXPECT_TRUE(s.both.consistent());
    EXPECT_EQ(r.read_text(3), "xyz");
    EXPECT_EQ(r.position(), 13u);
    EXPECT_EQ(r.remaining(), 1u);
    r.skip(1);
    EXPECT_EQ(r.remaining(), 0u);
    r.seek(0);
    EXPECT_EQ(r.read<Be16>().value(), 0x0102);
}

TEST(ByteReader, ShortInputFailsNamingOffsetAndLba) {
    const std::array<std::byte, 6> in{};
    ByteReader r(in, {.lba = 20, .what = "directory record"});
    r.skip(4);
    try {
        (void)r.read<Be32>();
        FAIL() << "short read did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_EQ(e.message(), "directory record: 4 bytes wanted, 2 left (offset 4, LBA 20)");
        ASSERT_TRUE(e.context().lba.has_value());
        EXPECT_EQ(*e.context().lba, 20u);
    }
    EXPECT_EQ(r.position(), 4u); // a failed read consumes nothing
}

TEST(ByteReader, FailWithoutOriginSaysBytes) {
    const std::array<std::byte, 2> in{};
    ByteReader r(in);
    try {
        r.seek(3);
        FAIL() << "seek past the end did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "bytes: offset 3 past the end (2 bytes) (offset 0)");
        EXPECT_FALSE(e.context().lba.has_value());
    }
    EXPECT_THROW((void)r.read_text(3), Error);
    EXPECT_THROW(r.skip(3), Error);
    r.seek(2); // the end itself is a valid position
    EXPECT_EQ(r.remaining(), 0u);
}

} // namespace
} // namespace discwright::core
