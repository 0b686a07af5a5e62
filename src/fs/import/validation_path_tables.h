#pragma once
// The path tables of one namespace (ECMA-119 6.9, 9.4): the L and M tables (and the optional
// copies) hold the same records, in order of level, parent number and name, and list every
// folder of the walked tree with its extent and parent.

#include "fs/import/validation_tree.h"

namespace discwright::fs::import {

void check_path_tables(const SessionContext& ctx, const NamespaceVolume& volume,
                       const TreeWalk& walk, ExtentMap& extents);

} // namespace discwright::fs::import
