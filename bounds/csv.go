package bounds

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The CSV form of a scan is one comment line naming the config and the range, a column
// header, and one row per V in increasing order:
//
//	# beaconcheck bounds config=mainnet slots_per_epoch=32 max_committees_per_slot=64 target_committee_size=128 max_validators_per_committee=2048 from=0 to=1000 shard=0/2
//	v,committees_per_slot,combinations,min_len,max_len,violating
//	0,1,32,0,0,0
//	...
//
// from and to are the whole range of the job and shard=I/N says which part of it the rows
// cover (Shard.Part); an unsharded run is shard=0/1. Merge joins the N shards of a job into
// exactly the bytes an unsharded run writes.

const (
	csvMagic   = "# beaconcheck bounds"
	csvColumns = "v,committees_per_slot,combinations,min_len,max_len,violating"
)

// Shard is part Index (0-based) of a range split into Count contiguous parts.
type Shard struct {
	Index, Count uint64
}

// Whole is the shard of an unsharded run.
var Whole = Shard{0, 1}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ShardError reports a shard that cannot be used.
type ShardError struct {
	Shard  string // as given, e.g. "4/4"
	Reason string
}

func (e *ShardError) Error() string { return fmt.Sprintf("shard %s rejected: %s", e.Shard, e.Reason) }

// ParseShard parses "I/N": part I, numbered from 0, of N. A batch system's task index
// (Kubernetes JOB_COMPLETION_INDEX, Slurm SLURM_ARRAY_TASK_ID with --array=0-(N-1)) can be
// passed as I directly.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, &ShardError{s, "want I/N, part I (from 0) of N"}
	}
	index, err1 := strconv.ParseUint(i, 10, 64)
	count, err2 := strconv.ParseUint(n, 10, 64)
	if err1 != nil || err2 != nil {
		return Shard{}, &ShardError{s, "I and N must be non-negative decimal integers"}
	}
	sh := Shard{index, count}
	if err := sh.check(); err != nil {
		return Shard{}, err
	}
	return sh, nil
}

func (s Shard) check() error {
	if s.Count == 0 {
		return &ShardError{s.String(), "N must be at least 1"}
	}
	if s.Index >= s.Count {
		return &ShardError{s.String(), fmt.Sprintf("I must be below N (shards are numbered 0 to %d)", s.Count-1)}
	}
	return nil
}

// Part returns the V that shard s of [from, to] covers, [lo, hi]. Like compute_committee
// splitting the active validators, part I of the n = to-from+1 values starts at
// from + n*I//N, so the parts are contiguous, in order, cover the range, and differ in size
// by at most one. Every part must be non-empty: N may not exceed n.
func (s Shard) Part(from, to uint64) (lo, hi uint64, err error) {
	if err := s.check(); err != nil {
		return 0, 0, err
	}
	if from > to {
		return 0, 0, &ShardError{s.String(), fmt.Sprintf("range [%d, %d] is empty", from, to)}
	}
	n := to - from + 1
	if n == 0 { // [0, 2^64-1]: more values than a uint64 counts
		return 0, 0, &ShardError{s.String(), "range too large"}
	}
	if s.Count > n {
		return 0, 0, &ShardError{s.String(), fmt.Sprintf("%d shards of the %d values in [%d, %d] would leave some empty", s.Count, n, from, to)}
	}
	at := func(i uint64) uint64 { // n*i//N in 128 bits; i <= N so the quotient fits
		h, l := bits.Mul64(n, i)
		q, _ := bits.Div64(h, l, s.Count)
		return q
	}
	return from + at(s.Index), from + at(s.Index+1) - 1, nil
}

// Header is the first line of a CSV: the config and the range of the job, and the shard the
// rows cover.
type Header struct {
	Config                    string
	SlotsPerEpoch             uint64
	MaxCommitteesPerSlot      uint64
	TargetCommitteeSize       uint64
	MaxValidatorsPerCommittee uint64
	From, To                  uint64
	Shard                     Shard
}

// NewHeader is the header of shard sh of a scan of [from, to] under cfg.
func NewHeader(cfg *spec.Config, from, to uint64, sh Shard) Header {
	return Header{
		Config:                    configName(cfg),
		SlotsPerEpoch:             cfg.SlotsPerEpoch,
		MaxCommitteesPerSlot:      cfg.MaxCommitteesPerSlot,
		TargetCommitteeSize:       cfg.TargetCommitteeSize,
		MaxValidatorsPerCommittee: cfg.MaxValidatorsPerCommittee,
		From:                      from,
		To:                        to,
		Shard:                     sh,
	}
}

// Part is the range of V the rows under h cover.
func (h Header) Part() (lo, hi uint64, err error) { return h.Shard.Part(h.From, h.To) }

