-- rank 1 = Leder af medarbejder ... 4 = Direktør
select role, rank from stg_roles
