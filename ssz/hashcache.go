package ssz

import "slices"

// HashCache keeps, between calls of HashTreeRootWith, the Merkle trees (CachedTree) of
// some fields of one container value: its large lists and vectors. The owner of the value
// marks the elements it writes (Mark, MarkAll); the next root hashes again only the chunks
// holding marked elements, the paths above them, and the container's other fields.
//
// The cache is only as right as the marks: an element written without Mark leaves a stale
// root. Reset forgets every tree (the next root is computed from scratch and the trees are
// built again). Lengths need no marks: a list that grew has its new elements hashed, one
// that shrank is cut.
type HashCache struct {
	byName map[string]int
	fields []fieldCache
}

type fieldCache struct {
	tree   *CachedTree
	n      int      // elements the tree holds the chunks of
	marked []int    // elements marked since the last root
	seen   []uint64 // bit set of marked
	all    bool     // every element is to be hashed again
}

// NewHashCache returns a cache for the named fields (top-level fields of the container,
// each a list or vector). Field i of the call is the field argument of Mark and MarkAll.
func NewHashCache(fields ...string) *HashCache {
	c := &HashCache{byName: make(map[string]int, len(fields)), fields: make([]fieldCache, len(fields))}
	for i, name := range fields {
		c.byName[name] = i
		c.fields[i].all = true
	}
	return c
}

// Mark records that element elem of field (an index into NewHashCache's names) was written.
func (c *HashCache) Mark(field, elem int) {
	f := &c.fields[field]
	if f.all || elem < 0 {
		return
	}
	w := elem >> 6
	if w >= len(f.seen) {
		f.seen = append(f.seen, make([]uint64, w+1-len(f.seen)+len(f.seen)/4)...)
	}
	bit := uint64(1) << (elem & 63)
	if f.seen[w]&bit != 0 {
		return
	}
	f.seen[w] |= bit
	f.marked = append(f.marked, elem)
}

// MarkAll records that any element of field may have changed.
func (c *HashCache) MarkAll(field int) {
	f := &c.fields[field]
	f.clearMarks()
	f.all = true
}

// Reset forgets every tree: the next root is computed from scratch.
func (c *HashCache) Reset() {
	for i := range c.fields {
		f := &c.fields[i]
		f.clearMarks()
		f.tree, f.n, f.all = nil, 0, true
	}
}

// Clone returns an independent copy of the cache.
func (c *HashCache) Clone() *HashCache {
	out := &HashCache{byName: c.byName, fields: make([]fieldCache, len(c.fields))}
	for i, f := range c.fields {
		g := fieldCache{n: f.n, all: f.all, marked: slices.Clone(f.marked), seen: slices.Clone(f.seen)}
		if f.tree != nil {
			g.tree = f.tree.Clone()
		}
		out.fields[i] = g
	}
	return out
}

func (f *fieldCache) clearMarks() {
	for _, i := range f.marked {
		f.seen[i>>6] = 0
	}
	f.marked = f.marked[:0]
}

// HashTreeRootWith is HashTreeRoot(ctx, obj) for a container whose cached fields' trees
// are kept in c (nil: no cache). The root is the same; only the work differs. When
// hashing fails the cache is Reset.
func HashTreeRootWith(ctx any, obj Object, c *HashCache) ([32]byte, error) {
	if c == nil {
		return HashTreeRoot(ctx, obj)
	}
	h := getHasher()
	defer putHasher(h)
	hs := &hasher{tracker: tracker{ctx: ctx}, h: h}
	ch := &cachingHasher{hasher: hs, cache: c}
	idx := h.Index()
	obj.DefineSSZ(ch)
	if hs.err != nil {
		c.Reset()
		return [32]byte{}, hs.err
	}
	h.Merkleize(idx)
	return h.HashRoot()
}

// cachingHasher hashes a container's own fields, taking the cached ones from their trees;
// nested values are hashed by the plain hasher it embeds.
type cachingHasher struct {
	*hasher
	cache *HashCache
	buf   []byte
}

func (ch *cachingHasher) field(name string) *fieldCache {
	if i, ok := ch.cache.byName[name]; ok {
		return &ch.cache.fields[i]
	}
	return nil
}

func (ch *cachingHasher) putRoot(r [32]byte) { ch.h.PutBytes(r[:]) }

func (ch *cachingHasher) Vector(name string, s CompositeSeq, n uint64) {
	f := ch.field(name)
	if f == nil || n == 0 || uint64(s.Len()) != n {
		ch.hasher.Vector(name, s, n) // uncached, or an error the plain hasher reports
		return
	}
	if r, ok := ch.composite(name, f, s, n); ok {
		ch.putRoot(r)
	}
}

