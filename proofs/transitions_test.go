package proofs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// absState is the abstraction of a real state (invariants.go), for a validator j and an
// epoch e.
func absState(st *spec.BeaconState, cfg *spec.Config, j uint64, e uint64) map[string]*big.Int {
	u := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	cur := uint64(st.Slot) / cfg.SlotsPerEpoch
	A := cur + 1 + cfg.MaxSeedLookahead
	out := map[string]*big.Int{
		"slot": u(uint64(st.Slot)), "hdr": u(uint64(st.LatestBlockHeader.Slot)),
		"pj": u(uint64(st.PreviousJustifiedCheckpoint.Epoch)), "cj": u(uint64(st.CurrentJustifiedCheckpoint.Epoch)), "fin": u(uint64(st.FinalizedCheckpoint.Epoch)),
		"n": u(uint64(len(st.Validators))), "nb": u(uint64(len(st.Balances))),
		"lbr": u(uint64(len(st.BlockRoots))), "lsr": u(uint64(len(st.StateRoots))), "lrm": u(uint64(len(st.RandaoMixes))), "lsl": u(uint64(len(st.Slashings))),
	}
	var pmax, x, m, ae, aA uint64
	for _, lst := range [][]spec.PendingAttestation{st.PreviousEpochAttestations, st.CurrentEpochAttestations} {
		for _, p := range lst {
			pmax = max(pmax, uint64(p.ProposerIndex)+1)
		}
	}
	active := func(v *spec.Validator, ep uint64) bool {
		return uint64(v.ActivationEpoch) <= ep && ep < uint64(v.ExitEpoch)
	}
	for i := range st.Validators {
		v := &st.Validators[i]
		if v.ExitEpoch != spec.FarFutureEpoch {
			x++
			m = max(m, uint64(v.ExitEpoch))
		}
		if active(v, e) {
			ae++
		}
		if active(v, A) {
			aA++
		}
	}
	out["pmax"], out["X"], out["m"], out["ae"], out["aA"] = u(pmax), u(x), u(m), u(ae), u(aA)
	var v spec.Validator
	var bal uint64
	if j < uint64(len(st.Validators)) {
		v = st.Validators[j]
	}
	if j < uint64(len(st.Balances)) {
		bal = uint64(st.Balances[j])
	}
	out["elig"], out["act"], out["exit"], out["wd"] = u(uint64(v.ActivationEligibilityEpoch)), u(uint64(v.ActivationEpoch)), u(uint64(v.ExitEpoch)), u(uint64(v.WithdrawableEpoch))
	out["eb"], out["bal"] = u(uint64(v.EffectiveBalance)), u(bal)
	return out
}

// relChecker evaluates transition relations on real states.
type relChecker struct {
	t     *testing.T
	cfg   *spec.Config
	a     *absEnv
	p     *program
	terms map[string]*sexpr
	seen  map[string]int
}

func newRelChecker(t *testing.T, cfg *spec.Config) *relChecker {
	p, err := newProgram()
	if err != nil {
		t.Fatal(err)
	}
	return &relChecker{t: t, cfg: cfg, a: newAbsEnv(cfg), p: p, terms: map[string]*sexpr{}, seen: map[string]int{}}
}

func (c *relChecker) term(key, text string) *sexpr {
	if e, ok := c.terms[key]; ok {
		return e
	}
	e, err := parseSexpr(text)
	if err != nil {
		c.t.Fatalf("%s: %v", key, err)
	}
	c.terms[key] = e
	return e
}

// epochs are the epochs e at which the counts are compared.
func (c *relChecker) epochs(pre *spec.BeaconState) []uint64 {
	cur := uint64(pre.Slot) / c.cfg.SlotsPerEpoch
	A := cur + 1 + c.cfg.MaxSeedLookahead
	return []uint64{0, cur, cur + 1, A - 1, A, A + 1, A + 7, 1<<64 - 2}
}

// check evaluates fn's relation (and its fix part when fix) on pre and post, for every
// validator j and the sample epochs.
func (c *relChecker) check(fn string, pre, post *spec.BeaconState, fix bool) {
	c.t.Helper()
	t, ok := transitionOf(fn)
	if !ok {
		c.t.Fatalf("no transition for %s", fn)
	}
	text := "(and " + c.a.at(absFacts, 0) + " " + c.a.at(absFacts, 1) + " " + c.a.rel(t.rel) + " " + t.frameEqs(c.a)
	key := fn
	if fix && t.relFix != "" {
		text += " " + c.a.rel(t.relFix)
		key += "+fix"
	}
	c.eval(key, text+")", pre, post)
	c.seen[fn]++
}