// sameJob reports whether h and o are shards of one job (same config and range, same N).
func (h Header) sameJob(o Header) bool {
	h.Shard.Index, o.Shard.Index = 0, 0
	return h == o
}

func (h Header) params() []string {
	return []string{
		"config=" + h.Config,
		"slots_per_epoch=" + strconv.FormatUint(h.SlotsPerEpoch, 10),
		"max_committees_per_slot=" + strconv.FormatUint(h.MaxCommitteesPerSlot, 10),
		"target_committee_size=" + strconv.FormatUint(h.TargetCommitteeSize, 10),
		"max_validators_per_committee=" + strconv.FormatUint(h.MaxValidatorsPerCommittee, 10),
	}
}

func (h Header) String() string {
	return fmt.Sprintf("%s %s from=%d to=%d shard=%s", csvMagic, strings.Join(h.params(), " "), h.From, h.To, h.Shard)
}

// CSVError reports a CSV that cannot be read or merged.
type CSVError struct {
	Name   string // file name, if known
	Line   int    // 1-based; 0 for the file as a whole
	Reason string
}

func (e *CSVError) Error() string {
	var b strings.Builder
	if e.Name != "" {
		b.WriteString(e.Name)
	} else {
		b.WriteString("CSV")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

func parseHeader(line string) (Header, error) {
	rest, ok := strings.CutPrefix(line, csvMagic+" ")
	if !ok {
		return Header{}, fmt.Errorf("first line is not a %q header", csvMagic)
	}
	fields := strings.Fields(rest)
	keys := []string{"config", "slots_per_epoch", "max_committees_per_slot", "target_committee_size", "max_validators_per_committee", "from", "to", "shard"}
	if len(fields) != len(keys) {
		return Header{}, fmt.Errorf("header has %d fields, want the %d fields %s", len(fields), len(keys), strings.Join(keys, ", "))
	}
	var h Header
	nums := []*uint64{nil, &h.SlotsPerEpoch, &h.MaxCommitteesPerSlot, &h.TargetCommitteeSize, &h.MaxValidatorsPerCommittee, &h.From, &h.To}
	for i, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		if k != keys[i] {
			return Header{}, fmt.Errorf("header field %d is %q, want %s=", i+1, f, keys[i])
		}
		switch {
		case k == "config":
			h.Config = v
		case k == "shard":
			sh, err := ParseShard(v)
			if err != nil {
				return Header{}, err
			}
			h.Shard = sh
		default:
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return Header{}, fmt.Errorf("header field %s: %q is not a non-negative integer", k, v)
			}
			*nums[i] = n
		}
	}
	if h.String() != line {
		return Header{}, fmt.Errorf("header is not in canonical form (want %q)", h.String())
	}
	if _, _, err := h.Part(); err != nil {
		return Header{}, err
	}
	return h, nil
}

// CSVWriter writes the CSV form of a scan.
type CSVWriter struct {
	w   *bufio.Writer
	buf []byte
}

// NewCSVWriter writes the header lines to w and returns the writer for the rows.
func NewCSVWriter(w io.Writer, h Header) (*CSVWriter, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := fmt.Fprintf(bw, "%s\n%s\n", h, csvColumns); err != nil {
		return nil, err
	}
	return &CSVWriter{w: bw}, nil
}

// Write writes one row; rows must come in increasing order of V (Scan's Row does that).
func (c *CSVWriter) Write(r VResult) error {
	b := c.buf[:0]
	for i, n := range [...]uint64{r.V, r.CommitteesPerSlot, r.Combinations, r.MinLen, r.MaxLen, r.Violating} {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, n, 10)
	}
	b = append(b, '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

// Flush writes any buffered rows.
func (c *CSVWriter) Flush() error { return c.w.Flush() }

// CSVReader reads the CSV form of a scan.
type CSVReader struct {
	Header Header
	name   string
	s      *bufio.Scanner
	line   int
}

// NewCSVReader reads and checks the header lines of r; name labels errors.
func NewCSVReader(r io.Reader, name string) (*CSVReader, error) {
	c := &CSVReader{name: name, s: bufio.NewScanner(r)}
	first, ok := c.next()
	if !ok {
		return nil, c.fail("empty file (want a %q header)", csvMagic)
	}
	h, err := parseHeader(first)
	if err != nil {
		return nil, c.fail("%v", err)
	}
	c.Header = h
	if cols, ok := c.next(); !ok || cols != csvColumns {
		return nil, c.fail("second line must be the column header %q", csvColumns)
	}
	return c, nil
}

func (c *CSVReader) next() (string, bool) {
	if !c.s.Scan() {
		return "", false
	}
	c.line++
	return c.s.Text(), true
}

func (c *CSVReader) fail(format string, a ...any) error {
	if err := c.s.Err(); err != nil {
		return &CSVError{c.name, c.line, err.Error()}
	}
	return &CSVError{c.name, c.line, fmt.Sprintf(format, a...)}
}

// Read returns the next row, or io.EOF after the last.
func (c *CSVReader) Read() (VResult, error) {
	line, ok := c.next()
	if !ok {
		if err := c.s.Err(); err != nil {
			return VResult{}, &CSVError{c.name, c.line, err.Error()}
		}
		return VResult{}, io.EOF
	}
	var n [6]uint64
	fields := strings.Split(line, ",")
	if len(fields) != len(n) {
		return VResult{}, c.fail("row has %d fields, want %d (%s)", len(fields), len(n), csvColumns)
	}
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil || strconv.FormatUint(v, 10) != f {
			return VResult{}, c.fail("field %d: %q is not a non-negative integer in canonical form", i+1, f)
		}
		n[i] = v
	}
	return VResult{V: n[0], CommitteesPerSlot: n[1], Combinations: n[2], MinLen: n[3], MaxLen: n[4], Violating: n[5]}, nil
}

