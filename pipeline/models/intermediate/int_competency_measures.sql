-- The measure behind each competency score: the per-respondent value as a function of the
-- answers, written as a signature of its normalised (item, weight) set (weights scaled to sum
-- to 1, since a weighted mean does not change when all weights do). `own_measure` values the
-- unit's own respondents (direct and area items), `below_measure` those below it (area items;
-- '' when none). Equal signatures are the same measure, whatever the competency or role
-- (pipeline/anonymity.py).
with asked_links as (
    select m.survey, wi.wave, m.competency, m.role, m.item_code, m.weight, m.scope
    from dim_item_mapping as m
    join dim_wave_item as wi using (survey, item_code)
),
item_sets as (   -- own respondents: every asked item; respondents below: the area items
    select survey, wave, competency, role, 'own' as part, item_code, weight from asked_links
    union all
    select survey, wave, competency, role, 'below' as part, item_code, weight from asked_links where scope = 'area'
),
shares as (
    select *, weight / sum(weight) over (partition by survey, wave, competency, role, part) as share
    from item_sets
),
signatures as (
    select survey, wave, competency, role, part,
           string_agg(item_code || '*' || printf('%.9f', share), ' + ' order by item_code, share) as measure
    from shares
    group by all
)
select
    -- keys
    survey, wave, competency, role,
    -- measures
    max(measure) filter (where part = 'own')                 as own_measure,
    coalesce(max(measure) filter (where part = 'below'), '') as below_measure
from signatures
group by all
