package spec

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Tracing: with Model.Tracer set, every spec function call is reported to the tracer when
// it starts and when it returns, from the same entry and exit points that evaluate the
// contracts (requires, enter and ensures in contract.go). A call carries the function's
// spec name, its depth, the small inputs that identify it (slots, epochs, indices), and,
// when it returns, its error, the contract clauses it evaluated (checked mode), what it
// changed in the state, and for the top-level steps (state_transition, process_slots,
// process_block, process_epoch) the state's hash_tree_root after it.
//
// What a call changed is found by comparison, as the frame conditions are: the
// state-changing functions take a copy of the state at entry (snapshot), the mutators a
// copy of the entries they may touch (watch), and at exit the state is compared with it.
// A call that takes neither changed what its callees changed.
//
// Spec functions called while a contract is evaluated, or by a guard to record a value a
// postcondition needs, are not calls of the spec and are not traced (quietly). Nor are
// cache hits of get_active_validator_indices, which return before the hooks.

// Tracer receives the calls of a traced Model. Enter is called when a spec function
// starts, Exit when it returns, with the same *Call, filled in by then. The calls of one
// Model come from one goroutine.
type Tracer interface {
	Enter(c *Call)
	Exit(c *Call)
}

// Call is one call of a spec function, as a Tracer sees it.
type Call struct {
	Seq    int    // order of entry, from 0, over every call the Model traced
	Depth  int    // 0 for a call from outside the model
	Func   string // the spec's name, e.g. "process_attestation"
	Args   []Arg  // the small inputs, in the function's parameter order
	Parent *Call  // the caller, nil at depth 0

	// Known at exit.
	Err       error    // the call's error; a *ContractViolation for a breach
	Clauses   int      // contract clauses evaluated for this call (checked mode)
	Changes   *Changes // what the call changed in the state; nil when nothing
	StateRoot *Root    // the state's root after a top-level step that succeeded
	// Unwound is set on a call that ended without reaching its exit hook: an error
	// returned from the middle of a function whose hooks are split (get_base_reward), or a
	// contract breach unwinding past pure functions. Its Err is the error that unwound it.
	Unwound bool
}

// Arg is one named input of a call.
type Arg struct {
	Name  string
	Value any // a number, bool, string (hex for roots and domains), []uint64, or nil
}

// Path names the call and its callers, outermost first:
// "state_transition > process_block > process_operations > process_attestation".
func (c *Call) Path() string {
	var names []string
	for p := c; p != nil; p = p.Parent {
		names = append(names, p.Func)
	}
	slices.Reverse(names)
	return strings.Join(names, " > ")
}

// Label is the function with its inputs: "process_attestation(slot=9, index=1)".
func (c *Call) Label() string { return c.Func + "(" + formatArgs(c.Args) + ")" }

func formatArgs(args []Arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name + "=" + formatValue(a.Value)
	}
	return strings.Join(parts, ", ")
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return v
	case []uint64:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.FormatUint(x, 10)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// argValue turns an input into what the trace records: numbers stay numbers, byte
// strings become 0x-hex, short index lists stay lists and long ones a count.
func argValue(v any) any {
	switch v := v.(type) {
	case Slot:
		return uint64(v)
	case Epoch:
		return uint64(v)
	case *Epoch:
		if v == nil {
			return nil
		}
		return uint64(*v)
	case ValidatorIndex:
		return uint64(v)
	case *ValidatorIndex:
		if v == nil {
			return nil
		}
		return uint64(*v)
	case CommitteeIndex:
		return uint64(v)
	case Gwei:
		return uint64(v)
	case int:
		return uint64(v)
	case uint64, bool, string:
		return v
	case Root:
		return "0x" + hex.EncodeToString(v[:])
	case Domain:
		return "0x" + hex.EncodeToString(v[:])
	case DomainType:
		return "0x" + hex.EncodeToString(v[:])
	case Version:
		return "0x" + hex.EncodeToString(v[:])
	case []ValidatorIndex:
		if len(v) > 16 {
			return fmt.Sprintf("%d indices", len(v))
		}
		out := make([]uint64, len(v))
		for i, x := range v {
			out[i] = uint64(x)
		}
		return out
	}
	return fmt.Sprint(v)
}

