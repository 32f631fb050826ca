#include "common/error.hpp"

#include "pg/guard.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

extern "C" {
#include "access/xact.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
}

namespace chameleon::pg {

const char *PgError::what() const noexcept {
    return (edata_ != nullptr && edata_->message != nullptr) ? edata_->message : "PostgreSQL error";
}

namespace detail {
ErrorData *TakeErrorData(MemoryContext ctx) {
    // CopyErrorData() must not run in ErrorContext, which FlushErrorState() resets.
    MemoryContextSwitchTo(ctx);
    ErrorData *edata = CopyErrorData();
    FlushErrorState();
    return edata;
}
} // namespace detail

namespace {

// What the catch blocks record. Strings are malloc'd (malloc never longjmps) and turned into
// palloc'd text only after the catch scope has been left.
struct CaughtError {
    ErrorData *pg_error = nullptr;
    char *message = nullptr;
    char *detail = nullptr;
    char *hint = nullptr;
    int sqlerrcode = ERRCODE_INTERNAL_ERROR;
    bool internal = false; // an unexpected C++ exception: say where it came from
};

char *CopyC(const char *text) noexcept {
    return (text != nullptr) ? strdup(text) : nullptr;
}

char *CopyC(const std::string &text) noexcept {
    return text.empty() ? nullptr : strdup(text.c_str());
}

int SqlStateToCode(const char *state) noexcept {
    if (state == nullptr || std::strlen(state) != 5)
        return ERRCODE_INTERNAL_ERROR;
    return MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4]);
}

// Called with no exception alive. Frees the malloc'd copies before raising.
[[noreturn]] void Raise(const char *function_name, CaughtError &caught) {
    if (caught.pg_error != nullptr)
        ReThrowError(caught.pg_error);

    char *message = pstrdup(caught.message != nullptr ? caught.message : "unknown C++ exception");
    char *detail = caught.detail != nullptr ? pstrdup(caught.detail) : nullptr;
    char *hint = caught.hint != nullptr ? pstrdup(caught.hint) : nullptr;
    std::free(caught.message);
    std::free(caught.detail);
    std::free(caught.hint);

    if (caught.internal)
        ereport(ERROR, (errcode(caught.sqlerrcode),
                        errmsg("chameleon internal error in %s: %s", function_name, message)));
    ereport(ERROR, (errcode(caught.sqlerrcode), errmsg_internal("%s", message),
                    detail != nullptr ? errdetail_internal("%s", detail) : 0,
                    hint != nullptr ? errhint("%s", hint) : 0));
    pg_unreachable();
}

template <typename Body>
void Catch(CaughtError &caught, Body &&body) noexcept {
    try {
        body();
    } catch (const PgError &e) {
        caught.pg_error = e.Data();
    } catch (const chameleon::Error &e) {
        caught.message = CopyC(e.what());
        caught.detail = CopyC(e.Detail());
        caught.hint = CopyC(e.Hint());
        caught.sqlerrcode = SqlStateToCode(e.SqlState());
    } catch (const std::bad_alloc &) {
        caught.message = CopyC("out of memory in C++ code");
        caught.sqlerrcode = ERRCODE_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        caught.message = CopyC(e.what());
        caught.internal = true;
    } catch (...) {
        caught.message = CopyC("exception of unknown type");
        caught.internal = true;
    }
}

} // namespace

Datum RunGuarded(const char *function_name, GuardedBody body, FunctionCallInfo fcinfo) {
    CaughtError caught;
    Datum result = (Datum)0;
    bool failed = true;
    Catch(caught, [&] {
        result = body(fcinfo);
        failed = false;
    });
    if (failed)
        Raise(function_name, caught);
    return result;
}

std::optional<PgError> RunInSubtransaction(const std::function<SubtransactionEnd()> &body) {
    MemoryContext context = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    PgCall([&] {
        BeginInternalSubTransaction(nullptr);
        // Back to the caller's context: PgCall copies an error into the context current when it is
        // entered, and the subtransaction's is gone after a rollback.
        MemoryContextSwitchTo(context);
    });
    const auto end = [&](bool release) {
        PgCall([&] {
            if (release)
                ReleaseCurrentSubTransaction();
            else
                RollbackAndReleaseCurrentSubTransaction();
            MemoryContextSwitchTo(context);
            CurrentResourceOwner = owner;
        });
    };
    // The catch scopes are left before PostgreSQL is called again.
    SubtransactionEnd how = SubtransactionEnd::kRollback;
    std::optional<PgError> error;
    std::exception_ptr other;
    try {
        how = body();
    } catch (const PgError &e) {
        error = e;
    } catch (...) {
        other = std::current_exception();
    }
    end(!error && !other && how == SubtransactionEnd::kRelease);
    if (other)
        std::rethrow_exception(other);
    return error;
}

void RunGuardedVoid(const char *function_name, void (*body)(void *), void *arg) {
    CaughtError caught;
    bool failed = true;
    Catch(caught, [&] {
        body(arg);
        failed = false;
    });
    if (failed)
        Raise(function_name, caught);
}

} // namespace chameleon::pg
