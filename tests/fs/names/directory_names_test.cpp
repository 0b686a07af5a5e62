// The naming pipeline of one directory (STYLE.md 4): map, resolve collisions with a
// deterministic numeric suffix, sort in ECMA-119 9.3 order.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fs/names/directory_names.h"
#include "fs/names/name_rules.h"

namespace discwright::fs {
namespace {

std::string joliet_id(std::u16string_view s) {
    return utf16be_bytes(s);
}

/// id -> identifier.
std::map<u32, std::string> by_id(const std::vector<NamedEntry>& entries) {
    std::map<u32, std::string> out;
    for (const auto& e : entries)
        out[e.id] = e.identifier;
    return out;
}

std::vector<NameRequest> files(const std::vector<std::string>& names) {
    std::vector<NameRequest> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out.push_back({static_cast<u32>(i), names[i], EntryKind::File});
    return out;
}

TEST(DirectoryNames, CollisionsResolveTheSameWayWhateverTheInputOrder) {
    // Three sources that map to "README.TXT;1" at level 1, and one truncated pair.
    const std::vector<std::string> names = {"readme.txt", "README.TXT", "ReadMe.txt",
                                            "longfilename1.txt", "longfilename2.txt"};
    Iso9660NameRules rules(1);
    auto requests = files(names);
    const auto reference = by_id(name_directory(rules, requests, {}, false));
    EXPECT_EQ(reference.at(1), "README.TXT;1"); // smallest source bytes keep the name
    EXPECT_EQ(reference.at(2), "README_1.TXT;1");
    EXPECT_EQ(reference.at(0), "README_2.TXT;1");
    EXPECT_EQ(reference.at(3), "LONGFILE.TXT;1");
    EXPECT_EQ(reference.at(4), "LONGFI_1.TXT;1");

    std::sort(requests.begin(), requests.end(),
              [](const NameRequest& a, const NameRequest& b) { return a.id < b.id; });
    int permutations = 0;
    do {
        EXPECT_EQ(by_id(name_directory(rules, requests, {}, false)), reference);
        ++permutations;
    } while (std::next_permutation(
        requests.begin(), requests.end(),
        [](const NameRequest& a, const NameRequest& b) { return a.id < b.id; }));
    EXPECT_EQ(permutations, 120);
}

TEST(DirectoryNames, CanonicalNamesKeepTheirsOverMappedOnes) {
    // "a+b.txt" maps ('+' is not a d-character) onto the canonical name of "a_b.txt". Its
    // bytes sort first, yet the name that needed no mapping keeps it.
    Iso9660NameRules rules(2);
    auto out = by_id(name_directory(rules, files({"a+b.txt", "a_b.txt"}), {}, false));
    EXPECT_EQ(out.at(1), "A_B.TXT;1");
    EXPECT_EQ(out.at(0), "A_B_1.TXT;1");
}

TEST(DirectoryNames, AVariantNeverTakesAnotherItemsOwnName) {
    // "A.TXT" and "a.txt" collide; the loser's first variant would be "A_1.TXT;1", which is the
    // name "a_1.txt" has on its own. An item whose name collides with nothing keeps it; the
    // loser takes the next free variant.
    Iso9660NameRules rules(2);
    auto out = by_id(name_directory(rules, files({"A.TXT", "a.txt", "a_1.txt"}), {}, false));
    EXPECT_EQ(out.at(0), "A.TXT;1");
    EXPECT_EQ(out.at(2), "A_1.TXT;1");
    EXPECT_EQ(out.at(1), "A_2.TXT;1");

    JolietNameRules joliet(64);
    auto j = by_id(name_directory(joliet, files({"X.txt", "x.txt", "x (1).txt"}), {}, true));
    EXPECT_EQ(j.at(0), joliet_id(u"X.txt;1"));
    EXPECT_EQ(j.at(2), joliet_id(u"x (1).txt;1"));
    EXPECT_EQ(j.at(1), joliet_id(u"x (2).txt;1"));
}

TEST(DirectoryNames, TakenKeysAreHonoured) {
    // The root's relocation folder (RRIP 4.1.5) reserves "RR_MOVED" before any item is named.
    Iso9660NameRules rules(2);
    std::vector<NameRequest> req{{7, "rr_moved", EntryKind::Directory}};
    const std::vector<std::string> taken{"RR_MOVED"};
    auto out = name_directory(rules, req, taken, false);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].identifier, "RR_MOVED_1");
    EXPECT_NE(out[0].reason, nullptr);

