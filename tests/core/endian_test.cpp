#include <array>
#include <bit>
#include <cstddef>

#include <gtest/gtest.h>

#include "core/endian.h"

namespace discwright::core {
namespace {

template <class T> std::array<u8, sizeof(T)> bytes_of(const T& v) {
    return std::bit_cast<std::array<u8, sizeof(T)>>(v);
}

TEST(Endian, LeStoresLeastSignificantByteFirst) {
    EXPECT_EQ(bytes_of(Le16(0x1234)), (std::array<u8, 2>{0x34, 0x12}));
    EXPECT_EQ(bytes_of(Le32(0x12345678)), (std::array<u8, 4>{0x78, 0x56, 0x34, 0x12}));
    EXPECT_EQ(bytes_of(Le64(0x0102030405060708ULL)), (std::array<u8, 8>{8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST(Endian, BeStoresMostSignificantByteFirst) {
    EXPECT_EQ(bytes_of(Be16(0x1234)), (std::array<u8, 2>{0x12, 0x34}));
    EXPECT_EQ(bytes_of(Be32(0x12345678)), (std::array<u8, 4>{0x12, 0x34, 0x56, 0x78}));
}

TEST(Endian, ValuesRoundTrip) {
    for (u32 v : {0u, 1u, 0x80u, 0xffu, 0x100u, 0x7fffffffu, 0x80000000u, 0xffffffffu}) {
        EXPECT_EQ(Le32(v).value(), v);
        EXPECT_EQ(Be32(v).value(), v);
        EXPECT_EQ(u32(Le32(v)), v);
        EXPECT_EQ(u32(Be32(v)), v);
    }
    EXPECT_EQ(Le64(0xfedcba9876543210ULL).value(), 0xfedcba9876543210ULL);
    EXPECT_EQ(Be16(0xbeef).value(), 0xbeef);
}

TEST(Endian, SetReplacesTheValue) {
    Be32 b(1);
    b.set(0xa1b2c3d4);
    EXPECT_EQ(bytes_of(b), (std::array<u8, 4>{0xa1, 0xb2, 0xc3, 0xd4}));
    Le16 l(1);
    l.set(0xff00);
    EXPECT_EQ(bytes_of(l), (std::array<u8, 2>{0x00, 0xff}));
}

TEST(Endian, FromBytesDecodesEachOrder) {
    // ECMA-119 7.3.3: 0x01020304 recorded both-byte-order is 04 03 02 01 01 02 03 04.
    auto both = std::bit_cast<LeBe32>(std::array<u8, 8>{4, 3, 2, 1, 1, 2, 3, 4});
    EXPECT_EQ(both.value(), 0x01020304u);
    EXPECT_TRUE(both.consistent());
    auto be = std::bit_cast<Be16>(std::array<u8, 2>{0x08, 0x00});
    EXPECT_EQ(be.value(), 0x0800);
}

TEST(Endian, LeBeWritesBothHalvesLittleEndianFirst) {
    // ECMA-119 7.2.3: 0x1234 is 34 12 12 34.
    EXPECT_EQ(bytes_of(LeBe16(0x1234)), (std::array<u8, 4>{0x34, 0x12, 0x12, 0x34}));
    EXPECT_EQ(bytes_of(LeBe32(0x01020304)), (std::array<u8, 8>{4, 3, 2, 1, 1, 2, 3, 4}));
}

TEST(Endian, LeBeReportsDisagreeingHalves) {
    auto v = std::bit_cast<LeBe32>(std::array<u8, 8>{4, 3, 2, 1, 1, 2, 3, 5});
    EXPECT_FALSE(v.consistent());
    EXPECT_EQ(v.value(), 0x01020304u); // the little-endian half wins
}

TEST(Endian, TypesAreOnDiskWithAlignmentOne) {
    static_assert(OnDisk<Le16> && OnDisk<Le32> && OnDisk<Le64>);
    static_assert(OnDisk<Be16> && OnDisk<Be32>);
    static_assert(OnDisk<LeBe16> && OnDisk<LeBe32>);
    static_assert(sizeof(Le16) == 2 && sizeof(Le32) == 4 && sizeof(Le64) == 8);
    static_assert(sizeof(LeBe16) == 4 && sizeof(LeBe32) == 8);
    static_assert(!OnDisk<u32>); // host integers are aligned, so they cannot be fields
    static_assert(Be32(0x11223344).value() == 0x11223344);
    static_assert(LeBe16(7).consistent());
    SUCCEED();
}

} // namespace
} // namespace discwright::core
