#pragma once
// Parsing image paths given by callers: '/'-separated, relative to a directory; names are
// checked once here.

#include <string>
#include <string_view>
#include <utility>

#include "discwright/file_system_image.h"
#include "fs/item_tree.h"

namespace discwright::fs {

/// Splits "a/b/c" into ("a/b", "c"); trailing slashes are ignored.
std::pair<std::string_view, std::string_view> split_parent(std::string_view path);

/// Checks a name for the tree: not empty, not "." or "..", no '/' or NUL, at most 255 bytes;
/// with CharacterSet::Restricted, printable ASCII only. Throws InvalidPath or
/// RestrictedNameViolation naming `path`.
void check_name(std::string_view name, std::string_view path, CharacterSet set);

/// Resolves the parent folder of `path` below `from`: DirNotFound or NotDir naming it.
ItemId resolve_parent(const ItemTree& tree, ItemId from, std::string_view parent,
                      std::string_view path);

} // namespace discwright::fs
