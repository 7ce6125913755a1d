package spec

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// Rules selects the revision of the Phase 0 spec whose rules the model follows where
// releases differ in behaviour rather than in configuration values (those are the
// presets'; see Preset). The only such difference in Phase 0 is the BLS signature draft:
//
//   - RulesFinal, the default: the final Phase 0 spec (v1.0.0 and every later release),
//     which cites IETF BLS draft-04. KeyValidate rejects the identity public key (0xc0
//     followed by 47 zero bytes), so a deposit under it fails its proof of possession and
//     is skipped, and an attestation whose committee holds it fails
//     is_valid_indexed_attestation.
//   - RulesV0123: spec v0.12.3, which cites draft-03, where the identity is a valid public
//     key that verifies exactly the infinity signature. A deposit with that key and the
//     infinity signature adds a validator. Kept so that the official v0.12.3 vectors can be
//     run; spectest selects it by itself when it detects that release.
type Rules uint8

const (
	RulesFinal Rules = iota // v1.0.0 and later (BLS draft-04); the default
	RulesV0123              // v0.12.3 (BLS draft-03)
)

// RulesNames lists the names ParseRules accepts, default first.
func RulesNames() []string { return []string{"final", "v0.12.3"} }

// String is the rules' name, as ParseRules reads it.
func (r Rules) String() string {
	switch r {
	case RulesFinal:
		return "final"
	case RulesV0123:
		return "v0.12.3"
	}
	return fmt.Sprintf("spec.Rules(%d)", uint8(r))
}

// ParseRules reads a rules name: "final" or "v0.12.3".
func ParseRules(name string) (Rules, error) {
	switch name {
	case "final", "v1.0.0", "v1.0", "v1.1", "":
		return RulesFinal, nil
	case "v0.12.3", "v0.12":
		return RulesV0123, nil
	}
	return RulesFinal, &ConfigError{Reason: fmt.Sprintf("unknown rules %q (known: final, v0.12.3)", name)}
}

// BLS is the BLS draft the rules cite.
func (r Rules) BLS() bls.Rules {
	if r == RulesV0123 {
		return bls.Draft03
	}
	return bls.Draft04
}
