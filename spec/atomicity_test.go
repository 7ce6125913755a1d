package spec

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
	"github.com/prysmaticlabs/go-bitfield"
)

// atomicOps are the exported transition functions that are atomic: on error the caller's
// state is left exactly as it was. Every other exported Process* function follows the spec's
// order, in which some asserts come after writes, and says so in its doc comment.
var atomicOps = map[string]bool{"StateTransition": true, "ProcessSlots": true, "ProcessBlock": true, "ProcessEpoch": true}

const (
	atomicDoc    = "atomic: on error the state is left as it was"
	notAtomicDoc = "Not atomic:"
)

// TestAtomicityIsDocumented: every exported Model.Process* and StateTransition says whether
// it is atomic, and says it truly (atomicOps, checked on invalid inputs below).
func TestAtomicityIsDocumented(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); !ok || star.X.(*ast.Ident).Name != "Model" {
				continue
			}
			op := fd.Name.Name
			if !strings.HasPrefix(op, "Process") && op != "StateTransition" {
				continue
			}
			seen++
			doc := strings.Join(strings.Fields(fd.Doc.Text()), " ")
			if want := map[bool]string{true: atomicDoc, false: notAtomicDoc}[atomicOps[op]]; !strings.Contains(doc, want) {
				t.Errorf("%s (%s): doc comment does not say %q", op, name, want)
			}
		}
	}
	if seen < 19 {
		t.Fatalf("found %d transition functions, expected at least 19", seen)
	}
}

// invalidCase is one exported operation given an input it must reject.
type invalidCase struct {
	op string
	// call sets up an invalid input on state (a copy of a valid test state) and returns
	// the call of op on it.
	call func(m *Model, state *BeaconState) func() error
	// leftover, for an operation that is not atomic, names the state field its spec order
	// writes before the assert that fails here (checked mode may stop earlier, at a
	// precondition); "" when nothing is written first.
	leftover string
}

func malformed(state *BeaconState) { state.Balances = state.Balances[:len(state.Balances)-1] }

