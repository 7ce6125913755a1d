package spec

import (
	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// The Phase 0 containers ("Containers"), in the spec's order. Each DefineSSZ declares the
// fields in declaration order with the spec's names; list limits and vector lengths come
// from the *Config the codec carries (see cfgOf), so one binary serves every config.

// Fork is the spec's Fork container ("Misc dependencies").
type Fork struct {
	PreviousVersion Version
	CurrentVersion  Version
	Epoch           Epoch // epoch of latest fork
}

func (f *Fork) DefineSSZ(c ssz.Codec) {
	c.Bytes("previous_version", f.PreviousVersion[:])
	c.Bytes("current_version", f.CurrentVersion[:])
	ssz.Uint64(c, "epoch", &f.Epoch)
}

// ForkData is the spec's ForkData container ("Misc dependencies").
type ForkData struct {
	CurrentVersion        Version
	GenesisValidatorsRoot Root
}

func (f *ForkData) DefineSSZ(c ssz.Codec) {
	c.Bytes("current_version", f.CurrentVersion[:])
	c.Bytes("genesis_validators_root", f.GenesisValidatorsRoot[:])
}

// Checkpoint is the spec's Checkpoint container ("Misc dependencies").
type Checkpoint struct {
	Epoch Epoch
	Root  Root
}

func (cp *Checkpoint) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "epoch", &cp.Epoch)
	c.Bytes("root", cp.Root[:])
}

// Validator is the spec's Validator container ("Misc dependencies").
type Validator struct {
	Pubkey                     BLSPubkey
	WithdrawalCredentials      Root // commitment to pubkey for withdrawals
	EffectiveBalance           Gwei // balance at stake
	Slashed                    bool
	ActivationEligibilityEpoch Epoch // when criteria for activation were met
	ActivationEpoch            Epoch
	ExitEpoch                  Epoch
	WithdrawableEpoch          Epoch // when validator can withdraw funds
}

func (v *Validator) DefineSSZ(c ssz.Codec) {
	c.Bytes("pubkey", v.Pubkey[:])
	c.Bytes("withdrawal_credentials", v.WithdrawalCredentials[:])
	ssz.Uint64(c, "effective_balance", &v.EffectiveBalance)
	c.Bool("slashed", &v.Slashed)
	ssz.Uint64(c, "activation_eligibility_epoch", &v.ActivationEligibilityEpoch)
	ssz.Uint64(c, "activation_epoch", &v.ActivationEpoch)
	ssz.Uint64(c, "exit_epoch", &v.ExitEpoch)
	ssz.Uint64(c, "withdrawable_epoch", &v.WithdrawableEpoch)
}

// AttestationData is the spec's AttestationData container ("Misc dependencies").
type AttestationData struct {
	Slot            Slot
	Index           CommitteeIndex
	BeaconBlockRoot Root // LMD GHOST vote
	Source          Checkpoint
	Target          Checkpoint // FFG vote
}

func (a *AttestationData) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "slot", &a.Slot)
	ssz.Uint64(c, "index", &a.Index)
	c.Bytes("beacon_block_root", a.BeaconBlockRoot[:])
	c.Container("source", &a.Source)
	c.Container("target", &a.Target)
}

// IndexedAttestation is the spec's IndexedAttestation container ("Misc dependencies").
type IndexedAttestation struct {
	AttestingIndices []ValidatorIndex // List[ValidatorIndex, MAX_VALIDATORS_PER_COMMITTEE]
	Data             AttestationData
	Signature        BLSSignature
}

func (a *IndexedAttestation) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	ssz.Uint64s(c, "attesting_indices", &a.AttestingIndices, cfg.MaxValidatorsPerCommittee)
	c.Container("data", &a.Data)
	c.Bytes("signature", a.Signature[:])
}

// PendingAttestation is the spec's PendingAttestation container ("Misc dependencies").
type PendingAttestation struct {
	AggregationBits bitfield.Bitlist // Bitlist[MAX_VALIDATORS_PER_COMMITTEE]
	Data            AttestationData
	InclusionDelay  Slot
	ProposerIndex   ValidatorIndex
}

func (a *PendingAttestation) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	c.Bitlist("aggregation_bits", (*[]byte)(&a.AggregationBits), cfg.MaxValidatorsPerCommittee)
	c.Container("data", &a.Data)
	ssz.Uint64(c, "inclusion_delay", &a.InclusionDelay)
	ssz.Uint64(c, "proposer_index", &a.ProposerIndex)
}

// Eth1Data is the spec's Eth1Data container ("Misc dependencies").
type Eth1Data struct {
	DepositRoot  Root
	DepositCount uint64
	BlockHash    Root
}

