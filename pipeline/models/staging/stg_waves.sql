select
    survey::varchar        as survey,
    wave::varchar          as wave,
    wave_date::date        as wave_date,
    source_file::varchar   as source_file,
    source_format::varchar as source_format,
    n_rows::integer        as n_rows
from src_waves
