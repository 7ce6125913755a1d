package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A damaged .ssz_snappy file of a case is named in the case's failure.
func TestSnappyErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pre.ssz_snappy"), []byte{0x05, 0xff, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Case{Dir: dir}
	_, err := c.readSSZ("pre")
	if err == nil || !strings.HasPrefix(err.Error(), "pre.ssz_snappy: ssz: snappy") {
		t.Errorf("error %v: want it to name pre.ssz_snappy", err)
	}
}