// Changes are the parts of a BeaconState a call changed: top-level fields, and for the
// registry the entries.
type Changes struct {
	// Fields are the changed top-level fields other than validators and balances, in
	// the order of BeaconState.
	Fields []string
	// Validators are the changed validators, ascending by index.
	Validators []ValidatorChange
	// Balances are the indices of the changed or appended balances, ascending.
	Balances []ValidatorIndex
}

// ValidatorChange is one changed validator: the fields that changed, or Added for a
// validator appended by a deposit.
type ValidatorChange struct {
	Index  ValidatorIndex
	Fields []string
	Added  bool
}

func (c *Changes) empty() bool {
	return c == nil || len(c.Fields) == 0 && len(c.Validators) == 0 && len(c.Balances) == 0
}

// Strings renders the changes compactly, one entry per field: "randao_mixes",
// "balances[0-63]", "validators[3,17].exit_epoch", "validators[64] (appended)".
func (c *Changes) Strings() []string {
	if c.empty() {
		return nil
	}
	var out []string
	order := stateFieldOrder()
	byField := map[string][]ValidatorIndex{}
	var fieldOrder []string
	var added []ValidatorIndex
	for _, v := range c.Validators {
		if v.Added {
			added = append(added, v.Index)
			continue
		}
		for _, f := range v.Fields {
			if _, seen := byField[f]; !seen {
				fieldOrder = append(fieldOrder, f)
			}
			byField[f] = append(byField[f], v.Index)
		}
	}
	slices.SortStableFunc(fieldOrder, func(a, b string) int {
		return slices.Index(validatorFieldNames, a) - slices.Index(validatorFieldNames, b)
	})
	top := slices.Clone(c.Fields)
	if len(c.Validators) > 0 {
		top = append(top, "validators")
	}
	if len(c.Balances) > 0 {
		top = append(top, "balances")
	}
	slices.SortStableFunc(top, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	for _, f := range top {
		switch f {
		case "validators":
			for _, vf := range fieldOrder {
				out = append(out, "validators["+indexRanges(byField[vf])+"]."+vf)
			}
			if len(added) > 0 {
				out = append(out, "validators["+indexRanges(added)+"] (appended)")
			}
		case "balances":
			out = append(out, "balances["+indexRanges(c.Balances)+"]")
		default:
			out = append(out, f)
		}
	}
	return out
}

// indexRanges writes ascending indices as ranges: "0-63", "3,17,20-22".
func indexRanges(s []ValidatorIndex) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(s[i]), 10))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.FormatUint(uint64(s[j]), 10))
		}
		i = j + 1
	}
	return b.String()
}

// Touches says whether the changes include the value at path, a path as ssz.Diff writes
// it: "slot", "balances[3]", "validators[17].effective_balance",
// "latest_block_header.state_root", "randao_mixes[5]". A path inside a top-level field
// other than validators and balances is touched when the field changed.
func (c *Changes) Touches(path string) bool {
	if c.empty() {
		return false
	}
	field, index, sub, hasIndex := splitPath(path)
	switch field {
	case "balances":
		if !hasIndex {
			return len(c.Balances) > 0
		}
		_, found := slices.BinarySearch(c.Balances, ValidatorIndex(index))
		return found
	case "validators":
		for _, v := range c.Validators {
			if hasIndex && uint64(v.Index) != index {
				continue
			}
			if v.Added || sub == "" || slices.Contains(v.Fields, sub) {
				return true
			}
		}
		return false
	}
	return slices.Contains(c.Fields, field)
}

