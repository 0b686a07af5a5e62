#include "cli/image_verify_command.h"

#include <algorithm>

#include "cli/image_reading.h"
#include "discwright/image_validator.h"

namespace discwright::cli {

namespace {

struct VerifyOptions {
    std::string image;
};

const char* severity_name(ValidationProblem::Severity s) {
    return s == ValidationProblem::Severity::Error ? "error" : "warning";
}

int run(const VerifyOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        SignalCancellation cancel;
        ImageValidator validator;
        if (names_drive(o.image))
            validator.set_stream(open_medium(o.image));
        else
            validator.set_path(o.image);
        validator.validate();
        const ValidationReport report = validator.check(cancel.token());
        std::string text;
        std::size_t width = 0;
        for (const ValidationProblem& p : report.problems)
            width = std::max(width, p.check.size());
        for (const ValidationProblem& p : report.problems) {
            nlohmann::json j{{"event", "problem"},
                             {"severity", severity_name(p.severity)},
                             {"check", p.check},
                             {"lba", p.lba ? nlohmann::json(*p.lba) : nlohmann::json(nullptr)},
                             {"path", p.path},
                             {"message", p.message}};
            reporter.json_line(j);
            // Messages usually name the path already; say it only when they do not.
            const bool named = p.path.empty() || p.message.find(p.path) != std::string::npos;
            text += fmt::format("{:<7} {:<{}} {:>10}  {}{}\n", severity_name(p.severity), p.check,
                                width, p.lba ? fmt::format("LBA {}", *p.lba) : std::string("-"),
                                named ? std::string() : "'" + p.path + "': ", p.message);
        }
        const std::size_t errors = report.errors(), warnings = report.warnings();
        text += fmt::format("{}: {}, {} error{}, {} warning{}", o.image,
                            report.clean() ? "clean" : "damaged", errors, errors == 1 ? "" : "s",
                            warnings, warnings == 1 ? "" : "s");
        reporter.result({{"image", o.image},
                         {"clean", report.clean()},
                         {"errors", errors},
                         {"warnings", warnings}},
                        text);
        return report.clean() ? 0 : exit_status(ErrorCategory::Input);
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_image_verify_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<VerifyOptions>();
    CLI::App* cmd = image.add_subcommand(
        "verify", "Check that an image is well formed; list every problem with its block");
    cmd->add_option("image", o->image, "Image file to check")->required();
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
