#include "fs/layout/plan_report.h"

namespace discwright::fs {

void PlanReport::emit(Event e) {
    if (m_hold)
        m_held.push_back(std::move(e));
    else if (m_events && *m_events)
        (*m_events)(e);
}

void PlanReport::mapped(Namespace ns, std::string path, std::string original, std::string mapped,
                        const char* reason, ErrorCode strict_code, bool enforce) {
    if (m_strict && enforce) {
        problem(strict_code,
                fmt::format("'{}' cannot keep its name in {}: {} (it would be '{}')", path,
                            to_string(ns), reason, mapped),
                path);
        return;
    }
    emit(NameMappedEvent{ns, std::move(path), std::move(original), std::move(mapped), reason});
}

void PlanReport::warning(std::string message, std::string path, ErrorCode strict_code,
                         bool enforce) {
    if (m_strict && enforce) {
        problem(strict_code, std::move(message), std::move(path));
        return;
    }
    emit(WarningEvent{std::move(message), std::move(path)});
}

void PlanReport::problem(ErrorCode code, std::string message, std::string path) {
    m_problems.push_back({code, std::move(message), std::move(path)});
}

void PlanReport::flush_into(PlanReport& into) {
    for (auto& e : m_held)
        into.emit(std::move(e));
    m_held.clear();
    for (auto& p : m_problems)
        into.m_problems.push_back(std::move(p));
    m_problems.clear();
}

void PlanReport::throw_if_problems() const {
    if (m_problems.empty()) return;
    constexpr std::size_t shown = 20;
    std::string msg = m_problems.front().message;
    if (m_problems.size() > 1) {
        msg = fmt::format("{} problems stop the image:", m_problems.size());
        for (std::size_t i = 0; i < m_problems.size() && i < shown; ++i)
            msg += "\n  " + m_problems[i].message;
        if (m_problems.size() > shown)
            msg += fmt::format("\n  ... and {} more", m_problems.size() - shown);
    }
    Error e(m_problems.front().code, msg);
    e.with_path(m_problems.front().path);
    throw e;
}

} // namespace discwright::fs