func (e *Eth1Data) DefineSSZ(c ssz.Codec) {
	c.Bytes("deposit_root", e.DepositRoot[:])
	c.Uint64("deposit_count", &e.DepositCount)
	c.Bytes("block_hash", e.BlockHash[:])
}

// HistoricalBatch is the spec's HistoricalBatch container ("Misc dependencies").
type HistoricalBatch struct {
	BlockRoots []Root // Vector[Root, SLOTS_PER_HISTORICAL_ROOT]
	StateRoots []Root // Vector[Root, SLOTS_PER_HISTORICAL_ROOT]
}

func (h *HistoricalBatch) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	ssz.RootVector(c, "block_roots", &h.BlockRoots, cfg.SlotsPerHistoricalRoot)
	ssz.RootVector(c, "state_roots", &h.StateRoots, cfg.SlotsPerHistoricalRoot)
}

// DepositMessage is the spec's DepositMessage container ("Misc dependencies").
type DepositMessage struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
}

func (d *DepositMessage) DefineSSZ(c ssz.Codec) {
	c.Bytes("pubkey", d.Pubkey[:])
	c.Bytes("withdrawal_credentials", d.WithdrawalCredentials[:])
	ssz.Uint64(c, "amount", &d.Amount)
}

// DepositData is the spec's DepositData container ("Misc dependencies").
type DepositData struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
	Signature             BLSSignature // signing over DepositMessage
}

func (d *DepositData) DefineSSZ(c ssz.Codec) {
	c.Bytes("pubkey", d.Pubkey[:])
	c.Bytes("withdrawal_credentials", d.WithdrawalCredentials[:])
	ssz.Uint64(c, "amount", &d.Amount)
	c.Bytes("signature", d.Signature[:])
}

// BeaconBlockHeader is the spec's BeaconBlockHeader container ("Misc dependencies").
type BeaconBlockHeader struct {
	Slot          Slot
	ProposerIndex ValidatorIndex
	ParentRoot    Root
	StateRoot     Root
	BodyRoot      Root
}

func (h *BeaconBlockHeader) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "slot", &h.Slot)
	ssz.Uint64(c, "proposer_index", &h.ProposerIndex)
	c.Bytes("parent_root", h.ParentRoot[:])
	c.Bytes("state_root", h.StateRoot[:])
	c.Bytes("body_root", h.BodyRoot[:])
}

// SigningData is the spec's SigningData container ("Misc dependencies").
type SigningData struct {
	ObjectRoot Root
	Domain     Domain
}

func (s *SigningData) DefineSSZ(c ssz.Codec) {
	c.Bytes("object_root", s.ObjectRoot[:])
	c.Bytes("domain", s.Domain[:])
}

// ProposerSlashing is the spec's ProposerSlashing container ("Beacon operations").
type ProposerSlashing struct {
	SignedHeader1 SignedBeaconBlockHeader
	SignedHeader2 SignedBeaconBlockHeader
}

func (p *ProposerSlashing) DefineSSZ(c ssz.Codec) {
	c.Container("signed_header_1", &p.SignedHeader1)
	c.Container("signed_header_2", &p.SignedHeader2)
}

// AttesterSlashing is the spec's AttesterSlashing container ("Beacon operations").
type AttesterSlashing struct {
	Attestation1 IndexedAttestation
	Attestation2 IndexedAttestation
}

func (a *AttesterSlashing) DefineSSZ(c ssz.Codec) {
	c.Container("attestation_1", &a.Attestation1)
	c.Container("attestation_2", &a.Attestation2)
}

// Attestation is the spec's Attestation container ("Beacon operations").
type Attestation struct {
	AggregationBits bitfield.Bitlist // Bitlist[MAX_VALIDATORS_PER_COMMITTEE]
	Data            AttestationData
	Signature       BLSSignature
}

func (a *Attestation) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	c.Bitlist("aggregation_bits", (*[]byte)(&a.AggregationBits), cfg.MaxValidatorsPerCommittee)
	c.Container("data", &a.Data)
	c.Bytes("signature", a.Signature[:])
}

// Deposit is the spec's Deposit container ("Beacon operations").
type Deposit struct {
	Proof []Root // Vector[Bytes32, DEPOSIT_CONTRACT_TREE_DEPTH + 1]: Merkle path to deposit root
	Data  DepositData
}

func (d *Deposit) DefineSSZ(c ssz.Codec) {
	ssz.RootVector(c, "proof", &d.Proof, DepositContractTreeDepth+1)
	c.Container("data", &d.Data)
}

