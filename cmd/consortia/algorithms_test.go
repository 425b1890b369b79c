package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTallyCommand(t *testing.T) {
	out, _, err := runCLI(t, nil, "", "tally", "testdata/tennessee.soc")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Winners []string   `json:"winners"`
		Ranking [][]string `json:"ranking"`
		Method  string     `json:"method"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := [][]string{{"Nashville"}, {"Chattanooga"}, {"Knoxville"}, {"Memphis"}}
	if res.Method != "schulze" || len(res.Winners) != 1 || res.Winners[0] != "Nashville" || !equalTiers(res.Ranking, want) {
		t.Fatalf("result: %+v", res)
	}
	// Borda ranks differently on the same ballots: (3·42+… ) Nashville still first.
	out, _, err = runCLI(t, nil, "", "tally", "--method", "borda", "testdata/tennessee.soc")
	if err != nil || !strings.Contains(out, `"winners": [`) && !strings.Contains(out, `"winners":[`) {
		t.Fatalf("borda: %v %s", err, out)
	}
	// Malformed files give an error with the line number.
	bad := filepath.Join(t.TempDir(), "bad.soc")
	os.WriteFile(bad, []byte("# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,7\n"), 0o644)
	if _, _, err := runCLI(t, nil, "", "tally", bad); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("bad file: %v", err)
	}
	if _, _, err := runCLI(t, nil, "", "tally", "--method", "dictator", "testdata/tennessee.soc"); err == nil {
		t.Fatal("unknown method accepted")
	}
}

func equalTiers(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "|") != strings.Join(b[i], "|") {
			return false
		}
	}
	return true
}

func TestBudgetCommand(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "pabulib", "poland_wieliczka_2023_green-budget.pb")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("budget command test skipped: the shared pabulib data is not beside the repository (%v)", err)
	}
	out, _, err := runCLI(t, nil, "", "budget", "--rule", "mes", "--completion", "add1", path)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Selected  []string    `json:"selected"`
		TotalCost json.Number `json:"total_cost"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	// The official outcome of Wieliczka's 2023 green budget: 30 projects, 995,079 zł.
	if len(res.Selected) != 30 || res.TotalCost.String() != "995079" {
		t.Fatalf("wieliczka: %d projects, total %s", len(res.Selected), res.TotalCost)
	}
	bad := filepath.Join(t.TempDir(), "bad.pb")
	os.WriteFile(bad, []byte("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;9\n"), 0o644)
	if _, _, err := runCLI(t, nil, "", "budget", bad); err == nil || !strings.Contains(err.Error(), "line 10") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestPledgesAndMatchCommands(t *testing.T) {
	dir := t.TempDir()
	pledges := filepath.Join(dir, "p.json")
	// "A commits 10,000 if others invest 30,000"; B and C commit 20,000 each if the other does.
	os.WriteFile(pledges, []byte(`{"currency": "USD", "goal": 50000, "pledges": [
		{"id": "A", "amount": 10000, "condition": {"type": "others_total_at_least", "value": 30000}},
		{"id": "B", "amount": 20000, "condition": {"type": "pledger_active", "id": "C"}},
		{"id": "C", "amount": 20000, "condition": {"type": "pledger_active", "id": "B"}},
		{"id": "D", "amount": 5000, "condition": {"type": "others_count_at_least", "value": 9}}]}`), 0o644)
	out, _, err := runCLI(t, nil, "", "pledges", "resolve", pledges)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Active    []string `json:"active"`
		Collected int64    `json:"collected"`
		Funded    bool     `json:"funded"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Join(res.Active, ",") != "A,B,C" || res.Collected != 50000 || !res.Funded {
		t.Fatalf("resolve: %+v\n%s", res, out)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"currency": "USD", "pledges": [{"id": "A", "amount": -5}]}`), 0o644)
	if _, _, err := runCLI(t, nil, "", "pledges", "resolve", bad); err == nil || !strings.Contains(err.Error(), "pledges[0].amount") {
		t.Fatalf("negative amount: %v", err)
	}

	contributions := filepath.Join(dir, "c.json")
	os.WriteFile(contributions, []byte(`{"match_pool": 100000, "contributions": [
		{"contributor": "a", "recipient": "p", "amount": 2500}, {"contributor": "b", "recipient": "p", "amount": 2500},
		{"contributor": "c", "recipient": "p", "amount": 2500}, {"contributor": "d", "recipient": "p", "amount": 2500},
		{"contributor": "a", "recipient": "q", "amount": 10000}]}`), 0o644)
	out, _, err = runCLI(t, nil, "", "match", "--rule", "qf", contributions)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Matches map[string]int64 `json:"matches"`
	}
	json.Unmarshal([]byte(out), &m)
	// Four contributors of 25 each: (4·√2500)² − 10000 = 30000; one contributor gets no match.
	if m.Matches["p"] != 30000 || m.Matches["q"] != 0 {
		t.Fatalf("qf: %s", out)
	}
}
