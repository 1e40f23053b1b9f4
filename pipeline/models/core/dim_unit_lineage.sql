select unit_id, predecessor_id, change, change_date from stg_lineage
