package ssz

import (
	"fmt"

	"github.com/golang/snappy"
)

// DefaultMaxSnappySize bounds what DecodeSnappy will inflate when the caller gives no bound:
// 1 GiB, far above any Phase 0 object a test or a client exchanges (a mainnet state with a
// million validators is about 140 MB), far below what a hostile length prefix can claim.
const DefaultMaxSnappySize = 1 << 30

// DecodeSnappy inflates snappy block-format data (the format of .ssz_snappy files). The
// length it claims is checked against maxSize (DefaultMaxSnappySize when maxSize <= 0)
// before anything is allocated.
func DecodeSnappy(data []byte, maxSize int) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSnappySize
	}
	n, err := snappy.DecodedLen(data)
	if err != nil {
		return nil, &Error{Reason: "snappy: " + err.Error()}
	}
	if n > maxSize {
		return nil, &Error{Reason: fmt.Sprintf("snappy: claims %d decoded bytes, more than the %d allowed: %v", n, maxSize, ErrSize)}
	}
	out, err := snappy.Decode(make([]byte, n), data)
	if err != nil {
		return nil, &Error{Reason: "snappy: " + err.Error()}
	}
	return out, nil
}

// EncodeSnappy compresses data in the snappy block format.
func EncodeSnappy(data []byte) []byte {
	return snappy.Encode(nil, data)
}
