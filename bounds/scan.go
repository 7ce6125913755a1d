package bounds

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"sync"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Options tunes Scan. The zero value scans with the fast engine on GOMAXPROCS workers.
type Options struct {
	Engine Engine
	// Workers is the number of goroutines evaluating V; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// ChunkSize is the number of consecutive V a worker evaluates at a time; 0 means 4096.
	ChunkSize uint64
	// Row, if set, receives every VResult in increasing order of V, from one goroutine,
	// whatever the scheduling of the workers. An error from Row stops the scan and is
	// returned by Scan.
	Row func(VResult) error
	// Progress, if set, is called from one goroutine after each chunk with the number of V
	// done so far and the number in the range.
	Progress func(done, total uint64)
}

const defaultChunkSize = 4096

// Scan evaluates every V in [from, to] with the chosen engine on parallel workers (each takes
// a contiguous chunk of V at a time) and returns the Summary of the range: the thresholds
// are derived from the values seen, never assumed. The Summary and the sequence of Row calls
// depend only on cfg, from, to and the engine, not on the number of workers or chunk size.
//
// With the fast engine and no Row, the Summary comes from the closed forms run by run of
// constant committees_per_slot (closed.go), in one step per run whatever the width of the
// range; the tests hold it equal to the value-by-value scan.
//
// Scan stops early, returning ctx.Err(), when ctx is cancelled.
func Scan(ctx context.Context, cfg *spec.Config, from, to uint64, opts Options) (*Summary, error) {
	if err := checkRange(cfg, from, to); err != nil {
		return nil, err
	}
	if opts.Engine != Fast && opts.Engine != Referee {
		return nil, fmt.Errorf("bounds: unknown engine %v", opts.Engine)
	}
	if opts.Engine == Fast && opts.Row == nil {
		// Nothing needs each V: the closed forms give the Summary run by run.
		sum, err := closedSummary(ctx, cfg, from, to)
		if err == nil && opts.Progress != nil {
			opts.Progress(to-from+1, to-from+1)
		}
		return sum, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := opts.ChunkSize
	if chunk == 0 {
		chunk = defaultChunkSize
	}
	total := to - from + 1 // to <= MaxV(cfg) < 2^64 - 1, so this does not wrap

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		part partial
		rows []VResult
		err  error
	}
	type job struct {
		lo, hi uint64
		out    chan result
	}
	jobs := make(chan job)
	// order holds each dispatched chunk's result channel in dispatch order, so the collector
	// consumes chunks in increasing V; its capacity bounds the chunks held in memory.
	order := make(chan chan result, 4*workers)

	// Row buffers go back to the pool once the collector has passed their rows on.
	pool := sync.Pool{New: func() any { return make([]VResult, 0, min(chunk, total)) }}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // dispatcher
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for lo := from; ; {
			hi := to
			if to-lo >= chunk {
				hi = lo + chunk - 1
			}
			out := make(chan result, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{lo, hi, out}:
			case <-ctx.Done():
				return
			}
			if hi == to {
				return
			}
			lo = hi + 1
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var res result
				if opts.Row != nil {
					res.rows = pool.Get().([]VResult)[:0]
				}
				for v := j.lo; ; v++ {
					if v&1023 == 0 && ctx.Err() != nil {
						res.err = ctx.Err()
						break
					}
					r, err := opts.Engine.At(cfg, v)
					if err != nil {
						res.err = err
						break
					}
					res.part.add(cfg, r)
					if opts.Row != nil {
						res.rows = append(res.rows, r)
					}
					if v == j.hi {
						break
					}
				}
				j.out <- res // buffered: never blocks
			}
		}()
	}

	var acc partial
	var done uint64
	err := func() error {
		for out := range order {
			var res result
			select {
			case res = <-out:
			case <-ctx.Done():
				return ctx.Err()
			}
			if res.err != nil {
				return res.err
			}
			for _, r := range res.rows {
				if err := opts.Row(r); err != nil {
					return err
				}
			}
			if res.rows != nil {
				pool.Put(res.rows[:0])
			}
			acc.merge(res.part)
			done += res.part.values
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}
		if done == total {
			return nil
		}
		return ctx.Err() // the dispatcher stopped early
	}()
	cancel()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if done != total {
		return nil, fmt.Errorf("bounds: internal: scanned %d of %d values", done, total)
	}
	return acc.summary(cfg, from, to), nil
}

// partial is what a run of consecutive V contributes to a Summary. Two partials of adjacent
// runs merge, left then right, into the partial of their union.
type partial struct {
	values            uint64
	firstCPSMax       optV // first V with committees_per_slot == MAX_COMMITTEES_PER_SLOT
	firstViolating    optV // first V with a violating combination
	lastNotAll        optV // last V where some combination does not violate
	violatingValues   uint64
	allViolatingValue uint64
	maxLen            uint64
	maxLenAt          uint64
	maxViolating      uint64
}

type optV struct {
	v  uint64
	ok bool
}

