#pragma once

// Asserting on discwright::Error: the code, and the error itself for checks of its message
// and context.

#include <gtest/gtest.h>

#include "discwright/error.h"

namespace discwright::test {

/// Runs `f`, expecting Error with `code`; returns it for further checks.
template <class F> Error expect_error(ErrorCode code, F&& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        return e;
    }
    ADD_FAILURE() << "expected Error(" << to_string(code) << "), nothing was thrown";
    return Error(ErrorCode::Internal, "nothing thrown");
}

} // namespace discwright::test
