--
-- Helpers shared by the regression tests (they run in order, in one database).
--
CREATE SCHEMA regress;

-- Runs a statement; returns 'ok' or its error as "SQLSTATE: message", with DETAIL and HINT lines,
-- the (variable) data directory replaced by $PGDATA.
CREATE FUNCTION regress.try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_message text; v_detail text; v_hint text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                            v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    RETURN replace(v_state || ': ' || v_message
                   || coalesce(E'\nDETAIL: ' || nullif(v_detail, ''), '')
                   || coalesce(E'\nHINT: ' || nullif(v_hint, ''), ''),
                   current_setting('data_directory'), '$PGDATA');
END
$$;

-- Writes <data directory>/chameleon/<name>.yml, one line per row. COPY creates files with mode
-- 0644: tests set the modes they need with \! chmod.
CREATE FUNCTION regress.write_config(name text, content text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT unnest(string_to_array(%L, E''\n''))) TO %L',
                   content, current_setting('data_directory') || '/chameleon/' || name || '.yml');
END
$$;
