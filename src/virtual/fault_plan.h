#pragma once
// Fault injection for the virtual drive: the persisted FaultPlan (discwright/virtual_recorder.h)
// and the counters a drive keeps while it runs. The injector only decides what happens; the
// drive answers with the sense a real drive gives for it. Sector counts run from when the
// drive opened the medium, and start again when the drive reloads a plan changed from outside.

#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "discwright/virtual_recorder.h"

namespace discwright::virtual_recorder {

enum class WriteFault : u8 { None, WriteError, PowerLoss, MediumRemoved, Underrun };

/// Whether the write parameters page has BUFE set (MMC-6 7.5.4.2).
enum class UnderrunProtection : u8 { Off, On };

struct WriteFaultHit {
    WriteFault fault = WriteFault::None;
    /// Blocks of the write that reach the medium before the fault.
    u64 blocks_before = 0;
    /// The failing LBA, for WriteError.
    u64 lba = 0;
};

class FaultInjector {
public:
    explicit FaultInjector(FaultPlan plan = {}) : m_plan(plan) {}

    [[nodiscard]] const FaultPlan& plan() const { return m_plan; }
    void set_plan(const FaultPlan& plan) { m_plan = plan; }

    /// The first fault a write of `count` blocks at `lba` meets. A fault that fires once is
    /// removed from the plan here; an underrun absorbed by BUFE is removed and not reported.
    [[nodiscard]] WriteFaultHit on_write(u64 lba, u64 count, UnderrunProtection protection);
    /// Counts blocks that reached the medium.
    void written(u64 count) { m_written += count; }
    /// The index within a read of `count` blocks at `lba` of the block to corrupt, if any.
    [[nodiscard]] std::optional<u64> corrupt_block(u64 lba, u64 count) const;
    /// True (and one poll fewer) while SYNCHRONIZE CACHE should answer "long write in progress".
    [[nodiscard]] bool take_long_write_poll();

private:
    FaultPlan m_plan;
    u64 m_written = 0;
};

void to_json(nlohmann::json& j, const FaultPlan& plan);
/// Throws nlohmann's type errors for wrong value types; the store turns them into its error.
void from_json(const nlohmann::json& j, FaultPlan& plan);

} // namespace discwright::virtual_recorder
