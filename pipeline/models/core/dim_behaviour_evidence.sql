select competency, role, position, item_code from stg_behaviour_evidence