    Iso9660NameRules l1(1);
    auto short_out = name_directory(l1, req, taken, false);
    EXPECT_EQ(short_out[0].identifier, "RR_MOV_1");
}

TEST(DirectoryNames, FileAndFolderShowingTheSameNameCollide) {
    // ISO 9660: file "NAME.;1" is shown as "NAME", like folder "NAME".
    Iso9660NameRules rules(2);
    std::vector<NameRequest> req{{0, "name", EntryKind::File}, {1, "NAME", EntryKind::Directory}};
    auto out = by_id(name_directory(rules, req, {}, false));
    EXPECT_EQ(out.at(1), "NAME");
    EXPECT_EQ(out.at(0), "NAME_1.;1");
}

TEST(DirectoryNames, JolietCollisionsAreCaseInsensitive) {
    JolietNameRules rules(64);
    auto out =
        by_id(name_directory(rules, files({"readme.txt", "Readme.txt", "README.TXT"}), {}, true));
    EXPECT_EQ(out.at(2), joliet_id(u"README.TXT;1"));
    EXPECT_EQ(out.at(1), joliet_id(u"Readme (1).txt;1"));
    EXPECT_EQ(out.at(0), joliet_id(u"readme (2).txt;1"));
}

TEST(DirectoryNames, OutputIsInEcma119Order) {
    // ECMA-119 9.3: "A" before "A-B" (padding with spaces), upper case before lower case in
    // UCS-2, extensions after names.
    JolietNameRules rules(64);
    auto out = name_directory(rules, files({"a-b.txt", "zeta", "a.txt", "B.txt", "a.b"}), {}, true);
    std::vector<std::string> got;
    for (const auto& e : out)
        got.push_back(rules.display(e.identifier));
    const std::vector<std::string> expected{"B.txt", "a.b", "a.txt", "a-b.txt", "zeta"};
    EXPECT_EQ(got, expected);
    for (std::size_t i = 1; i < out.size(); ++i)
        EXPECT_FALSE(ecma119_less(out[i].identifier, out[i - 1].identifier, true)) << i;

    Iso9660NameRules iso(2);
    auto iso_out = name_directory(iso, files({"b.txt", "a1.txt", "a.txt", "a.c"}), {}, false);
    std::vector<std::string> iso_ids;
    for (const auto& e : iso_out)
        iso_ids.push_back(e.identifier);
    const std::vector<std::string> iso_expected{"A.C;1", "A.TXT;1", "A1.TXT;1", "B.TXT;1"};
    EXPECT_EQ(iso_ids, iso_expected);
}

TEST(DirectoryNames, EveryCollisionKeyIsUnique) {
    // 40 names, 36 of which truncate to "FILEXXXX.TXT;1" at level 1, get 40 distinct names.
    std::vector<std::string> names;
    for (std::size_t i = 0; i < 40; ++i)
        names.push_back("file" + std::string(i, 'x') + ".txt");
    Iso9660NameRules rules(1);
    auto out = name_directory(rules, files(names), {}, false);
    ASSERT_EQ(out.size(), 40u);
    std::vector<std::string> keys;
    for (const auto& e : out) {
        keys.push_back(rules.collision_key(e.identifier));
        EXPECT_LE(e.identifier.size(), 14u) << e.identifier; // 8 + '.' + 3 + ";1"
    }
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

} // namespace
} // namespace discwright::fs
