# The generated export of the scale benchmarks (bench/plan_at_scale.sh, bench/validate_at_scale.sh):
# n people, deterministic, 9 columns, everyone but the first with a manager (one in ten manages).
# Variables: n (how many), changed (every how many has a new title; 0: nobody), left (every how
# many is left out; 0: nobody).
# Usage: awk -v n=1000000 [-v changed=100 -v left=1000] -f bench/generate_people.awk > people.csv
BEGIN {
  print "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id"
  for (i = 1; i <= n; i++) {
    if (left && i % left == 0) continue
    title = (changed && i % changed == 0) ? "Senior Engineer" : "Engineer"
    manager = i > 1 ? sprintf("E%07d", int(i / 10) + 1) : ""
    printf "E%07d,First%d,Last%d,person%d@example.com,%s,Dept%d,CC-%d,+1 555 %07d,%s\n",
           i, i % 977, i % 991, i, title, i % 40, i % 12, i, manager
  }
}
