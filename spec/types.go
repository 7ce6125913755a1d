package spec

// Custom types of the Phase 0 spec ("Custom types").
type (
	Slot           uint64
	Epoch          uint64
	CommitteeIndex uint64
	ValidatorIndex uint64
	Gwei           uint64
	Root           [32]byte
	Version        [4]byte
	DomainType     [4]byte
	ForkDigest     [4]byte
	Domain         [32]byte
	BLSPubkey      [48]byte
	BLSSignature   [96]byte
)
