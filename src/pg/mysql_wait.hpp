// Waiting for a MySQL socket the PostgreSQL way: WaitLatchOrSocket, so that interrupts
// (cancellation, SIGTERM) and postmaster death are seen while MySQL is slow, instead of after a
// read timeout.
#pragma once

#include "mysql/connection.hpp"

namespace chameleon::pg {

struct CopyRunShared;

// A waiter for mysql::Connection::Open: waits on the socket and the process latch, runs
// CHECK_FOR_INTERRUPTS on every wake-up (a PostgreSQL error arrives as PgError), and, when `run` is
// given, throws RunAborted once the run is being aborted.
mysql::IoWaiter LatchWaiter(CopyRunShared *run);

} // namespace chameleon::pg