func (p *partial) add(cfg *spec.Config, r VResult) {
	p.merge(partial{values: 1}.with(cfg, r))
}

// with is the partial of the single value r.
func (p partial) with(cfg *spec.Config, r VResult) partial {
	if r.CommitteesPerSlot == cfg.MaxCommitteesPerSlot {
		p.firstCPSMax = optV{r.V, true}
	}
	if r.Violating > 0 {
		p.firstViolating = optV{r.V, true}
		p.violatingValues = 1
	}
	if r.Violating < r.Combinations {
		p.lastNotAll = optV{r.V, true}
	} else {
		p.allViolatingValue = 1
	}
	p.maxLen, p.maxLenAt, p.maxViolating = r.MaxLen, r.V, r.Violating
	return p
}

func (p *partial) merge(q partial) {
	if p.values == 0 {
		*p = q
		return
	}
	p.values += q.values
	if !p.firstCPSMax.ok {
		p.firstCPSMax = q.firstCPSMax
	}
	if !p.firstViolating.ok {
		p.firstViolating = q.firstViolating
	}
	if q.lastNotAll.ok {
		p.lastNotAll = q.lastNotAll
	}
	p.violatingValues += q.violatingValues
	p.allViolatingValue += q.allViolatingValue
	if q.maxLen > p.maxLen {
		p.maxLen, p.maxLenAt = q.maxLen, q.maxLenAt
	}
	p.maxViolating = max(p.maxViolating, q.maxViolating)
}

// Status says how a Threshold relates to the scanned range.
type Status uint8

const (
	// NotReached: the condition does not hold anywhere it is looked for in [From, To].
	NotReached Status = iota
	// Exact: the threshold is V, and V is in range (the value before it, if in range, does
	// not meet the condition).
	Exact
	// AtOrBeforeFrom: the condition already holds at From > 0, so the threshold is From or
	// some V below the range; scan from 0 to know which.
	AtOrBeforeFrom
)

