// ItemTree: the compact image tree and its journal (IMAPI's ChangePoint /
// RollbackToChangePoint, and add_tree's atomicity).

#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "fs/item_tree.h"
#include "fs/layout/file_placement.h"
#include "fs/layout/layout_builder.h"

namespace discwright::fs {
namespace {

ItemRecord dir_record(i64 t = 100) {
    ItemRecord r;
    r.kind = ItemKind::Directory;
    r.mode = 040755;
    r.creation_time = r.access_time = r.modify_time = t;
    return r;
}

ItemRecord file_record(u64 size, i64 t = 100) {
    ItemRecord r;
    r.kind = ItemKind::File;
    r.mode = 0100644;
    r.size = size;
    r.creation_time = r.access_time = r.modify_time = t;
    return r;
}

/// Everything observable about a tree: each live item by path with its attributes, each
/// directory's children in list order, and the counters.
struct Snapshot {
    std::map<std::string, std::tuple<int, u32, u32, u32, u64, i64, i64, i64, u8, u32>> items;
    std::map<std::string, std::vector<std::string>> children;
    std::size_t files = 0, dirs = 0;
    u64 data_blocks = 0;
    u64 change_point = 0;
    bool operator==(const Snapshot&) const = default;
};

void PrintTo(const Snapshot& s, std::ostream* os) {
    *os << "change point " << s.change_point << ", " << s.files << " files, " << s.dirs << " dirs, "
        << s.data_blocks << " data blocks;";
    for (const auto& [path, kids] : s.children) {
        *os << " " << path << ":[";
        for (const auto& k : kids)
            *os << k << ",";
        *os << "]";
    }
}

Snapshot snapshot(const ItemTree& t) {
    Snapshot s;
    std::vector<ItemId> todo{root_item};
    while (!todo.empty()) {
        ItemId id = todo.back();
        todo.pop_back();
        const auto& r = t.at(id);
        const std::string path = t.path(id);
        s.items[path] = {int(r.kind),     r.mode,        r.uid,         r.gid,   r.size,
                         r.creation_time, r.access_time, r.modify_time, r.flags, r.link_group};
        if (t.is_dir(id)) {
            auto& kids = s.children[path];
            t.for_each_child(id, [&](ItemId c) {
                kids.push_back(std::string(t.name(c)));
                todo.push_back(c);
                EXPECT_EQ(t.at(c).parent, id) << t.path(c);
                EXPECT_EQ(t.child(id, t.name(c)), c) << "index lost " << t.path(c);
            });
        }
    }
    s.files = t.file_count();
    s.dirs = t.directory_count();
    s.data_blocks = t.data_blocks_estimate();
    s.change_point = t.change_point();
    return s;
}

TEST(ItemTree, StartsWithAnUncountedRoot) {
    ItemTree t;
    EXPECT_EQ(t.file_count(), 0u);
    EXPECT_EQ(t.directory_count(), 0u); // IMAPI: the root is not counted
    EXPECT_EQ(t.change_point(), 0u);
    EXPECT_TRUE(t.is_dir(root_item));
    EXPECT_EQ(t.path(root_item), "/");
    EXPECT_EQ(t.resolve(root_item, "/"), root_item);
    EXPECT_EQ(t.resolve(root_item, ""), root_item);
}

TEST(ItemTree, AddResolveAndRemove) {
    ItemTree t;
    ItemId docs = t.add(root_item, "docs", dir_record());
    ItemId sub = t.add(docs, "sub", dir_record());
    ItemId a = t.add(sub, "a.txt", file_record(5000));
    EXPECT_EQ(t.change_point(), 3u);
    EXPECT_EQ(t.file_count(), 1u);
    EXPECT_EQ(t.directory_count(), 2u);
    EXPECT_EQ(t.data_blocks_estimate(), 3u); // 5000 bytes in 2048-byte blocks
    EXPECT_EQ(t.resolve(root_item, "/docs/sub/a.txt"), a);
    EXPECT_EQ(t.resolve(docs, "sub/a.txt"), a);
    EXPECT_EQ(t.resolve(sub, "../sub/./a.txt"), a);
    EXPECT_EQ(t.resolve(root_item, "/docs//sub/"), sub);
    EXPECT_EQ(t.resolve(root_item, "/docs/sub/a.txt/x"), no_item); // a file has no children
    EXPECT_EQ(t.resolve(root_item, "/docs/none"), no_item);
    EXPECT_EQ(t.path(a), "/docs/sub/a.txt");
    EXPECT_EQ(t.name(a), "a.txt");

    t.remove(a);
    EXPECT_EQ(t.change_point(), 4u);
    EXPECT_FALSE(t.is_live(a));
    EXPECT_EQ(t.child(sub, "a.txt"), no_item);
    EXPECT_EQ(t.file_count(), 0u);
    EXPECT_EQ(t.data_blocks_estimate(), 0u);
    EXPECT_TRUE(t.children(sub).empty());
    // The name is free again.
    ItemId again = t.add(sub, "a.txt", file_record(1));
    EXPECT_EQ(t.resolve(root_item, "/docs/sub/a.txt"), again);
}

TEST(ItemTree, ChildLookupSurvivesIndexGrowthAndTombstones) {
    // The child index starts with 1024 slots; 6000 names force several rehashes.
    ItemTree t;
    ItemId big = t.add(root_item, "big", dir_record());
    std::vector<ItemId> ids;
    for (int i = 0; i < 4000; ++i)
        ids.push_back(t.add(big, "f" + std::to_string(i), file_record(1)));
    for (int i = 0; i < 2000; ++i)
        t.add(root_item, "r" + std::to_string(i), file_record(0));
    // Remove every third, leaving tombstones in the probe chains.
    for (int i = 0; i < 4000; i += 3)
        t.remove(ids[static_cast<std::size_t>(i)]);
    for (int i = 0; i < 4000; ++i) {
        const ItemId got = t.child(big, "f" + std::to_string(i));
        if (i % 3 == 0)
            EXPECT_EQ(got, no_item) << i;
        else
            EXPECT_EQ(got, ids[static_cast<std::size_t>(i)]) << i;
    }
    for (int i = 0; i < 2000; i += 97)
        EXPECT_NE(t.child(root_item, "r" + std::to_string(i)), no_item) << i;
    // Same name, other parent: not found.
    EXPECT_EQ(t.child(root_item, "f1"), no_item);
    EXPECT_EQ(t.child(big, "r1"), no_item);
    // Re-adding removed names after more growth.
    for (int i = 0; i < 4000; i += 3)
        t.add(big, "f" + std::to_string(i), file_record(2));
    EXPECT_EQ(t.children(big).size(), 4000u);
    for (int i = 0; i < 4000; i += 7)
        EXPECT_NE(t.child(big, "f" + std::to_string(i)), no_item) << i;
    EXPECT_EQ(t.file_count(), 6000u);
}

TEST(ItemTree, RollbackRestoresEveryEarlierStateExactly) {
    // IMAPI RollbackToChangePoint: the tree at any earlier change point comes back exactly,
    // whatever mix of adds, removes and attribute changes happened after it.
    ItemTree t;
    std::vector<Snapshot> states{snapshot(t)}; // states[k] is the tree at change point k
    auto step = [&] {
        states.resize(t.change_point() + 1, Snapshot{});
        states[t.change_point()] = snapshot(t);
    };
    ItemId a = t.add(root_item, "a", dir_record());
    step();
    ItemId b = t.add(a, "b.txt", file_record(10000));
    step();
    ItemId c = t.add(a, "c.txt", file_record(3));
    step();
    ItemId d = t.add(root_item, "d", dir_record());
    step();
    ItemRecord changed = t.at(b);
    changed.mode = 0100600;
    changed.uid = 1000;
    changed.modify_time = 999;
    changed.size = 20000;
    changed.flags = item_hidden;
    t.set_attributes(b, changed);
    step();
    t.remove(c); // middle of a's child list
    step();
    ItemId e = t.add(d, "e", file_record(7));
    step();
    ItemRecord root = t.at(root_item);
    root.modify_time = 5;
    t.set_attributes(root_item, root);
    step();
    t.remove(e);
    step();
    t.add(a, "c.txt", dir_record()); // the removed name, now a directory
    step();
    t.remove(b);
    step();
    ItemRecord dd = t.at(d);
    dd.gid = 42;
    t.set_attributes(d, dd);
    step();
    t.add(d, "f", file_record(4096));
    step();
    ASSERT_EQ(states.size(), t.change_point() + 1);

    for (u64 point = t.change_point(); point-- > 0;) {
        t.rollback_to(point);
        ASSERT_EQ(t.change_point(), point);
        EXPECT_EQ(snapshot(t), states[point]) << "after rollback to " << point;
    }
    EXPECT_EQ(t.item_slots(), 1u);
    // The tree is usable again after a full rollback.
    ItemId x = t.add(root_item, "a", dir_record());
    EXPECT_EQ(t.resolve(root_item, "/a"), x);
    EXPECT_EQ(t.directory_count(), 1u);
}

TEST(ItemTree, RollbackRestoresChildOrderAfterRemovingTheHead) {
    ItemTree t;
    t.add(root_item, "x", file_record(1));
    t.add(root_item, "y", file_record(1));
    ItemId z = t.add(root_item, "z", file_record(1)); // head of the list (newest first)
    const Snapshot before = snapshot(t);
    const u64 point = t.change_point();
    t.remove(z);
    t.remove(t.child(root_item, "x")); // tail
    t.add(root_item, "w", file_record(1));
    t.rollback_to(point);
    EXPECT_EQ(snapshot(t), before);
    EXPECT_EQ(before.children.at("/"), (std::vector<std::string>{"z", "y", "x"}));
}

TEST(ItemTree, ForgetBeforeStopsRollbackAtThatPoint) {
    // forget_before(p): "nothing may roll back past it" (LockInChangePoint).
    ItemTree t;
    t.add(root_item, "a", file_record(1));
    t.add(root_item, "b", file_record(1));
    const Snapshot at2 = snapshot(t);
    t.add(root_item, "c", file_record(1)); // three adds, one journal range
    t.forget_before(2);
    t.rollback_to(0);
    EXPECT_EQ(t.change_point(), 2u);
    EXPECT_EQ(snapshot(t), at2);
    EXPECT_EQ(t.resolve(root_item, "/a"), 1u);
}

TEST(ItemTree, ForgetBeforeKeepsLaterChanges) {
    ItemTree t;
    ItemId a = t.add(root_item, "a", dir_record());
    ItemRecord r = t.at(a);
    r.uid = 7;
    t.set_attributes(a, r);
    const u64 locked = t.change_point();
    const Snapshot at_lock = snapshot(t);
    t.forget_before(locked);
    t.add(a, "x", file_record(1));
    t.remove(t.child(a, "x"));
    r.uid = 8;
    t.set_attributes(a, r);
    t.rollback_to(locked);
    EXPECT_EQ(snapshot(t), at_lock);
    EXPECT_EQ(t.at(a).uid, 7u);
}

TEST(ItemTree, PathsOfDeepItems) {
    ItemTree t;
    ItemId at = root_item;
    std::string expected;
    for (int i = 0; i < 20; ++i) {
        at = t.add(at, "level" + std::to_string(i), dir_record());
        expected += "/level" + std::to_string(i);
    }
    EXPECT_EQ(t.path(at), expected);
    EXPECT_EQ(t.resolve(root_item, expected), at);
    ItemId f = t.add(at, "na\xc3\xafve file.txt", file_record(1));
    EXPECT_EQ(t.path(f), expected + "/na\xc3\xafve file.txt");
}

TEST(ItemTree, HardLinkGroupsAreNumberedPerInode) {
    ItemTree t;
    const u32 g1 = t.link_group_for(1, 100);
    const u32 g2 = t.link_group_for(1, 101);
    EXPECT_EQ(g1, 1u); // 0 means "no group"
    EXPECT_EQ(g2, 2u);
    EXPECT_EQ(t.link_group_for(1, 100), g1);
    EXPECT_EQ(t.link_group_for(2, 100), 3u); // same inode number, other device
}

TEST(ItemTree, HardLinkedFilesShareOneExtent) {
    // DataPlacer: a hard-link group is placed once; every name points at it (RRIP PX links).
    ItemTree t;
    const u32 group = t.link_group_for(3, 33);
    ItemRecord r = file_record(5000);
    r.link_group = group;
    ItemId first = t.add(root_item, "a.bin", r);
    ItemId second = t.add(root_item, "b.bin", r);
    ItemId other = t.add(root_item, "c.bin", file_record(100));
    FilePlacement placement;
    LayoutBuilder layout(20);
    placement.place(t, layout, 0);
    EXPECT_EQ(placement.lba(first), 20u);
    EXPECT_EQ(placement.lba(second), 20u);
    EXPECT_EQ(placement.lba(other), 23u); // after the group's 3 blocks
    EXPECT_EQ(placement.order(), (std::vector<ItemId>{first, other}));
    EXPECT_EQ(placement.links(t, first), 2u);
    EXPECT_EQ(placement.links(t, second), 2u);
    EXPECT_EQ(placement.links(t, other), 1u);
    EXPECT_EQ(placement.serial(t, first), placement.serial(t, second));
    EXPECT_NE(placement.serial(t, first), placement.serial(t, other));
    EXPECT_EQ(layout.next_block(), 24u);
}

TEST(ItemTree, CopiesAreIndependent) {
    // A result image keeps a snapshot; the next change copies the tree.
    ItemTree t;
    t.add(root_item, "a", file_record(1));
    ItemTree copy(t);
    t.add(root_item, "b", file_record(1));
    EXPECT_EQ(copy.resolve(root_item, "/b"), no_item);
    EXPECT_EQ(copy.file_count(), 1u);
    EXPECT_NE(copy.resolve(root_item, "/a"), no_item);
    copy.add(root_item, "c", file_record(1));
    EXPECT_EQ(t.resolve(root_item, "/c"), no_item);
}

} // namespace
} // namespace discwright::fs
