--
-- The error boundary between C++ and PostgreSQL: a C++ exception and a PostgreSQL error raised
-- inside C++ code both end as a clean ERROR; the session and the server live on.
--
SELECT pg_backend_pid() AS backend_pid, pg_postmaster_start_time() AS started \gset

-- Internal test entry points of chameleon.so (not part of the extension's SQL surface).
CREATE FUNCTION test_throw_cpp(std_exception boolean) RETURNS void
    AS 'chameleon', 'chameleon_test_throw_cpp' LANGUAGE C STRICT;
CREATE FUNCTION test_pg_error_in_cpp(query text) RETURNS integer
    AS 'chameleon', 'chameleon_test_pg_error_in_cpp' LANGUAGE C STRICT;
CREATE FUNCTION test_throw_error() RETURNS void
    AS 'chameleon', 'chameleon_test_throw_error' LANGUAGE C;

-- A std::exception from C++: an internal error naming the function, SQLSTATE XX000.
SELECT test_throw_cpp(true);
\echo :LAST_ERROR_SQLSTATE
-- An exception of a type that is not a std::exception.
SELECT test_throw_cpp(false);
\echo :LAST_ERROR_SQLSTATE

-- A PostgreSQL error inside C++ code holding live objects: the original error comes out intact.
SELECT test_pg_error_in_cpp('SELECT 1/0');
\echo :LAST_ERROR_SQLSTATE
SELECT test_pg_error_in_cpp('SELECT * FROM no_such_table');
\echo :LAST_ERROR_SQLSTATE
-- The same path without an error returns normally.
SELECT test_pg_error_in_cpp('SELECT 1');

-- chameleon's own errors keep their SQLSTATE, detail and hint.
SELECT test_throw_error();
\echo :LAST_ERROR_SQLSTATE

-- Inside a transaction: the error aborts to the savepoint and the transaction goes on.
BEGIN;
CREATE TABLE boundary_probe (id integer);
SAVEPOINT before_error;
SELECT test_pg_error_in_cpp('INSERT INTO boundary_probe VALUES (1), (1/0)');
ROLLBACK TO SAVEPOINT before_error;
INSERT INTO boundary_probe VALUES (2);
SELECT test_throw_cpp(true);
ROLLBACK;
SELECT count(*) AS probe_tables FROM pg_class WHERE relname = 'boundary_probe';

-- Many errors in a row, caught by PL/pgSQL: nothing leaks that breaks the session.
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        BEGIN
            PERFORM test_pg_error_in_cpp('SELECT 1/0');
        EXCEPTION WHEN division_by_zero THEN
            NULL;
        END;
        BEGIN
            PERFORM test_throw_cpp(true);
        EXCEPTION WHEN internal_error THEN
            NULL;
        END;
    END LOOP;
END
$$;

-- Same backend, same postmaster: nothing crashed or restarted.
SELECT pg_backend_pid() = :backend_pid AS same_backend,
       pg_postmaster_start_time() = :'started' AS same_postmaster;

DROP FUNCTION test_throw_cpp(boolean);
DROP FUNCTION test_pg_error_in_cpp(text);
DROP FUNCTION test_throw_error();