// VoluntaryExit is the spec's VoluntaryExit container ("Beacon operations").
type VoluntaryExit struct {
	Epoch          Epoch // earliest epoch when voluntary exit can be processed
	ValidatorIndex ValidatorIndex
}

func (v *VoluntaryExit) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "epoch", &v.Epoch)
	ssz.Uint64(c, "validator_index", &v.ValidatorIndex)
}

// BeaconBlockBody is the spec's BeaconBlockBody container ("Beacon blocks").
type BeaconBlockBody struct {
	RandaoReveal      BLSSignature
	Eth1Data          Eth1Data // Eth1 data vote
	Graffiti          Root     // arbitrary data
	ProposerSlashings []ProposerSlashing
	AttesterSlashings []AttesterSlashing
	Attestations      []Attestation
	Deposits          []Deposit
	VoluntaryExits    []SignedVoluntaryExit
}

func (b *BeaconBlockBody) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	c.Bytes("randao_reveal", b.RandaoReveal[:])
	c.Container("eth1_data", &b.Eth1Data)
	c.Bytes("graffiti", b.Graffiti[:])
	ssz.List(c, "proposer_slashings", &b.ProposerSlashings, cfg.MaxProposerSlashings)
	ssz.List(c, "attester_slashings", &b.AttesterSlashings, cfg.MaxAttesterSlashings)
	ssz.List(c, "attestations", &b.Attestations, cfg.MaxAttestations)
	ssz.List(c, "deposits", &b.Deposits, cfg.MaxDeposits)
	ssz.List(c, "voluntary_exits", &b.VoluntaryExits, cfg.MaxVoluntaryExits)
}

// BeaconBlock is the spec's BeaconBlock container ("Beacon blocks").
type BeaconBlock struct {
	Slot          Slot
	ProposerIndex ValidatorIndex
	ParentRoot    Root
	StateRoot     Root
	Body          BeaconBlockBody
}

func (b *BeaconBlock) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "slot", &b.Slot)
	ssz.Uint64(c, "proposer_index", &b.ProposerIndex)
	c.Bytes("parent_root", b.ParentRoot[:])
	c.Bytes("state_root", b.StateRoot[:])
	c.Container("body", &b.Body)
}

// BeaconState is the spec's BeaconState container ("Beacon state").
type BeaconState struct {
	// Versioning
	GenesisTime           uint64
	GenesisValidatorsRoot Root
	Slot                  Slot
	Fork                  Fork
	// History
	LatestBlockHeader BeaconBlockHeader
	BlockRoots        []Root // Vector[Root, SLOTS_PER_HISTORICAL_ROOT]
	StateRoots        []Root // Vector[Root, SLOTS_PER_HISTORICAL_ROOT]
	HistoricalRoots   []Root // List[Root, HISTORICAL_ROOTS_LIMIT]
	// Eth1
	Eth1Data         Eth1Data
	Eth1DataVotes    []Eth1Data // List[Eth1Data, EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH]
	Eth1DepositIndex uint64
	// Registry
	Validators []Validator // List[Validator, VALIDATOR_REGISTRY_LIMIT]
	Balances   []Gwei      // List[Gwei, VALIDATOR_REGISTRY_LIMIT]
	// Randomness
	RandaoMixes []Root // Vector[Bytes32, EPOCHS_PER_HISTORICAL_VECTOR]
	// Slashings
	Slashings []Gwei // Vector[Gwei, EPOCHS_PER_SLASHINGS_VECTOR]: per-epoch sums of slashed effective balances
	// Attestations
	PreviousEpochAttestations []PendingAttestation // List[PendingAttestation, MAX_ATTESTATIONS * SLOTS_PER_EPOCH]
	CurrentEpochAttestations  []PendingAttestation
	// Finality
	JustificationBits           bitfield.Bitvector4 // bit set for every recent justified epoch
	PreviousJustifiedCheckpoint Checkpoint          // previous epoch snapshot
	CurrentJustifiedCheckpoint  Checkpoint
	FinalizedCheckpoint         Checkpoint

	// Extra is not part of the container: what the state keeps beside its fields, the
	// Merkle trees of its hash cache (EnableHashCache) and the journal of an atomic
	// transition in progress (writes.go). It is nil when neither is in use.
	Extra *StateExtra
}

// StateExtra is what a BeaconState keeps beside its fields; its contents are the model's.
type StateExtra struct {
	hash    *ssz.HashCache
	journal *journal
}

