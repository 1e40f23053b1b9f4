-- What the suppression stage hid, per survey wave, kind of figure and rule: for HR's data
-- quality view and the build's summary. Counts of figures, never of respondents.
select
    -- keys
    survey, wave, figure,
    -- counts
    count(*)                                        as figures,
    count(*) filter (where shown)                   as shown,
    count(*) filter (where rule = 'primary')        as hidden_primary,
    count(*) filter (where rule = 'complementary')  as hidden_complementary,
    count(*) filter (where rule = 'together')       as hidden_together,
    count(*) filter (where rule = 'lineage')        as hidden_lineage
from disclosure
group by all
order by survey, wave, figure
