#pragma once
// Opening a staged file's bytes when the image is produced. The size staged is the size
// promised: a source that changed size, vanished or cannot be read is an error naming both its
// image path and its host path, never a silently wrong image.

#include "discwright/stream.h"
#include "fs/item_tree.h"

namespace discwright::fs {

/// The data of file `id`, checked against its staged size. Throws DataStreamInconsistency,
/// DataStreamCreateFailure or DataStreamReadFailure naming the file.
StreamPtr open_item_data(const ItemTree& tree, ItemId id);

/// After the bytes were read: a host file must still have its staged size.
void check_item_unchanged(const ItemTree& tree, ItemId id, const Stream& data);

} // namespace discwright::fs
