package conformance

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// The bls runner of the official vectors (tests/general/phase0/bls/<handler>/small/<case>/).
// Each case directory holds exactly one file, data.yaml, with two keys: input (the
// arguments) and output (the expected result; false or null where the input is invalid).

// blsHandlers maps each handler of the bls runner to the function checking one case.
var blsHandlers = map[string]func(r bls.Rules, data []byte) error{
	"sign":                  blsRunSign,
	"verify":                blsRunVerify,
	"aggregate":             blsRunAggregate,
	"fast_aggregate_verify": blsRunFastAggregateVerify,
	"aggregate_verify":      blsRunAggregateVerify,
}

// blsFormatError is a case the runner cannot read: unknown handler, missing or unexpected
// file, unknown or missing field, bad hex. It is never a verdict on the model.
type blsFormatError struct {
	Case    string // the case directory
	Problem string
}

func (e *blsFormatError) Error() string {
	return fmt.Sprintf("bls case %s: malformed: %s", e.Case, e.Problem)
}

// blsMismatchError is a case the model gets wrong.
type blsMismatchError struct {
	Handler, Case string
	Got, Want     string
}

func (e *blsMismatchError) Error() string {
	return fmt.Sprintf("bls %s case %s: model gives %s, vector expects %s", e.Handler, e.Case, e.Got, e.Want)
}

// RunBLSCase runs one official bls test case under the BLS rules r (bls.Draft03 for the
// v0.12.3 vectors, bls.Draft04 for later releases): handler is the directory name
// (sign, verify, aggregate, aggregate_verify, fast_aggregate_verify), dir the case directory.
// It returns nil when the model gives the expected output, an error saying what differs otherwise.
func RunBLSCase(r bls.Rules, handler, dir string) error {
	run, ok := blsHandlers[handler]
	if !ok {
		return &blsFormatError{dir, fmt.Sprintf("unknown bls handler %q", handler)}
	}
	data, err := blsReadCase(dir)
	if err != nil {
		return err
	}
	if err := run(r, data); err != nil {
		var mismatch *blsMismatchError
		var format *blsFormatError
		switch {
		case errors.As(err, &mismatch):
			mismatch.Handler, mismatch.Case = handler, dir
		case errors.As(err, &format):
			format.Case = dir
		}
		return err
	}
	return nil
}

// blsReadCase returns the contents of dir/data.yaml, after checking that it is the only
// entry of dir.
func blsReadCase(dir string) ([]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &blsFormatError{dir, err.Error()}
	}
	found := false
	for _, e := range entries {
		if e.Name() != "data.yaml" || !e.Type().IsRegular() {
			return nil, &blsFormatError{dir, fmt.Sprintf("unexpected entry %q (a bls case holds only data.yaml)", e.Name())}
		}
		found = true
	}
	if !found {
		return nil, &blsFormatError{dir, "no data.yaml"}
	}
	data, err := os.ReadFile(filepath.Join(dir, "data.yaml"))
	if err != nil {
		return nil, &blsFormatError{dir, err.Error()}
	}
	return data, nil
}

// blsDecode decodes data into v, which must declare every field data may have, and checks
// that the document's keys are exactly input and output (output may be null, not absent).
func blsDecode(data []byte, v any) error {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return &blsFormatError{Problem: "data.yaml: " + err.Error()}
	}
	for key := range top {
		if key != "input" && key != "output" {
			return &blsFormatError{Problem: fmt.Sprintf("data.yaml: unexpected key %q", key)}
		}
	}
	for _, key := range []string{"input", "output"} {
		if _, ok := top[key]; !ok {
			return &blsFormatError{Problem: fmt.Sprintf("data.yaml: no %q key", key)}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return &blsFormatError{Problem: "data.yaml: " + err.Error()}
	}
	if err := dec.Decode(new(any)); err != io.EOF {
		return &blsFormatError{Problem: "data.yaml: more than one YAML document"}
	}
	return nil
}

// blsInputs checks that every input field is present and not null: fields alternate a
// field's name and its decoded value.
func blsInputs(fields ...any) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if p, _ := fields[i+1].(*string); p == nil {
			return &blsFormatError{Problem: fmt.Sprintf("input.%s missing or null", fields[i])}
		}
	}
	return nil
}

