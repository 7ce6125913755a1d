package spec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// testState builds a BeaconState of cfg with n validators: every vector at its config
// length, deterministic distinct pubkeys, and everything else simple but not zero.
func testState(cfg *Config, n int) *BeaconState {
	s := &BeaconState{
		GenesisTime:       1606824023,
		Slot:              Slot(cfg.SlotsPerEpoch*3 + 1),
		Fork:              Fork{PreviousVersion: cfg.GenesisForkVersion, CurrentVersion: cfg.GenesisForkVersion},
		BlockRoots:        make([]Root, cfg.SlotsPerHistoricalRoot),
		StateRoots:        make([]Root, cfg.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]Root, cfg.EpochsPerHistoricalVector),
		Slashings:         make([]Gwei, cfg.EpochsPerSlashingsVector),
		JustificationBits: bitfield.NewBitvector4(),
		Validators:        make([]Validator, n),
		Balances:          make([]Gwei, n),
		Eth1Data:          Eth1Data{DepositCount: uint64(n)},
	}
	for i := range s.BlockRoots {
		binary.LittleEndian.PutUint64(s.BlockRoots[i][:], uint64(i)+1)
	}
	for i := range s.Validators {
		v := &s.Validators[i]
		binary.BigEndian.PutUint64(v.Pubkey[:8], uint64(i)+1)
		v.WithdrawalCredentials[31] = byte(i)
		v.EffectiveBalance = cfg.MaxEffectiveBalance
		v.ExitEpoch = FarFutureEpoch
		v.WithdrawableEpoch = FarFutureEpoch
		s.Balances[i] = cfg.MaxEffectiveBalance + Gwei(i)
	}
	s.JustificationBits.SetBitAt(1, true)
	s.CurrentEpochAttestations = []PendingAttestation{{
		AggregationBits: bitfield.NewBitlist(5),
		Data:            AttestationData{Slot: 3, Index: 1},
		InclusionDelay:  1,
	}}
	return s
}

func TestBeaconStateRoundTrip(t *testing.T) {
	for _, preset := range []string{"minimal", "mainnet"} {
		t.Run(preset, func(t *testing.T) {
			cfg := MustPreset(preset)
			s := testState(cfg, 100)
			enc, err := Marshal(cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			// Fixed part: 2687 bytes of fixed fields plus the two root vectors, the mixes and
			// the slashings vector, whose sizes come from the config.
			fixed := 8 + 32 + 8 + 16 + 112 + 2*32*int(cfg.SlotsPerHistoricalRoot) + 4 + 72 + 4 + 8 + 4 + 4 +
				32*int(cfg.EpochsPerHistoricalVector) + 8*int(cfg.EpochsPerSlashingsVector) + 4 + 4 + 1 + 3*40
			if off := binary.LittleEndian.Uint32(enc[8+32+8+16+112+2*32*int(cfg.SlotsPerHistoricalRoot):]); int(off) != fixed {
				t.Fatalf("historical_roots offset %d, want fixed part size %d", off, fixed)
			}
			var back BeaconState
			if err := Unmarshal(cfg, enc, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := Marshal(cfg, &back)
			if !bytes.Equal(again, enc) {
				t.Fatal("re-encoding differs")
			}
			r1, err1 := HashTreeRoot(cfg, s)
			r2, err2 := HashTreeRoot(cfg, &back)
			if err1 != nil || err2 != nil || r1 != r2 {
				t.Fatalf("roots differ: %v %v", err1, err2)
			}
			// The same bytes are not a state of the other preset: its vectors have other lengths.
			other := MustPreset(map[string]string{"minimal": "mainnet", "mainnet": "minimal"}[preset])
			if err := Unmarshal(other, enc, new(BeaconState)); err == nil {
				t.Fatal("a state decoded under the wrong preset")
			}
		})
	}
}

func TestInvalidContainerValues(t *testing.T) {
	cfg := MustPreset("minimal")
	tests := []struct {
		name string
		obj  ssz.Object
	}{
		{"too many attestations", &BeaconBlockBody{Attestations: make([]Attestation, cfg.MaxAttestations+1)}},
		{"too many attesting indices", &IndexedAttestation{AttestingIndices: make([]ValidatorIndex, cfg.MaxValidatorsPerCommittee+1)}},
		{"short deposit proof", &Deposit{Proof: make([]Root, 32)}},
		{"zero-value state (vectors empty)", &BeaconState{}},
		{"bitlist without delimiter", &Attestation{AggregationBits: bitfield.Bitlist{0x00}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Marshal(cfg, tt.obj)
			var se *ssz.Error
			if !errors.As(err, &se) {
				t.Fatalf("Marshal error %v, want an *ssz.Error", err)
			}
		})
	}
}

func TestEveryTypeIsRegistered(t *testing.T) {
	if n := len(TypeNames()); n != 27 {
		t.Fatalf("%d container types registered, the Phase 0 ssz_static set has 27", n)
	}
	cfg := MustPreset("minimal")
	for _, name := range TypeNames() {
		obj, err := NewObject(name)
		if err != nil {
			t.Fatal(err)
		}
		// Every zero value decodes from some bytes without panicking; a hostile empty input is
		// an error, never a panic.
		if err := Unmarshal(cfg, nil, obj); err == nil {
			t.Errorf("%s decoded from no bytes", name)
		}
	}
	if _, err := NewObject("Nope"); err == nil {
		t.Fatal("unknown type accepted")
	}
}

// BenchmarkHashTreeRootMainnetState100k hashes a mainnet-preset state with 100,000
// validators from scratch (no cached subtrees).
func BenchmarkHashTreeRootMainnetState100k(b *testing.B) {
	cfg := MustPreset("mainnet")
	s := testState(cfg, 100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := HashTreeRoot(cfg, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalMainnetState100k(b *testing.B) {
	cfg := MustPreset("mainnet")
	enc, err := Marshal(cfg, testState(cfg, 100_000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var s BeaconState
		if err := Unmarshal(cfg, enc, &s); err != nil {
			b.Fatal(err)
		}
	}
}