// splitPath reads "validators[17].exit_epoch" as ("validators", 17, "exit_epoch", true).
func splitPath(path string) (field string, index uint64, sub string, hasIndex bool) {
	field = path
	rest := ""
	if i := strings.IndexAny(path, "[."); i >= 0 {
		field, rest = path[:i], path[i:]
	}
	if strings.HasPrefix(rest, "[") {
		if j := strings.IndexByte(rest, ']'); j > 0 {
			if n, err := strconv.ParseUint(rest[1:j], 10, 64); err == nil {
				index, hasIndex = n, true
			}
			rest = rest[j+1:]
		}
	}
	if strings.HasPrefix(rest, ".") {
		sub = rest[1:]
		if k := strings.IndexAny(sub, "[."); k >= 0 {
			sub = sub[:k]
		}
	}
	return field, index, sub, hasIndex
}

// union returns the changes of a and b together (either may be nil).
func (c *Changes) union(o *Changes) *Changes {
	switch {
	case o.empty():
		return c
	case c.empty():
		return o
	}
	out := &Changes{}
	order := stateFieldOrder()
	for _, f := range order {
		if slices.Contains(c.Fields, f) || slices.Contains(o.Fields, f) {
			out.Fields = append(out.Fields, f)
		}
	}
	out.Balances = mergeIndices(c.Balances, o.Balances)
	i, j := 0, 0
	for i < len(c.Validators) || j < len(o.Validators) {
		switch {
		case j == len(o.Validators) || i < len(c.Validators) && c.Validators[i].Index < o.Validators[j].Index:
			out.Validators = append(out.Validators, c.Validators[i])
			i++
		case i == len(c.Validators) || o.Validators[j].Index < c.Validators[i].Index:
			out.Validators = append(out.Validators, o.Validators[j])
			j++
		default:
			a, b := c.Validators[i], o.Validators[j]
			v := ValidatorChange{Index: a.Index, Added: a.Added || b.Added}
			for _, f := range validatorFieldNames {
				if slices.Contains(a.Fields, f) || slices.Contains(b.Fields, f) {
					v.Fields = append(v.Fields, f)
				}
			}
			out.Validators = append(out.Validators, v)
			i++
			j++
		}
	}
	return out
}

func mergeIndices(a, b []ValidatorIndex) []ValidatorIndex {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]ValidatorIndex, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

var validatorFieldNames = []string{"pubkey", "withdrawal_credentials", "effective_balance", "slashed",
	"activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"}

// stateFieldOrder is the top-level fields of BeaconState in order.
func stateFieldOrder() []string {
	out := make([]string, 0, len(stateFields)+2)
	for _, f := range stateFields {
		out = append(out, f.name)
		if f.name == "eth1_deposit_index" {
			out = append(out, "validators", "balances")
		}
	}
	return out
}

// stateChanges compares a state with its copy from before a call.
func stateChanges(pre, post *BeaconState) *Changes {
	c := &Changes{}
	for _, f := range stateFields {
		if !f.equal(pre, post) {
			c.Fields = append(c.Fields, f.name)
		}
	}
	for i := range post.Validators {
		if i >= len(pre.Validators) {
			c.Validators = append(c.Validators, ValidatorChange{Index: ValidatorIndex(i), Added: true})
			continue
		}
		if a, b := &pre.Validators[i], &post.Validators[i]; *a != *b {
			c.Validators = append(c.Validators, ValidatorChange{Index: ValidatorIndex(i), Fields: validatorFieldDiffs(a, b)})
		}
	}
	for i := range post.Balances {
		if i >= len(pre.Balances) || pre.Balances[i] != post.Balances[i] {
			c.Balances = append(c.Balances, ValidatorIndex(i))
		}
	}
	if c.empty() {
		return nil
	}
	return c
}

