#include "virtual/fault_plan.h"

#include <nlohmann/json.hpp>

namespace discwright::virtual_recorder {

namespace {

// Blocks of a write of `count` that go through before a threshold `after` counted from
// `written`; nullopt when the write stays below it.
std::optional<u64> crossing(std::optional<u64> after, u64 written, u64 count) {
    if (!after) return std::nullopt;
    if (written >= *after) return 0;
    const u64 left = *after - written;
    if (count <= left) return std::nullopt;
    return left;
}

template <class T>
void put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
    if (v)
        j[key] = *v;
    else
        j[key] = nullptr;
}

template <class T>
void get_optional(const nlohmann::json& j, const char* key, std::optional<T>& v) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        v.reset();
    else
        v = it->get<T>();
}

} // namespace

WriteFaultHit FaultInjector::on_write(u64 lba, u64 count, UnderrunProtection protection) {
    WriteFaultHit hit;
    u64 first = count;
    auto consider = [&](WriteFault fault, std::optional<u64> before) {
        if (before && *before < first) {
            first = *before;
            hit = {fault, *before, lba + *before};
        }
    };
    if (m_plan.write_error_at_lba && *m_plan.write_error_at_lba >= lba &&
        *m_plan.write_error_at_lba - lba < count)
        consider(WriteFault::WriteError, *m_plan.write_error_at_lba - lba);
    consider(WriteFault::PowerLoss, crossing(m_plan.power_loss_after_sectors, m_written, count));
    consider(WriteFault::MediumRemoved, crossing(m_plan.remove_after_sectors, m_written, count));
    const auto underrun = crossing(m_plan.underrun_after_sectors, m_written, count);
    if (underrun && protection == UnderrunProtection::On) {
        // Buffer under-run free recording (BURN-Proof and kin) resumes seamlessly.
        m_plan.underrun_after_sectors.reset();
    } else {
        consider(WriteFault::Underrun, underrun);
    }
    switch (hit.fault) {
    case WriteFault::PowerLoss:
        m_plan.power_loss_after_sectors.reset();
        break;
    case WriteFault::MediumRemoved:
        m_plan.remove_after_sectors.reset();
        break;
    case WriteFault::Underrun:
        m_plan.underrun_after_sectors.reset();
        break;
    case WriteFault::WriteError:
    case WriteFault::None:
        break;
    }
    return hit;
}

std::optional<u64> FaultInjector::corrupt_block(u64 lba, u64 count) const {
    const auto bad = m_plan.corrupt_read_at_lba;
    if (bad && *bad >= lba && *bad - lba < count) return *bad - lba;
    return std::nullopt;
}

bool FaultInjector::take_long_write_poll() {
    if (m_plan.long_write_in_progress_polls == 0) return false;
    --m_plan.long_write_in_progress_polls;
    return true;
}

void to_json(nlohmann::json& j, const FaultPlan& plan) {
    j = nlohmann::json::object();
    put_optional(j, "write_error_at_lba", plan.write_error_at_lba);
    put_optional(j, "corrupt_read_at_lba", plan.corrupt_read_at_lba);
    put_optional(j, "power_loss_after_sectors", plan.power_loss_after_sectors);
    put_optional(j, "remove_after_sectors", plan.remove_after_sectors);
    put_optional(j, "underrun_after_sectors", plan.underrun_after_sectors);
    j["long_write_in_progress_polls"] = plan.long_write_in_progress_polls;
}

void from_json(const nlohmann::json& j, FaultPlan& plan) {
    plan = {};
    get_optional(j, "write_error_at_lba", plan.write_error_at_lba);
    get_optional(j, "corrupt_read_at_lba", plan.corrupt_read_at_lba);
    get_optional(j, "power_loss_after_sectors", plan.power_loss_after_sectors);
    get_optional(j, "remove_after_sectors", plan.remove_after_sectors);
    get_optional(j, "underrun_after_sectors", plan.underrun_after_sectors);
    plan.long_write_in_progress_polls = j.value("long_write_in_progress_polls", u32{0});
}

} // namespace discwright::virtual_recorder
