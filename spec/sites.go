package spec

import (
	"math/bits"
	"sort"
	"sync/atomic"
)

// Site is one checked operation of the model: a place where the spec's uint64 arithmetic
// raises (overflow, underflow, division by zero) and the model returns an ArithmeticError
// instead; an append to an SSZ List at its limit (OpAppend), a list or vector read past its
// end (OpIndex), a bitlist read past its length (OpBit), where the model returns an
// IndexError or BitlistIndexError; or a conversion to a narrower uint (OpConvert). Each is
// declared once, as a package-level variable next to the code that evaluates it, and
// passed to the Calc operation, checked with Site.Fails or Site.Index, or (a site that
// cannot raise on a validated config, in a function with no error to return) evaluated by
// Site.Value (Site.Div for a division); an error names the site by ID.
//
// ID is the site's name in the runtime-error catalogue (bounds.Catalogue) and in the
// lemmas (proofs): several Site values share an ID when one catalogued expression takes
// more than one operation (a chain of additions, a product and its quotient). Operands
// names the operation's two operands, each an expression (+, -, *, //, %, parentheses) over
// the variables of the site's model (package proofs), the constants of SiteConstant and
// literals: what the operand is in the spec's terms. An operand that is not such an
// expression (a dividend the site's model does not speak of) is left free. Where
// a site is used (file, function, line) is not declared: it is read off the source
// (spec.Source, read by package bounds).
type Site struct {
	ID       string
	Op       Op
	Operands [2]string

	part, parts int // this operation's place among the ID's, and their number
}

// Op is a uint64 operation.
type Op string

// The operations a Site can be.
const (
	OpAdd Op = "+"
	OpSub Op = "-"
	OpMul Op = "*"
	OpDiv Op = "/"
	OpMod Op = "%"
	// OpAppend is an append to an SSZ List: its operands are the list's length after the
	// append and its limit, and it raises when the length exceeds the limit.
	OpAppend Op = "append"
	// OpIndex is a read or write of a list or vector entry: its operands are the index and
	// the length, and it raises when the index is not below the length.
	OpIndex Op = "index"
	// OpBit is a read of a bitlist's bit: its operands are the bit's index and the
	// bitlist's length, and it raises when the index is not below the length.
	OpBit Op = "bit"
	// OpConvert is a conversion to a narrower uint (uint8, uint32): its operands are the
	// value and the largest value of the narrower type, and it raises when the value is
	// larger.
	OpConvert Op = "convert"
)

var sites []*Site

// site declares a Site; every declaration is listed by Sites.
func site(id string, op Op, a, b string) *Site {
	s := &Site{ID: id, Op: op, Operands: [2]string{a, b}}
	for _, o := range sites {
		if o.ID == id {
			s.part++
		}
	}
	sites = append(sites, s)
	for _, o := range sites {
		if o.ID == id {
			o.parts = s.part + 1
		}
	}
	return s
}