func (c *relChecker) eval(key, text string, pre, post *spec.BeaconState) {
	c.t.Helper()
	e := c.term(key, text)
	n := max(len(post.Validators), len(pre.Validators)) + 1
	for j := 0; j < n; j++ {
		for _, ep := range c.epochs(pre) {
			env := map[string]value{"j": intValue(big.NewInt(int64(j))), "e": intValue(new(big.Int).SetUint64(ep))}
			if pre != nil {
				for k, v := range absState(pre, c.cfg, uint64(j), ep) {
					env[k+"_0"] = intValue(v)
				}
			}
			for k, v := range absState(post, c.cfg, uint64(j), ep) {
				env[k+"_1"] = intValue(v)
			}
			ok, err := c.p.evalBool(e, env)
			if err != nil {
				c.t.Fatalf("%s: %v", key, err)
			}
			if !ok {
				c.t.Fatalf("%s: the relation does not hold for validator %d, epoch %d: before %v, after %v", key, j, ep, absState(pre, c.cfg, uint64(j), ep), absState(post, c.cfg, uint64(j), ep))
			}
		}
	}
}

// call runs f on a copy of st and checks fn's relation between st and the copy; the copy
// is returned (nil if f failed: a failed call leaves no state to relate).
func (c *relChecker) call(fn string, m *spec.Model, st *spec.BeaconState, f func(m *spec.Model, s *spec.BeaconState) error) *spec.BeaconState {
	c.t.Helper()
	post := st.Copy()
	m.ResetCaches()
	if err := f(m, post); err != nil {
		return nil
	}
	c.check(fn, st, post, m.CapActiveValidators)
	return post
}

