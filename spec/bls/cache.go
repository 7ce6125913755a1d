package bls

import (
	"sync"
	"sync/atomic"

	blst "github.com/supranational/blst/bindings/go"
)

// Decoded public keys, cached. Decompressing a public key and checking that it lies in
// G1 is most of the cost of FastAggregateVerify (about 85% for a committee of 128), and a
// beacon chain verifies the same registry keys block after block. The cache maps the 48
// bytes of a key to what validPubkey makes of them, the point or nil: a pure function of
// the bytes, so the answers are those of the uncached path (the keys of a state passed
// KeyValidate when their deposit was processed; malformed keys are cached as nil too).
//
// It is bounded and safe for concurrent use: two generations of at most
// pubkeyCacheGeneration keys each. A miss is decoded and stored in the current
// generation; when that is full it becomes the old one and the oldest is dropped. A hit
// in the old generation is moved to the current one, so keys in use survive.

// pubkeyCacheGeneration bounds each generation: about 1M keys in all, some 200 MB at most.
const pubkeyCacheGeneration = 1 << 19

var pubkeys = pubkeyCache{max: pubkeyCacheGeneration}

type pubkeyCache struct {
	mu       sync.RWMutex
	cur, old map[[PubkeyLength]byte]*blst.P1Affine
	max      int
	hits     atomic.Uint64
	misses   atomic.Uint64
}

// cachedPubkey is validPubkey(pk) through the cache. The point returned is shared: callers
// must not modify it.
func cachedPubkey(pk [PubkeyLength]byte) *blst.P1Affine {
	return pubkeys.get(pk)
}

func (c *pubkeyCache) get(pk [PubkeyLength]byte) *blst.P1Affine {
	c.mu.RLock()
	p, ok := c.cur[pk]
	inOld := false
	if !ok {
		p, inOld = c.old[pk]
	}
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
		return p
	}
	if inOld {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
		p = validPubkey(pk)
	}
	c.mu.Lock()
	if c.cur == nil || len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[[PubkeyLength]byte]*blst.P1Affine, min(c.max, 1024))
	}
	c.cur[pk] = p
	c.mu.Unlock()
	return p
}

// PubkeyCacheStats reports the hits and misses of the public key cache so far.
func PubkeyCacheStats() (hits, misses uint64) { return pubkeys.hits.Load(), pubkeys.misses.Load() }