func invalidCases(t *testing.T) []invalidCase {
	return []invalidCase{
		{op: "StateTransition", call: func(m *Model, s *BeaconState) func() error {
			// Empty slots first (they change the state), then a block at the wrong parent.
			return func() error {
				return m.StateTransition(s, &SignedBeaconBlock{Message: BeaconBlock{Slot: s.Slot + 2}}, false)
			}
		}},
		{op: "ProcessSlots", call: func(m *Model, s *BeaconState) func() error {
			// Slots up to the epoch boundary are processed before the malformed registry fails.
			malformed(s)
			return func() error { return m.ProcessSlots(s, Slot(m.SlotsPerEpoch*5)) }
		}},
		{op: "ProcessBlock", call: func(m *Model, s *BeaconState) func() error {
			// The header is written, then the randao reveal fails.
			return func() error { return m.ProcessBlock(s, validHeaderBlock(t, m, s)) }
		}},
		{op: "ProcessEpoch", call: func(m *Model, s *BeaconState) func() error {
			s.Slot = Slot(m.SlotsPerEpoch*4 - 1)
			malformed(s)
			return func() error { return m.ProcessEpoch(s) }
		}},
		{op: "ProcessSlot", call: func(m *Model, s *BeaconState) func() error {
			// A pending attestation's bitlist has no delimiting bit: the state has no root.
			s.PreviousEpochAttestations = []PendingAttestation{{AggregationBits: []byte{0}}}
			return func() error { return m.ProcessSlot(s) }
		}},
		{op: "ProcessBlockHeader", leftover: "LatestBlockHeader", call: func(m *Model, s *BeaconState) func() error {
			// process_block_header caches the header, then asserts the proposer is not slashed.
			b := validHeaderBlock(t, m, s)
			s.Validators[b.ProposerIndex].Slashed = true
			return func() error { return m.ProcessBlockHeader(s, b) }
		}},
		{op: "ProcessRandao", call: func(m *Model, s *BeaconState) func() error {
			return func() error { return m.ProcessRandao(s, &BeaconBlockBody{}) }
		}},
		{op: "ProcessEth1Data", call: func(m *Model, s *BeaconState) func() error {
			// eth1_data_votes is full: the vote cannot be appended.
			s.Eth1DataVotes = make([]Eth1Data, m.EpochsPerEth1VotingPeriod*m.SlotsPerEpoch)
			return func() error { return m.ProcessEth1Data(s, &BeaconBlockBody{Eth1Data: Eth1Data{DepositCount: 1}}) }
		}},
		{op: "ProcessOperations", call: func(m *Model, s *BeaconState) func() error {
			return func() error { return m.ProcessOperations(s, &BeaconBlockBody{Deposits: []Deposit{{}}}) }
		}},
		{op: "ProcessProposerSlashing", call: func(m *Model, s *BeaconState) func() error {
			return func() error { return m.ProcessProposerSlashing(s, &ProposerSlashing{}) }
		}},
		{op: "ProcessAttesterSlashing", call: func(m *Model, s *BeaconState) func() error {
			return func() error { return m.ProcessAttesterSlashing(s, &AttesterSlashing{}) }
		}},
		{op: "ProcessAttestation", leftover: "CurrentEpochAttestations", call: func(m *Model, s *BeaconState) func() error {
			// process_attestation appends the pending attestation, then checks the signature.
			return func() error { return m.ProcessAttestation(s, validDataAttestation(t, m, s)) }
		}},
		{op: "ProcessDeposit", call: func(m *Model, s *BeaconState) func() error {
			return func() error { return m.ProcessDeposit(s, &Deposit{}) }
		}},
		{op: "ProcessVoluntaryExit", call: func(m *Model, s *BeaconState) func() error {
			return func() error {
				return m.ProcessVoluntaryExit(s, &SignedVoluntaryExit{Message: VoluntaryExit{ValidatorIndex: 1 << 40}})
			}
		}},
		{op: "ProcessJustificationAndFinalization", call: func(m *Model, s *BeaconState) func() error {
			// The total active balance overflows.
			for i := range s.Validators {
				s.Validators[i].EffectiveBalance = 1 << 63
			}
			return func() error { return m.ProcessJustificationAndFinalization(s) }
		}},
		{op: "ProcessRewardsAndPenalties", leftover: "Balances", call: func(m *Model, s *BeaconState) func() error {
			malformed(s)
			return func() error { return m.ProcessRewardsAndPenalties(s) }
		}},
		{op: "ProcessRegistryUpdates", call: func(m *Model, s *BeaconState) func() error {
			// Validator 1 is ejected into an exit queue at epoch 2**64-2, whose
			// withdrawable epoch overflows.
			s.Validators[0].ExitEpoch = FarFutureEpoch - 1
			s.Validators[1].EffectiveBalance = m.EjectionBalance
			return func() error { return m.ProcessRegistryUpdates(s) }
		}},
		{op: "ProcessSlashings", call: func(m *Model, s *BeaconState) func() error {
			// sum(state.slashings) overflows.
			for i := range s.Slashings {
				s.Slashings[i] = 1 << 63
			}
			return func() error { return m.ProcessSlashings(s) }
		}},
		{op: "ProcessFinalUpdates", leftover: "Eth1DataVotes", call: func(m *Model, s *BeaconState) func() error {
			malformed(s)
			return func() error { return m.ProcessFinalUpdates(s) }
		}},
		{op: "ProcessEth1DataReset", call: func(m *Model, s *BeaconState) func() error {
			// With SLOTS_PER_EPOCH 1 the last slot is the last epoch: next_epoch overflows.
			c := *m.Config
			c.SlotsPerEpoch = 1
			m.Config = &c
			s.Slot = 1<<64 - 1
			return func() error { return m.ProcessEth1DataReset(s) }
		}},
		{op: "ProcessEffectiveBalanceUpdates", call: func(m *Model, s *BeaconState) func() error {
			malformed(s)
			return func() error { return m.ProcessEffectiveBalanceUpdates(s) }
		}},
		{op: "ProcessSlashingsReset", call: func(m *Model, s *BeaconState) func() error {
			s.Slashings = nil
			return func() error { return m.ProcessSlashingsReset(s) }
		}},
		{op: "ProcessRandaoMixesReset", call: func(m *Model, s *BeaconState) func() error {
			s.RandaoMixes = nil
			return func() error { return m.ProcessRandaoMixesReset(s) }
		}},
		{op: "ProcessHistoricalRootsUpdate", call: func(m *Model, s *BeaconState) func() error {
			// At a SLOTS_PER_HISTORICAL_ROOT boundary, block_roots of the wrong length has no root.
			s.Slot = Slot(m.SlotsPerHistoricalRoot - m.SlotsPerEpoch)
			s.BlockRoots = nil
			return func() error { return m.ProcessHistoricalRootsUpdate(s) }
		}},
	}
}

// infallibleOps are exported transition functions that no state makes fail in plain mode:
// process_participation_record_updates only moves a list. Checked mode rejects a malformed
// state at its precondition.
var infallibleOps = map[string]func(m *Model, s *BeaconState) error{
	"ProcessParticipationRecordUpdates": (*Model).ProcessParticipationRecordUpdates,
}

