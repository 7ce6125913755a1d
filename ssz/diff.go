package ssz

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Diff compares two values of one container type field by field and returns where they
// differ, in field order and then index order.
//
// It walks the two values' Merkle views (TreeOf) in lockstep and descends only where roots
// differ: first the roots of a container's fields, then the roots of the elements of a
// list or vector of containers, then the packed chunks of a basic list or vector. Two
// states of 100,000 validators that differ in one balance are compared by hashing each
// once and then reading a handful of roots, not by comparing 100,000 validators.
//
// Values are rendered in the test vectors' YAML format (integers as numbers, roots, byte
// strings and bitfields as 0x-prefixed hex), on one line; bitfields and byte strings are
// compared as one value each.
func Diff(ctx any, a, b Object, opts DiffOptions) ([]Difference, error) {
	if ta, tb := reflect.TypeOf(a), reflect.TypeOf(b); ta != tb {
		return nil, fmt.Errorf("cannot diff a %v against a %v", ta, tb)
	}
	d := &differ{ctx: ctx, opts: opts}
	if err := d.objects("", a, b); err != nil {
		return nil, err
	}
	return d.out, nil
}

// DiffOptions tunes Diff.
type DiffOptions struct {
	// MaxElems caps how many differing elements of each list or vector are reported;
	// a summary says how many were left out. Zero reports every one.
	MaxElems int
}

// Difference is one line of a diff: a value that changed, a list element only one side
// has, or a summary of a list or vector.
type Difference struct {
	Kind DiffKind
	// Path names the value as the spec would write it: "slot",
	// "validators[17].effective_balance", "latest_block_header.state_root".
	Path string
	// Old and New are the rendered values (Old empty for DiffAdded, New for DiffRemoved).
	Old, New string
	// Note is the text of a DiffSummary: "length 64 -> 65", "3 of 64 differ",
	// "12 more differing elements not shown".
	Note string
}

// DiffKind says what a Difference reports.
type DiffKind uint8

const (
	DiffChanged DiffKind = iota // the value at Path is Old in a and New in b
	DiffAdded                   // list element Path exists only in b, with value New
	DiffRemoved                 // list element Path exists only in a, with value Old
	DiffSummary                 // a line about the list or vector at Path: Note
)

// String renders d as one line: "slot: 40 -> 41", "validators[64]: added {...}",
// "balances: 3 of 64 differ".
func (d Difference) String() string {
	switch d.Kind {
	case DiffAdded:
		return d.Path + ": added " + d.New
	case DiffRemoved:
		return d.Path + ": removed " + d.Old
	case DiffSummary:
		return d.Path + ": " + d.Note
	}
	return d.Path + ": " + d.Old + " -> " + d.New
}

type differ struct {
	ctx  any
	opts DiffOptions
	out  []Difference
}

func (d *differ) add(x Difference) { d.out = append(d.out, x) }

func (d *differ) summary(path, format string, a ...any) {
	d.add(Difference{Kind: DiffSummary, Path: path, Note: fmt.Sprintf(format, a...)})
}

// objects diffs two containers of one type.
func (d *differ) objects(path string, a, b Object) error {
	ta, err := TreeOf(d.ctx, a)
	if err != nil {
		return err
	}
	tb, err := TreeOf(d.ctx, b)
	if err != nil {
		return err
	}
	return d.container(path, ta, tb)
}

