-- The organisation as it stood on each wave's date.
select
    w.survey, w.wave, w.wave_date,
    u.unit_id, u.parent_id, u.unit_name, u.level, u.leader_role
from dim_wave as w
join dim_unit as u
    on w.wave_date between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