// typeName names an SSZ object's type as the spec does: "BeaconState".
func typeName(obj any) string {
	name := fmt.Sprintf("%T", obj)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// The model's side of tracing: the calls in progress.

type traceState struct {
	stack []*traceFrame
	seq   int
	muted int // > 0 while a contract or a guard runs spec functions that are not calls of the spec
}

type traceFrame struct {
	call     *Call
	contract *Contract
	state    *BeaconState // the state the call works on, when it registered one
	before   *BeaconState // its copy at entry (snapshot)
	watched  []watchedEntry
	children *Changes // what the callees changed
}

// watchedEntry is a registry entry a mutator may change, as it was at entry.
type watchedEntry struct {
	index                ValidatorIndex
	validator            Validator
	balance              Gwei
	hasValidator, hasBal bool
}

func (m *Model) tracing() *traceState {
	if m.traceCalls == nil {
		m.traceCalls = &traceState{}
	}
	return m.traceCalls
}

// topLevelSteps are the calls after which the trace records the state root.
var topLevelSteps = map[string]bool{"state_transition": true, "process_slots": true, "process_block": true, "process_epoch": true}

// traceEnter starts a call of contract's function with args, name and value pairs.
func (m *Model) traceEnter(contract *Contract, args []any) {
	t := m.tracing()
	if t.muted > 0 {
		return
	}
	call := &Call{Seq: t.seq, Depth: len(t.stack), Func: contract.Func}
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		call.Args = append(call.Args, Arg{Name: name, Value: argValue(args[i+1])})
	}
	if n := len(t.stack); n > 0 {
		call.Parent = t.stack[n-1].call
	}
	t.seq++
	t.stack = append(t.stack, &traceFrame{call: call, contract: contract})
	m.Tracer.Enter(call)
}

// top returns the frame of the call in progress when it is contract's, nil otherwise
// (muted, or not traced).
func (m *Model) traceTop(contract *Contract) *traceFrame {
	t := m.tracing()
	if t.muted > 0 || len(t.stack) == 0 {
		return nil
	}
	if f := t.stack[len(t.stack)-1]; f.contract == contract {
		return f
	}
	return nil
}

// traceClauses adds clause evaluations to the call in progress.
func (m *Model) traceClauses(contract *Contract, n int) {
	if f := m.traceTop(contract); f != nil {
		f.call.Clauses += n
	}
}

// traceExit ends the innermost call of contract's function, and any call above it that
// did not reach its own exit.
func (m *Model) traceExit(contract *Contract, err error, clauses int) {
	t := m.tracing()
	if t.muted > 0 {
		return
	}
	i := len(t.stack) - 1
	for i >= 0 && t.stack[i].contract != contract {
		i--
	}
	if i < 0 {
		return
	}
	for j := len(t.stack) - 1; j > i; j-- {
		t.stack[j].call.Unwound = true
		m.closeFrame(t, t.stack[j], err)
	}
	t.stack[i].call.Clauses += clauses
	m.closeFrame(t, t.stack[i], err)
}

func (m *Model) closeFrame(t *traceState, f *traceFrame, err error) {
	c := f.call
	c.Err = err
	switch {
	case f.before != nil:
		c.Changes = stateChanges(f.before, f.state)
	case f.watched != nil:
		c.Changes = watchedChanges(f.state, f.watched).union(f.children)
	default:
		c.Changes = f.children
	}
	if err == nil && f.state != nil && topLevelSteps[c.Func] {
		if root, herr := HashTreeRoot(m.Config, f.state); herr == nil {
			c.StateRoot = &root
		}
	}
	t.stack = t.stack[:len(t.stack)-1]
	if n := len(t.stack); n > 0 {
		parent := t.stack[n-1]
		parent.children = parent.children.union(c.Changes)
	}
	m.Tracer.Exit(c)
}

func watchedChanges(state *BeaconState, watched []watchedEntry) *Changes {
	c := &Changes{}
	for _, w := range watched {
		i := int(w.index)
		if w.hasValidator && i < len(state.Validators) && state.Validators[i] != w.validator {
			c.Validators = append(c.Validators, ValidatorChange{Index: w.index, Fields: validatorFieldDiffs(&w.validator, &state.Validators[i])})
		}
		if w.hasBal && i < len(state.Balances) && state.Balances[i] != w.balance {
			c.Balances = append(c.Balances, w.index)
		}
	}
	if c.empty() {
		return nil
	}
	return c
}

// snapshot returns a copy of state taken at a spec function's entry: its postcondition
// compares the state with it in checked mode, and the tracer reports what the call changed
// by the same comparison.
func (m *Model) snapshot(state *BeaconState) *BeaconState {
	before := state.copyBare()
	if m.Tracer != nil {
		if f := m.traceTopAny(); f != nil {
			f.state, f.before = state, before
		}
	}
	return before
}