// Sites returns every declared Site, by ID (declaration order within an ID).
func Sites() []*Site {
	out := append([]*Site(nil), sites...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Eval evaluates the site's operation on a and b as the model does: the result, and
// whether the spec's uint64 raises. It is the one place a site's arithmetic is written:
// Calc's operations, the recording and the lemmas' replay (proofs) call it.
func (s *Site) Eval(a, b uint64) (uint64, bool) {
	switch s.Op {
	case OpAdd:
		return add64(a, b)
	case OpSub:
		return sub64(a, b)
	case OpMul:
		return mul64(a, b)
	case OpDiv:
		return div64(a, b)
	case OpMod:
		return mod64(a, b)
	case OpAppend, OpConvert:
		return a, a > b
	case OpIndex, OpBit:
		return a, a >= b
	}
	panic("spec: site " + s.ID + " has no operation " + string(s.Op))
}

// The five operations, each returning the result and whether the spec's uint64 raises.

func add64(a, b uint64) (uint64, bool) {
	r, carry := bits.Add64(a, b, 0)
	return r, carry != 0
}

func sub64(a, b uint64) (uint64, bool) {
	r, borrow := bits.Sub64(a, b, 0)
	return r, borrow != 0
}

func mul64(a, b uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	return lo, hi != 0
}

func div64(a, b uint64) (uint64, bool) {
	if b == 0 {
		return 0, true
	}
	return a / b, false
}

func mod64(a, b uint64) (uint64, bool) {
	if b == 0 {
		return 0, true
	}
	return a % b, false
}

// Fails evaluates the site's operation on a and b, for a site checked outside Calc (an
// append), and reports whether the spec raises there. A SiteRecorder receives the
// evaluation, as it does Calc's.
func (s *Site) Fails(a, b uint64) bool {
	r, failed := s.Eval(a, b)
	if rec := siteRecorder.Load(); rec != nil {
		(*rec)([]SiteEval{{Site: s, A: a, B: b, Result: r, Failed: failed}})
	}
	return failed
}

// Index reports whether a read or write of entry i of a list or vector of n entries raises
// (i >= n), for an OpIndex or OpBit site; a SiteRecorder receives the evaluation. The
// common case (in range, no recorder) inlines to two tests.
func (s *Site) Index(i uint64, n int) bool {
	if i < uint64(n) && siteRecording.Load() == 0 {
		return false
	}
	return s.Fails(i, uint64(n))
}

// Div returns a // b for an OpDiv site that cannot raise on a validated config (a division
// by a config value Config.Validate keeps non-zero) in a function with no error to return:
// Value, whose common case (a non-zero divisor, no SiteRecorder) inlines to two tests and
// the division, for the accessors the model calls everywhere (compute_epoch_at_slot).
func (s *Site) Div(a, b uint64) uint64 {
	if b != 0 && siteRecording.Load() == 0 {
		return a / b
	}
	return s.Value(a, b)
}

// Value evaluates the site's operation on a and b and returns the result, for a site that
// cannot raise on a validated config (a division by a config value that Config.Validate
// keeps non-zero, a difference the expression keeps non-negative) in a function with no
// error to return. A SiteRecorder receives the evaluation, so the recording test holds the
// site's model to what the code computed; were the site to raise after all, the result is
// Eval's (0 for a division by zero, the wrapped value otherwise) and the recording test
// reports it as a disagreement with the site's status.
func (s *Site) Value(a, b uint64) uint64 {
	var r uint64
	var bad bool
	switch s.Op { // written out so the common case needs no call
	case OpDiv:
		r, bad = div64(a, b)
	case OpMod:
		r, bad = mod64(a, b)
	case OpSub:
		r, bad = sub64(a, b)
	default:
		r, bad = s.Eval(a, b)
	}
	if bad || siteRecorder.Load() != nil {
		s.Fails(a, b)
	}
	return r
}

// appendBeyondLimit is the error of an append to list, of n entries, at its limit: the
// IndexError of the read one past its end, naming the site.
func appendBeyondLimit(s *Site, list string, n int) error {
	return &IndexError{List: list, Index: uint64(n), Len: n, Site: s.ID}
}

// vectorAt is the position x % n of a vector of length entries that the spec reads or
// writes at vector[x % n]: the modulo through its site mod, then the read or write through
// its OpIndex site at, an IndexError naming at when the position is past the end.
func vectorAt(mod, at *Site, x, n uint64, vector string, length int) (uint64, error) {
	var k Calc
	i := k.Mod(mod, x, n)
	if err := k.Err(); err != nil {
		return 0, err
	}
	if at.Index(i, length) {
		return 0, outOfRange(at, vector, i, length)
	}
	return i, nil
}

// outOfRange is the error of a read or write of entry i of list, of n entries, at the
// OpIndex site s.
func outOfRange(s *Site, list string, i uint64, n int) error {
	return &IndexError{List: list, Index: i, Len: n, Site: s.ID}
}

// SiteEval is one evaluation of a site's operation: its operands, its result and whether
// the spec's uint64 raised there.
type SiteEval struct {
	Site   *Site
	A, B   uint64
	Result uint64
	Failed bool
}

// SiteRecorder receives the evaluations of the declared sites. Each call is one evaluation
// of one site: the operations of its ID that one Calc evaluated, in order (one operation
// for most sites; for a site of several operations, from its first declared operation up to
// the next one, the Calc's Err or the failure). It is for the tests that hold the sites'
// models to the operands the model really meets (package proofs); the model never sets one.
type SiteRecorder func(evals []SiteEval)

var siteRecorder atomic.Pointer[SiteRecorder]

// siteRecording is 1 while a SiteRecorder is set: the inlined fast paths (Index, Div) test
// it rather than the pointer, which keeps them within the compiler's inlining budget.
var siteRecording atomic.Uint32

// RecordSites makes r receive every site evaluation from now on, in every goroutine, until
// it is called again (nil: stop). With none set, an operation checks one atomic pointer
// besides its arithmetic (BenchmarkCalcSite measures both ways).
func RecordSites(r SiteRecorder) {
	if r == nil {
		siteRecorder.Store(nil)
		siteRecording.Store(0)
		return
	}
	siteRecorder.Store(&r)
	siteRecording.Store(1)
}

// calcRecord is what a Calc holds while a SiteRecorder is set: the site evaluations not yet
// passed on.
type calcRecord struct {
	open [][]SiteEval
}

// record passes on, or holds, one evaluation of s.
func (c *Calc) record(s *Site, a, b, r uint64, failed bool) {
	if s == nil {
		return
	}
	rec := siteRecorder.Load()
	if rec == nil {
		return
	}
	ev := SiteEval{Site: s, A: a, B: b, Result: r, Failed: failed}
	if s.parts <= 1 {
		(*rec)([]SiteEval{ev})
		return
	}
	if c.rec == nil {
		c.rec = &calcRecord{}
	}
	for i, g := range c.rec.open {
		if g[0].Site.ID != s.ID {
			continue
		}
		if s.part == 0 {
			(*rec)(g)
			c.rec.open[i] = []SiteEval{ev}
		} else {
			c.rec.open[i] = append(g, ev)
		}
		return
	}
	c.rec.open = append(c.rec.open, []SiteEval{ev})
}

// flush passes on the evaluations a Calc holds.
func (c *Calc) flush() {
	if c.rec == nil {
		return
	}
	if rec := siteRecorder.Load(); rec != nil {
		for _, g := range c.rec.open {
			(*rec)(g)
		}
	}
	c.rec.open = c.rec.open[:0]
}

// Recording reports whether a SiteRecorder is set.
func Recording() bool { return siteRecorder.Load() != nil }

// SiteConstant is the value on c of a constant an operand of a site is named by (a config
// value, a constant of the spec, or a quantity derived from them), and whether name is one.
func (c *Config) SiteConstant(name string) (uint64, bool) {
	hysteresis := uint64(c.EffectiveBalanceIncrement) / max(c.HysteresisQuotient, 1)
	v, ok := map[string]uint64{
		"SLOTS_PER_EPOCH":                     c.SlotsPerEpoch,
		"TARGET_COMMITTEE_SIZE":               c.TargetCommitteeSize,
		"CHURN_LIMIT_QUOTIENT":                c.ChurnLimitQuotient,
		"SLOTS_PER_HISTORICAL_ROOT":           c.SlotsPerHistoricalRoot,
		"EPOCHS_PER_HISTORICAL_VECTOR":        c.EpochsPerHistoricalVector,
		"EPOCHS_PER_SLASHINGS_VECTOR":         c.EpochsPerSlashingsVector,
		"MIN_SEED_LOOKAHEAD":                  c.MinSeedLookahead,
		"MAX_SEED_LOOKAHEAD":                  c.MaxSeedLookahead,
		"MIN_ATTESTATION_INCLUSION_DELAY":     c.MinAttestationInclusionDelay,
		"MIN_VALIDATOR_WITHDRAWABILITY_DELAY": c.MinValidatorWithdrawabilityDelay,
		"SHARD_COMMITTEE_PERIOD":              c.ShardCommitteePeriod,
		"GENESIS_DELAY":                       c.GenesisDelay,
		"MAX_EFFECTIVE_BALANCE":               uint64(c.MaxEffectiveBalance),
		"EFFECTIVE_BALANCE_INCREMENT":         uint64(c.EffectiveBalanceIncrement),
		"HYSTERESIS_INCREMENT":                hysteresis,
		"HYSTERESIS_DOWNWARD_MULTIPLIER":      c.HysteresisDownwardMultiplier,
		"HYSTERESIS_UPWARD_MULTIPLIER":        c.HysteresisUpwardMultiplier,
		"HYSTERESIS_QUOTIENT":                 c.HysteresisQuotient,
		"DOWNWARD_THRESHOLD":                  hysteresis * c.HysteresisDownwardMultiplier,
		"UPWARD_THRESHOLD":                    hysteresis * c.HysteresisUpwardMultiplier,
		"BASE_REWARD_FACTOR":                  c.BaseRewardFactor,
		"BASE_REWARDS_PER_EPOCH":              BaseRewardsPerEpoch,
		"PROPOSER_REWARD_QUOTIENT":            c.ProposerRewardQuotient,
		"MIN_SLASHING_PENALTY_QUOTIENT":       c.MinSlashingPenaltyQuotient,
		"WHISTLEBLOWER_REWARD_QUOTIENT":       c.WhistleblowerRewardQuotient,
		"INACTIVITY_PENALTY_QUOTIENT":         c.InactivityPenaltyQuotient,
		"PROPORTIONAL_SLASHING_MULTIPLIER":    c.ProportionalSlashingMultiplier,
		"MAX_RANDOM_BYTE":                     1<<8 - 1,
		"MAX_ATTESTATIONS":                    c.MaxAttestations,
		"EPOCHS_PER_ETH1_VOTING_PERIOD":       c.EpochsPerEth1VotingPeriod,
		"VALIDATOR_REGISTRY_LIMIT":            c.ValidatorRegistryLimit,
		"HISTORICAL_ROOTS_LIMIT":              c.HistoricalRootsLimit,
		"DEPOSIT_LIST_LIMIT":                  1 << DepositContractTreeDepth, // List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH]
	}[name]
	return v, ok
}
