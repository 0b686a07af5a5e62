#pragma once
// DataDiscWriter's private state, shared by its two source files.

#include <atomic>

#include "discwright/cancellation.h"
#include "discwright/data_disc_writer.h"

namespace discwright {

struct DataDiscWriter::State {
    std::atomic<bool> running{false};
    /// cancel_write() cancels this; a new source for each write.
    CancellationSource cancel;
    /// What set_write_speed() chose (0: nothing chosen yet).
    i32 current_speed = 0;
    bool current_cav = false;
};

} // namespace discwright