// smallCap is minimal with an active-validator cap of 32 (MAX_VALIDATORS_PER_COMMITTEE 1),
// so that the fix's headroom binds on a state of a few dozen validators.
func smallCap(t *testing.T) *spec.Config {
	cfg := *spec.MustPreset("minimal")
	cfg.MaxValidatorsPerCommittee = 1
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

// scramble returns a copy of st with the registry in many situations at once: validators
// waiting for activation, exited, slashed, with low or high balances; the slot moved on.
func scramble(cfg *spec.Config, st *spec.BeaconState, r *rand.Rand, slot spec.Slot) *spec.BeaconState {
	s := st.Copy()
	s.Slot = slot
	cur := spec.Epoch(uint64(slot) / cfg.SlotsPerEpoch)
	s.FinalizedCheckpoint.Epoch = max(cur, 2) - 2
	s.CurrentJustifiedCheckpoint.Epoch = max(cur, 1) - 1
	s.PreviousJustifiedCheckpoint.Epoch = max(cur, 2) - 2
	for i := range s.Validators {
		v := &s.Validators[i]
		switch r.IntN(6) {
		case 0: // waiting for activation, eligible
			v.ActivationEpoch, v.ActivationEligibilityEpoch = spec.FarFutureEpoch, spec.Epoch(r.Uint64N(uint64(cur)+1))
		case 1: // not yet eligible
			v.ActivationEpoch, v.ActivationEligibilityEpoch = spec.FarFutureEpoch, spec.FarFutureEpoch
		case 2: // exiting
			v.ExitEpoch = cur + spec.Epoch(r.Uint64N(6))
			v.WithdrawableEpoch = v.ExitEpoch + spec.Epoch(cfg.MinValidatorWithdrawabilityDelay)
		case 3: // low effective balance: ejected
			v.EffectiveBalance = cfg.EjectionBalance
		}
		s.Balances[i] = spec.Gwei(r.Uint64N(uint64(cfg.MaxEffectiveBalance) + 2*uint64(cfg.EffectiveBalanceIncrement)))
	}
	return s
}

// TestTransitionsMatchCode runs every state-mutating spec function with a direct
// transition relation on real states, and evaluates the relation on the abstraction of
// the state before and after: on a genesis state and scrambled registries (directly called
// functions, with and without the fix) and on the blocks of a generated chain with
// deposits, exits and slashings (the block's functions, one operation at a time).
func TestTransitionsMatchCode(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	c := newRelChecker(t, cfg)
	r := rand.New(rand.NewPCG(1, 2))

	// Genesis, with and without the fix.
	for _, fix := range []bool{false, true} {
		gcfg := cfg
		if fix {
			gcfg = smallCap(t)
		}
		log := interop.NewDepositLog(gcfg)
		amounts := make([]spec.Gwei, 48)
		for i := range amounts {
			amounts[i] = gcfg.MaxEffectiveBalance
			if i%5 == 0 {
				amounts[i] = gcfg.MaxEffectiveBalance - spec.Gwei(i)*gcfg.EffectiveBalanceIncrement/3
			}
		}
		if err := log.AppendKeys(interop.NewKeys(48), 0, amounts); err != nil {
			t.Fatal(err)
		}
		deps, err := log.GenesisDeposits()
		if err != nil {
			t.Fatal(err)
		}
		m := spec.NewModel(gcfg)
		m.VerifySignatures, m.CapActiveValidators = false, fix
		g, err := m.InitializeBeaconStateFromEth1(interop.GenesisEth1BlockHash, gcfg.MinGenesisTime, deps)
		if err != nil {
			t.Fatal(err)
		}
		gc := newRelChecker(t, gcfg)
		text := "(and " + gc.a.at(absFacts, 1) + " " + gc.a.rel(genesisRel)
		if fix {
			text += " " + gc.a.rel(genesisRelFix)
		}
		gc.eval(fmt.Sprintf("genesis fix=%v", fix), text+")", g, g)
	}

	genesis, err := interop.Genesis(cfg, 64)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 6; round++ {
		fix := round%2 == 1
		mcfg := cfg
		if fix {
			mcfg = smallCap(t)
		}
		m := spec.NewModel(mcfg)
		m.VerifySignatures, m.CapActiveValidators = false, fix
		last := spec.Slot((uint64(round)+3)*mcfg.SlotsPerEpoch - 1) // the last slot of an epoch
		st := scramble(mcfg, genesis, r, last)
		cc := c
		if fix {
			cc = newRelChecker(t, mcfg)
		}
		i := spec.ValidatorIndex(r.IntN(len(st.Validators)))
		cc.call("increase_balance", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.IncreaseBalance(s, i, 7) })
		cc.call("decrease_balance", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.DecreaseBalance(s, i, 1<<40) })
		for k := 0; k < 4; k++ {
			i := spec.ValidatorIndex(r.IntN(len(st.Validators)))
			cc.call("initiate_validator_exit", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.InitiateValidatorExit(s, i) })
			cc.call("slash_validator", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.SlashValidator(s, i, nil) })
		}
		cc.call("process_justification_and_finalization", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessJustificationAndFinalization(s) })
		cc.call("process_rewards_and_penalties", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessRewardsAndPenalties(s) })
		cc.call("process_registry_updates", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessRegistryUpdates(s) })
		cc.call("process_slashings", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessSlashings(s) })
		cc.call("process_effective_balance_updates", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessEffectiveBalanceUpdates(s) })
		cc.call("process_slashings_reset", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessSlashingsReset(s) })
		cc.call("process_randao_mixes_reset", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessRandaoMixesReset(s) })
		cc.call("process_participation_record_updates", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessParticipationRecordUpdates(s) })
		cc.call("process_slot", m, st, func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessSlot(s) })
		if fix {
			for k, v := range cc.seen {
				c.seen[k] += v
			}
		}
	}

	// A generated chain: the block's functions on the state each block is applied to.
	ch, err := chain.Generate(chain.Options{Config: cfg, Validators: 64, Epochs: 4, Participation: 0.75, Deposits: true, Exits: true, Slashings: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	st := ch.Pre.Copy()
	for _, sb := range ch.Blocks {
		b := &sb.Message
		if err := m.ProcessSlots(st, b.Slot); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			fn string
			f  func(m *spec.Model, s *spec.BeaconState) error
		}{
			{"process_block_header", func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessBlockHeader(s, b) }},
			{"process_randao", func(m *spec.Model, s *spec.BeaconState) error { return m.ProcessRandao(s, &b.Body) }},
		}
		for _, step := range steps {
			next := c.call(step.fn, m, st, step.f)
			if next == nil {
				t.Fatalf("%s failed on block at slot %d", step.fn, b.Slot)
			}
			st = next
		}
		if err := m.ProcessEth1Data(st, &b.Body); err != nil {
			t.Fatal(err)
		}
		ops := func(fn string, n int, f func(i int, m *spec.Model, s *spec.BeaconState) error) {
			for i := 0; i < n; i++ {
				next := c.call(fn, m, st, func(m *spec.Model, s *spec.BeaconState) error { return f(i, m, s) })
				if next == nil {
					t.Fatalf("%s %d failed on block at slot %d", fn, i, b.Slot)
				}
				st = next
			}
		}
		body := &b.Body
		ops("process_proposer_slashing", len(body.ProposerSlashings), func(i int, m *spec.Model, s *spec.BeaconState) error {
			return m.ProcessProposerSlashing(s, &body.ProposerSlashings[i])
		})
		ops("process_attester_slashing", len(body.AttesterSlashings), func(i int, m *spec.Model, s *spec.BeaconState) error {
			return m.ProcessAttesterSlashing(s, &body.AttesterSlashings[i])
		})
		ops("process_attestation", len(body.Attestations), func(i int, m *spec.Model, s *spec.BeaconState) error {
			return m.ProcessAttestation(s, &body.Attestations[i])
		})
		ops("process_deposit", len(body.Deposits), func(i int, m *spec.Model, s *spec.BeaconState) error {
			return m.ProcessDeposit(s, &body.Deposits[i])
		})
		ops("process_voluntary_exit", len(body.VoluntaryExits), func(i int, m *spec.Model, s *spec.BeaconState) error {
			return m.ProcessVoluntaryExit(s, &body.VoluntaryExits[i])
		})
	}
	// Every direct transition was exercised at least once.
	for _, tr := range transitions {
		if tr.fn == slotIncrement {
			continue
		}
		if c.seen[tr.fn] == 0 {
			t.Errorf("the relation of %s was never evaluated on a real call", tr.fn)
		}
	}
}