// watchAll is snapshot for the tracer alone, for a function whose contract needs no copy.
func (m *Model) watchAll(state *BeaconState) {
	if m.Tracer != nil {
		m.snapshot(state)
	}
}

// watch registers, for the tracer, the registry entries at indices as a mutator may
// change them: the report of what the call changed compares them at exit. Out-of-range
// indices are ignored (the mutator reports them).
func (m *Model) watch(state *BeaconState, indices ...ValidatorIndex) {
	if m.Tracer == nil {
		return
	}
	f := m.traceTopAny()
	if f == nil {
		return
	}
	f.state = state
	f.watched = make([]watchedEntry, 0, len(indices))
	for _, i := range indices {
		w := watchedEntry{index: i}
		if uint64(i) < uint64(len(state.Validators)) {
			w.validator, w.hasValidator = state.Validators[i], true
		}
		if uint64(i) < uint64(len(state.Balances)) {
			w.balance, w.hasBal = state.Balances[i], true
		}
		f.watched = append(f.watched, w)
	}
}

func (m *Model) traceTopAny() *traceFrame {
	t := m.tracing()
	if t.muted > 0 || len(t.stack) == 0 {
		return nil
	}
	return t.stack[len(t.stack)-1]
}

// quietly runs f without tracing the spec functions it calls: contract clauses, and the
// values a guard records at entry for a postcondition, are not calls of the spec.
func (m *Model) quietly(f func()) {
	if m.Tracer == nil {
		f()
		return
	}
	t := m.tracing()
	t.muted++
	defer func() { t.muted-- }()
	f()
}

// JSON lines.

// TraceLine is one line of a JSON trace: one call.
type TraceLine struct {
	Seq       int      `json:"seq"`
	Depth     int      `json:"depth"`
	Func      string   `json:"func"`
	Args      Args     `json:"args,omitempty"`
	Changed   []string `json:"changed,omitempty"`
	Clauses   int      `json:"clauses,omitempty"`
	Violation string   `json:"violation,omitempty"`
	Err       string   `json:"err,omitempty"`
	Root      string   `json:"root,omitempty"`
	Unwound   bool     `json:"unwound,omitempty"`
}

// Args are a call's inputs in order; in JSON an object whose keys keep that order.
type Args []Arg

func (a Args) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, arg := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(arg.Name)
		v, err := json.Marshal(arg.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func (a *Args) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("trace args: want an object")
	}
	*a = nil
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*a = append(*a, Arg{Name: name, Value: v})
	}
	_, err := dec.Token()
	return err
}

// Line is the call as a line of the JSON trace.
func (c *Call) Line() TraceLine {
	l := TraceLine{Seq: c.Seq, Depth: c.Depth, Func: c.Func, Args: c.Args, Changed: c.Changes.Strings(), Clauses: c.Clauses, Unwound: c.Unwound}
	var cv *ContractViolation
	switch {
	case errors.As(c.Err, &cv):
		l.Violation = cv.Error()
	case c.Err != nil:
		l.Err = c.Err.Error()
	}
	if c.StateRoot != nil {
		l.Root = "0x" + hex.EncodeToString(c.StateRoot[:])
	}
	return l
}

// JSONTracer writes a trace as JSON lines, one per call, in call order. A call's line says
// what the call changed, known only when it returns, so the lines of a call from outside
// the model and of everything under it are written together when it returns.
type JSONTracer struct {
	w       *bufio.Writer
	pending []*Call
	err     error
}

// NewJSONTracer returns a tracer writing to w.
func NewJSONTracer(w io.Writer) *JSONTracer { return &JSONTracer{w: bufio.NewWriter(w)} }

func (t *JSONTracer) Enter(c *Call) { t.pending = append(t.pending, c) }

func (t *JSONTracer) Exit(c *Call) {
	if c.Depth == 0 {
		t.flush()
	}
}

