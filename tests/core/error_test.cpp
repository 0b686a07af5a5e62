#include <cstdint>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "discwright/error.h"

namespace discwright {
namespace {

TEST(Error, CategoriesGiveExitStatuses) {
    EXPECT_EQ(exit_status(ErrorCategory::Usage), 1);
    EXPECT_EQ(exit_status(ErrorCategory::Input), 2);
    EXPECT_EQ(exit_status(ErrorCategory::Media), 3);
    EXPECT_EQ(exit_status(ErrorCategory::Device), 3);
    EXPECT_EQ(exit_status(ErrorCategory::Cancelled), 4);
    EXPECT_EQ(exit_status(ErrorCategory::Internal), 70);
}

TEST(Error, CodesHaveCategories) {
    EXPECT_EQ(category_of(ErrorCode::InvalidParam), ErrorCategory::Usage);
    EXPECT_EQ(category_of(ErrorCode::NoOutput), ErrorCategory::Usage);
    EXPECT_EQ(category_of(ErrorCode::ImageTooBig), ErrorCategory::Input);
    EXPECT_EQ(category_of(ErrorCode::DataStreamInconsistency), ErrorCategory::Input);
    EXPECT_EQ(category_of(ErrorCode::DataStreamCreateFailure), ErrorCategory::Input);
    EXPECT_EQ(category_of(ErrorCode::MediaIncompatible), ErrorCategory::Media);
    EXPECT_EQ(category_of(ErrorCode::RequestCancelled), ErrorCategory::Cancelled);
    EXPECT_EQ(category_of(ErrorCode::Internal), ErrorCategory::Internal);
    EXPECT_EQ(exit_status(Error(ErrorCode::ImageTooBig, "x").category()), 2);
    EXPECT_EQ(exit_status(Error(ErrorCode::RequestCancelled, "x").category()), 4);
    EXPECT_EQ(exit_status(Error(ErrorCode::Internal, "x").category()), 70);
    EXPECT_EQ(exit_status(Error(ErrorCode::DupName, "x").category()), 2);
    EXPECT_EQ(exit_status(Error(ErrorCode::ReadOnly, "x").category()), 1);
}

TEST(Error, EveryCodeHasItsOwnName) {
    // A code missing from the table would fall back to Internal's entry.
    std::set<std::string_view> names;
    const auto last = static_cast<std::uint16_t>(ErrorCode::Internal);
    for (std::uint16_t v = 0; v <= last; ++v) {
        const auto code = static_cast<ErrorCode>(v);
        EXPECT_TRUE(names.insert(to_string(code)).second) << "duplicate name for code " << v;
        if (code != ErrorCode::Internal) {
            EXPECT_NE(to_string(code), "Internal") << "code " << v << " has no entry";
            EXPECT_NE(category_of(code), ErrorCategory::Internal) << "code " << v;
        }
    }
    EXPECT_EQ(names.size(), last + 1u);
}

TEST(Error, NamesAndImapiSymbols) {
    EXPECT_EQ(to_string(ErrorCode::ImageTooBig), "ImageTooBig");
    EXPECT_EQ(imapi_name(ErrorCode::ImageTooBig), "IMAPI_E_IMAGE_TOO_BIG");
    EXPECT_EQ(imapi_name(ErrorCode::DataStreamInconsistency), "IMAPI_E_DATA_STREAM_INCONSISTENCY");
    EXPECT_EQ(imapi_name(ErrorCode::RequestCancelled), "E_IMAPI_REQUEST_CANCELLED");
    EXPECT_EQ(fmt::format("{}", ErrorCode::DupName), "DupName");
    EXPECT_EQ(fmt::format("[{:>10}]", ErrorCode::DupName), "[   DupName]");
}

TEST(Error, MessageAndContext) {
    Error e(ErrorCode::DataStreamReadFailure, "cannot read 'a.txt': Input/output error");
    e.with_path("a.txt").with_option("--input").with_lba(300);
    EXPECT_EQ(e.code(), ErrorCode::DataStreamReadFailure);
    EXPECT_EQ(e.message(), "cannot read 'a.txt': Input/output error");
    EXPECT_STREQ(e.what(), "cannot read 'a.txt': Input/output error");
    EXPECT_EQ(e.context().path, "a.txt");
    EXPECT_EQ(e.context().option, "--input");
    ASSERT_TRUE(e.context().lba.has_value());
    EXPECT_EQ(*e.context().lba, 300u);
    EXPECT_TRUE(e.context().drive.empty());
    EXPECT_TRUE(e.frames().empty());
}

TEST(Error, FramesAppearInWhatInnermostFirst) {
    Error e(ErrorCode::ImageTooBig, "image too big: 400000 blocks for 359846");
    e.add_frame("while laying out").add_frame("while writing out.iso");
    EXPECT_STREQ(e.what(), "image too big: 400000 blocks for 359846 (while laying out) "
                           "(while writing out.iso)");
    EXPECT_EQ(e.message(), "image too big: 400000 blocks for 359846");
    EXPECT_EQ(e.frames(), (std::vector<std::string>{"while laying out", "while writing out.iso"}));
}

TEST(Error, FramesSurviveRethrowAndCopy) {
    try {
        try {
            throw Error(ErrorCode::DataStreamInconsistency, "'a' shrank").with_path("a");
        } catch (Error& e) {
            e.add_frame("while writing out.iso");
            throw;
        }
    } catch (const std::exception& base) {
        EXPECT_STREQ(base.what(), "'a' shrank (while writing out.iso)");
        const auto* e = dynamic_cast<const Error*>(&base);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->context().path, "a");
        Error copy = *e;
        EXPECT_STREQ(copy.what(), "'a' shrank (while writing out.iso)");
    }
}

} // namespace
} // namespace discwright