// goName is the Go method of a spec function: process_block_header -> ProcessBlockHeader.
func goName(fn string) string {
	var b strings.Builder
	for _, w := range strings.Split(fn, "_") {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// specName is the spec function of a Go method (exported or its unexported twin).
func specName(goFn string) string {
	var b strings.Builder
	for i, r := range goFn {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestProgramsMatchCalls parses the Go bodies of the composite functions (the exported
// method and its unexported twin) and holds their calls of state-mutating spec functions
// (those whose contract declares Writes) to the program the composition lemmas use.
func TestProgramsMatchCalls(t *testing.T) {
	writers := map[string]bool{}
	for _, c := range spec.Contracts() {
		if len(c.Writes) > 0 {
			writers[c.Func] = true
		}
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "spec", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string][]*ast.BlockStmt{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Body != nil {
				name := specName(fd.Name.Name)
				bodies[name] = append(bodies[name], fd.Body)
			}
		}
	}
	for _, p := range composites {
		got := map[string]bool{}
		for _, body := range bodies[p.fn] {
			ast.Inspect(body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "m" {
						if s := specName(sel.Sel.Name); writers[s] && s != p.fn {
							got[s] = true
						}
					}
				}
				return true
			})
		}
		// The program's callees that are spec functions with a frame must be exactly the
		// body's; callees without Writes (process_eth1_data writes no invariant's
		// field) and program steps (process_slots_slot_increment) are listed too.
		var want []string
		for _, c := range p.callees {
			if writers[c] {
				want = append(want, c)
			}
		}
		gotList := make([]string, 0, len(got))
		for s := range got {
			gotList = append(gotList, s)
		}
		sort.Strings(gotList)
		sort.Strings(want)
		if !slices.Equal(gotList, want) {
			t.Errorf("%s: the Go body calls %v, the program lists %v", p.fn, gotList, want)
		}
	}
}

// TestEveryObligationHasALemma: each obligation of spec.InvariantObligations is a lemma,
// by a transition relation or a program.
func TestEveryObligationHasALemma(t *testing.T) {
	for _, name := range spec.PresetNames() {
		names := map[string]*Lemma{}
		for _, l := range Lemmas(spec.MustPreset(name)) {
			names[l.Name] = l
		}
		for _, o := range spec.InvariantObligations() {
			l := names[preserveName(o.Func, o.Invariant)]
			if l == nil {
				t.Errorf("%s: no lemma for %s preserving %s", name, o.Func, o.Invariant)
				continue
			}
			_, isProg := programOf(o.Func)
			_, isRel := transitionOf(o.Func)
			if !isProg && !isRel {
				t.Errorf("%s: no transition relation or program", o.Func)
			}
		}
	}
}