// TestInfallibleOperations: the functions without an invalid-input case accept a malformed
// state in plain mode, at the largest slot too, and checked mode rejects it with a typed
// error before writing anything.
func TestInfallibleOperations(t *testing.T) {
	cfg := MustPreset("minimal")
	base := testState(cfg, 64)
	for name, op := range infallibleOps {
		t.Run(name, func(t *testing.T) {
			s := base.Copy()
			malformed(s)
			if err := op(NewModel(cfg), s); err != nil {
				t.Fatalf("plain mode: %v", err)
			}
			s = base.Copy()
			malformed(s)
			before := s.Copy()
			m := NewModel(cfg)
			m.Checked = &Checks{}
			if err := op(m, s); !typedTransitionError(err) {
				t.Fatalf("checked mode on a malformed state: %v, want a typed error", err)
			}
			if changed := changedFields(before, s); len(changed) != 0 {
				t.Fatalf("checked mode changed %v", changed)
			}
		})
	}
}

// validHeaderBlock is a block that passes process_block_header on state (and fails the
// randao check after it: its reveal is empty).
func validHeaderBlock(t *testing.T, m *Model, s *BeaconState) *BeaconBlock {
	proposer, err := m.GetBeaconProposerIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	parent, err := HashTreeRoot(m.Config, &s.LatestBlockHeader)
	if err != nil {
		t.Fatal(err)
	}
	return &BeaconBlock{Slot: s.Slot, ProposerIndex: proposer, ParentRoot: parent}
}

// validDataAttestation is an attestation that passes every check of process_attestation on
// state but its signature's (the test state's pubkeys are not keys at all).
func validDataAttestation(t *testing.T, m *Model, s *BeaconState) *Attestation {
	slot := s.Slot - 1
	committee, err := m.GetBeaconCommittee(s, slot, 0)
	if err != nil {
		t.Fatal(err)
	}
	bits := bitfield.NewBitlist(uint64(len(committee)))
	bits.SetBitAt(0, true)
	return &Attestation{AggregationBits: bits, Data: AttestationData{
		Slot: slot, Index: 0, Source: s.CurrentJustifiedCheckpoint,
		Target: Checkpoint{Epoch: m.ComputeEpochAtSlot(slot)},
	}}
}

// TestInvalidInputEveryOperation applies every exported transition function to an input it
// must reject, in plain and checked mode: the error is typed, the atomic ones leave the
// state exactly as it was, and the others change at most the field their spec order writes
// before the failing assert (what their doc comments warn of).
func TestInvalidInputEveryOperation(t *testing.T) {
	cfg := MustPreset("minimal")
	base := testState(cfg, 64)
	cases := invalidCases(t)
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.op] = true
	}
	mt := reflect.TypeOf(&Model{})
	for i := 0; i < mt.NumMethod(); i++ {
		name := mt.Method(i).Name
		if (strings.HasPrefix(name, "Process") || name == "StateTransition") && !covered[name] && infallibleOps[name] == nil {
			t.Errorf("exported %s has no invalid-input case", name)
		}
	}
	for _, checked := range []bool{false, true} {
		for _, tc := range cases {
			t.Run(map[bool]string{false: "plain/", true: "checked/"}[checked]+tc.op, func(t *testing.T) {
				m := NewModel(cfg)
				if checked {
					m.Checked = &Checks{}
				}
				state := base.Copy()
				call := tc.call(m, state)
				m.ResetCaches()
				before := state.Copy()
				err := func() (err error) {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("panic: %v", r)
						}
					}()
					return call()
				}()
				if err == nil {
					t.Fatalf("invalid input accepted")
				}
				if !typedTransitionError(err) {
					t.Fatalf("error %T (%v) is not one of the package's typed errors", err, err)
				}
				changed := changedFields(before, state)
				if atomicOps[tc.op] || tc.leftover == "" {
					if len(changed) != 0 {
						t.Fatalf("failed with %v and changed %v", err, changed)
					}
					return
				}
				// Plain mode writes the leftover field; checked mode may stop before.
				if len(changed) > 1 || len(changed) == 1 && changed[0] != tc.leftover || !checked && len(changed) == 0 {
					t.Fatalf("failed with %v and changed %v; its doc warns of %s", err, changed, tc.leftover)
				}
			})
		}
	}
}

// typedTransitionError tells the package's typed errors from anything else.
func typedTransitionError(err error) bool {
	var (
		a  *AssertError
		ix *IndexError
		bi *BitlistIndexError
		ar *ArithmeticError
		op *OperationError
		sh *ShuffleError
		cv *ContractViolation
		se *ssz.Error
	)
	return errors.As(err, &se) || errors.As(err, &a) || errors.As(err, &ix) || errors.As(err, &bi) || errors.As(err, &ar) ||
		errors.As(err, &op) || errors.As(err, &sh) || errors.As(err, &cv)
}

// changedFields names the fields of the BeaconState that differ (states need not be well
// formed, so values are compared, not roots).
func changedFields(a, b *BeaconState) []string {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var out []string
	for i := 0; i < va.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}
