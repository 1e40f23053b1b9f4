select
    file::varchar    as file,
    "row"::integer   as "row",
    "column"::varchar as "column",
    message::varchar as message,
    value::varchar   as value,
    error::boolean   as is_error
from src_findings
