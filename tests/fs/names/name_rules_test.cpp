// Per-namespace name rules (STYLE.md 4): ECMA-119 7.4-7.6 and 10 (interchange levels), the
// Joliet specification (UCS-2, 64 units, forbidden characters), ISO 9660:1999 7.5 (207 bytes),
// and the ECMA-119 9.3 order of directory records.

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "fs/names/name_rules.h"

namespace discwright::fs {
namespace {

std::string joliet_id(std::u16string_view s) {
    return utf16be_bytes(s);
}

// ---- ISO 9660 -------------------------------------------------------------------------------

TEST(Iso9660NameRules, Level1FoldsLowerCaseWithoutCallingItAMapping) {
    // ECMA-119 7.4.1: d-characters are A-Z 0-9 _; folding case is the canonical form.
    Iso9660NameRules rules(1);
    auto m = rules.map("readme.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "README.TXT;1");
    EXPECT_EQ(m.reason, nullptr);
}

TEST(Iso9660NameRules, Level1TruncatesTo8Dot3KeepingTheExtension) {
    // ECMA-119 10.1: at level 1 a file name has at most 8 d-characters, its extension 3.
    Iso9660NameRules rules(1);
    auto m = rules.map("verylongname.text", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "VERYLONG.TEX;1");
    EXPECT_NE(m.reason, nullptr);
    EXPECT_EQ(rules.map("archive.tar", EntryKind::File, 0, 0).identifier, "ARCHIVE.TAR;1");
}

TEST(Iso9660NameRules, IllegalCharactersBecomeUnderscoreOnePerCodePoint) {
    // ECMA-119 7.5.1: only d-characters; "é" (2 UTF-8 bytes) is one character, one '_'.
    Iso9660NameRules rules(2);
    auto m = rules.map("a b+c-d.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "A_B_C_D.TXT;1");
    EXPECT_NE(m.reason, nullptr);
    EXPECT_EQ(rules.map("caf\xc3\xa9.txt", EntryKind::File, 0, 0).identifier, "CAF_.TXT;1");
    EXPECT_EQ(rules.map("\xe6\x97\xa5\xe6\x9c\xac.doc", EntryKind::File, 0, 0).identifier,
              "__.DOC;1");
}

TEST(Iso9660NameRules, FileWithoutExtensionKeepsTheSeparators) {
    // ECMA-119 7.5.1: SEPARATOR 1 and SEPARATOR 2 are recorded even when the extension is empty.
    Iso9660NameRules rules(1);
    auto m = rules.map("Makefile", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "MAKEFILE.;1");
    EXPECT_EQ(m.reason, nullptr);
    EXPECT_EQ(rules.collision_key(m.identifier), "MAKEFILE");
}

TEST(Iso9660NameRules, OnlyTheLastDotSeparatesTheExtension) {
    // ECMA-119 7.5.1: one SEPARATOR 1; earlier dots are not d-characters.
    Iso9660NameRules rules(2);
    auto m = rules.map("backup.tar.gz", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "BACKUP_TAR.GZ;1");
    EXPECT_NE(m.reason, nullptr);
}

TEST(Iso9660NameRules, DirectoriesHaveNoDotsAndNoVersion) {
    // ECMA-119 7.6.1: a directory identifier is d-characters only.
    Iso9660NameRules l1(1), l2(2);
    EXPECT_EQ(l2.map("my.dir", EntryKind::Directory, 0, 0).identifier, "MY_DIR");
    EXPECT_EQ(l2.map("docs", EntryKind::Directory, 0, 0).identifier, "DOCS");
    EXPECT_EQ(l2.map("docs", EntryKind::Directory, 0, 0).reason, nullptr);
    // ECMA-119 10.1: 8 characters at level 1; 7.6.3: 31 at levels 2 and 3.
    EXPECT_EQ(l1.map("verylongdirname", EntryKind::Directory, 0, 0).identifier, "VERYLONG");
    const std::string forty(40, 'd');
    EXPECT_EQ(l2.map(forty, EntryKind::Directory, 0, 0).identifier, std::string(31, 'D'));
}

TEST(Iso9660NameRules, Level2And3LimitNamePlusExtensionTo30) {
    // ECMA-119 7.5.1: the lengths of the file name and the extension add up to at most 30.
    for (int level : {2, 3}) {
        Iso9660NameRules rules(level);
        auto m = rules.map("abcdefghijklmnopqrstuvwxyz0123456789.tar", EntryKind::File, 0, 0);
        EXPECT_EQ(m.identifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0.TAR;1") << "level " << level;
        EXPECT_NE(m.reason, nullptr);
        // name (27) + '.' + ext (3) + ";1"
        EXPECT_EQ(m.identifier.size(), 27u + 1 + 3 + 2);
        auto ok = rules.map("a_name_of_exactly_26_chars.txt", EntryKind::File, 0, 0);
        EXPECT_EQ(ok.identifier, "A_NAME_OF_EXACTLY_26_CHARS.TXT;1");
        EXPECT_EQ(ok.reason, nullptr);
    }
}

TEST(Iso9660NameRules, CollisionVariantsTakeANumericSuffixInsideTheLimit) {
    Iso9660NameRules l1(1), l2(2);
    EXPECT_EQ(l1.map("readme.txt", EntryKind::File, 0, 1).identifier, "README_1.TXT;1");
    EXPECT_EQ(l1.map("verylongname.txt", EntryKind::File, 0, 1).identifier, "VERYLO_1.TXT;1");
    EXPECT_EQ(l1.map("verylongname.txt", EntryKind::File, 0, 12).identifier, "VERYL_12.TXT;1");
    EXPECT_EQ(l1.map("docs", EntryKind::Directory, 0, 3).identifier, "DOCS_3");
    EXPECT_EQ(l2.map("readme.txt", EntryKind::File, 0, 2).identifier, "README_2.TXT;1");
    EXPECT_NE(l2.map("readme.txt", EntryKind::File, 0, 2).reason, nullptr);
}

TEST(Iso9660NameRules, CollisionKeyIgnoresVersionAndEmptyExtension) {
    // A reader shows "NAME.;1" as "NAME", the same as a directory NAME.
    Iso9660NameRules rules(2);
    EXPECT_EQ(rules.collision_key("NAME.;1"), "NAME");
    EXPECT_EQ(rules.collision_key("NAME"), "NAME");
    EXPECT_EQ(rules.collision_key("NAME.TXT;1"), "NAME.TXT");
}

// ---- Joliet ---------------------------------------------------------------------------------

TEST(JolietNameRules, KeepsCaseAndAddsVersionToFilesOnly) {
    // Joliet: UCS-2 big-endian identifiers; files carry ";1", directories do not.
    JolietNameRules rules(64);
    auto f = rules.map("ReadMe.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(f.identifier, joliet_id(u"ReadMe.txt;1"));
    EXPECT_EQ(f.reason, nullptr);
    EXPECT_EQ(rules.units(f.identifier), 12u);
    EXPECT_EQ(rules.display(f.identifier), "ReadMe.txt");
    auto d = rules.map("My Docs", EntryKind::Directory, 0, 0);
    EXPECT_EQ(d.identifier, joliet_id(u"My Docs"));
    EXPECT_EQ(d.reason, nullptr);
}

TEST(JolietNameRules, NaturalUnitsAreTheMappedFolderNameLength) {
    // The ASCII shortcut and the general path must agree with map() itself.
    JolietNameRules rules(64);
    for (std::string name :
         {std::string("a"), std::string("ReadMe.txt"), std::string(64, 'x'), std::string(80, 'y'),
          std::string("a*b\x01"
                      "c"),
          std::string("\xc3\xa9t\xc3\xa9"), std::string(70, 'z') + "\xe6\x97\xa5",
          std::string("\xf0\x9f\x98\x80 smile")}) {
        const unsigned mapped = rules.units(rules.map(name, EntryKind::Directory, 0, 0).identifier);
        const auto utf16 = static_cast<unsigned>(utf8_to_utf16(name).size());
        EXPECT_EQ(rules.natural_units(name), std::min(mapped, utf16)) << name;
    }
    EXPECT_EQ(rules.natural_units(std::string(80, 'y')), 64u);
    EXPECT_EQ(rules.natural_units("\xc3\xa9t\xc3\xa9"), 3u);
}

TEST(JolietNameRules, ForbiddenCharactersBecomeUnderscore) {
    // Joliet specification: no code points below U+0020 and none of * / : ; ? \ in names.
    JolietNameRules rules(64);
    auto m = rules.map("a*b/c:d;e?f\\g\x01h\x1fi.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, joliet_id(u"a_b_c_d_e_f_g_h_i.txt;1"));
    EXPECT_NE(m.reason, nullptr);
    // Everything else, including non-ASCII, is kept.
    auto u = rules.map("\xc3\xa9t\xc3\xa9 \xe6\x97\xa5.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(u.identifier, joliet_id(u"\u00e9t\u00e9 \u65e5.txt;1"));
    EXPECT_EQ(u.reason, nullptr);
}

TEST(JolietNameRules, TruncatesTo64UnitsKeepingTheExtension) {
    JolietNameRules rules(64);
    const std::string name = std::string(70, 'n') + ".txt";
    auto m = rules.map(name, EntryKind::File, 0, 0);
    const std::u16string expected = std::u16string(60, u'n') + u".txt;1";
    EXPECT_EQ(m.identifier, joliet_id(expected));
    EXPECT_EQ(rules.units(m.identifier), 66u); // 64 + ";1"
    EXPECT_NE(m.reason, nullptr);
    auto d = rules.map(std::string(80, 'd'), EntryKind::Directory, 0, 0);
    EXPECT_EQ(d.identifier, joliet_id(std::u16string(64, u'd')));
}

TEST(JolietNameRules, LongNamesAllow103Units) {
    // xorriso -joliet-long: 103 UTF-16 units.
    JolietNameRules rules(103);
    auto d = rules.map(std::string(120, 'd'), EntryKind::Directory, 0, 0);
    EXPECT_EQ(rules.units(d.identifier), 103u);
    auto keep = rules.map(std::string(99, 'f') + ".txt", EntryKind::File, 0, 0);
    EXPECT_EQ(keep.identifier, joliet_id(std::u16string(99, u'f') + u".txt;1"));
    EXPECT_EQ(keep.reason, nullptr);
    auto cut = rules.map(std::string(100, 'f') + ".txt", EntryKind::File, 0, 0);
    EXPECT_EQ(cut.identifier, joliet_id(std::u16string(99, u'f') + u".txt;1"));
    EXPECT_NE(cut.reason, nullptr);
}

TEST(JolietNameRules, TruncationNeverSplitsASurrogatePair) {
    // U+1F600 is two UTF-16 units (a surrogate pair); cutting between them makes an unpaired
    // surrogate that no reader can show.
    JolietNameRules rules(64);
    const std::string emoji = "\xf0\x9f\x98\x80";
    // Directory: 63 units, then the pair at units 64-65.
    auto d = rules.map(std::string(63, 'a') + emoji + "zz", EntryKind::Directory, 0, 0);
    EXPECT_EQ(d.identifier, joliet_id(std::u16string(63, u'a')));
    // File with extension: 59 units + pair at 60-61 + ".txt": the name may keep 60 units.
    auto f = rules.map(std::string(59, 'a') + emoji + "zz.txt", EntryKind::File, 0, 0);
    EXPECT_EQ(f.identifier, joliet_id(std::u16string(59, u'a') + u".txt;1"));
    // The pair fits whole when it ends exactly at the limit.
    auto fits = rules.map(std::string(62, 'a') + emoji + "zz", EntryKind::Directory, 0, 0);
    EXPECT_EQ(fits.identifier, joliet_id(std::u16string(62, u'a') + u"\U0001F600"));
}

TEST(JolietNameRules, CollisionVariantsGoBeforeTheExtension) {
    JolietNameRules rules(64);
    EXPECT_EQ(rules.map("report.pdf", EntryKind::File, 0, 1).identifier,
              joliet_id(u"report (1).pdf;1"));
    EXPECT_EQ(rules.map("report", EntryKind::Directory, 0, 7).identifier, joliet_id(u"report (7)"));
    // A truncated name makes room for the suffix and keeps its extension.
    auto m = rules.map(std::string(70, 'x') + ".pdf", EntryKind::File, 0, 2);
    EXPECT_EQ(m.identifier, joliet_id(std::u16string(56, u'x') + u" (2).pdf;1"));
    EXPECT_NE(m.reason, nullptr);
}

TEST(JolietNameRules, CollisionKeysIgnoreCaseAndVersion) {
    // Windows, Joliet's reader, looks names up without regard to case.
    JolietNameRules rules(64);
    EXPECT_EQ(rules.collision_key(joliet_id(u"README.TXT;1")),
              rules.collision_key(joliet_id(u"readme.txt;1")));
    EXPECT_EQ(rules.collision_key(joliet_id(u"Docs")), rules.collision_key(joliet_id(u"DOCS")));
    EXPECT_NE(rules.collision_key(joliet_id(u"a.txt;1")),
              rules.collision_key(joliet_id(u"b.txt;1")));
    // A file "x" (recorded "x;1") and a folder "X" are one name to Windows.
    EXPECT_EQ(rules.collision_key(joliet_id(u"x;1")), rules.collision_key(joliet_id(u"X")));
}

// ---- ISO 9660:1999 --------------------------------------------------------------------------

TEST(Iso9660v2NameRules, KeepsNamesAsGivenUpTo207Bytes) {
    // ISO/IEC 9660:1999 7.5: any characters, at most 207 bytes, no version number.
    Iso9660v2NameRules rules;
    auto m = rules.map("Mixed Case + spaces.tar.gz", EntryKind::File, 0, 0);
    EXPECT_EQ(m.identifier, "Mixed Case + spaces.tar.gz");
    EXPECT_EQ(m.reason, nullptr);
    auto d = rules.map(std::string(250, 'd'), EntryKind::Directory, 0, 0);
    EXPECT_EQ(d.identifier, std::string(207, 'd'));
    EXPECT_NE(d.reason, nullptr);
    auto f = rules.map(std::string(250, 'f') + ".txt", EntryKind::File, 0, 0);
    EXPECT_EQ(f.identifier, std::string(203, 'f') + ".txt");
    EXPECT_EQ(rules.map("n.txt", EntryKind::File, 0, 4).identifier, "n_4.txt");
}

TEST(Iso9660v2NameRules, TruncationStopsAtAUtf8Boundary) {
    Iso9660v2NameRules rules;
    // 206 bytes, then "é" (2 bytes) straddling the 207-byte limit.
    auto m = rules.map(std::string(206, 'a') + "\xc3\xa9zzz", EntryKind::Directory, 0, 0);
    EXPECT_EQ(m.identifier, std::string(206, 'a'));
    // 205 bytes + a 4-byte sequence at bytes 206-209.
    auto e = rules.map(std::string(205, 'a') + "\xf0\x9f\x98\x80zz", EntryKind::Directory, 0, 0);
    EXPECT_EQ(e.identifier, std::string(205, 'a'));
    // A sequence ending exactly at 207 is kept.
    auto k = rules.map(std::string(205, 'a') + "\xc3\xa9zz", EntryKind::Directory, 0, 0);
    EXPECT_EQ(k.identifier, std::string(205, 'a') + "\xc3\xa9");
}

// ---- UTF-8 / UTF-16 -------------------------------------------------------------------------

TEST(Utf8ToUtf16, RoundTripsEveryPlane) {
    const std::string s =
        "plain h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xef\xbf\xbd";
    bool bad = false;
    std::u16string u = utf8_to_utf16(s, &bad);
    EXPECT_FALSE(bad);
    EXPECT_EQ(u, u"plain h\u00e9llo \u65e5\u672c \U0001F600 \uFFFD");
    EXPECT_EQ(utf16_to_utf8(u), s);
    EXPECT_EQ(from_utf16be_bytes(utf16be_bytes(u)), u);
    EXPECT_EQ(utf16be_bytes(u"A\u00e9"), std::string("\x00\x41\x00\xe9", 4));
}

TEST(Utf8ToUtf16, InvalidBytesBecomeReplacementCharacters) {
    // RFC 3629: C0, C1 and F5-FF never appear; overlong forms and encoded surrogates are
    // invalid; a truncated sequence is invalid.
    struct Case {
        std::string in;
        std::u16string out;
    };
    const Case cases[] = {
        {"a\xff"
         "b",
         u"a\uFFFDb"},
        {"\xc3", u"\uFFFD"},
        {"x\xe6\x97", u"x\uFFFD\uFFFD"},
        {"\xc0\xaf", u"\uFFFD\uFFFD"},
        {"\xe0\x80\xaf", u"\uFFFD\uFFFD\uFFFD"},
        {"\xed\xa0\x80", u"\uFFFD\uFFFD\uFFFD"},
        {"\xf8\x88\x80", u"\uFFFD\uFFFD\uFFFD"},
        {"\xfe\xbf\xbf", u"\uFFFD\uFFFD\uFFFD"},
        {"\xf4\x90\x80\x80", u"\uFFFD\uFFFD\uFFFD\uFFFD"},
    };
    for (const auto& c : cases) {
        bool bad = false;
        std::u16string u = utf8_to_utf16(c.in, &bad);
        EXPECT_TRUE(bad) << "input bytes of length " << c.in.size() << " starting "
                         << int(static_cast<unsigned char>(c.in[0]));
        EXPECT_EQ(u, c.out) << "input starting " << int(static_cast<unsigned char>(c.in[0]));
    }
}

TEST(Utf8ToUtf16, UnpairedSurrogatesEncodeAsReplacement) {
    EXPECT_EQ(utf16_to_utf8(u"a\xd800"
                            u"b"),
              "a\xef\xbf\xbd"
              "b");
    EXPECT_EQ(utf16_to_utf8(u"\xdc00"), "\xef\xbf\xbd");
}

// ---- ECMA-119 9.3 order ---------------------------------------------------------------------

TEST(Ecma119Less, ComparesNamesPaddedWithSpacesThenExtensions) {
    // ECMA-119 9.3: the shorter name is padded with (20) before comparing, so "A" < "A-B" even
    // though '.' (2E) > '-' (2D) in a plain byte comparison of "A.TXT" and "A-B.TXT".
    EXPECT_TRUE(ecma119_less("A.TXT;1", "A-B.TXT;1", false));
    EXPECT_FALSE(ecma119_less("A-B.TXT;1", "A.TXT;1", false));
    EXPECT_TRUE(ecma119_less("A.TXT;1", "AB.TXT;1", false));
    EXPECT_TRUE(ecma119_less("AB.Z;1", "ABC.A;1", false)); // names decide before extensions
    EXPECT_TRUE(ecma119_less("A.B;1", "A.BC;1", false));   // then the padded extensions
    EXPECT_TRUE(ecma119_less("A.B;1", "A.C;1", false));
    EXPECT_FALSE(ecma119_less("A.B;1", "A.B;1", false));
    EXPECT_TRUE(ecma119_less("DIR1", "DIR2", false));
}

TEST(Ecma119Less, VersionsDescendByValue) {
    // ECMA-119 9.3: equal names and extensions are ordered by descending version number.
    EXPECT_TRUE(ecma119_less("A.B;2", "A.B;1", false));
    EXPECT_FALSE(ecma119_less("A.B;1", "A.B;2", false));
    EXPECT_TRUE(ecma119_less("A.B;10", "A.B;9", false)); // a value, not a string
    EXPECT_FALSE(ecma119_less("A.B;9", "A.B;10", false));
}

TEST(Ecma119Less, Ucs2UsesTheSameRuleOnItsUnits) {
    // Joliet: the pad is the UCS-2 space 00 20.
    EXPECT_TRUE(ecma119_less(joliet_id(u"a.txt;1"), joliet_id(u"a-b.txt;1"), true));
    EXPECT_FALSE(ecma119_less(joliet_id(u"a-b.txt;1"), joliet_id(u"a.txt;1"), true));
    EXPECT_TRUE(ecma119_less(joliet_id(u"B.txt;1"), joliet_id(u"a.txt;1"), true)); // 0042 < 0061
    EXPECT_TRUE(ecma119_less(joliet_id(u"a.b;1"), joliet_id(u"a.bc;1"), true));
    // A unit whose low byte is below 0x20 but high byte is not zero sorts after the pad.
    EXPECT_TRUE(ecma119_less(joliet_id(u"a.txt;1"), joliet_id(u"a\u0101.txt;1"), true));
}

} // namespace
} // namespace discwright::fs
