#include <string>

#include <gtest/gtest.h>

#include "discwright/events.h"

namespace discwright {
namespace {

TEST(Events, ProgressActionNames) {
    EXPECT_STREQ(to_string(ProgressAction::AddingTree), "adding tree");
    EXPECT_STREQ(to_string(ProgressAction::LayingOut), "laying out");
    EXPECT_STREQ(to_string(ProgressAction::WritingImage), "writing image");
    EXPECT_STREQ(to_string(ProgressAction::Completed), "completed");
}

TEST(Events, NamespaceNames) {
    EXPECT_STREQ(to_string(Namespace::Iso9660), "iso9660");
    EXPECT_STREQ(to_string(Namespace::Joliet), "joliet");
    EXPECT_STREQ(to_string(Namespace::Iso9660_1999), "iso9660:1999");
    EXPECT_STREQ(to_string(Namespace::RockRidge), "rockridge");
    EXPECT_STREQ(to_string(Namespace::Udf), "udf");
}

TEST(Events, HandlerSeesTheEvent) {
    std::string seen;
    EventHandler h = [&](const Event& e) {
        if (auto* w = std::get_if<WarningEvent>(&e)) seen = w->message + "@" + w->path;
    };
    h(WarningEvent{.message = "x", .path = "/a"});
    EXPECT_EQ(seen, "x@/a");
}

} // namespace
} // namespace discwright
