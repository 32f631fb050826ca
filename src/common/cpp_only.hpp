// Included by every header of the pure C++ layers (src/common, src/config, src/ddl, src/mysql).
// Those layers are unit-tested without a server and must never see PostgreSQL's headers, whose
// macros (printf, snprintf, Min, foreach, _) silently change C++ code.
#pragma once

#ifdef POSTGRES_H
#error "a pure C++ chameleon header was included after postgres.h; include it before the extern \"C\" block"
#endif