func (ch *cachingHasher) List(name string, s CompositeSeq, limit uint64) {
	f := ch.field(name)
	if f == nil || uint64(s.Len()) > limit {
		ch.hasher.List(name, s, limit)
		return
	}
	if r, ok := ch.composite(name, f, s, limit); ok {
		ch.putRoot(mixInLength(r, uint64(s.Len())))
	}
}

func (ch *cachingHasher) BasicVector(name string, s BasicSeq, n uint64) {
	f := ch.field(name)
	if f == nil || uint64(s.Len()) != n {
		ch.hasher.BasicVector(name, s, n)
		return
	}
	cl := ch.chunkLimit(name, n, s.ElemSize())
	if ch.err == nil {
		ch.putRoot(ch.packed(f, s, cl))
	}
}

func (ch *cachingHasher) BasicList(name string, s BasicSeq, limit uint64) {
	f := ch.field(name)
	if f == nil || uint64(s.Len()) > limit {
		ch.hasher.BasicList(name, s, limit)
		return
	}
	cl := ch.chunkLimit(name, limit, s.ElemSize())
	if ch.err == nil {
		ch.putRoot(mixInLength(ch.packed(f, s, cl), uint64(s.Len())))
	}
}

// composite brings the tree of a list or vector of containers up to date: its chunks are
// the elements' roots, each hashed by one hasher reused from element to element. When the
// whole field is to be hashed again (a new tree, MarkAll) every chunk is written and the
// tree hashed layer by layer, with no per-chunk bookkeeping.
func (ch *cachingHasher) composite(name string, f *fieldCache, s CompositeSeq, limit uint64) ([32]byte, bool) {
	n := s.Len()
	if f.tree == nil {
		f.tree, f.all = NewCachedTree(limit), true
	}
	h := getHasher()
	defer putHasher(h)
	eh := &hasher{tracker: tracker{ctx: ch.ctx}, h: h}
	root := func(i int) ([32]byte, bool) {
		h.Reset()
		eh.object(s.Elem(i))
		r, err := h.HashRoot()
		if eh.err != nil {
			err = eh.err
		}
		if err != nil {
			ch.push(name)
			ch.pushIndex(i)
			ch.failf("", "%v", err)
			return [32]byte{}, false
		}
		return r, true
	}
	if f.all {
		chunks := f.tree.SetAll(n)
		for i := range chunks {
			r, ok := root(i)
			if !ok {
				return [32]byte{}, false
			}
			chunks[i] = r
		}
	} else {
		old := f.tree.Len()
		f.tree.Resize(n)
		set := func(i int) bool {
			r, ok := root(i)
			if ok {
				f.tree.Set(i, r)
			}
			return ok
		}
		for i := old; i < n; i++ {
			if !set(i) {
				return [32]byte{}, false
			}
		}
		for _, i := range f.marked {
			if i < min(old, n) && !set(i) { // the ones past old were just hashed
				return [32]byte{}, false
			}
		}
	}
	f.clearMarks()
	f.all, f.n = false, n
	return f.tree.Root(), true
}

// packed brings the tree of a basic list or vector up to date: its chunks are the packed
// elements.
func (ch *cachingHasher) packed(f *fieldCache, s BasicSeq, limit uint64) [32]byte {
	per := 32 / s.ElemSize()
	n := s.Len()
	chunks := (n + per - 1) / per
	if f.tree == nil {
		f.tree, f.all = NewCachedTree(limit), true
	}
	rp, ok := s.(rangePacker)
	if f.all || !ok {
		ch.buf = s.AppendPacked(ch.buf[:0])
		all := f.tree.SetAll(chunks)
		for c := range all {
			all[c] = [32]byte{}
			copy(all[c][:], ch.buf[32*c:])
		}
	} else {
		f.tree.Resize(chunks)
		last := -1
		repack := func(elem int) {
			c := elem / per
			if c == last || c >= chunks {
				return
			}
			last = c
			ch.buf = rp.appendPackedRange(ch.buf[:0], c*per, min((c+1)*per, n))
			var chunk [32]byte
			copy(chunk[:], ch.buf)
			f.tree.Set(c, chunk)
		}
		for i := min(f.n, n); i < max(f.n, n); i++ { // grown or cut: the chunks at the end
			repack(i)
		}
		for _, i := range f.marked {
			repack(i)
		}
	}
	f.clearMarks()
	f.all, f.n = false, n
	return f.tree.Root()
}

// mixInLength is the spec's mix_in_length.
func mixInLength(root [32]byte, length uint64) [32]byte {
	return hashPair(root, uint64Root(length))
}

var _ Codec = (*cachingHasher)(nil)
