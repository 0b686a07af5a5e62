// CancellationToken: long operations poll it at their safe points.

#include "discwright/cancellation.h"
#include "discwright/error.h"

namespace discwright {

void CancellationToken::throw_if_cancelled() const {
    if (cancelled()) throw Error(ErrorCode::RequestCancelled, "operation cancelled");
}

} // namespace discwright
