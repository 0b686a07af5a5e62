// UDF's small encodings, each checked against the clause that defines it.

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_io.h"
#include "fs/names/name_rules.h"
#include "fs/udf/encoding.h"
#include "fs/udf/udf_tree.h"

namespace discwright::fs::udf {
namespace {

std::vector<std::byte> bytes_of(std::string_view s) {
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

TEST(UdfEncoding, CrcIsCrcItuTWithInitialZero) {
    // ECMA-167 3/7.2.6 gives the example: CRC of bytes 70 6A 77 is 3299 (hex).
    const std::array<std::byte, 3> example{std::byte{0x70}, std::byte{0x6a}, std::byte{0x77}};
    EXPECT_EQ(crc_itu_t(example), 0x3299);
    EXPECT_EQ(crc_itu_t(bytes_of("123456789")), 0x31c3); // the CRC-16/XMODEM check value
    EXPECT_EQ(crc_itu_t({}), 0);
}

TEST(UdfEncoding, SealedTagVerifiesAndAnyChangeBreaksIt) {
    std::vector<std::byte> d(512);
    d[100] = std::byte{42};
    seal_tag(d, TagId::Terminating, 3, 1234);
    core::ByteReader in(d);
    const auto tag = in.read<DescriptorTag>();
    EXPECT_EQ(tag.tag_identifier, 8);
    EXPECT_EQ(tag.descriptor_version, 3);
    EXPECT_EQ(tag.tag_location, 1234u);
    EXPECT_EQ(tag.descriptor_crc_length, 496);
    unsigned sum = 0;
    for (int i = 0; i < 16; ++i)
        if (i != 4) sum += static_cast<u8>(d[i]);
    EXPECT_EQ(tag.tag_checksum, static_cast<u8>(sum));
    EXPECT_TRUE(verify_tag(d, TagId::Terminating));
    EXPECT_FALSE(verify_tag(d, TagId::FileSet));
    d[200] = std::byte{1};
    EXPECT_FALSE(verify_tag(d, TagId::Terminating)) << "a changed body fails the CRC";
    d[200] = std::byte{0};
    d[12] = std::byte{0};
    EXPECT_FALSE(verify_tag(d, TagId::Terminating)) << "a changed location fails the checksum";
    EXPECT_FALSE(verify_tag(std::span(d).first(20), TagId::Terminating))
        << "a CRC length past the bytes at hand fails";
}

TEST(UdfEncoding, Cs0PicksEightBitsWhenItCan) {
    // UDF 2.1.1: compression ID 8 when every character is below U+0100, else 16 (big-endian).
    EXPECT_EQ(encode_cs0(u"Abc"), std::string("\x08"
                                              "Abc"));
    EXPECT_EQ(encode_cs0(u"\u00e9t\u00e9"), std::string("\x08\xe9t\xe9"));
    EXPECT_EQ(encode_cs0(u"\u65e5x"), std::string("\x10\x65\xe5\x00x", 5));
    EXPECT_EQ(encode_cs0(u""), "");
    EXPECT_EQ(decode_cs0(std::string("\x10\x65\xe5\x00x", 5)), std::u16string(u"\u65e5x"));
    EXPECT_EQ(decode_cs0("\x08"
                         "Abc"),
              std::u16string(u"Abc"));
    EXPECT_EQ(decode_cs0(std::string("\x10\x65", 2)), std::nullopt) << "odd 16-bit length";
    EXPECT_EQ(decode_cs0("\x07"
                         "x"),
              std::nullopt)
        << "unknown compression ID";
}

TEST(UdfEncoding, DstringRecordsItsLengthInTheLastByte) {
    // ECMA-167 1/7.2.12.
    std::array<u8, 32> field{};
    fill_dstring(field, u"VOLUME");
    EXPECT_EQ(field[0], 8);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(field.data()) + 1, 6), "VOLUME");
    EXPECT_EQ(field[7], 0);
    EXPECT_EQ(field[31], 7);
    fill_dstring(field, std::u16string(40, u'x'));
    EXPECT_EQ(field[31], 31) << "30 characters fit with the compression ID";
    fill_dstring(field, std::u16string(20, u'\u65e5'));
    EXPECT_EQ(field[0], 16);
    EXPECT_EQ(field[31], 31) << "15 UTF-16 units fit";
    fill_dstring(field, u"");
    EXPECT_EQ(field, (std::array<u8, 32>{})) << "an empty dstring is all zeros";
}

TEST(UdfEncoding, TimestampIsType1Utc) {
    const Timestamp t = timestamp(1'700'000'000); // 2023-11-14 22:13:20 UTC
    EXPECT_EQ(t.type_and_timezone, 0x1000);
    EXPECT_EQ(t.year, 2023);
    EXPECT_EQ(t.month, 11);
    EXPECT_EQ(t.day, 14);
    EXPECT_EQ(t.hour, 22);
    EXPECT_EQ(t.minute, 13);
    EXPECT_EQ(t.second, 20);
}

TEST(UdfEncoding, IdentifiersCarryTheirSuffixes) {
    // UDF 2.1.5.3: the domain suffix starts with the revision, little-endian BCD.
    const EntityId d = domain_identifier(0x0250);
    EXPECT_EQ(std::string(d.identifier.data(), 19), "*OSTA UDF Compliant");
    EXPECT_EQ(d.identifier_suffix[0], 0x50);
    EXPECT_EQ(d.identifier_suffix[1], 0x02);
    EXPECT_EQ(std::string(nsr_identifier(0x0150).identifier.data(), 6), "+NSR02");
    EXPECT_EQ(std::string(nsr_identifier(0x0200).identifier.data(), 6), "+NSR03");
    const EntityId i = implementation_identifier();
    EXPECT_EQ(i.identifier_suffix[0], 4) << "OS class UNIX";
    EXPECT_EQ(i.identifier_suffix[1], 5) << "Linux";
}

TEST(UdfEncoding, PermissionsMapPosixBits) {
    // ECMA-167 4/14.9.5: other rwx in bits 2..0, group in 7..5, owner in 12..10.
    EXPECT_EQ(permissions_from_mode(0755), 0x1ca5u);
    EXPECT_EQ(permissions_from_mode(0640), 0x1880u);
    EXPECT_EQ(permissions_from_mode(0), 0u);
}

TEST(UdfEncoding, SymlinkTargetsBecomePathComponents) {
    // ECMA-167 4/14.16.1: 2 root, 3 parent, 4 current, 5 named (a CS0 identifier).
    EXPECT_EQ(encode_symlink_target("/usr/lib"), std::string("\x02\x00\x00\x00"
                                                             "\x05\x04\x00\x00\x08usr"
                                                             "\x05\x04\x00\x00\x08lib",
                                                             20));
    EXPECT_EQ(encode_symlink_target("../a/./b"), std::string("\x03\x00\x00\x00"
                                                             "\x05\x02\x00\x00\x08"
                                                             "a"
                                                             "\x04\x00\x00\x00"
                                                             "\x05\x02\x00\x00\x08"
                                                             "b",
                                                             20));
    EXPECT_EQ(encode_symlink_target("a//b/"), encode_symlink_target("a/b"));
}

TEST(UdfNameRules, NamesAreKeptUpTo255BytesOfCs0) {
    const UdfNameRules rules;
    EXPECT_EQ(rules.map("read me.txt", EntryKind::File, 0, 0).identifier, "\x08read me.txt");
    EXPECT_EQ(rules.map("read me.txt", EntryKind::File, 0, 0).reason, nullptr);
    const std::string ascii254(254, 'a');
    EXPECT_EQ(rules.map(ascii254, EntryKind::File, 0, 0).identifier.size(), 255u);
    EXPECT_EQ(rules.map(ascii254, EntryKind::File, 0, 0).reason, nullptr);
    // 255 ASCII characters need 256 bytes: the name is cut, its extension kept.
    const auto cut = rules.map(std::string(251, 'b') + ".txt", EntryKind::File, 0, 0);
    EXPECT_EQ(cut.identifier.size(), 255u);
    EXPECT_TRUE(cut.identifier.ends_with(".txt"));
    EXPECT_NE(cut.reason, nullptr);
    // 85 CJK characters are 255 bytes of UTF-8 and 171 of CS0: kept.
    std::string cjk;
    for (int i = 0; i < 85; ++i)
        cjk += "\xe8\xaa\x9e";
    const auto wide = rules.map(cjk, EntryKind::File, 0, 0);
    EXPECT_EQ(wide.identifier.size(), 171u);
    EXPECT_EQ(wide.reason, nullptr);
    EXPECT_EQ(rules.display(wide.identifier), cjk);
    // Case is kept and distinguishes names (ECMA-167 4/8.6).
    EXPECT_NE(rules.collision_key(rules.map("Case", EntryKind::File, 0, 0).identifier),
              rules.collision_key(rules.map("case", EntryKind::File, 0, 0).identifier));
    const auto variant = rules.map("x.txt", EntryKind::File, 0, 2);
    EXPECT_EQ(rules.display(variant.identifier), "x (2).txt");
}

} // namespace
} // namespace discwright::fs::udf
