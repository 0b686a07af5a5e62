#include "fs/host_record.h"

namespace discwright::fs {

ItemRecord host_record(const struct stat& st, const Clock& clock) {
    ItemRecord r;
    if (S_ISDIR(st.st_mode))
        r.kind = ItemKind::Directory;
    else if (S_ISREG(st.st_mode))
        r.kind = ItemKind::File;
    else if (S_ISLNK(st.st_mode))
        r.kind = ItemKind::Symlink;
    else if (S_ISCHR(st.st_mode))
        r.kind = ItemKind::CharDevice;
    else if (S_ISBLK(st.st_mode))
        r.kind = ItemKind::BlockDevice;
    else if (S_ISFIFO(st.st_mode))
        r.kind = ItemKind::Fifo;
    else
        r.kind = ItemKind::Socket;
    r.mode = st.st_mode;
    r.uid = st.st_uid;
    r.gid = st.st_gid;
    r.size = S_ISREG(st.st_mode) ? static_cast<u64>(st.st_size) : 0;
    r.modify_time = st.st_mtime;
    const bool reproducible = clock.is_fixed();
    r.access_time = reproducible ? st.st_mtime : st.st_atime;
    r.creation_time = reproducible ? st.st_mtime : st.st_ctime;
    return r;
}

} // namespace discwright::fs
