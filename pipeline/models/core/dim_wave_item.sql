-- Which items each wave asked (an item absent from a wave's export was not asked).
select distinct survey, wave, item_code from stg_wave_items
