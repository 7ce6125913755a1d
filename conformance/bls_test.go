package conformance

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec/bls"
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
					if err := RunBLSCase(bls.Draft03, h.Name(), dir); err != nil { // v0.12.3 cites draft-03
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
			err := RunBLSCase(bls.Draft04, tt.handler, dir)
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

// blsIdentityCase is a bls case of a release after v0.12.3 that the identity decides.
type blsIdentityCase struct {
	handler, name string
	data          string // data.yaml, with the output of the final rules (draft-04)
}

// blsIdentityCases are the four bls cases of consensus-specs v1.x whose verdict changed
// with draft-04, built here as the v1.1.10 bls generator builds them (its keys, messages
// and layout; the signatures are computed by this module): under draft-04 each is false
// or null, under draft-03 (v0.12.3) each would be valid.
func blsIdentityCases() []blsIdentityCase {
	hexOf := func(b []byte) string { return "'0x" + hex.EncodeToString(b) + "'" }
	list := func(items []string) string { return "[" + strings.Join(items, ", ") + "]" }
	var sks []bls.SecretKey
	var pks []string
	for _, h := range []string{
		"263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3",
		"47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138",
		"328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216",
	} {
		b, _ := hex.DecodeString(h)
		sk, err := bls.SecretKeyFromBytes(b)
		if err != nil {
			panic(err)
		}
		sks = append(sks, sk)
		pk := bls.SkToPk(sk)
		pks = append(pks, hexOf(pk[:]))
	}
	identityPK, infinitySig := make([]byte, 48), make([]byte, 96)
	identityPK[0], infinitySig[0] = 0xc0, 0xc0
	sample := make([]byte, 32)
	for i := range sample {
		sample[i] = 0x12
	}
	messages := [][]byte{make([]byte, 32), make([]byte, 32), make([]byte, 32)}
	for i := range messages[1] {
		messages[1][i], messages[2][i] = 0x56, 0xab
	}
	aggregate := func(msgs [][]byte) string {
		var sigs [][bls.SignatureLength]byte
		for i, sk := range sks {
			sigs = append(sigs, bls.Sign(sk, msgs[i]))
		}
		agg, err := bls.Aggregate(sigs)
		if err != nil {
			panic(err)
		}
		return hexOf(agg[:])
	}
	withIdentity := list(append(slices.Clone(pks), hexOf(identityPK)))
	var msgHex []string
	for _, m := range messages {
		msgHex = append(msgHex, hexOf(m))
	}
	return []blsIdentityCase{
		{"verify", "verify_infinity_pubkey_and_infinity_signature", fmt.Sprintf(
			"input: {pubkey: %s, message: %s, signature: %s}\noutput: false\n", hexOf(identityPK), hexOf(sample), hexOf(infinitySig))},
		{"fast_aggregate_verify", "fast_aggregate_verify_infinity_pubkey", fmt.Sprintf(
			"input: {pubkeys: %s, message: %s, signature: %s}\noutput: false\n", withIdentity, hexOf(sample), aggregate([][]byte{sample, sample, sample}))},
		{"aggregate_verify", "aggregate_verify_infinity_pubkey", fmt.Sprintf(
			"input: {pubkeys: %s, messages: %s, signature: %s}\noutput: false\n", withIdentity, list(append(msgHex, hexOf(sample))), aggregate(messages))},
		{"sign", "sign_case_zero_privkey", fmt.Sprintf(
			"input: {privkey: %s, message: %s}\noutput: null\n", hexOf(make([]byte, 32)), hexOf(messages[2]))},
	}
}

// The four identity cases of the v1.x bls vectors pass under the final rules (draft-04),
// and each fails under v0.12.3's (draft-03), which is why the rules are selected by release.
func TestBLSIdentityCasesUnderFinalRules(t *testing.T) {
	for _, c := range blsIdentityCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), c.name)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := RunBLSCase(bls.Draft04, c.handler, dir); err != nil {
				t.Errorf("draft-04: %v", err)
			}
			var mismatch *blsMismatchError
			if err := RunBLSCase(bls.Draft03, c.handler, dir); !errors.As(err, &mismatch) {
				t.Errorf("draft-03: %v, want a mismatch (v0.12.3 accepts the identity)", err)
			} else {
				t.Log("draft-03:", err)
			}
		})
	}
}
