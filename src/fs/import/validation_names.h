#pragma once
// Identifier rules of each namespace, as the validator checks them: ECMA-119 7.4-7.6 for the
// primary tree and descriptors, the Joliet specification for UCS-2 names, ISO 9660:1999 7.5.

#include <string>
#include <string_view>

#include "discwright/file_system_image.h"
#include "fs/import/validation_log.h"

namespace discwright::fs::import {

/// ECMA-119 7.4.1: A-Z 0-9 _.
[[nodiscard]] bool is_d_character(char c);
/// ECMA-119 7.4.1: the d-characters, space and ! " % & ' ( ) * + , - . / : ; < = > ?
[[nodiscard]] bool is_a_character(char c);

/// The identifier as a path component, in UTF-8 (Joliet decoded from UCS-2), version kept.
[[nodiscard]] std::string display_identifier(FsType ns, std::string_view id);

/// The identifier as readers show it, in its recorded bytes: without ";version", and for an
/// ISO 9660 file without a dot left at the end.
[[nodiscard]] std::string_view shown_identifier(FsType ns, std::string_view id, bool directory);

/// Checks one identifier of a directory record ("." and ".." excluded) against its
/// namespace's rules.
void check_identifier(FsType ns, std::string_view id, bool directory, const std::string& path,
                      u64 lba, ProblemLog& log);

} // namespace discwright::fs::import
