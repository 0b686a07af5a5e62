#pragma once
// System Use Sharing Protocol (SUSP 1.12) and Rock Ridge (RRIP 1.12) entries of the primary
// tree's records, checked entry by entry: lengths, versions, continuation areas (inside the
// volume, no loops), PX file types, NM and SL structure, TF lengths, CL / PL / RE links.

#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "fs/import/validation_context.h"

namespace discwright::fs::import {

/// What one record's system use area says, for the checks that need the tree.
struct RecordSystemUse {
    std::optional<u32> mode;        ///< PX st_mode
    std::optional<u32> child_link;  ///< CL
    std::optional<u32> parent_link; ///< PL
    bool relocated = false;         ///< RE
};

/// Where a record's system use area is, and what kind of record holds it.
struct SystemUseSite {
    enum class Role : u8 { Dot, DotDot, Other };
    Role role = Role::Other;
    bool root = false;      ///< the root's own "." record (SP, skip bytes not applied)
    bool directory = false; ///< the record's directory flag
    u64 lba = 0;            ///< the block holding the record
    std::size_t offset = 0; ///< the area's offset in that block
};

class SystemUseChecker {
public:
    SystemUseChecker(const SessionContext& ctx, ExtentMap& extents)
        : m_ctx(ctx), m_extents(extents) {}

    /// The root's "." record: SUSP is in use when it opens with a valid SP entry (SUSP 5.3).
    void start(std::span<const std::byte> root_dot, const SystemUseSite& site);
    [[nodiscard]] bool active() const { return m_active; }

    /// Checks one record's area. Without SUSP it only notices Rock Ridge entries that readers
    /// will ignore (susp-sp, once).
    RecordSystemUse check(std::span<const std::byte> area, const SystemUseSite& site,
                          const std::string& path);

    /// Reports what needs the whole tree (rrip-er).
    void finish(const std::string& volume);

private:
    struct RecordState;
    void parse(std::span<const std::byte> area, u64 lba, RecordState& st, RecordSystemUse& out);
    std::span<const std::byte> continuation(u64 first, u64 blocks);
    void sniff(std::span<const std::byte> area, const SystemUseSite& site, const std::string& path);

    const SessionContext& m_ctx;
    ExtentMap& m_extents;
    bool m_active = false;
    bool m_started = false;
    bool m_reported_missing_sp = false;
    bool m_rock_ridge_used = false;
    bool m_er_rrip = false;
    std::string m_first_rr_path;
    u8 m_skip = 0;
    std::unordered_set<u64> m_continuations_seen; // first block * 64 + blocks
    u64 m_cached_first = ~u64{0};
    std::vector<std::byte> m_cached;
};

} // namespace discwright::fs::import
