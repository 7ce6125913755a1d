package merkle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// LengthSegment is the path segment for a list's length, its length mix-in chunk (the
// spec's "__len__").
const LengthSegment = "__len__"

// PathErrorKind names the way a path fails to name a node.
type PathErrorKind uint8

const (
	// PathSyntax: the path or one of its segments is empty, or a segment that should be an
	// element index is not a decimal number.
	PathSyntax PathErrorKind = iota + 1
	// UnknownField: a container has no field of that name.
	UnknownField
	// IndexOutOfRange: an element index at or beyond the value's current length.
	IndexOutOfRange
	// BelowBasic: the path goes on below a basic value, a packed element or a length.
	BelowBasic
	// NoLength: LengthSegment applied to a value that is not a list.
	NoLength
	// TooDeep: the node would be more than 63 levels deep (see GIndex).
	TooDeep
)

// PathError reports a path that does not name a node of a value's tree.
type PathError struct {
	Kind    PathErrorKind
	Path    string   // the whole path
	At      string   // the path up to the offending segment: the value it was applied to
	Segment string   // the offending segment
	Length  uint64   // for IndexOutOfRange: the value's current number of elements
	Fields  []string // for UnknownField: the container's fields
	Err     error    // for TooDeep: the GIndexError
}

func (e *PathError) Error() string {
	at := e.At
	if at == "" {
		at = "the value"
	}
	var why string
	switch e.Kind {
	case PathSyntax:
		switch {
		case e.Path == "":
			why = "empty path"
		case e.Segment == "" && e.At == "":
			why = "empty first segment"
		case e.Segment == "":
			why = fmt.Sprintf("empty segment after %q", e.At)
		default:
			why = fmt.Sprintf("%q is not an element index of %s", e.Segment, at)
		}
	case UnknownField:
		why = fmt.Sprintf("%s has no field %q (fields: %s)", at, e.Segment, strings.Join(e.Fields, ", "))
	case IndexOutOfRange:
		why = fmt.Sprintf("index %s out of range: %s has %d elements", e.Segment, at, e.Length)
	case BelowBasic:
		why = fmt.Sprintf("%s is a basic value or a chunk, the path cannot go on to %q", at, e.Segment)
	case NoLength:
		why = fmt.Sprintf("%s is not a list, it has no %s", at, LengthSegment)
	case TooDeep:
		why = e.Err.Error()
	}
	return fmt.Sprintf("merkle: path %q: %s", e.Path, why)
}

func (e *PathError) Unwrap() error { return e.Err }

// PathGIndex is the spec's get_generalized_index for obj (sized by ctx, as for
// ssz.HashTreeRoot) and a path (see "Paths" in the package documentation): the
// generalized index of the node the path names, relative to hash_tree_root(obj). For an
// element of a packed list or vector it is the index of the chunk holding the element.
//
// It reads the tree through ssz.TreeOf, which hashes every field of each container on the
// path, so it costs about as much as hash_tree_root(obj); when a proof is wanted as well,
// Prove returns both for that one price.
func PathGIndex(ctx any, obj ssz.Object, path string) (GIndex, error) {
	w, err := newWalker(ctx, obj)
	if err != nil {
		return 0, err
	}
	tg, err := w.resolve(path)
	return tg.gindex, err
}

// walker reads a value's Merkle tree through ssz.Tree views, making each view once.
type walker struct {
	top   *view
	views map[childKey]*view
}

// childKey names a view by its parent and its position there. (Its generalized index
// would not do: a one-field container's field has the container's own index.)
type childKey struct {
	parent *view
	j      uint64
}

// view is one composite value's part of the tree, down to its own leaves.
type view struct {
	t     *ssz.Tree
	root  GIndex // the value's root (for a list, the length mix-in node)
	depth int    // height of the data subtree: log2(next_pow_of_two(Width))
	name  string // its path, for messages
}

func newWalker(ctx any, obj ssz.Object) (*walker, error) {
	t, err := ssz.TreeOf(ctx, obj)
	if err != nil {
		return nil, fmt.Errorf("merkle: %w", err)
	}
	v, err := newView(t, 1, "")
	if err != nil {
		return nil, err
	}
	return &walker{top: v, views: make(map[childKey]*view)}, nil
}

// newView places t at root, checking that its leaves have generalized indices.
func newView(t *ssz.Tree, root GIndex, name string) (*view, error) {
	v := &view{t: t, root: root, depth: treeDepth(t.Width), name: name}
	if d := root.Depth() + v.lengthLevels() + v.depth; d > maxGIndexDepth {
		return nil, &GIndexError{Depth: d}
	}
	return v, nil
}

// lengthLevels is 1 for a list, whose data subtree hangs below the length mix-in node.
func (v *view) lengthLevels() int {
	if v.t.HasLength {
		return 1
	}
	return 0
}

// dataRoot is the root of the value's data subtree: the left child of a list's root.
func (v *view) dataRoot() GIndex { return v.root << v.lengthLevels() }

// leaf returns the generalized index of bottom-layer position j.
func (v *view) leaf(j uint64) GIndex { return v.dataRoot()<<v.depth + GIndex(j) }

// rootHash is the value's hash_tree_root, from its leaves.
func (v *view) rootHash() [32]byte {
	r := subtreeRoot(v.t.Leaves, 0, v.depth)
	if v.t.HasLength {
		r = MixInLength(r, v.t.Length)
	}
	return r
}

