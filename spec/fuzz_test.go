package spec

import (
	"bytes"
	"testing"
)

// fuzzDecoder checks a container decoder on arbitrary bytes (minimal preset): it never
// panics, and whatever it accepts is canonical — it re-encodes to exactly the input and
// has a root. The seed corpus (testdata/fuzz/Fuzz<Type>) holds official ssz_static cases.
func fuzzDecoder(f *testing.F, typeName string) {
	cfg := MustPreset("minimal")
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := NewObject(typeName)
		if err != nil {
			t.Fatal(err)
		}
		if err := Unmarshal(cfg, data, obj); err != nil {
			return
		}
		again, err := Marshal(cfg, obj)
		if err != nil {
			t.Fatalf("accepted input does not re-encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("accepted a non-canonical encoding: %x re-encodes as %x", data, again)
		}
		if _, err := HashTreeRoot(cfg, obj); err != nil {
			t.Fatalf("accepted input has no root: %v", err)
		}
	})
}

func FuzzFork(f *testing.F)                    { fuzzDecoder(f, "Fork") }
func FuzzForkData(f *testing.F)                { fuzzDecoder(f, "ForkData") }
func FuzzCheckpoint(f *testing.F)              { fuzzDecoder(f, "Checkpoint") }
func FuzzValidator(f *testing.F)               { fuzzDecoder(f, "Validator") }
func FuzzAttestationData(f *testing.F)         { fuzzDecoder(f, "AttestationData") }
func FuzzIndexedAttestation(f *testing.F)      { fuzzDecoder(f, "IndexedAttestation") }
func FuzzPendingAttestation(f *testing.F)      { fuzzDecoder(f, "PendingAttestation") }
func FuzzEth1Data(f *testing.F)                { fuzzDecoder(f, "Eth1Data") }
func FuzzHistoricalBatch(f *testing.F)         { fuzzDecoder(f, "HistoricalBatch") }
func FuzzDepositMessage(f *testing.F)          { fuzzDecoder(f, "DepositMessage") }
func FuzzDepositData(f *testing.F)             { fuzzDecoder(f, "DepositData") }
func FuzzBeaconBlockHeader(f *testing.F)       { fuzzDecoder(f, "BeaconBlockHeader") }
func FuzzSigningData(f *testing.F)             { fuzzDecoder(f, "SigningData") }
func FuzzEth1Block(f *testing.F)               { fuzzDecoder(f, "Eth1Block") }
func FuzzProposerSlashing(f *testing.F)        { fuzzDecoder(f, "ProposerSlashing") }
func FuzzAttesterSlashing(f *testing.F)        { fuzzDecoder(f, "AttesterSlashing") }
func FuzzAttestation(f *testing.F)             { fuzzDecoder(f, "Attestation") }
func FuzzDeposit(f *testing.F)                 { fuzzDecoder(f, "Deposit") }
func FuzzVoluntaryExit(f *testing.F)           { fuzzDecoder(f, "VoluntaryExit") }
func FuzzSignedVoluntaryExit(f *testing.F)     { fuzzDecoder(f, "SignedVoluntaryExit") }
func FuzzBeaconBlockBody(f *testing.F)         { fuzzDecoder(f, "BeaconBlockBody") }
func FuzzBeaconBlock(f *testing.F)             { fuzzDecoder(f, "BeaconBlock") }
func FuzzSignedBeaconBlock(f *testing.F)       { fuzzDecoder(f, "SignedBeaconBlock") }
func FuzzSignedBeaconBlockHeader(f *testing.F) { fuzzDecoder(f, "SignedBeaconBlockHeader") }
func FuzzBeaconState(f *testing.F)             { fuzzDecoder(f, "BeaconState") }
func FuzzAggregateAndProof(f *testing.F)       { fuzzDecoder(f, "AggregateAndProof") }
func FuzzSignedAggregateAndProof(f *testing.F) { fuzzDecoder(f, "SignedAggregateAndProof") }