// container diffs two container views field by field, skipping fields with equal roots.
func (d *differ) container(path string, ta, tb *Tree) error {
	if len(ta.fields) != len(tb.fields) {
		return fmt.Errorf("%s: containers of %d and %d fields are not one type", pathOr(path), len(ta.fields), len(tb.fields))
	}
	for i, fa := range ta.fields {
		fb := tb.fields[i]
		if fa.name != fb.name || fa.kind != fb.kind {
			return fmt.Errorf("%s: field %d is %q in one value and %q in the other: not one type", pathOr(path), i, fa.name, fb.name)
		}
		if ta.Leaves[i] == tb.Leaves[i] {
			continue
		}
		p := joinPath(path, fa.name)
		var err error
		switch fa.kind {
		case fkContainer:
			err = d.objects(p, fa.obj, fb.obj)
		case fkVector, fkList:
			err = d.composites(p, ta, tb, i)
		case fkBasicVector, fkBasicList:
			err = d.packed(p, ta, tb, i)
		default:
			// Basic values, byte strings and bitfields: one value each.
			err = d.changedField(p, ta, tb, i)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// changedField reports container field i as one changed value.
func (d *differ) changedField(path string, ta, tb *Tree, i int) error {
	na, err := ta.FieldYAML(i)
	if err != nil {
		return err
	}
	nb, err := tb.FieldYAML(i)
	if err != nil {
		return err
	}
	d.add(Difference{Kind: DiffChanged, Path: path, Old: inlineYAML(na), New: inlineYAML(nb)})
	return nil
}

// elemDiffs lists the indices at which two sequences of lengths na and nb differ, given
// whether the common element i differs: the differing common indices, then the indices
// only the longer one has.
func elemDiffs(na, nb int, differs func(i int) bool) (idx []int, common int) {
	n := min(na, nb)
	for i := 0; i < n; i++ {
		if differs(i) {
			idx = append(idx, i)
		}
	}
	common = len(idx)
	for i := n; i < max(na, nb); i++ {
		idx = append(idx, i)
	}
	return idx, common
}

// header reports the summary lines of a list or vector with differing elements at idx
// (common of them in the common prefix) and returns how many of them to list.
func (d *differ) header(path string, na, nb int, idx []int, common int) int {
	if na != nb {
		d.summary(path, "length %d -> %d", na, nb)
	}
	if common > 1 {
		d.summary(path, "%d of %d differ", common, min(na, nb))
	}
	shown := len(idx)
	if d.opts.MaxElems > 0 && shown > d.opts.MaxElems {
		shown = d.opts.MaxElems
	}
	return shown
}

func (d *differ) trailer(path string, shown, total int) {
	if shown < total {
		d.summary(path, "%d more differing elements not shown", total-shown)
	}
}

// composites diffs container field i, a list or vector of containers, element by element,
// descending into the elements whose roots differ.
func (d *differ) composites(path string, ta, tb *Tree, i int) error {
	ca, err := ta.Child(i)
	if err != nil {
		return err
	}
	cb, err := tb.Child(i)
	if err != nil {
		return err
	}
	idx, common := elemDiffs(ca.Count, cb.Count, func(j int) bool { return ca.Leaves[j] != cb.Leaves[j] })
	shown := d.header(path, ca.Count, cb.Count, idx, common)
	for _, j := range idx[:shown] {
		p := path + elemName(j)
		switch {
		case j >= cb.Count:
			v, err := d.render(ca.seq.Elem(j))
			if err != nil {
				return err
			}
			d.add(Difference{Kind: DiffRemoved, Path: p, Old: v})
		case j >= ca.Count:
			v, err := d.render(cb.seq.Elem(j))
			if err != nil {
				return err
			}
			d.add(Difference{Kind: DiffAdded, Path: p, New: v})
		default:
			if err := d.objects(p, ca.seq.Elem(j), cb.seq.Elem(j)); err != nil {
				return err
			}
		}
	}
	d.trailer(path, shown, len(idx))
	return nil
}

// packed diffs container field i, a list or vector of basic values, by comparing packed
// chunks and then the elements inside the chunks that differ.
func (d *differ) packed(path string, ta, tb *Tree, i int) error {
	ca, err := ta.Child(i)
	if err != nil {
		return err
	}
	cb, err := tb.Child(i)
	if err != nil {
		return err
	}
	kind, size := ta.fields[i].basic.Kind(), ca.ElemSize
	perChunk := 32 / size // element sizes are 1, 2, 4, 8, 16 or 32: none straddles a chunk
	elem := func(t *Tree, j int) []byte {
		off := j * size
		return t.Leaves[off/32][off%32 : off%32+size]
	}
	differs := func(j int) bool {
		c := j / perChunk
		if ca.Leaves[c] == cb.Leaves[c] {
			return false
		}
		return string(elem(ca, j)) != string(elem(cb, j))
	}
	idx, common := elemDiffs(ca.Count, cb.Count, differs)
	shown := d.header(path, ca.Count, cb.Count, idx, common)
	for _, j := range idx[:shown] {
		p := path + elemName(j)
		switch {
		case j >= cb.Count:
			d.add(Difference{Kind: DiffRemoved, Path: p, Old: inlineYAML(BasicYAML(kind, elem(ca, j)))})
		case j >= ca.Count:
			d.add(Difference{Kind: DiffAdded, Path: p, New: inlineYAML(BasicYAML(kind, elem(cb, j)))})
		default:
			d.add(Difference{Kind: DiffChanged, Path: p, Old: inlineYAML(BasicYAML(kind, elem(ca, j))), New: inlineYAML(BasicYAML(kind, elem(cb, j)))})
		}
	}
	d.trailer(path, shown, len(idx))
	return nil
}

// render renders a whole container on one line.
func (d *differ) render(obj Object) (string, error) {
	n, err := ToYAML(d.ctx, obj)
	if err != nil {
		return "", err
	}
	return inlineYAML(n), nil
}

// inlineYAML renders a YAML node on one line: a scalar as its bare value (0x0102, 40,
// true), a mapping or sequence in flow style.
func inlineYAML(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	b, err := yaml.Marshal(flowCopy(n))
	if err != nil {
		// Nodes built by ToYAML always encode; keep a diff line rather than fail on one.
		return fmt.Sprintf("<%v>", err)
	}
	return strings.TrimSpace(string(b))
}

// flowCopy returns a copy of n with every mapping and sequence in flow style.
func flowCopy(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		c.Style = yaml.FlowStyle
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = flowCopy(k)
	}
	return &c
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func pathOr(path string) string {
	if path == "" {
		return "the values"
	}
	return path
}
