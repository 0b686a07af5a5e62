#pragma once
// How the tool talks: JSON event lines (--json), a progress bar on a terminal, or nothing
// (--quiet); and errors as "discwright: what failed: why" with DESIGN.md's exit statuses.

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "discwright/error.h"
#include "discwright/events.h"

namespace discwright::cli {

enum class OutputMode { Human, Json, Quiet };

/// The flags every subcommand accepts.
struct GlobalOptions {
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    [[nodiscard]] OutputMode mode() const {
        return json ? OutputMode::Json : quiet ? OutputMode::Quiet : OutputMode::Human;
    }
};

class Reporter {
public:
    Reporter(OutputMode mode, bool verbose);
    ~Reporter();

    /// The event handler to give the library.
    EventHandler handler();
    void on_event(const Event& e);
    /// The final result object (JSON) or summary line (human).
    void result(const nlohmann::json& result, const std::string& summary);
    /// One more JSON line on standard output (--json only), e.g. a problem found by a check.
    void json_line(const nlohmann::json& j);
    /// Progress of an action named in words: the bar on a terminal, or a "progress" line at
    /// most four times a second with --json (the last one, done == total, always).
    void progress(std::string_view action, u64 done, u64 total, double elapsed_seconds,
                  double remaining_seconds, const std::string& current_file);
    /// Prints the error and returns the exit status for it.
    int error(const Error& e);
    int internal_error(const std::exception& e);
    int usage_error(const std::string& message);

private:
    void emit_json(const nlohmann::json& j);
    void clear_bar();
    OutputMode m_mode;
    bool m_verbose;
    bool m_tty;
    bool m_bar_shown = false;
    std::chrono::steady_clock::time_point m_last_bar{};
    std::map<std::string, std::pair<u64, std::string>> m_mapped; // namespace -> count, example
    u64 m_warnings = 0;
};

} // namespace discwright::cli
