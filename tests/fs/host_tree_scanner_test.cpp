// HostTreeScanner: the folders of a host tree in add_tree's visiting order (depth first,
// subfolders taken last name first), each listed in name order with its stat, ahead of the
// reader but within a bounded window; a failure is handed over at the entry it happened on.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "discwright/error.h"
#include "fs/host_tree_scanner.h"
#include "support/temp_tree.h"

namespace discwright::fs {
namespace {

namespace stdfs = std::filesystem;
using test::Folder;
using test::Symlink;
using test::TempTree;

std::vector<std::string> sorted_listing(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : stdfs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// The visiting order, worked out with std::filesystem: the judge of the scanner's own walk.
std::vector<std::string> expected_order(const std::string& root) {
    std::vector<std::string> order, stack{root};
    while (!stack.empty()) {
        const std::string dir = stack.back();
        stack.pop_back();
        order.push_back(dir);
        for (const std::string& name : sorted_listing(dir))
            if (stdfs::is_directory(stdfs::symlink_status(dir + "/" + name)))
                stack.push_back(dir + "/" + name);
    }
    return order;
}

HostTreeScanner scanner_of(const TempTree& tree, bool follow) {
    struct stat st {};
    EXPECT_EQ(::stat(tree.path().c_str(), &st), 0);
    return {tree.path().string(), follow, st.st_dev, st.st_ino};
}

TEST(HostTreeScanner, VisitsFoldersInAddTreeOrderWithSortedStattedEntries) {
    // More folders and entries than the scanner may hold ahead: the window must refill.
    std::vector<test::TreeEntry> entries;
    for (int i = 0; i < 150; ++i)
        entries.push_back({fmt::format("top{:03}/mid{}/leaf{}.txt", i % 40, i % 3, i),
                           std::string(static_cast<std::size_t>(i), 'x')});
    for (int i = 0; i < 20000; ++i)
        entries.push_back({fmt::format("wide/f{:05}", i), std::string()});
    entries.push_back({"link", Symlink{"top000/mid0"}});
    TempTree tree(entries);

    HostTreeScanner scanner = scanner_of(tree, false);
    std::vector<std::string> seen;
    std::size_t files = 0;
    while (auto folder = scanner.next()) {
        ASSERT_FALSE(folder->failure) << folder->host;
        seen.push_back(folder->host);
        std::vector<std::string> names;
        for (const ScannedEntry& e : folder->entries) {
            names.push_back(e.name);
            struct stat st {};
            ASSERT_EQ(::lstat((folder->host + "/" + e.name).c_str(), &st), 0);
            EXPECT_EQ(e.st.st_ino, st.st_ino) << e.name;
            EXPECT_EQ(e.st.st_size, st.st_size) << e.name;
            if (S_ISREG(st.st_mode)) ++files;
            if (S_ISLNK(st.st_mode)) {
                EXPECT_EQ(e.link_target, "top000/mid0");
            }
        }
        EXPECT_EQ(names, sorted_listing(folder->host)) << folder->host;
    }
    EXPECT_EQ(seen, expected_order(tree.path().string()));
    EXPECT_EQ(files, 20150u);
}

TEST(HostTreeScanner, FollowsLinksIntoFoldersButNotRoundALoop) {
    TempTree tree{{"a/b/file", std::string("x")},
                  {"a/up", Symlink{".."}},
                  {"other/f", std::string("y")},
                  {"a/side", Symlink{"../other"}}};
    HostTreeScanner scanner = scanner_of(tree, true);
    std::vector<std::string> seen;
    while (auto folder = scanner.next()) {
        ASSERT_FALSE(folder->failure);
        seen.push_back(folder->host.substr(tree.path().string().size()));
        for (const ScannedEntry& e : folder->entries)
            EXPECT_FALSE(S_ISLNK(e.st.st_mode)) << "followed links carry their target's stat";
    }
    // "a/up" leads back to the root: listed (add_tree names the loop), never entered.
    EXPECT_EQ(seen, (std::vector<std::string>{"", "/other", "/a", "/a/side", "/a/b"}));
}

TEST(HostTreeScanner, AFailureIsHandedOverAtItsEntry) {
    TempTree tree{{"d/a", std::string("1")}, {"d/b", Symlink{"nowhere"}}, {"d/c", std::string()}};
    HostTreeScanner scanner = scanner_of(tree, true);
    auto root = scanner.next();
    ASSERT_TRUE(root);
    EXPECT_FALSE(root->failure);
    auto d = scanner.next();
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->failure);
    EXPECT_EQ(d->failed_at, 1u) << "'a' is good, the dangling link 'b' is not";
    try {
        std::rethrow_exception(d->failure);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DirectoryReadFailure);
        EXPECT_NE(e.message().find("d/b"), std::string::npos) << e.message();
    }
    EXPECT_FALSE(scanner.next()) << "the walk ends at a failure";
}

TEST(HostTreeScanner, AnUnreadableRootIsAFailureOfTheFirstFolder) {
    TempTree tree{{"f", std::string("x")}};
    const std::string gone = (tree / "missing").string();
    HostTreeScanner scanner(gone, false, 0, 0);
    auto first = scanner.next();
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->failure);
    EXPECT_TRUE(first->entries.empty());
    EXPECT_FALSE(scanner.next());
}

TEST(HostTreeScanner, StoppingEarlyJoinsTheWalk) {
    // The reader gives up after one folder of a big tree: the destructor must not hang on a
    // walk that waits for room.
    std::vector<test::TreeEntry> entries;
    for (int i = 0; i < 300; ++i)
        entries.push_back({fmt::format("d{:03}/f", i), std::string()});
    TempTree tree(entries);
    HostTreeScanner scanner = scanner_of(tree, false);
    EXPECT_TRUE(scanner.next());
}

} // namespace
} // namespace discwright::fs
