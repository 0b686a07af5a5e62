#pragma once
// The item record of a host file, folder or link, from its stat(2) result.

#include <sys/stat.h>

#include "discwright/clock.h"
#include "fs/item_tree.h"

namespace discwright::fs {

/// Kind, mode, owner, size and times of a host entry. Under a fixed clock (--date,
/// SOURCE_DATE_EPOCH) the access and attribute-change times are recorded as the modification
/// time: a reader touches the first and a copy renews the second, and nobody can set them
/// back, so keeping them would make the same tree give different images.
ItemRecord host_record(const struct stat& st, const Clock& clock);

} // namespace discwright::fs
