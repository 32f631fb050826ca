// The error boundary between C++ and PostgreSQL (DESIGN §3.1).
//
// Two directions, one rule each:
//
//  * C++ → PostgreSQL. Every extern "C" entry point (SQL function, background worker main, hook,
//    callback) runs its body through RunGuarded() (or the CHAMELEON_FUNCTION macro that uses it).
//    A C++ exception never reaches PostgreSQL: it is caught, its text copied, the catch scope left,
//    and only then is ereport(ERROR) raised, so no exception object or destructor is pending when
//    PostgreSQL longjmps.
//
//  * PostgreSQL → C++. C++ code that holds objects with destructors and calls a PostgreSQL function
//    that may ereport() does so through PgCall(). The PostgreSQL error is caught with PG_TRY, copied,
//    flushed, and rethrown as a C++ PgError, so destructors run normally while it unwinds. The
//    (sub)transaction is then in an aborted state: the C++ code must only unwind and let the
//    boundary re-raise the error; it must not call PostgreSQL again.
//
//  * Carrying on after a PostgreSQL error. Only two ways are correct: run the work that may fail
//    in a subtransaction with RunInSubtransaction(), which rolls the subtransaction back on an error
//    (as a PL/pgSQL EXCEPTION block does) and returns the error; or abort the whole transaction
//    (AbortWorkerTransaction in a worker) and only unwind until then. Code that catches a PgError
//    and carries on otherwise is wrong.
//
// A PgError that reaches RunGuarded() is re-raised with ReThrowError(), keeping its SQLSTATE,
// message, detail, hint and context intact.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace chameleon::pg {

// A PostgreSQL error caught by PgCall(), carried through C++ frames as an exception.
class PgError : public std::exception {
public:
    explicit PgError(ErrorData *edata) noexcept : edata_(edata) {}
    const char *what() const noexcept override;
    ErrorData *Data() const noexcept { return edata_; }

private:
    ErrorData *edata_; // copy made by CopyErrorData() in the caller's memory context
};

using GuardedBody = Datum (*)(FunctionCallInfo);

// Runs body(fcinfo); converts any C++ exception into a PostgreSQL ERROR after leaving the catch.
Datum RunGuarded(const char *function_name, GuardedBody body, FunctionCallInfo fcinfo);

// Runs a void body for entry points that are not SQL functions (hooks, callbacks, worker mains).
void RunGuardedVoid(const char *function_name, void (*body)(void *), void *arg);

namespace detail {
// Copies the current PostgreSQL error into `ctx`, clears the error state and returns the copy.
ErrorData *TakeErrorData(MemoryContext ctx);
} // namespace detail

// Calls fn() (a callable that only calls PostgreSQL C functions) so that a PostgreSQL error becomes
// a C++ PgError. A C++ exception thrown by fn() is carried out of the PG_TRY block and rethrown
// after it, so PostgreSQL's exception stack is always restored.
template <typename Fn>
auto PgCall(Fn &&fn) -> decltype(fn()) {
    using Result = decltype(fn());
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData *volatile edata = nullptr; // written after a longjmp
    std::exception_ptr cpp_exception;
    if constexpr (std::is_void_v<Result>) {
        PG_TRY();
        {
            try {
                fn();
            } catch (...) {
                cpp_exception = std::current_exception();
            }
        }
        PG_CATCH();
        { edata = detail::TakeErrorData(caller_context); }
        PG_END_TRY();
        if (cpp_exception)
            std::rethrow_exception(cpp_exception);
        if (edata != nullptr)
            throw PgError(edata);
    } else {
        static_assert(std::is_scalar_v<Result>, "PgCall returns scalars only (Datum, pointers, numbers)");
        volatile Result result{}; // not read after a longjmp, but the compiler cannot know
        PG_TRY();
        {
            try {
                result = fn();
            } catch (...) {
                cpp_exception = std::current_exception();
            }
        }
        PG_CATCH();
        { edata = detail::TakeErrorData(caller_context); }
        PG_END_TRY();
        if (cpp_exception)
            std::rethrow_exception(cpp_exception);
        if (edata != nullptr)
            throw PgError(edata);
        return result;
    }
}

// How RunInSubtransaction ends a body that did not fail: kRelease keeps its work (its XID, if it
// got one, stays with the transaction until the top-level commit), kRollback discards it.
enum class SubtransactionEnd { kRelease, kRollback };

// "Run this in a subtransaction, or abort and only unwind": runs body() in an internal
// subtransaction. A PostgreSQL error (a PgError) rolls the subtransaction back (its locks, memory,
// buffers, SPI connections and resource owner released) and is returned; nullopt when the body did
// not fail, the subtransaction then released or rolled back as body() says. Any other exception rolls
// the subtransaction back and is rethrown. The body runs in the caller's memory context (as a
// PL/pgSQL block does), so what it allocates there, and the returned error's data, outlive the
// subtransaction; a body that reads PostgreSQL state the rollback frees (a COPY's current line)
// reads it when it catches the PgError, then rethrows it. On return the caller's memory context and
// resource owner are current again.
std::optional<PgError> RunInSubtransaction(const std::function<SubtransactionEnd()> &body);

} // namespace chameleon::pg

// Defines an SQL-callable C function `name` whose body is C++ run under the error boundary:
//
//   CHAMELEON_FUNCTION(chameleon_version) { ... return CStringGetTextDatum(...); }
#define CHAMELEON_FUNCTION(name)                                                                             \
    static Datum name##_body(FunctionCallInfo fcinfo);                                                       \
    extern "C" {                                                                                             \
    PG_FUNCTION_INFO_V1(name);                                                                               \
    Datum name(PG_FUNCTION_ARGS) {                                                                           \
        return chameleon::pg::RunGuarded(#name, name##_body, fcinfo);                                        \
    }                                                                                                        \
    }                                                                                                        \
    static Datum name##_body(FunctionCallInfo fcinfo)
