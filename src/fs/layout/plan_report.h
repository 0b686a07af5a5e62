#pragma once
// What planning an image maps or cannot do: name mappings and warnings go to the caller as
// events; in strict mode they become problems, thrown once at the end, all listed.

#include <string>
#include <utility>
#include <vector>

#include "discwright/error.h"
#include "discwright/events.h"
#include "discwright/file_system_image.h"

namespace discwright::fs {

class PlanReport {
public:
    PlanReport(const EventHandler* events, Compliance compliance)
        : m_events(events), m_strict(compliance == Compliance::Strict) {}
    /// A report for planning on another thread: it holds its events until flush_into().
    static PlanReport held(Compliance compliance) {
        PlanReport r(nullptr, compliance);
        r.m_hold = true;
        return r;
    }

    /// `enforce`: strict mode turns this into an error (false for a namespace written only
    /// because the standard requires it, e.g. the ISO 9660 tree under Joliet alone).
    void mapped(Namespace ns, std::string path, std::string original, std::string mapped,
                const char* reason, ErrorCode strict_code, bool enforce = true);
    void warning(std::string message, std::string path, ErrorCode strict_code, bool enforce = true);
    void problem(ErrorCode code, std::string message, std::string path);
    /// Hands held events and problems to `into`, in the order they came.
    void flush_into(PlanReport& into);
    /// Throws once, listing every problem collected.
    void throw_if_problems() const;
    [[nodiscard]] bool strict() const { return m_strict; }

private:
    void emit(Event e);
    const EventHandler* m_events;
    bool m_strict;
    bool m_hold = false;
    std::vector<Event> m_held;
    struct Problem {
        ErrorCode code;
        std::string message;
        std::string path;
    };
    std::vector<Problem> m_problems;
};

} // namespace discwright::fs