// blsHex decodes a 0x-prefixed hex string.
func blsHex(field, s string) ([]byte, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, &blsFormatError{Problem: fmt.Sprintf("%s %q: no 0x prefix", field, s)}
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, &blsFormatError{Problem: fmt.Sprintf("%s %q: %v", field, s, err)}
	}
	return b, nil
}

// blsHexList decodes a list of 0x-prefixed hex strings.
func blsHexList(field string, list []string) ([][]byte, error) {
	out := make([][]byte, len(list))
	for i, s := range list {
		b, err := blsHex(fmt.Sprintf("%s[%d]", field, i), s)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// A public key or signature of another length is not a BLSPubkey (Bytes48) or BLSSignature
// (Bytes96): no call the spec makes can carry it, and the IETF functions reject it as an
// invalid encoding. The vectors use one (aggregate_verify_tampered_signature has an 8-byte
// signature); the runner answers INVALID for it without calling the model, which only
// accepts values of the spec's types.

// blsPubkeys returns the keys as BLSPubkeys, ok false when one has the wrong length.
func blsPubkeys(keys [][]byte) (pks [][bls.PubkeyLength]byte, ok bool) {
	pks = make([][bls.PubkeyLength]byte, len(keys))
	for i, k := range keys {
		if len(k) != bls.PubkeyLength {
			return nil, false
		}
		pks[i] = [bls.PubkeyLength]byte(k)
	}
	return pks, true
}

// blsSignatures returns the signatures as BLSSignatures, ok false when one has the wrong length.
func blsSignatures(sigs [][]byte) (out [][bls.SignatureLength]byte, ok bool) {
	out = make([][bls.SignatureLength]byte, len(sigs))
	for i, s := range sigs {
		if len(s) != bls.SignatureLength {
			return nil, false
		}
		out[i] = [bls.SignatureLength]byte(s)
	}
	return out, true
}

// blsSecretKey reads the privkey of a sign case. The spec's Sign takes SK as an integer and
// the vectors print it as minimal big-endian hex, so it is left-padded to 32 bytes; ok is
// false when the integer is not a secret key under the rules (>= r, or 0 under draft-04).
func blsSecretKey(r bls.Rules, b []byte) (sk bls.SecretKey, ok bool) {
	b = bytes.TrimLeft(b, "\x00")
	if len(b) > bls.SecretKeyLength {
		return sk, false
	}
	padded := make([]byte, bls.SecretKeyLength)
	copy(padded[bls.SecretKeyLength-len(b):], b)
	sk, err := r.SecretKeyFromBytes(padded)
	return sk, err == nil
}

// blsOutput renders an expected or computed result: the 0x-hex of bytes, or INVALID for nil.
func blsOutput(b []byte) string {
	if b == nil {
		return "INVALID"
	}
	return "0x" + hex.EncodeToString(b)
}

// blsCompareBytes compares a computed result (nil for INVALID) with the expected output
// (nil pointer for null, that is INVALID).
func blsCompareBytes(got []byte, want *string) error {
	var wantBytes []byte
	if want != nil {
		b, err := blsHex("output", *want)
		if err != nil {
			return err
		}
		wantBytes = b
	}
	if (got == nil) != (wantBytes == nil) || !bytes.Equal(got, wantBytes) {
		return &blsMismatchError{Got: blsOutput(got), Want: blsOutput(wantBytes)}
	}
	return nil
}

// blsCompareBool compares a computed verdict with the expected output, which must be a bool.
func blsCompareBool(got bool, want *bool) error {
	if want == nil {
		return &blsFormatError{Problem: "output is null, want true or false"}
	}
	if got != *want {
		return &blsMismatchError{Got: fmt.Sprint(got), Want: fmt.Sprint(*want)}
	}
	return nil
}

func blsRunSign(r bls.Rules, data []byte) error {
	var c struct {
		Input struct {
			Privkey *string `yaml:"privkey"`
			Message *string `yaml:"message"`
		} `yaml:"input"`
		Output *string `yaml:"output"`
	}
	if err := blsDecode(data, &c); err != nil {
		return err
	}
	if err := blsInputs("privkey", c.Input.Privkey, "message", c.Input.Message); err != nil {
		return err
	}
	skBytes, err := blsHex("input.privkey", *c.Input.Privkey)
	if err != nil {
		return err
	}
	msg, err := blsHex("input.message", *c.Input.Message)
	if err != nil {
		return err
	}
	var got []byte
	if sk, ok := blsSecretKey(r, skBytes); ok {
		sig := bls.Sign(sk, msg)
		got = sig[:]
	}
	return blsCompareBytes(got, c.Output)
}

func blsRunVerify(r bls.Rules, data []byte) error {
	var c struct {
		Input struct {
			Pubkey    *string `yaml:"pubkey"`
			Message   *string `yaml:"message"`
			Signature *string `yaml:"signature"`
		} `yaml:"input"`
		Output *bool `yaml:"output"`
	}
	if err := blsDecode(data, &c); err != nil {
		return err
	}
	if err := blsInputs("pubkey", c.Input.Pubkey, "message", c.Input.Message, "signature", c.Input.Signature); err != nil {
		return err
	}
	pk, err := blsHex("input.pubkey", *c.Input.Pubkey)
	if err != nil {
		return err
	}
	msg, err := blsHex("input.message", *c.Input.Message)
	if err != nil {
		return err
	}
	sig, err := blsHex("input.signature", *c.Input.Signature)
	if err != nil {
		return err
	}
	pks, okPK := blsPubkeys([][]byte{pk})
	sigs, okSig := blsSignatures([][]byte{sig})
	got := okPK && okSig && r.Verify(pks[0], msg, sigs[0])
	return blsCompareBool(got, c.Output)
}

func blsRunAggregate(r bls.Rules, data []byte) error {
	var c struct {
		Input  *[]string `yaml:"input"`
		Output *string   `yaml:"output"`
	}
	if err := blsDecode(data, &c); err != nil {
		return err
	}
	if c.Input == nil {
		return &blsFormatError{Problem: "input is null, want a list of signatures"}
	}
	raw, err := blsHexList("input", *c.Input)
	if err != nil {
		return err
	}
	var got []byte
	if sigs, ok := blsSignatures(raw); ok {
		if agg, err := bls.Aggregate(sigs); err == nil {
			got = agg[:]
		}
	}
	return blsCompareBytes(got, c.Output)
}

func blsRunFastAggregateVerify(r bls.Rules, data []byte) error {
	var c struct {
		Input struct {
			Pubkeys   *[]string `yaml:"pubkeys"`
			Message   *string   `yaml:"message"`
			Signature *string   `yaml:"signature"`
		} `yaml:"input"`
		Output *bool `yaml:"output"`
	}
	if err := blsDecode(data, &c); err != nil {
		return err
	}
	if c.Input.Pubkeys == nil {
		return &blsFormatError{Problem: "input.pubkeys missing or null"}
	}
	if err := blsInputs("message", c.Input.Message, "signature", c.Input.Signature); err != nil {
		return err
	}
	keys, err := blsHexList("input.pubkeys", *c.Input.Pubkeys)
	if err != nil {
		return err
	}
	msg, err := blsHex("input.message", *c.Input.Message)
	if err != nil {
		return err
	}
	sig, err := blsHex("input.signature", *c.Input.Signature)
	if err != nil {
		return err
	}
	pks, okPK := blsPubkeys(keys)
	sigs, okSig := blsSignatures([][]byte{sig})
	got := okPK && okSig && r.FastAggregateVerify(pks, msg, sigs[0])
	return blsCompareBool(got, c.Output)
}

func blsRunAggregateVerify(r bls.Rules, data []byte) error {
	var c struct {
		Input struct {
			Pubkeys   *[]string `yaml:"pubkeys"`
			Messages  *[]string `yaml:"messages"`
			Signature *string   `yaml:"signature"`
		} `yaml:"input"`
		Output *bool `yaml:"output"`
	}
	if err := blsDecode(data, &c); err != nil {
		return err
	}
	if c.Input.Pubkeys == nil || c.Input.Messages == nil {
		return &blsFormatError{Problem: "input.pubkeys or input.messages missing or null"}
	}
	if err := blsInputs("signature", c.Input.Signature); err != nil {
		return err
	}
	keys, err := blsHexList("input.pubkeys", *c.Input.Pubkeys)
	if err != nil {
		return err
	}
	msgs, err := blsHexList("input.messages", *c.Input.Messages)
	if err != nil {
		return err
	}
	sig, err := blsHex("input.signature", *c.Input.Signature)
	if err != nil {
		return err
	}
	pks, okPK := blsPubkeys(keys)
	sigs, okSig := blsSignatures([][]byte{sig})
	got := okPK && okSig && r.AggregateVerify(pks, msgs, sigs[0])
	return blsCompareBool(got, c.Output)
}