func (t *JSONTracer) flush() {
	enc := json.NewEncoder(t.w)
	for _, c := range t.pending {
		if t.err == nil {
			t.err = enc.Encode(c.Line())
		}
	}
	t.pending = t.pending[:0]
	if t.err == nil {
		t.err = t.w.Flush()
	}
}

// Close writes the lines of calls still open (a call that never returned) and reports the
// first write error.
func (t *JSONTracer) Close() error {
	t.flush()
	return t.err
}

// ReadTrace reads a JSON trace.
func ReadTrace(r io.Reader) ([]TraceLine, error) {
	var out []TraceLine
	err := ScanTrace(r, func(l TraceLine) error {
		out = append(out, l)
		return nil
	})
	return out, err
}

// MaxTraceDepth is the deepest call a trace may hold. The spec's call chains are a few
// dozen calls deep; a depth beyond this is a damaged or made-up trace, whose indentation
// alone would take gigabytes.
const MaxTraceDepth = 1000

// maxTraceLine is the longest trace line read (a line holds one call's small inputs).
const maxTraceLine = 64 << 20

// TraceLineError is a trace line that is not JSON or not a call of a trace.
type TraceLineError struct {
	Line   int // from 1
	Reason string
}

func (e *TraceLineError) Error() string { return fmt.Sprintf("trace line %d: %s", e.Line, e.Reason) }

// ScanTrace reads a JSON trace line by line, calling fn with each, and stops at fn's
// first error: a trace of a long replay need not fit in memory. Each line is checked to
// be a call of a trace: a function name, a depth from 0 to MaxTraceDepth that is at most
// one more than the previous line's (a call is entered from the one before it, the first
// at depth 0), no negative count of clauses.
func ScanTrace(r io.Reader, fn func(TraceLine) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxTraceLine)
	prev := -1 // the previous call's depth
	n := 0
	for sc.Scan() {
		n++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var l TraceLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return &TraceLineError{n, err.Error()}
		}
		switch {
		case l.Func == "":
			return &TraceLineError{n, "no func"}
		case l.Depth < 0:
			return &TraceLineError{n, fmt.Sprintf("depth %d is negative", l.Depth)}
		case l.Depth > MaxTraceDepth:
			return &TraceLineError{n, fmt.Sprintf("depth %d is above %d, deeper than any chain of spec calls", l.Depth, MaxTraceDepth)}
		case l.Depth > prev+1 && prev < 0:
			return &TraceLineError{n, fmt.Sprintf("the first call has depth %d, not 0", l.Depth)}
		case l.Depth > prev+1:
			return &TraceLineError{n, fmt.Sprintf("depth %d after a call at depth %d: a call is at most one deeper than the one before it", l.Depth, prev)}
		case l.Clauses < 0:
			return &TraceLineError{n, fmt.Sprintf("clauses %d is negative", l.Clauses)}
		}
		prev = l.Depth
		if err := fn(l); err != nil {
			return err
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return &TraceLineError{n + 1, fmt.Sprintf("longer than %d MiB", maxTraceLine>>20)}
	}
	return sc.Err()
}

// TraceRecorder keeps every call in memory, in call order.
type TraceRecorder struct {
	Calls []*Call
}

func (r *TraceRecorder) Enter(c *Call) { r.Calls = append(r.Calls, c) }
func (r *TraceRecorder) Exit(*Call)    {}

// Writers returns the calls that wrote the value at path (see Changes.Touches) and none
// of whose callees did: the innermost steps that changed it, in call order.
func (r *TraceRecorder) Writers(path string) []*Call {
	touched := map[*Call]bool{}
	for _, c := range r.Calls {
		if c.Changes.Touches(path) {
			touched[c] = true
		}
	}
	hasInner := map[*Call]bool{}
	for c := range touched {
		if c.Parent != nil && touched[c.Parent] {
			hasInner[c.Parent] = true
		}
	}
	var out []*Call
	for _, c := range r.Calls {
		if touched[c] && !hasInner[c] {
			out = append(out, c)
		}
	}
	return out
}
