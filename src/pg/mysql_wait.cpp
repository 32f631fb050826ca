#include "pg/mysql_wait.hpp"

#include "pg/copy/load.hpp"
#include "pg/copy/shared.hpp"
#include "pg/guard.hpp"

extern "C" {
#include "postgres.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {

namespace {

int WaitOnce(int socket, int events, long timeout_ms, CopyRunShared *run) {
    const TimestampTz start = GetCurrentTimestamp();
    for (;;) {
        int flags = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH;
        if (events & mysql::kWaitRead)
            flags |= WL_SOCKET_READABLE;
        if (events & mysql::kWaitWrite)
            flags |= WL_SOCKET_WRITEABLE;
        long wait = -1;
        if (timeout_ms >= 0) {
            flags |= WL_TIMEOUT;
            long elapsed = static_cast<long>((GetCurrentTimestamp() - start) / 1000);
            wait = timeout_ms > elapsed ? timeout_ms - elapsed : 0;
        }
        int rc = PgCall([&] { return WaitLatchOrSocket(MyLatch, flags, socket, wait, PG_WAIT_EXTENSION); });
        int ready = 0;
        if (rc & WL_SOCKET_READABLE)
            ready |= mysql::kWaitRead;
        if (rc & WL_SOCKET_WRITEABLE)
            ready |= mysql::kWaitWrite;
        if (rc & WL_LATCH_SET) {
            PgCall([] {
                ResetLatch(MyLatch);
                CHECK_FOR_INTERRUPTS();
            });
            if (run != nullptr &&
                static_cast<AbortReason>(pg_atomic_read_u32(&run->abort)) != AbortReason::kNone)
                throw RunAborted();
        }
        if (ready != 0)
            return ready;
        if (rc & WL_TIMEOUT)
            return mysql::kWaitTimeout;
    }
}

} // namespace

mysql::IoWaiter LatchWaiter(CopyRunShared *run) {
    return
        [run](int socket, int events, int timeout_ms) { return WaitOnce(socket, events, timeout_ms, run); };
}

} // namespace chameleon::pg
