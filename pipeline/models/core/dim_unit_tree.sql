-- Every unit with each of its ancestors (itself at depth 0), per wave, with integer keys for
-- both (unique within a build, never stored outside it): the roll-ups join and group on them.
with recursive units_in_wave as (
    select survey, wave, unit_id, parent_id, row_number() over (order by survey, wave, unit_id) as unit_key
    from dim_unit_wave
),
ancestry as (
    select survey, wave, unit_id, unit_key, unit_id as ancestor_id, unit_key as ancestor_key, 0 as depth,
           parent_id as next_up
    from units_in_wave
    union all
    select a.survey, a.wave, a.unit_id, a.unit_key, a.next_up, p.unit_key, a.depth + 1, p.parent_id
    from ancestry as a
    join units_in_wave as p
        on p.survey = a.survey and p.wave = a.wave and p.unit_id = a.next_up
)
select
    -- keys
    survey, wave, unit_id, ancestor_id,
    -- integer keys (this build's)
    unit_key, ancestor_key,
    -- position
    depth
from ancestry