// child returns the view of the composite value under position j of v, whose root is g.
func (w *walker) child(v *view, j uint64, g GIndex) (*view, error) {
	if c, ok := w.views[childKey{v, j}]; ok {
		return c, nil
	}
	t, err := v.t.Child(int(j))
	if err != nil {
		return nil, fmt.Errorf("merkle: %s: %w", v.t.ChildName(int(j)), err)
	}
	c, err := newView(t, g, joinPath(v.name, v.t.ChildName(int(j))))
	if err != nil {
		return nil, err
	}
	w.views[childKey{v, j}] = c
	return c, nil
}

func joinPath(prefix, name string) string {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// target is the node a path names.
type target struct {
	gindex GIndex
	leaf   [32]byte
	elem   *Elem
}

// resolve follows path from the top of the tree.
func (w *walker) resolve(path string) (target, error) {
	fail := func(kind PathErrorKind, at, seg string) *PathError {
		return &PathError{Kind: kind, Path: path, At: at, Segment: seg}
	}
	if path == "" {
		return target{}, fail(PathSyntax, "", "")
	}
	segs := strings.Split(path, "/")
	v := w.top
	for i, seg := range segs {
		t := v.t
		last := i == len(segs)-1
		if seg == "" {
			return target{}, fail(PathSyntax, v.name, seg)
		}
		if seg == LengthSegment {
			if !t.HasLength {
				return target{}, fail(NoLength, v.name, seg)
			}
			if !last {
				return target{}, fail(BelowBasic, joinPath(v.name, seg), segs[i+1])
			}
			return target{gindex: v.root.Child(true), leaf: lengthChunk(t.Length)}, nil
		}

		var j uint64
		if t.Kind == ssz.TreeContainer {
			k := t.FieldIndex(seg)
			if k < 0 {
				e := fail(UnknownField, v.name, seg)
				e.Fields = t.Names
				return target{}, e
			}
			j = uint64(k)
		} else {
			n, err := strconv.ParseUint(seg, 10, 64)
			if errors.Is(err, strconv.ErrRange) || err == nil && n >= uint64(t.Count) {
				e := fail(IndexOutOfRange, v.name, seg)
				e.Length = uint64(t.Count)
				return target{}, e
			}
			if err != nil {
				return target{}, fail(PathSyntax, v.name, seg)
			}
			j = n
		}

		if t.Kind == ssz.TreePacked {
			chunk, elem := packedPosition(t, j)
			if chunk >= uint64(len(t.Leaves)) { // cannot happen for a well-formed Tree
				e := fail(IndexOutOfRange, v.name, seg)
				e.Length = uint64(t.Count)
				return target{}, e
			}
			if !last {
				return target{}, fail(BelowBasic, joinPath(v.name, seg), segs[i+1])
			}
			return target{gindex: v.leaf(chunk), leaf: t.Leaves[chunk], elem: elem}, nil
		}

		if j >= uint64(len(t.Leaves)) { // cannot happen for a well-formed Tree
			e := fail(IndexOutOfRange, v.name, seg)
			e.Length = uint64(len(t.Leaves))
			return target{}, e
		}
		g := v.leaf(j)
		if last {
			return target{gindex: g, leaf: t.Leaves[j]}, nil
		}
		if !t.IsComposite(int(j)) {
			return target{}, fail(BelowBasic, joinPath(v.name, seg), segs[i+1])
		}
		c, err := w.child(v, j, g)
		if err != nil {
			var ge *GIndexError
			if errors.As(err, &ge) {
				e := fail(TooDeep, v.name, seg)
				e.Err = err
				return target{}, e
			}
			return target{}, err
		}
		v = c
	}
	panic("unreachable: the loop returns at the last segment")
}

// packedPosition locates element j of a packed value: the chunk holding it and where in
// the chunk it lies. An ssz.Tree of packed bits has ElemSize 0.
func packedPosition(t *ssz.Tree, j uint64) (uint64, *Elem) {
	if t.ElemSize == 0 {
		return j / 256, &Elem{Offset: int(j%256) / 8, Size: 0, Bit: int(j % 8)}
	}
	start := j * uint64(t.ElemSize)
	return start / 32, &Elem{Offset: int(start % 32), Size: t.ElemSize}
}

// node returns the node at generalized index g, hashing only the subtree below it.
func (w *walker) node(g GIndex) ([32]byte, error) {
	v := w.top
	for {
		l := g.Depth() - v.root.Depth()
		if l < 0 || g>>l != v.root {
			return [32]byte{}, fmt.Errorf("merkle: internal: node %d is not under %d", g, v.root)
		}
		if l == 0 {
			return v.rootHash(), nil
		}
		if v.t.HasLength {
			if g>>(l-1) == v.root.Child(true) {
				if l > 1 {
					return [32]byte{}, fmt.Errorf("merkle: node %d lies below the length of %s", g, v.name)
				}
				return lengthChunk(v.t.Length), nil
			}
			l--
		}
		base := v.dataRoot()
		if l < v.depth {
			pos := uint64(g - base<<l)
			return subtreeRoot(v.t.Leaves, pos<<(v.depth-l), v.depth-l), nil
		}
		j := uint64(g>>(l-v.depth) - base<<v.depth)
		if l == v.depth {
			if j < uint64(len(v.t.Leaves)) {
				return v.t.Leaves[j], nil
			}
			return [32]byte{}, nil
		}
		if j >= uint64(v.t.Count) || j >= uint64(len(v.t.Leaves)) || !v.t.IsComposite(int(j)) {
			return [32]byte{}, fmt.Errorf("merkle: node %d lies below leaf %d of %s, which has no subtree", g, j, v.name)
		}
		c, err := w.child(v, j, v.leaf(j))
		if err != nil {
			return [32]byte{}, err
		}
		v = c
	}
}
