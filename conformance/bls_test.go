package conformance

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// blsVectorDir is the bls runner's directory of the official v0.12.3 vectors, relative to
// this package.
const blsVectorDir = "../.cache/spec-tests/v0.12.3/tests/general/phase0/bls"

// blsWantCases is the number of cases of each handler in v0.12.3 (56 in all).
var blsWantCases = map[string]int{
	"sign":                  9,
	"verify":                28,
	"aggregate":             4,
	"fast_aggregate_verify": 11,
	"aggregate_verify":      4,
}

// TestBLSVectors runs every official bls case: every handler directory found is run (an
// unknown one fails), and each handler must have exactly its expected number of cases.
func TestBLSVectors(t *testing.T) {
	if _, err := os.Stat(blsVectorDir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("official vectors absent (%s): run `make spec-tests` to fetch them", blsVectorDir)
	}
	handlers, err := os.ReadDir(blsVectorDir)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]int{}
	passed := map[string]int{}
	for _, h := range handlers {
		suites, err := os.ReadDir(filepath.Join(blsVectorDir, h.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range suites {
			cases, err := os.ReadDir(filepath.Join(blsVectorDir, h.Name(), s.Name()))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				dir := filepath.Join(blsVectorDir, h.Name(), s.Name(), c.Name())
				ran[h.Name()]++
				t.Run(h.Name()+"/"+s.Name()+"/"+c.Name(), func(t *testing.T) {
					if err := RunBLSCase(h.Name(), dir); err != nil {
						t.Fatal(err)
					}
					passed[h.Name()]++
				})
			}
		}
	}
	total := 0
	for _, h := range slices.Sorted(maps.Keys(ran)) {
		total += ran[h]
		t.Logf("bls %-22s %2d/%2d passed", h, passed[h], ran[h])
	}
	for h, want := range blsWantCases {
		if ran[h] != want {
			t.Errorf("handler %s: %d cases, want %d", h, ran[h], want)
		}
	}
	if total != 56 {
		t.Errorf("%d bls cases in all, want 56", total)
	}
}

// A case RunBLSCase cannot read is an error, never a silent skip; a wrong verdict is an
// error too.
func TestBLSRunnerRejects(t *testing.T) {
	const valid = `input: {pubkey: '0xa491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a',
  message: '0x0000000000000000000000000000000000000000000000000000000000000000', signature: '0xb6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55'}
output: true
`
	const flipped = `input: {pubkey: '0xa491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a',
  message: '0x0000000000000000000000000000000000000000000000000000000000000000', signature: '0xb6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55'}
output: false
`
	tests := []struct {
		name      string
		handler   string
		files     map[string]string // file name -> contents; nil: no directory at all
		wantMatch bool              // a *blsMismatchError rather than a *blsFormatError
	}{
		{name: "valid case passes", handler: "verify", files: map[string]string{"data.yaml": valid}},
		{name: "unknown handler", handler: "verify_batch", files: map[string]string{"data.yaml": valid}},
		{name: "extra unknown file", handler: "verify", files: map[string]string{"data.yaml": valid, "notes.txt": "x"}},
		{name: "no data.yaml", handler: "verify", files: map[string]string{}},
		{name: "no case directory", handler: "verify", files: nil},
		{name: "unexpected input field", handler: "verify", files: map[string]string{"data.yaml": "input: {pubkey: '0x', message: '0x', signature: '0x', extra: '0x'}\noutput: false\n"}},
		{name: "unexpected top-level key", handler: "verify", files: map[string]string{"data.yaml": valid + "comment: hi\n"}},
		{name: "missing output", handler: "verify", files: map[string]string{"data.yaml": "input: {pubkey: '0x', message: '0x', signature: '0x'}\n"}},
		{name: "missing input field", handler: "verify", files: map[string]string{"data.yaml": "input: {pubkey: '0x', message: '0x'}\noutput: false\n"}},
		{name: "null output of a verify case", handler: "verify", files: map[string]string{"data.yaml": "input: {pubkey: '0x', message: '0x', signature: '0x'}\noutput:\n"}},
		{name: "hex without 0x", handler: "aggregate", files: map[string]string{"data.yaml": "input: ['ab']\noutput:\n"}},
		{name: "second YAML document", handler: "verify", files: map[string]string{"data.yaml": valid + "---\n" + valid}},
		{name: "wrong expected verdict", handler: "verify", files: map[string]string{"data.yaml": flipped}, wantMatch: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "case")
			if tt.files != nil {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, body := range tt.files {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			err := RunBLSCase(tt.handler, dir)
			var format *blsFormatError
			var mismatch *blsMismatchError
			switch {
			case tt.name == "valid case passes":
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
			case tt.wantMatch:
				if !errors.As(err, &mismatch) {
					t.Fatalf("err = %v, want a *blsMismatchError", err)
				}
			case !errors.As(err, &format):
				t.Fatalf("err = %v, want a *blsFormatError", err)
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
}
