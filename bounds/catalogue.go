package bounds

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file is the catalogue of the Phase 0 state transition's runtime-error sites: every
// place where the spec, run on Python's uint64 and SSZ types, can raise instead of
// returning. The spec says what that means ("State transitions that trigger an unhandled
// exception (e.g. a failed assert or an out-of-range list access) are considered invalid.
// State transitions that cause a uint64 overflow or underflow are also considered
// invalid."): a site that can fail is a state, or a block, that the chain cannot get past.
//
// Each Site names the spec function and expression; its ID ties it to the model's code,
// where the site is declared once as spec.Site values (its operations and operands) next
// to the code that evaluates it. The model's Go function, file, lines and the kind are read
// off that declaration and the source (sitelocs.go); the tests in catalogue_test.go hold
// every entry to a declaration and every checked site of the model to an entry. A site
// either has a threshold, the first value of the quantity driving it at which it fails,
// computed exactly from the config (SiteThreshold), or an invariant, the reason it cannot
// fail, or both: the threshold of the expression and the invariant keeping the transition
// below it. The table itself is in catalogue_sites.go; catalogue_render.go renders it
// (docs/bounds.md, JSON, text) and catalogue_plot.go draws a figure per threshold.

// Kind is what goes wrong at a site.
type Kind string

const (
	Overflow              Kind = "overflow"                 // a uint64 result of 2**64 or more
	Underflow             Kind = "underflow"                // a uint64 result below zero
	DivisionByZero        Kind = "division_by_zero"         // // or % by zero
	IndexOutOfRange       Kind = "index_out_of_range"       // a list or vector read or write past its length
	BitlistRead           Kind = "bitlist_read"             // a bitlist read past its length
	ListAppendBeyondLimit Kind = "list_append_beyond_limit" // an append to an SSZ List at its limit
)

// Kinds lists the kinds in the order the documents use.
func Kinds() []Kind {
	return []Kind{Overflow, Underflow, DivisionByZero, IndexOutOfRange, BitlistRead, ListAppendBeyondLimit}
}

// SiteStatus is the verdict on a site.
type SiteStatus string

const (
	// CanFailAtThreshold: a state the transition can reach makes the site fail, from the
	// threshold's value of its driving quantity on.
	CanFailAtThreshold SiteStatus = "can_fail_at_threshold"
	// CannotFailUnderInvariants: the site could fail for some uint64 values, but not in a
	// state the transition reaches from a valid genesis (the Invariant says why, and a
	// threshold, if given, lies beyond what the invariant allows).
	CannotFailUnderInvariants SiteStatus = "cannot_fail_under_invariants"
	// CannotFail: no values of the operands make it fail, given a valid config
	// (spec.Config.Validate): a non-zero literal or validated divisor, a guarded subtraction.
	CannotFail SiteStatus = "cannot_fail"
	// RejectsInvalidInput: the site reads an index taken from a block, and an index out of
	// range is how the spec rejects that block (the error is the check).
	RejectsInvalidInput SiteStatus = "rejects_invalid_input"
)

// Statuses lists the statuses in the order the documents use.
func Statuses() []SiteStatus {
	return []SiteStatus{CanFailAtThreshold, CannotFailUnderInvariants, CannotFail, RejectsInvalidInput}
}

// Site is one runtime-error site of the Phase 0 state transition.
type Site struct {
	ID         string     // stable snake_case name
	Section    string     // the spec's section, e.g. "Beacon state accessors"
	SpecFunc   string     // the Python function, e.g. "process_slashings"
	GoFunc     string     // the model's function, read off the declaration's uses: "Model.ProcessSlashings", "Config.ComputeStartSlotAtEpoch", "IntegerSquareroot"
	File       string     // the model's file, read off the same, e.g. "spec/slashings.go"
	Expr       string     // the spec's expression
	Kind       Kind       // what goes wrong, read off the declared operation
	Quantities []string   // what the operands depend on
	Lines      []int      // the lines of File where the model evaluates it
	Status     SiteStatus // the verdict on the mainnet config (Evaluate gives it for any config)

	// Threshold is where the expression fails, as a function of one driving quantity.
	Threshold *SiteThreshold
	// Invariant says, in plain words, why the site cannot fail in the transition, or why it
	// cannot fail below the threshold's reach. Named invariants ([slot_bound], ...) are
	// those of Invariants().
	Invariant string
	// Requires are conditions on the config, beyond spec.Config.Validate, that the
	// invariant relies on; Evaluate checks them.
	Requires []Requirement
	// SpecNote is the spec's own remark on the site, verbatim.
	SpecNote string
	// Note is anything else a reader should know: how the model differs, what failing means.
	Note string
}

