-- One row per survey wave; a wave delivered in several files is one wave.
select
    survey, wave,
    max(wave_date)                         as wave_date,
    sum(n_rows)::bigint                    as n_rows,
    string_agg(source_file, '; ' order by source_file) as source_files
from stg_waves
group by survey, wave
