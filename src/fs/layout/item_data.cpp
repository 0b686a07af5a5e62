#include "fs/layout/item_data.h"

#include <sys/stat.h>

#include "discwright/error.h"

namespace discwright::fs {

namespace {

[[noreturn]] void changed(const ItemTree& tree, ItemId id, const std::string& what, u64 now) {
    const auto& r = tree.at(id);
    throw Error(ErrorCode::DataStreamInconsistency,
                fmt::format("'{}' changed size after it was staged: {} bytes expected, {} found "
                            "(image path {})",
                            what, r.size, now, tree.path(id)))
        .with_path(what);
}

} // namespace

StreamPtr open_item_data(const ItemTree& tree, ItemId id) {
    const auto& r = tree.at(id);
    StreamPtr s = tree.stream(id);
    std::string what;
    if (!s) {
        what = tree.host_path(id);
        if (what.empty())
            throw Error(ErrorCode::Internal,
                        fmt::format("'{}' has {} bytes but no source", tree.path(id), r.size));
        try {
            s = std::make_shared<FileStream>(what);
        } catch (Error& e) {
            e.add_frame(fmt::format("staged as {}", tree.path(id)));
            throw;
        }
    } else {
        what = s->description();
    }
    if (s->size() != r.size) changed(tree, id, what, s->size());
    return s;
}

void check_item_unchanged(const ItemTree& tree, ItemId id, const Stream& data) {
    int fd = data.native_fd();
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<u64>(st.st_size) != tree.at(id).size)
        changed(tree, id, data.description(), static_cast<u64>(st.st_size));
}

} // namespace discwright::fs