// SiteThreshold is the exact point where a site's expression fails: the smallest value of
// the driving quantity x within [0, Domain] at which it fails. Failing is decided by the
// site's declared operations (spec.Site), evaluated by spec.Site.Eval on the operands they
// have at x (EvalDeclared, with Operands). Value(x), the quantity that fails, and Limit
// (2**64 for an overflow, limit + 1 for an append, the length for an index) draw the
// site's figure, and a test holds Value's crossing of Limit to the declared operations'
// first failure (a threshold not completed by Catalogue or SiteByID falls back on Value). Failing must be monotone in x unless first is set.
type SiteThreshold struct {
	Symbol     string // the driving quantity's short name: "V", "finality_delay", "slot"
	Quantity   string // the driving quantity in words
	Assumption string // what else is assumed to hold at the threshold
	Of         string // the quantity that fails, e.g. "penalty_numerator"
	Value      func(cfg *spec.Config, x *big.Int) *big.Int
	Limit      func(cfg *spec.Config) *big.Int
	Domain     func(cfg *spec.Config) *big.Int
	// Operands gives the values at x, under the Assumption, of the
	// variables the site's declared operands name (spec.Site.Operands); nil where the
	// site is not evaluated at x. Unset, the declaration's one variable is x (its name the
	// Symbol with "." as "_").
	Operands func(cfg *spec.Config, x *big.Int) map[string]*big.Int
	// site is the ID whose declared operations decide failing (set by Catalogue and
	// SiteByID).
	site string
	// Reach, when set, is the largest value of x in a state the transition can reach, and
	// why: a threshold beyond it cannot be met.
	Reach *Reach
	// first, when set, computes the threshold instead of the search (the committee bound,
	// whose Value is not monotone: it is read off the committee scan).
	first func(cfg *spec.Config) (*big.Int, error)
}

// Reach bounds the driving quantity of a threshold in reachable states.
type Reach struct {
	Max func(cfg *spec.Config) *big.Int
	Why string
}

// Requirement is a condition on the config that an invariant relies on.
type Requirement struct {
	Doc   string                                       // e.g. "MIN_ATTESTATION_INCLUSION_DELAY >= 1"
	Holds func(cfg *spec.Config) (ok bool, got string) // got: the values, for the documents
}

// First returns the threshold: the smallest x in [0, Domain] with Value(x) >= Limit, and
// false if there is none.
func (t *SiteThreshold) First(cfg *spec.Config) (*big.Int, bool, error) {
	if t.first != nil {
		x, err := t.first(cfg)
		return x, x != nil && err == nil, err
	}
	fails := func(x *big.Int) (bool, error) { return t.Value(cfg, x).Cmp(t.Limit(cfg)) >= 0, nil }
	if t.site != "" {
		fails = func(x *big.Int) (bool, error) { return t.FailsAt(cfg, x) }
	}
	hi := t.Domain(cfg)
	if f, err := fails(hi); err != nil || !f {
		return nil, false, err
	}
	lo := new(big.Int) // invariant: the answer is in [lo, hi]
	for lo.Cmp(hi) < 0 {
		mid := new(big.Int).Add(lo, hi)
		mid.Rsh(mid, 1)
		f, err := fails(mid)
		if err != nil {
			return nil, false, err
		}
		if f {
			hi = mid
		} else {
			lo = mid.Add(mid, one)
		}
	}
	return lo, true, nil
}

