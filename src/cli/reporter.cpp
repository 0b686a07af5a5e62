#include "cli/reporter.h"

#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

namespace discwright::cli {

using nlohmann::json;

Reporter::Reporter(OutputMode mode, bool verbose)
    : m_mode(mode), m_verbose(verbose), m_tty(::isatty(STDERR_FILENO) != 0) {}

Reporter::~Reporter() {
    clear_bar();
}

EventHandler Reporter::handler() {
    return [this](const Event& e) { on_event(e); };
}

void Reporter::emit_json(const json& j) {
    std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
}

void Reporter::clear_bar() {
    if (m_bar_shown) {
        std::fputs("\r\033[K", stderr);
        m_bar_shown = false;
    }
}

void Reporter::on_event(const Event& event) {
    if (m_mode == OutputMode::Quiet) return;
    if (const auto* p = std::get_if<ProgressEvent>(&event)) {
        if (p->action == ProgressAction::Completed && m_mode == OutputMode::Json) {
            emit_json({{"event", "progress"},
                       {"action", to_string(p->action)},
                       {"done", p->done},
                       {"total", p->total},
                       {"elapsed_seconds", p->elapsed_seconds},
                       {"remaining_seconds", p->remaining_seconds},
                       {"current_file", p->current_file}});
            return;
        }
        progress(to_string(p->action), p->done, p->total, p->elapsed_seconds, p->remaining_seconds,
                 p->current_file);
        return;
    }
    if (std::get_if<FileProgressEvent>(&event)) return; // the bar shows the overall figure
    if (const auto* m = std::get_if<NameMappedEvent>(&event)) {
        if (m_mode == OutputMode::Json) {
            emit_json({{"event", "name_mapped"},
                       {"namespace", to_string(m->ns)},
                       {"path", m->path},
                       {"original", m->original},
                       {"mapped", m->mapped},
                       {"reason", m->reason}});
            return;
        }
        auto& [count, example] = m_mapped[to_string(m->ns)];
        if (!count++) example = fmt::format("'{}' -> '{}' ({})", m->path, m->mapped, m->reason);
        if (m_verbose) {
            clear_bar();
            fmt::print(stderr, "discwright: {}: '{}' recorded as '{}': {}\n", to_string(m->ns),
                       m->path, m->mapped, m->reason);
        }
        return;
    }
    if (const auto* w = std::get_if<WarningEvent>(&event)) {
        ++m_warnings;
        if (m_mode == OutputMode::Json) {
            emit_json({{"event", "warning"}, {"message", w->message}, {"path", w->path}});
            return;
        }
        if (m_verbose || m_warnings <= 5) {
            clear_bar();
            fmt::print(stderr, "discwright: warning: {}\n", w->message);
        }
    }
}

void Reporter::progress(std::string_view action, u64 done, u64 total, double elapsed_seconds,
                        double remaining_seconds, const std::string& current_file) {
    if (m_mode == OutputMode::Quiet) return;
    auto now = std::chrono::steady_clock::now();
    if (m_mode == OutputMode::Json) {
        if (done != total && now - m_last_bar < std::chrono::milliseconds(250)) return;
        m_last_bar = now;
        emit_json({{"event", "progress"},
                   {"action", action},
                   {"done", done},
                   {"total", total},
                   {"elapsed_seconds", elapsed_seconds},
                   {"remaining_seconds", remaining_seconds},
                   {"current_file", current_file}});
        return;
    }
    if (!m_tty) return;
    if (now - m_last_bar < std::chrono::milliseconds(100) && done != total) return;
    m_last_bar = now;
    std::string line;
    if (total) {
        const double f = static_cast<double>(done) / static_cast<double>(total);
        const int width = 30, filled = static_cast<int>(f * width);
        line = fmt::format("\r\033[K[{}{}] {:3.0f}% {} / {} MiB", std::string(filled, '#'),
                           std::string(width - filled, ' '), f * 100, done >> 20, total >> 20);
        if (remaining_seconds >= 0) line += fmt::format("  {:.0f} s left", remaining_seconds);
    } else {
        line = fmt::format("\r\033[K{}: {} items", action, done);
    }
    std::fputs(line.c_str(), stderr);
    m_bar_shown = true;
}

void Reporter::json_line(const json& j) {
    if (m_mode == OutputMode::Json) emit_json(j);
}

void Reporter::result(const json& result, const std::string& summary) {
    clear_bar();
    if (m_mode == OutputMode::Json) {
        json r = result;
        r["event"] = "result";
        emit_json(r);
        return;
    }
    if (m_mode == OutputMode::Quiet) return;
    for (const auto& [ns, info] : m_mapped)
        fmt::print(stderr, "discwright: {} name{} mapped in {} (e.g. {}){}\n", info.first,
                   info.first == 1 ? "" : "s", ns, info.second,
                   m_verbose ? "" : "; --verbose lists them");
    if (m_warnings > 5 && !m_verbose)
        fmt::print(stderr, "discwright: {} more warnings; --verbose lists them\n", m_warnings - 5);
    fmt::print("{}\n", summary);
}

int Reporter::error(const Error& e) {
    clear_bar();
    const int status = exit_status(e.category());
    if (m_mode == OutputMode::Json) {
        json j{{"event", "error"},
               {"code", std::string(to_string(e.code()))},
               {"imapi", std::string(imapi_name(e.code()))},
               {"message", e.what()},
               {"exit_status", status}};
        if (!e.context().path.empty()) j["path"] = e.context().path;
        if (!e.context().option.empty()) j["option"] = e.context().option;
        if (e.context().lba) j["lba"] = *e.context().lba;
        if (!e.context().drive.empty()) j["drive"] = e.context().drive;
        if (!e.context().owner.empty()) j["owner"] = e.context().owner;
        if (const auto& s = e.context().sense)
            j["sense"] = {{"key", s->key},
                          {"asc", s->asc},
                          {"ascq", s->ascq},
                          {"description", s->description}};
        emit_json(j);
    }
    fmt::print(stderr, "discwright: {}\n", e.what());
    return status;
}

int Reporter::internal_error(const std::exception& e) {
    return error(Error(ErrorCode::Internal, fmt::format("internal error (a bug): {}", e.what())));
}

int Reporter::usage_error(const std::string& message) {
    return error(Error(ErrorCode::InvalidParam, message));
}

} // namespace discwright::cli