// Input is one CSV given to Merge.
type Input struct {
	Name string
	R    io.Reader
}

// Merge joins the shards of one job (all N of them, in any order) into w, writing exactly
// what an unsharded run of the job writes, and returns the Summary of the job's range. It
// rejects, naming the file: inputs of different configs or ranges or shard counts, a shard
// given twice, a missing shard, and rows that do not cover their shard's part exactly, in
// order.
func Merge(w io.Writer, inputs []Input) (*Summary, error) {
	if len(inputs) == 0 {
		return nil, errors.New("merge: no input")
	}
	readers := make([]*CSVReader, len(inputs))
	for i, in := range inputs {
		r, err := NewCSVReader(in.R, in.Name)
		if err != nil {
			return nil, err
		}
		readers[i] = r
	}
	h0 := readers[0].Header
	for _, r := range readers[1:] {
		if !r.Header.sameJob(h0) {
			return nil, &CSVError{Name: r.name, Reason: fmt.Sprintf("not a shard of the same job as %s:\n  %s\n  %s", readers[0].name, r.Header, h0)}
		}
	}
	slices.SortStableFunc(readers, func(a, b *CSVReader) int {
		switch {
		case a.Header.Shard.Index < b.Header.Shard.Index:
			return -1
		case a.Header.Shard.Index > b.Header.Shard.Index:
			return 1
		}
		return 0
	})
	for i := 1; i < len(readers); i++ {
		if a, b := readers[i-1], readers[i]; a.Header.Shard == b.Header.Shard {
			return nil, &CSVError{Name: b.name, Reason: fmt.Sprintf("shard %s given twice (also %s): their rows would overlap", b.Header.Shard, a.name)}
		}
	}
	n := h0.Shard.Count
	if uint64(len(readers)) != n {
		have := map[uint64]bool{}
		for _, r := range readers {
			have[r.Header.Shard.Index] = true
		}
		for i := uint64(0); i < n; i++ {
			if !have[i] {
				lo, hi, _ := Shard{i, n}.Part(h0.From, h0.To)
				return nil, fmt.Errorf("merge: shard %d/%d (V in [%d, %d]) is missing: the merged rows would have a gap", i, n, lo, hi)
			}
		}
	}

	out := h0
	out.Shard = Whole
	cw, err := NewCSVWriter(w, out)
	if err != nil {
		return nil, err
	}
	cfg := &spec.Config{
		ConfigName:                h0.Config,
		SlotsPerEpoch:             h0.SlotsPerEpoch,
		MaxCommitteesPerSlot:      h0.MaxCommitteesPerSlot,
		TargetCommitteeSize:       h0.TargetCommitteeSize,
		MaxValidatorsPerCommittee: h0.MaxValidatorsPerCommittee,
	}
	var acc partial
	for _, r := range readers {
		lo, hi, _ := r.Header.Part()
		next := lo
		for {
			row, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if row.V != next || next > hi {
				return nil, &CSVError{r.name, r.line, fmt.Sprintf("row for V = %d, want V = %d (shard %s covers [%d, %d])", row.V, next, r.Header.Shard, lo, hi)}
			}
			if err := cw.Write(row); err != nil {
				return nil, err
			}
			acc.add(cfg, row)
			next++
		}
		if next == lo {
			return nil, &CSVError{Name: r.name, Reason: fmt.Sprintf("no rows, shard %s covers [%d, %d]", r.Header.Shard, lo, hi)}
		}
		if next != hi+1 {
			return nil, &CSVError{Name: r.name, Reason: fmt.Sprintf("rows end at V = %d, shard %s covers [%d, %d]: truncated?", next-1, r.Header.Shard, lo, hi)}
		}
	}
	if err := cw.Flush(); err != nil {
		return nil, err
	}
	return acc.summary(cfg, h0.From, h0.To), nil
}