// FailsAt reports whether the site fails at x by its declared operations: spec.Site.Eval on
// the operands they have at x (EvalDeclared), an operand beyond uint64 counting as failed
// (the quantity already overflowed). It is an error for a threshold whose site the model
// does not evaluate through spec.Calc, or whose operands it cannot give.
func (t *SiteThreshold) FailsAt(cfg *spec.Config, x *big.Int) (bool, error) {
	if t.site == "" {
		return false, fmt.Errorf("threshold of %s: not decided by a declared site", t.Of)
	}
	var vars map[string]*big.Int
	if t.Operands != nil {
		if vars = t.Operands(cfg, x); vars == nil {
			return false, nil
		}
	} else {
		names := declaredVariables(cfg, t.site)
		if len(names) != 1 || names[0] != strings.ReplaceAll(t.Symbol, ".", "_") {
			return false, fmt.Errorf("site %s: its threshold's driving quantity %s is not its declared operands' one variable (%v): the threshold needs Operands", t.site, t.Symbol, names)
		}
		vars = map[string]*big.Int{names[0]: x}
	}
	d := EvalDeclared(cfg, t.site, vars)
	return d.Fails || !d.Fits, nil
}

// Evaluation is a site on one config.
type Evaluation struct {
	Status SiteStatus
	First  *big.Int // the threshold, nil when there is none or it is not reached in Domain
	Reach  *big.Int // the threshold's reach, nil when it has none
	// Failed lists the requirements the config does not meet, with the values.
	Failed []string
}

// Evaluate gives the site's verdict on cfg. A threshold beyond its reach (or beyond its
// domain) makes a site cannot_fail_under_invariants on that config; a threshold within its
// reach, or a requirement the config does not meet, makes it can_fail_at_threshold. A
// threshold without a reach leaves the stated status (the invariant is not a bound on the
// driving quantity, e.g. a probability).
func (s *Site) Evaluate(cfg *spec.Config) (Evaluation, error) {
	ev := Evaluation{Status: s.Status}
	for _, r := range s.Requires {
		if ok, got := r.Holds(cfg); !ok {
			ev.Failed = append(ev.Failed, fmt.Sprintf("%s (%s)", r.Doc, got))
		}
	}
	if t := s.Threshold; t != nil {
		first, ok, err := t.First(cfg)
		if err != nil {
			return ev, fmt.Errorf("site %s: %w", s.ID, err)
		}
		if ok {
			ev.First = first
		}
		if t.Reach != nil {
			ev.Reach = t.Reach.Max(cfg)
		}
		if s.Status == CanFailAtThreshold || s.Status == CannotFailUnderInvariants {
			switch {
			case !ok || (ev.Reach != nil && ev.Reach.Cmp(first) < 0):
				ev.Status = CannotFailUnderInvariants
			case ev.Reach != nil:
				ev.Status = CanFailAtThreshold
			}
		}
	}
	if len(ev.Failed) > 0 {
		ev.Status = CanFailAtThreshold
	}
	return ev, nil
}

// Catalogue returns every runtime-error site of the Phase 0 state transition, in the order
// of the spec (section by section, function by function), each ID once.
func Catalogue() []Site {
	out := make([]Site, len(catalogue))
	for i, s := range catalogue {
		out[i] = s.withDeclaration()
	}
	return out
}

// withDeclaration completes an entry from the model's declaration of the site.
func (s Site) withDeclaration() Site { return declaredSite(s) }

// SiteByID returns the site with the ID.
func SiteByID(id string) (Site, bool) {
	for _, s := range catalogue {
		if s.ID == id {
			return s.withDeclaration(), true
		}
	}
	return Site{}, false
}

// NamedInvariant is an invariant of reachable states that sites refer to as [name].
type NamedInvariant struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
	Kind string `json:"kind"` // how it is established: spec.InvariantKind
}

