-- Per wave: files, rows, and the validation notes (warnings) the build reported.
with notes as (
    select file, count(*) as n_warnings, string_agg(distinct message, '; ') as warnings
    from stg_findings
    where not is_error
    group by file
)
select
    w.survey, w.wave, w.wave_date, w.n_rows, w.source_files,
    coalesce(sum(n.n_warnings), 0) as n_warnings,
    string_agg(n.warnings, '; ')   as warnings
from dim_wave as w
left join notes as n on position(n.file in w.source_files) > 0
group by all
order by w.survey, w.wave
