#include <thread>

#include <gtest/gtest.h>

#include "discwright/cancellation.h"
#include "discwright/error.h"

namespace discwright {
namespace {

TEST(Cancellation, DefaultTokenIsNeverCancelled) {
    CancellationToken t;
    EXPECT_FALSE(t.cancelled());
    EXPECT_NO_THROW(t.throw_if_cancelled());
}

TEST(Cancellation, CancelReachesEveryToken) {
    CancellationSource src;
    auto a = src.token();
    auto b = src.token();
    EXPECT_FALSE(a.cancelled());
    EXPECT_NO_THROW(a.throw_if_cancelled());
    std::thread([&] { src.cancel(); }).join();
    EXPECT_TRUE(src.cancelled());
    EXPECT_TRUE(a.cancelled());
    EXPECT_TRUE(b.cancelled());
    try {
        b.throw_if_cancelled();
        FAIL() << "a cancelled token did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::RequestCancelled);
        EXPECT_EQ(e.message(), "operation cancelled");
        EXPECT_EQ(exit_status(e.category()), 4);
    }
}

TEST(Cancellation, SourcesAreIndependent) {
    CancellationSource one, two;
    one.cancel();
    EXPECT_TRUE(one.token().cancelled());
    EXPECT_FALSE(two.token().cancelled());
}

} // namespace
} // namespace discwright