// Invariants returns the named invariants the catalogue's sites rely on: spec.Invariants,
// where each is declared once with the fields it reads and how it is established.
func Invariants() []NamedInvariant {
	var out []NamedInvariant
	for _, inv := range spec.Invariants() {
		out = append(out, NamedInvariant{Name: inv.Name, Doc: inv.Doc, Kind: string(inv.Kind)})
	}
	return out
}

// Big-integer helpers for the thresholds.

var (
	one   = big.NewInt(1)
	two64 = new(big.Int).Lsh(big.NewInt(1), 64)
)

func u64(x uint64) *big.Int { return new(big.Int).SetUint64(x) }

func maxUint64() *big.Int { return new(big.Int).Sub(two64, one) }

func mul(xs ...*big.Int) *big.Int {
	out := big.NewInt(1)
	for _, x := range xs {
		out.Mul(out, x)
	}
	return out
}

func add(xs ...*big.Int) *big.Int {
	out := new(big.Int)
	for _, x := range xs {
		out.Add(out, x)
	}
	return out
}

func sub(a, b *big.Int) *big.Int { return new(big.Int).Sub(a, b) }

func quo(a, b *big.Int) *big.Int { return new(big.Int).Quo(a, b) }

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

// Reach bounds of the quantities, from the named invariants.

// maxEpoch is the largest current epoch: (2**64 - 1) // SLOTS_PER_EPOCH [slot_bound].
func maxEpoch(cfg *spec.Config) *big.Int { return quo(maxUint64(), u64(cfg.SlotsPerEpoch)) }

// maxDeposits is the deposit contract's MAX_DEPOSIT_COUNT, 2**32 - 1 [deposit_contract].
func maxDeposits(*spec.Config) *big.Int {
	return sub(new(big.Int).Lsh(one, uint(spec.DepositContractTreeDepth)), one)
}

// maxSlashedPerEpoch is the most validators one epoch's blocks can slash: each of
// SLOTS_PER_EPOCH blocks holds MAX_PROPOSER_SLASHINGS proposer slashings (one validator
// each) and MAX_ATTESTER_SLASHINGS attester slashings (at most MAX_VALIDATORS_PER_COMMITTEE
// validators each, the length of an IndexedAttestation's index list).
func maxSlashedPerEpoch(cfg *spec.Config) *big.Int {
	perBlock := add(mul(u64(cfg.MaxAttesterSlashings), u64(cfg.MaxValidatorsPerCommittee)), u64(cfg.MaxProposerSlashings))
	return mul(u64(cfg.SlotsPerEpoch), perBlock)
}

// maxSlashedInWindow is the most validators whose slashings state.slashings can hold at
// once: EPOCHS_PER_SLASHINGS_VECTOR epochs of maxSlashedPerEpoch, and no more than the
// registry.
func maxSlashedInWindow(cfg *spec.Config) *big.Int {
	return minBig(mul(maxSlashedPerEpoch(cfg), u64(cfg.EpochsPerSlashingsVector)), u64(cfg.ValidatorRegistryLimit))
}

// committeeFirst is the committee bound's threshold: the first V with a committee longer
// than MAX_VALIDATORS_PER_COMMITTEE, as the committee scan of DefaultRange derives it. It is
// cached per config: the documents and plots ask for it several times.
func committeeFirst(cfg *spec.Config) (*big.Int, error) {
	s, err := committeeSummary(cfg)
	if err != nil {
		return nil, err
	}
	if s.FirstViolating.Status != Exact {
		return nil, nil
	}
	return u64(s.FirstViolating.V), nil
}

var summaries = struct {
	sync.Mutex
	m map[spec.Config]*Summary
}{m: map[spec.Config]*Summary{}}

// committeeSummary is the Summary of the committee scan of DefaultRange(cfg).
func committeeSummary(cfg *spec.Config) (*Summary, error) {
	summaries.Lock()
	defer summaries.Unlock()
	if s, ok := summaries.m[*cfg]; ok {
		return s, nil
	}
	from, to := DefaultRange(cfg)
	s, err := Scan(context.Background(), cfg, from, to, Options{})
	if err != nil {
		return nil, err
	}
	summaries.m[*cfg] = s
	return s, nil
}
