# The accounting page's accounts (run once on ctl by start-slurm, before slurmctld):
# alice, bob, carol and mallory in the account "research", coord its coordinator,
# oper a Slurm operator and sadmin a Slurm administrator (AdminLevel).
set -eu
sacctmgr -i add cluster jsv
sacctmgr -i add account research Description=research Organization=lab
sacctmgr -i add user alice,bob,carol,mallory,coord,oper,sadmin DefaultAccount=research
sacctmgr -i add coordinator Account=research Names=coord
sacctmgr -i modify user oper set AdminLevel=Operator
sacctmgr -i modify user sadmin set AdminLevel=Administrator
