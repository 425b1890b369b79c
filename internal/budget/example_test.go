package budget_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"consortia/internal/budget"
)

func Example() {
	const round = `META
key;value
description;Q3 roadmap round
num_projects;3
num_votes;4
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
jupyterhub-auth;60;Shared auth for hubs
docs;30;Docs sprint
gpu;50;GPU profiles
VOTES
voter_id;vote
uni-a;jupyterhub-auth,docs
uni-b;jupyterhub-auth
lab-c;gpu
lab-d;gpu,docs
`
	inst, err := budget.ParsePB(strings.NewReader(round))
	if err != nil {
		panic(err)
	}
	res, err := budget.Allocate(inst, budget.Options{Rule: budget.RuleMES, Completion: budget.CompletionAdd1})
	if err != nil {
		panic(err)
	}
	enc := json.NewEncoder(os.Stdout)
	_ = enc.Encode(map[string]any{"selected": res.Selected, "total_cost": res.TotalCost, "leftover": res.Leftover})
	// Output:
	// {"leftover":20,"selected":["docs","gpu"],"total_cost":80}
}

func ExampleValidationError() {
	_, err := budget.ParsePB(strings.NewReader("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;1,17\n"))
	var ve *budget.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Line, ve.Location(), "|", ve)
	}
	// Output:
	// 9 VOTES.vote | line 9: VOTES: vote references unknown project "17"
}
