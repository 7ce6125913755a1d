package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// mutant is one known fault injected into package spec: the snippet old, which must occur
// exactly once in file, replaced by new.
type mutant struct {
	name     string
	file     string // under spec/
	old, new string
}

// mutants are faults of the kinds the contracts are meant to catch: wrong bounds, updates
// applied twice or not at all, unchecked arithmetic, frames broken.
var mutants = []mutant{
	{"committee bound off by one", "committee_arith.go",
		"end = k.Div(siteCommitteeDivision, k.Mul(siteCommitteeEnd, indexCount, k.Add(siteCommitteeNext, index, 1)), count)",
		"end = k.Div(siteCommitteeDivision, k.Mul(siteCommitteeEnd, indexCount, k.Add(siteCommitteeNext, index, 2)), count)"},
	{"attesting indices include an unset bit", "accessors.go",
		"		if bits.BitAt(uint64(i)) {\n			out = append(out, index)\n		}\n	}\n	sortIndices(out)\n	return out, nil",
		"		if bits.BitAt(uint64(i)) || i == 0 {\n			out = append(out, index)\n		}\n	}\n	sortIndices(out)\n	return out, nil"},
	{"reward applied twice", "rewards.go",
		"m.IncreaseBalance(state, ValidatorIndex(index), d.Rewards[index])",
		"m.IncreaseBalance(state, ValidatorIndex(index), 2*d.Rewards[index])"},
	{"increase_balance adds twice", "mutators.go",
		"b := k.Add(siteIncreaseBalance, uint64(state.Balances[index]), uint64(delta))",
		"b := k.Add(siteIncreaseBalance, uint64(state.Balances[index]), 2*uint64(delta))"},
	{"decrease_balance without its underflow floor", "mutators.go",
		"	if delta > state.Balances[index] {\n		state.Balances[index] = 0\n	} else {\n		state.Balances[index] -= delta\n	}",
		"	state.Balances[index] -= delta / 2"},
	{"missing exit-epoch update", "mutators.go",
		"	validator.ExitEpoch = exitQueueEpoch\n",
		"\n"},
	{"slashed flag not set", "mutators.go",
		"	validator.Slashed = true\n",
		"\n"},
	{"slashings not recorded", "mutators.go",
		"	state.Slashings[slot] = Gwei(sum)\n",
		"	_ = sum\n"},
	{"randao reveal not mixed in", "block.go",
		"= m.Xor(current, m.Hash(body.RandaoReveal[:]))",
		"= current"},
	{"eth1 vote not recorded", "block.go",
		"	state.Eth1DataVotes = append(state.Eth1DataVotes, body.Eth1Data)\n",
		"\n"},
	{"header records a wrong body root", "block.go",
		"		BodyRoot:      bodyRoot,\n",
		"		BodyRoot:      Root{bodyRoot[0]},\n"},
	{"attestation stored in the wrong epoch's list", "attestation.go",
		"		state.PreviousEpochAttestations = append(state.PreviousEpochAttestations, pending)",
		"		state.CurrentEpochAttestations = append(state.CurrentEpochAttestations, pending)"},
	{"deposit index not advanced", "deposit.go",
		"	state.Eth1DepositIndex = k.Add(siteDepositIndex, state.Eth1DepositIndex, 1)\n",
		"\n"},
	{"randao mix not carried to the next epoch", "final_updates.go",
		"	state.RandaoMixes[j] = mix\n",
		"	state.RandaoMixes[j] = Root{mix[1], mix[0]}\n"},
	{"effective balance not rounded", "final_updates.go",
		"eb := Gwei(min(balance-balance%uint64(m.EffectiveBalanceIncrement), uint64(m.MaxEffectiveBalance)))",
		"eb := Gwei(min(balance, uint64(m.MaxEffectiveBalance)))"},
	{"previous justified checkpoint not rotated", "justification.go",
		"	state.PreviousJustifiedCheckpoint = state.CurrentJustifiedCheckpoint\n",
		"\n"},
	{"activations ignore the churn limit", "registry.go",
		"		queue = queue[:churn]\n",
		"\n"},
	{"state root not recorded by process_slot", "transition.go",
		"	state.StateRoots[i] = previousStateRoot\n",
		"\n"},
}

// TestMutantsAreCaught injects each fault in turn (go run -overlay, the source tree is not
// touched) and runs the minimal transition vectors in checked mode: every fault must
// produce a contract violation. Compiling one binary per mutant makes this slow (about a
// minute on two cores), so it is skipped under -short; CI runs it.
func TestMutantsAreCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("builds one binary per mutant; run without -short")
	}
	vectors, err := filepath.Abs(filepath.Join("..", "..", ".cache", "spec-tests", "v0.12.3", "tests"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(vectors); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("official vectors missing in CI: %v", err)
		}
		t.Skip("official vectors not downloaded: run 'make spec-tests'")
	}
	specDir, _ := filepath.Abs(filepath.Join("..", "..", "spec"))
	work := t.TempDir()

	// Every mutant must apply to the code as it is: a snippet that no longer occurs exactly
	// once would make its mutant a silent no-op.
	for _, mu := range mutants {
		src, err := os.ReadFile(filepath.Join(specDir, mu.file))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(src), mu.old); n != 1 {
			t.Fatalf("mutant %q: its snippet occurs %d times in spec/%s, want exactly once", mu.name, n, mu.file)
		}
	}

	type outcome struct {
		caught bool
		out    string
	}
	results := make([]outcome, len(mutants))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))
	var wg sync.WaitGroup
	for i, mu := range mutants {
		wg.Add(1)
		go func(i int, mu mutant) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dir := filepath.Join(work, "m"+strings.ReplaceAll(mu.name, " ", "_"))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				results[i] = outcome{out: err.Error()}
				return
			}
			orig := filepath.Join(specDir, mu.file)
			src, _ := os.ReadFile(orig)
			mutated := filepath.Join(dir, mu.file)
			if err := os.WriteFile(mutated, []byte(strings.Replace(string(src), mu.old, mu.new, 1)), 0o644); err != nil {
				results[i] = outcome{out: err.Error()}
				return
			}
			overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {orig: mutated}})
			overlayFile := filepath.Join(dir, "overlay.json")
			if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
				results[i] = outcome{out: err.Error()}
				return
			}
			cmd := exec.Command("go", "run", "-overlay", overlayFile, ".", vectors)
			out, err := cmd.CombinedOutput()
			text := strings.TrimSpace(string(out))
			if err != nil {
				results[i] = outcome{out: "did not run: " + err.Error() + ": " + text}
				return
			}
			results[i] = outcome{caught: strings.HasPrefix(text, "caught: "), out: text}
		}(i, mu)
	}
	wg.Wait()
	caught := 0
	for i, mu := range mutants {
		if results[i].caught {
			caught++
			t.Logf("caught  %-45s %s", mu.name, firstLine(results[i].out))
		} else {
			t.Errorf("MISSED  %-45s %s", mu.name, firstLine(results[i].out))
		}
	}
	t.Logf("mutation score: %d of %d faults caught by checked mode", caught, len(mutants))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