var statusNames = [...]string{NotReached: "not reached", Exact: "exact", AtOrBeforeFrom: "at or before from"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Threshold is a value of V found by the scan, with how far it can be trusted.
type Threshold struct {
	V      uint64 // meaningful unless Status is NotReached
	Status Status
}

// MarshalJSON writes {"v": V, "status": "exact"}, with "v": null when not reached.
func (t Threshold) MarshalJSON() ([]byte, error) {
	var v *uint64
	if t.Status != NotReached {
		v = &t.V
	}
	return json.Marshal(struct {
		V      *uint64 `json:"v"`
		Status string  `json:"status"`
	}{v, t.Status.String()})
}

// Summary is what a scan of [From, To] found. Each threshold is derived from the values seen.
type Summary struct {
	Config                    string `json:"config"`
	SlotsPerEpoch             uint64 `json:"slots_per_epoch"`
	MaxCommitteesPerSlot      uint64 `json:"max_committees_per_slot"`
	TargetCommitteeSize       uint64 `json:"target_committee_size"`
	MaxValidatorsPerCommittee uint64 `json:"max_validators_per_committee"`

	From   uint64 `json:"from"`
	To     uint64 `json:"to"`
	Values uint64 `json:"values"` // To - From + 1

	// CommitteesPerSlotMax is the smallest V with committees_per_slot equal to
	// MAX_COMMITTEES_PER_SLOT (committees_per_slot never decreases with V).
	CommitteesPerSlotMax Threshold `json:"committees_per_slot_max"`
	// LastSafe is the largest V before FirstViolating: no combination of any V in
	// [From, LastSafe] violates. NotReached when FirstViolating is not Exact.
	LastSafe Threshold `json:"last_safe"`
	// FirstViolating is the smallest V with a combination longer than
	// MAX_VALIDATORS_PER_COMMITTEE.
	FirstViolating Threshold `json:"first_violating"`
	// AllViolatingFrom is the smallest V such that every combination of every V in
	// [AllViolatingFrom, To] violates. (Beyond To the range says nothing; FastAt's comment
	// shows that all combinations violate for every
	// V >= (MAX_VALIDATORS_PER_COMMITTEE+1) * MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH.)
	AllViolatingFrom Threshold `json:"all_violating_from"`

	ViolatingValues    uint64 `json:"violating_values"`     // V in range with at least one violating combination
	AllViolatingValues uint64 `json:"all_violating_values"` // V in range whose combinations all violate
	MaxLen             uint64 `json:"max_len"`              // longest committee in range
	MaxLenAt           uint64 `json:"max_len_at"`           // smallest V with a committee that long
	MaxViolating       uint64 `json:"max_violating"`        // most violating combinations of one V
}

func (p *partial) summary(cfg *spec.Config, from, to uint64) *Summary {
	s := &Summary{
		Config:                    configName(cfg),
		SlotsPerEpoch:             cfg.SlotsPerEpoch,
		MaxCommitteesPerSlot:      cfg.MaxCommitteesPerSlot,
		TargetCommitteeSize:       cfg.TargetCommitteeSize,
		MaxValidatorsPerCommittee: cfg.MaxValidatorsPerCommittee,
		From:                      from,
		To:                        to,
		Values:                    p.values,
		ViolatingValues:           p.violatingValues,
		AllViolatingValues:        p.allViolatingValue,
		MaxLen:                    p.maxLen,
		MaxLenAt:                  p.maxLenAt,
		MaxViolating:              p.maxViolating,
	}
	first := func(o optV) Threshold {
		switch {
		case !o.ok:
			return Threshold{}
		case o.v == from && from > 0:
			return Threshold{V: o.v, Status: AtOrBeforeFrom}
		}
		return Threshold{V: o.v, Status: Exact}
	}
	s.CommitteesPerSlotMax = first(p.firstCPSMax)
	s.FirstViolating = first(p.firstViolating)
	if s.FirstViolating.Status == Exact && s.FirstViolating.V > from {
		s.LastSafe = Threshold{V: s.FirstViolating.V - 1, Status: Exact}
	}
	switch {
	case !p.lastNotAll.ok: // every V in range is all-violating
		s.AllViolatingFrom = first(optV{from, true})
	case p.lastNotAll.v < to:
		s.AllViolatingFrom = Threshold{V: p.lastNotAll.v + 1, Status: Exact}
	}
	return s
}

// WriteText writes the findings as a few lines of deterministic text, each threshold with
// what it means and, when it is not exact, why.
func (s *Summary) WriteText(w io.Writer) error {
	m := commas(s.MaxValidatorsPerCommittee)
	rng := fmt.Sprintf("[%s, %s]", commas(s.From), commas(s.To))
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }

	switch t := s.CommitteesPerSlotMax; t.Status {
	case Exact:
		add("committees_per_slot reaches MAX_COMMITTEES_PER_SLOT = %d at V = %s", s.MaxCommitteesPerSlot, vName(t.V))
	case AtOrBeforeFrom:
		add("committees_per_slot is already MAX_COMMITTEES_PER_SLOT = %d at V = %s, the start of the range (it gets there at or before it)", s.MaxCommitteesPerSlot, vName(t.V))
	default:
		add("committees_per_slot does not reach MAX_COMMITTEES_PER_SLOT = %d in %s", s.MaxCommitteesPerSlot, rng)
	}
	switch t := s.FirstViolating; t.Status {
	case Exact:
		if s.LastSafe.Status == Exact {
			add("no committee is longer than MAX_VALIDATORS_PER_COMMITTEE = %s for V in [%s, %s]", m, commas(s.From), vName(s.LastSafe.V))
		}
		add("first V with a committee longer than %s: %s", m, vName(t.V))
	case AtOrBeforeFrom:
		add("committees longer than MAX_VALIDATORS_PER_COMMITTEE = %s already at V = %s, the start of the range (the first violation is at or before it)", m, vName(t.V))
	default:
		add("no committee is longer than MAX_VALIDATORS_PER_COMMITTEE = %s anywhere in %s (first violation not reached)", m, rng)
	}
	switch t := s.AllViolatingFrom; t.Status {
	case Exact:
		add("every combination's committee is longer than %s from V = %s to the end of the range", m, vName(t.V))
	case AtOrBeforeFrom:
		add("every combination's committee is longer than %s throughout the range (from at or before its start)", m)
	default:
		add("not every combination violates at V = %s, the end of the range (all-violating not reached)", commas(s.To))
	}
	add("")
	add("V with a violating combination:      %s of %s", commas(s.ViolatingValues), commas(s.Values))
	add("V with every combination violating:  %s of %s", commas(s.AllViolatingValues), commas(s.Values))
	add("most violating combinations of one V: %s", commas(s.MaxViolating))
	add("longest committee: %s, first at V = %s", commas(s.MaxLen), commas(s.MaxLenAt))
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// DefaultRange is the range of V scanned when none is given: from 0 to the smallest power of
// two above both (MAX_VALIDATORS_PER_COMMITTEE+1) * MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH
// (from which, by FastAt's reasoning, every combination violates) and
// MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH * TARGET_COMMITTEE_SIZE (from which
// committees_per_slot is at its maximum), so every threshold of Summary lies inside with
// room after it: 2^23 on mainnet, 2^17 on minimal. It is capped at MaxV.
func DefaultRange(cfg *spec.Config) (from, to uint64) {
	var k spec.Calc
	count := k.Mul(nil, cfg.MaxCommitteesPerSlot, cfg.SlotsPerEpoch)
	allViolate := k.Mul(nil, k.Add(nil, cfg.MaxValidatorsPerCommittee, 1), count)
	cpsMax := k.Mul(nil, count, cfg.TargetCommitteeSize)
	limit := MaxV(cfg)
	if k.Err() != nil {
		return 0, limit
	}
	n := bits.Len64(max(allViolate, cpsMax))
	if n >= 64 {
		return 0, limit
	}
	return 0, min(uint64(1)<<n, limit)
}

func configName(cfg *spec.Config) string {
	b := []byte(cfg.ConfigName)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "unnamed"
	}
	return string(b)
}
