-- Every unit with each of its ancestors (itself at depth 0), per wave.
with recursive units_in_wave as (
    select survey, wave, unit_id, parent_id from dim_unit_wave
),
ancestry as (
    select survey, wave, unit_id, unit_id as ancestor_id, 0 as depth, parent_id as next_up
    from units_in_wave
    union all
    select a.survey, a.wave, a.unit_id, a.next_up, a.depth + 1, p.parent_id
    from ancestry as a
    join units_in_wave as p
        on p.survey = a.survey and p.wave = a.wave and p.unit_id = a.next_up
)
select survey, wave, unit_id, ancestor_id, depth from ancestry