func (s *BeaconState) DefineSSZ(c ssz.Codec) {
	cfg := cfgOf(c)
	c.Uint64("genesis_time", &s.GenesisTime)
	c.Bytes("genesis_validators_root", s.GenesisValidatorsRoot[:])
	ssz.Uint64(c, "slot", &s.Slot)
	c.Container("fork", &s.Fork)
	c.Container("latest_block_header", &s.LatestBlockHeader)
	ssz.RootVector(c, "block_roots", &s.BlockRoots, cfg.SlotsPerHistoricalRoot)
	ssz.RootVector(c, "state_roots", &s.StateRoots, cfg.SlotsPerHistoricalRoot)
	ssz.Roots(c, "historical_roots", &s.HistoricalRoots, cfg.HistoricalRootsLimit)
	c.Container("eth1_data", &s.Eth1Data)
	ssz.List(c, "eth1_data_votes", &s.Eth1DataVotes, cfg.EpochsPerEth1VotingPeriod*cfg.SlotsPerEpoch)
	c.Uint64("eth1_deposit_index", &s.Eth1DepositIndex)
	ssz.List(c, "validators", &s.Validators, cfg.ValidatorRegistryLimit)
	ssz.Uint64s(c, "balances", &s.Balances, cfg.ValidatorRegistryLimit)
	ssz.RootVector(c, "randao_mixes", &s.RandaoMixes, cfg.EpochsPerHistoricalVector)
	ssz.Uint64Vector(c, "slashings", &s.Slashings, cfg.EpochsPerSlashingsVector)
	ssz.List(c, "previous_epoch_attestations", &s.PreviousEpochAttestations, cfg.MaxAttestations*cfg.SlotsPerEpoch)
	ssz.List(c, "current_epoch_attestations", &s.CurrentEpochAttestations, cfg.MaxAttestations*cfg.SlotsPerEpoch)
	c.Bitvector("justification_bits", (*[]byte)(&s.JustificationBits), JustificationBitsLength)
	c.Container("previous_justified_checkpoint", &s.PreviousJustifiedCheckpoint)
	c.Container("current_justified_checkpoint", &s.CurrentJustifiedCheckpoint)
	c.Container("finalized_checkpoint", &s.FinalizedCheckpoint)
}

// SignedVoluntaryExit is the spec's SignedVoluntaryExit container ("Signed envelopes").
type SignedVoluntaryExit struct {
	Message   VoluntaryExit
	Signature BLSSignature
}

func (s *SignedVoluntaryExit) DefineSSZ(c ssz.Codec) {
	c.Container("message", &s.Message)
	c.Bytes("signature", s.Signature[:])
}

// SignedBeaconBlock is the spec's SignedBeaconBlock container ("Signed envelopes").
type SignedBeaconBlock struct {
	Message   BeaconBlock
	Signature BLSSignature
}

func (s *SignedBeaconBlock) DefineSSZ(c ssz.Codec) {
	c.Container("message", &s.Message)
	c.Bytes("signature", s.Signature[:])
}

// SignedBeaconBlockHeader is the spec's SignedBeaconBlockHeader container ("Signed envelopes").
type SignedBeaconBlockHeader struct {
	Message   BeaconBlockHeader
	Signature BLSSignature
}

func (s *SignedBeaconBlockHeader) DefineSSZ(c ssz.Codec) {
	c.Container("message", &s.Message)
	c.Bytes("signature", s.Signature[:])
}

// Eth1Block is the Eth1Block container of the honest validator guide ("Eth1 data"), an
// ssz_static type of the vectors.
type Eth1Block struct {
	Timestamp    uint64
	DepositRoot  Root
	DepositCount uint64
}

func (e *Eth1Block) DefineSSZ(c ssz.Codec) {
	c.Uint64("timestamp", &e.Timestamp)
	c.Bytes("deposit_root", e.DepositRoot[:])
	c.Uint64("deposit_count", &e.DepositCount)
}

// AggregateAndProof is the AggregateAndProof container of the honest validator guide
// ("Aggregation selection").
type AggregateAndProof struct {
	AggregatorIndex ValidatorIndex
	Aggregate       Attestation
	SelectionProof  BLSSignature
}

func (a *AggregateAndProof) DefineSSZ(c ssz.Codec) {
	ssz.Uint64(c, "aggregator_index", &a.AggregatorIndex)
	c.Container("aggregate", &a.Aggregate)
	c.Bytes("selection_proof", a.SelectionProof[:])
}

// SignedAggregateAndProof is the SignedAggregateAndProof container of the honest validator
// guide.
type SignedAggregateAndProof struct {
	Message   AggregateAndProof
	Signature BLSSignature
}

func (s *SignedAggregateAndProof) DefineSSZ(c ssz.Codec) {
	c.Container("message", &s.Message)
	c.Bytes("signature", s.Signature[:])
}
