package bounds

import (
	"fmt"
	"math/big"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The catalogue, in the order of the spec (consensus-specs v1.0.0,
// specs/phase0/beacon-chain.md): section by section, function by function, and within a
// function in the order of its expressions. Every operation of the spec that can raise on
// its uint64 and SSZ types has an entry: each +, -, * on a uint64 (chains of additions of
// one driving quantity share one), each // and % (by a literal, a validated config value or
// a computed value), each list or vector index, each bitlist read and each append to a
// bounded list.

// Quantities the sites depend on.
const (
	qV         = "active validators"
	qTotal     = "total active balance"
	qEB        = "effective balance"
	qBalance   = "balance"
	qDelay     = "finality delay"
	qSlot      = "slot"
	qEpoch     = "epoch"
	qDeposits  = "deposit count"
	qSlashed   = "slashed balance"
	qConfig    = "config"
	qRegistry  = "registry size"
	qBlock     = "block contents"
	qPending   = "pending attestations"
	qCommittee = "committee size"
	qTime      = "eth1 timestamp"
	qExits     = "exit queue"
	qVotes     = "eth1 votes"
	qRandom    = "random byte"
)

// Threshold builders.

func limit64(*spec.Config) *big.Int  { return two64 }
func domain64(*spec.Config) *big.Int { return maxUint64() }

// plus is the threshold of x + c(cfg) overflowing, over all uint64 x.
func plus(symbol, quantity, of string, c func(cfg *spec.Config) *big.Int) *SiteThreshold {
	return &SiteThreshold{Symbol: symbol, Quantity: quantity, Of: of,
		Value:  func(cfg *spec.Config, x *big.Int) *big.Int { return add(x, c(cfg)) },
		Limit:  limit64,
		Domain: domain64,
	}
}

// times is the threshold of x * k(cfg) overflowing, over all uint64 x.
func times(symbol, quantity, of string, k func(cfg *spec.Config) *big.Int) *SiteThreshold {
	return &SiteThreshold{Symbol: symbol, Quantity: quantity, Of: of,
		Value:  func(cfg *spec.Config, x *big.Int) *big.Int { return mul(x, k(cfg)) },
		Limit:  limit64,
		Domain: domain64,
	}
}

// length is the threshold of a list of x entries outgrowing limit(cfg): its first failing
// length is limit + 1.
func length(symbol, quantity, of string, limit func(cfg *spec.Config) *big.Int) *SiteThreshold {
	return &SiteThreshold{Symbol: symbol, Quantity: quantity, Of: of,
		Value:  func(_ *spec.Config, x *big.Int) *big.Int { return new(big.Int).Set(x) },
		Limit:  func(cfg *spec.Config) *big.Int { return add(limit(cfg), one) },
		Domain: domain64,
	}
}

func (t *SiteThreshold) assuming(a string) *SiteThreshold { t.Assumption = a; return t }

// at sets the values the declared operands' variables have at x (SiteThreshold.Operands).
func (t *SiteThreshold) at(f func(cfg *spec.Config, x *big.Int) map[string]*big.Int) *SiteThreshold {
	t.Operands = f
	return t
}

// lastAddition is Operands of a sum of x terms of term(cfg) each, accumulated as acc + term
// (the model's loop): at its last addition acc holds x - 1 terms. A sum of no terms adds
// nothing.
func lastAddition(term func(cfg *spec.Config) *big.Int) func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
	return func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
		if x.Sign() == 0 {
			return nil
		}
		return map[string]*big.Int{"acc": mul(sub(x, one), term(cfg)), "term": term(cfg)}
	}
}

// balancesOf is Operands of a site whose one variable is the effective balance of x
// validators at MAX_EFFECTIVE_BALANCE.
func balancesOf(name string) func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
	return func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
		return map[string]*big.Int{name: mul(x, maxEB(cfg))}
	}
}

func (t *SiteThreshold) reach(max func(cfg *spec.Config) *big.Int, why string) *SiteThreshold {
	t.Reach = &Reach{Max: max, Why: why}
	return t
}

// Config values as big integers.

func cst(v uint64) func(*spec.Config) *big.Int { return func(*spec.Config) *big.Int { return u64(v) } }

func slotsPerEpoch(cfg *spec.Config) *big.Int { return u64(cfg.SlotsPerEpoch) }
func maxEB(cfg *spec.Config) *big.Int         { return u64(uint64(cfg.MaxEffectiveBalance)) }
func registryLimit(cfg *spec.Config) *big.Int { return u64(cfg.ValidatorRegistryLimit) }
func maxUint64Minus(k uint64) func(*spec.Config) *big.Int {
	return func(*spec.Config) *big.Int { return sub(maxUint64(), u64(k)) }
}

// Reaches used by many sites.
const (
	whyEpoch = "[slot_bound]: the current epoch is at most (2**64 - 1) // SLOTS_PER_EPOCH"
	whyEB    = "[effective_balance_cap]: an effective balance is at most MAX_EFFECTIVE_BALANCE"
	whyV     = "[indices_in_registry]: at most VALIDATOR_REGISTRY_LIMIT validators"
	whyAny   = "any uint64 is possible here"
)

// epochSum is the threshold of epoch + c(cfg), epoch at most the current epoch.
func epochSum(symbol, quantity, of string, c func(*spec.Config) *big.Int) *SiteThreshold {
	return plus(symbol, quantity, of, c).reach(maxEpoch, whyEpoch)
}

// perV is the threshold of a quantity of V active validators all at MAX_EFFECTIVE_BALANCE.
func perV(of string, assumption string, f func(cfg *spec.Config, v *big.Int) *big.Int) *SiteThreshold {
	return (&SiteThreshold{Symbol: "V", Quantity: "active validators, each at MAX_EFFECTIVE_BALANCE", Of: of,
		Value: f, Limit: limit64, Domain: domain64,
	}).assuming(assumption).reach(registryLimit, whyV)
}

// Requirements.

// below64 is a requirement that a product or sum of config values stays below 2**64.
func below64(doc string, f func(cfg *spec.Config) *big.Int) Requirement {
	return Requirement{Doc: doc, Holds: func(cfg *spec.Config) (bool, string) {
		v := f(cfg)
		return v.Cmp(two64) < 0, "it is " + commasBig(v)
	}}
}

var (
	reqCommitteeCount = below64("MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(u64(cfg.MaxCommitteesPerSlot), slotsPerEpoch(cfg))
	})
	reqRandomProduct = below64("MAX_EFFECTIVE_BALANCE * MAX_RANDOM_BYTE < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(maxEB(cfg), u64(255))
	})
	reqBaseRewardProduct = below64("MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(maxEB(cfg), u64(cfg.BaseRewardFactor))
	})
	// base_reward <= MAX_EB * BRF // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (the total is at
	// least EFFECTIVE_BALANCE_INCREMENT), and attesting_balance // increment < 2**64 // increment.
	reqComponentNumerator = below64("baseRewardMax * ((2**64 - 1) // EFFECTIVE_BALANCE_INCREMENT) < 2**64, baseRewardMax = MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT))", func(cfg *spec.Config) *big.Int {
		return componentNumeratorMax(cfg)
	})
	// A proposer collects at most sum(base_reward_i) over the attesters, at most
	// attesting_balance * BRF // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) with attesting_balance
	// < 2**64 (its sum was taken, without overflow, by the source deltas), plus its own base
	// reward.
	reqInclusionRewards = below64("(2**64 - 1) * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) + MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // 4 < 2**64", func(cfg *spec.Config) *big.Int {
		return inclusionRewardMax(cfg)
	})
	reqInclusionDelay = Requirement{Doc: "MIN_ATTESTATION_INCLUSION_DELAY >= 1 (spec.Config.Validate requires it: the delay is a divisor)", Holds: func(cfg *spec.Config) (bool, string) {
		return cfg.MinAttestationInclusionDelay >= 1, fmt.Sprintf("MIN_ATTESTATION_INCLUSION_DELAY = %d", cfg.MinAttestationInclusionDelay)
	}}
	reqInactivitySum = below64("MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR + (2**64 - 1) // INACTIVITY_PENALTY_QUOTIENT < 2**64", func(cfg *spec.Config) *big.Int {
		return add(mul(maxEB(cfg), u64(cfg.BaseRewardFactor)), quo(maxUint64(), u64(cfg.InactivityPenaltyQuotient)))
	})
	reqDeltasRewards = below64("3 * baseRewardMax * ((2**64 - 1) // EFFECTIVE_BALANCE_INCREMENT) + the inclusion reward's bound < 2**64", func(cfg *spec.Config) *big.Int {
		return add(mul(big.NewInt(3), componentNumeratorMax(cfg)), inclusionRewardMax(cfg))
	})
	reqDeltasPenalties = below64("7 * MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // 4 + (2**64 - 1) // INACTIVITY_PENALTY_QUOTIENT < 2**64", func(cfg *spec.Config) *big.Int {
		return add(quo(mul(big.NewInt(7), maxEB(cfg), u64(cfg.BaseRewardFactor)), big.NewInt(4)), quo(maxUint64(), u64(cfg.InactivityPenaltyQuotient)))
	})
	reqHysteresis = below64("EFFECTIVE_BALANCE_INCREMENT // HYSTERESIS_QUOTIENT * max(HYSTERESIS_DOWNWARD_MULTIPLIER, HYSTERESIS_UPWARD_MULTIPLIER) < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(u64(uint64(cfg.EffectiveBalanceIncrement)/cfg.HysteresisQuotient), u64(max(cfg.HysteresisDownwardMultiplier, cfg.HysteresisUpwardMultiplier)))
	})
	reqEth1Votes = below64("2 * EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(big.NewInt(2), u64(cfg.EpochsPerEth1VotingPeriod), slotsPerEpoch(cfg))
	})
	reqAttestationLimit = below64("MAX_ATTESTATIONS * SLOTS_PER_EPOCH < 2**64", func(cfg *spec.Config) *big.Int {
		return mul(u64(cfg.MaxAttestations), slotsPerEpoch(cfg))
	})
)

func two32() *big.Int { return new(big.Int).Lsh(one, 32) }

// baseRewardMax bounds get_base_reward: the effective balance is at most
// MAX_EFFECTIVE_BALANCE and the total balance at least EFFECTIVE_BALANCE_INCREMENT.
func baseRewardMax(cfg *spec.Config) *big.Int {
	isq := new(big.Int).Sqrt(u64(uint64(cfg.EffectiveBalanceIncrement)))
	return quo(mul(maxEB(cfg), u64(cfg.BaseRewardFactor)), mul(big.NewInt(4), isq))
}

// componentNumeratorMax bounds base_reward * (attesting_balance // increment), and so each
// component reward (the numerator divided by at least 1).
func componentNumeratorMax(cfg *spec.Config) *big.Int {
	return mul(baseRewardMax(cfg), quo(maxUint64(), u64(uint64(cfg.EffectiveBalanceIncrement))))
}

// inclusionRewardMax bounds a validator's inclusion delay reward: the proposer rewards of
// every attester it included, at most the sum of their base rewards, plus its own.
func inclusionRewardMax(cfg *spec.Config) *big.Int {
	isq := new(big.Int).Sqrt(u64(uint64(cfg.EffectiveBalanceIncrement)))
	attesters := quo(mul(maxUint64(), u64(cfg.BaseRewardFactor)), mul(big.NewInt(4), isq))
	return add(attesters, quo(mul(maxEB(cfg), u64(cfg.BaseRewardFactor)), big.NewInt(4)))
}

// Invariant texts shared by many sites.
const (
	invConfigDivisor = "the divisor is a config value that [config_valid] requires non-zero"
	invVector        = "the index is taken modulo the vector's length, which [vector_lengths] keeps at its config value"
	invLiteral       = "the divisors are non-zero literals"
)

var catalogue = []Site{
	// Math

	{
		ID: "integer_squareroot_first_step", Section: "Math", SpecFunc: "integer_squareroot",
		Expr: "y = (x + 1) // 2  (x = n)", Quantities: []string{qTotal},
		Status: CannotFailUnderInvariants,
		Threshold: plus("n", "the argument n", "x + 1", cst(1)).
			assuming("the first step, where x = n").
			reach(func(cfg *spec.Config) *big.Int {
				m := maxUint64()
				return sub(m, new(big.Int).Mod(m, u64(uint64(cfg.EffectiveBalanceIncrement))))
			}, "the only caller, get_base_reward, passes get_total_active_balance: a sum of effective balances that did not overflow, each a multiple of EFFECTIVE_BALANCE_INCREMENT [effective_balance_cap], so at most the largest multiple of EFFECTIVE_BALANCE_INCREMENT below 2**64"),
		Invariant: "n = 2**64 - 1 is not a multiple of EFFECTIVE_BALANCE_INCREMENT on this config, and a total of effective balances always is [effective_balance_cap]",
		Note:      "the function itself fails for n = 2**64 - 1 (the model's contract says so too); no caller passes it",
	},
	{
		ID: "integer_squareroot_newton_step", Section: "Math", SpecFunc: "integer_squareroot",
		Expr: "y = (x + n // x) // 2", Quantities: []string{qTotal},
		Status:    CannotFail,
		Invariant: "inside the loop x <= (n + 1) // 2 <= 2**63 and x >= isqrt(n) (Newton's iteration from above), so n // x <= isqrt(n) + 2 <= 2**32 + 1 and the sum is below 2**64",
	},
	{
		ID: "integer_squareroot_divisions", Section: "Math", SpecFunc: "integer_squareroot",
		Expr: "n // x;  (...) // 2", Quantities: []string{qTotal},
		Status:    CannotFail,
		Invariant: "the loop runs only when y < x, so n >= 2, and x stays at least isqrt(n) >= 1; 2 is a literal",
	},
	{
		ID: "bytes_to_uint64_width", Section: "Math", SpecFunc: "bytes_to_uint64",
		Expr: "uint64(int.from_bytes(data, ENDIANNESS))", Quantities: []string{},
		Status:    CannotFailUnderInvariants,
		Invariant: "every call passes hash(...)[0:8], 8 bytes, whose value fits a uint64",
		Note:      "the model reads the first 8 bytes and ignores the rest, where the spec's uint64() would raise on a non-zero ninth byte; its checked mode has the precondition at_most_eight_bytes",
	},

	// Predicates

	{
		ID: "is_valid_indexed_attestation_validator_read", Section: "Predicates", SpecFunc: "is_valid_indexed_attestation",
		Expr: "state.validators[i] for i in indices", Quantities: []string{qBlock, qRegistry},
		Status:    RejectsInvalidInput,
		Invariant: "fails when an attesting index of an attester slashing's attestation is not a validator: the block is invalid",
		Note:      "from process_attestation the indices are committee members, always in range [indices_in_registry]; from process_attester_slashing they are the block's",
	},
	{
		ID: "is_valid_merkle_branch_branch_read", Section: "Predicates", SpecFunc: "is_valid_merkle_branch",
		Expr: "branch[i] for i in range(depth)", Quantities: []string{},
		Status:    CannotFailUnderInvariants,
		Invariant: "the only caller, process_deposit, passes deposit.proof, an SSZ Vector[Bytes32, DEPOSIT_CONTRACT_TREE_DEPTH + 1], for depth DEPOSIT_CONTRACT_TREE_DEPTH + 1",
		Note:      "the model answers false for a branch shorter than depth where the spec would raise; both make the deposit's block invalid",
	},

	// Misc

	{
		ID: "compute_shuffled_index_modulo", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "bytes_to_uint64(...) % index_count;  (pivot + index_count - index) % index_count", Quantities: []string{qV},
		Status:    CannotFailUnderInvariants,
		Invariant: "assert index < index_count comes first, so index_count >= 1",
	},
	{
		ID: "compute_shuffled_index_flip_sum", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "pivot + index_count", Quantities: []string{qV},
		Status: CannotFailUnderInvariants,
		Threshold: (&SiteThreshold{Symbol: "index_count", Quantity: "index_count, the number of indices shuffled", Of: "pivot + index_count",
			Value: func(_ *spec.Config, x *big.Int) *big.Int {
				if x.Sign() == 0 {
					return new(big.Int)
				}
				return sub(mul(big.NewInt(2), x), one)
			},
			Limit: limit64, Domain: domain64,
		}).assuming("pivot at its largest, index_count - 1").
			at(func(_ *spec.Config, x *big.Int) map[string]*big.Int {
				if x.Sign() == 0 {
					return nil // nothing is shuffled
				}
				return map[string]*big.Int{"pivot": sub(x, one), "index_count": x}
			}).
			reach(registryLimit, "index_count is a number of active validators [indices_in_registry]"),
		Invariant: "index_count is at most VALIDATOR_REGISTRY_LIMIT, far below 2**63 [indices_in_registry]",
	},
	{
		ID: "compute_shuffled_index_flip_difference", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "pivot + index_count - index", Quantities: []string{qV},
		Status:    CannotFail,
		Invariant: "index < index_count (asserted), so pivot + index_count - index > pivot >= 0",
	},
	{
		ID: "compute_shuffled_index_round_byte", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "uint8(current_round)", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: "current_round < SHUFFLE_ROUND_COUNT <= 256 [config_valid]",
	},
	{
		ID: "compute_shuffled_index_position_uint32", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "uint32(position // 256)", Quantities: []string{qV},
		Status: CannotFailUnderInvariants,
		Threshold: (&SiteThreshold{Symbol: "index_count", Quantity: "index_count, the number of indices shuffled", Of: "position // 256",
			Value: func(_ *spec.Config, x *big.Int) *big.Int {
				if x.Sign() == 0 {
					return new(big.Int)
				}
				return quo(sub(x, one), big.NewInt(256))
			},
			Limit:  func(*spec.Config) *big.Int { return two32() },
			Domain: domain64,
		}).assuming("position at its largest, index_count - 1").
			at(func(_ *spec.Config, x *big.Int) map[string]*big.Int {
				if x.Sign() == 0 {
					return nil // nothing is shuffled
				}
				return map[string]*big.Int{"position": sub(x, one)}
			}).
			reach(registryLimit, "index_count is a number of active validators [indices_in_registry]"),
		Invariant: "position < index_count <= VALIDATOR_REGISTRY_LIMIT = 2**40 on both presets, so position // 256 < 2**32: the bound is exactly tight",
		Note:      "the model checks the conversion (an ArithmeticError where the spec's uint32() raises), and spec.Config.Validate requires VALIDATOR_REGISTRY_LIMIT <= 2**40, so no loadable config reaches the bound",
	},
	{
		ID: "compute_shuffled_index_source_read", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "source[(position % 256) // 8]", Quantities: []string{},
		Status:    CannotFail,
		Invariant: "(position % 256) // 8 < 32, the length of a hash",
	},
	{
		ID: "compute_shuffled_index_literal_divisors", Section: "Misc", SpecFunc: "compute_shuffled_index",
		Expr: "position // 256;  (position % 256) // 8;  (byte >> (position % 8)) % 2", Quantities: []string{},
		Status:    CannotFail,
		Invariant: invLiteral,
	},
	{
		ID: "compute_proposer_index_modulo", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "i % total", Quantities: []string{qV},
		Status:    CannotFailUnderInvariants,
		Invariant: "assert len(indices) > 0 comes first, so total >= 1",
	},
	{
		ID: "compute_proposer_index_candidate_read", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "indices[compute_shuffled_index(i % total, total, seed)]", Quantities: []string{qV},
		Status:    CannotFail,
		Invariant: "compute_shuffled_index maps [0, total) onto itself",
	},
	{
		ID: "compute_proposer_index_random_byte", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "hash(seed + uint_to_bytes(uint64(i // 32)))[i % 32]", Quantities: []string{},
		Status:    CannotFail,
		Invariant: "i % 32 < 32, the length of a hash; 32 is a literal divisor",
	},
	{
		ID: "compute_proposer_index_validator_read", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "state.validators[candidate_index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "candidates are active validator indices [indices_in_registry]",
	},
	{
		ID: "compute_proposer_index_balance_product", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "effective_balance * MAX_RANDOM_BYTE", Quantities: []string{qEB},
		Status:    CannotFailUnderInvariants,
		Threshold: times("effective_balance", "the candidate's effective balance, Gwei", "effective_balance * MAX_RANDOM_BYTE", cst(255)).reach(maxEB, whyEB),
		Invariant: "effective balances are at most MAX_EFFECTIVE_BALANCE [effective_balance_cap]",
	},
	{
		ID: "compute_proposer_index_random_product", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "MAX_EFFECTIVE_BALANCE * random_byte", Quantities: []string{qConfig, qRandom},
		Status:    CannotFailUnderInvariants,
		Invariant: "random_byte <= 255, and MAX_EFFECTIVE_BALANCE * 255 < 2**64 on this config",
		Requires:  []Requirement{reqRandomProduct},
	},
	{
		ID: "compute_proposer_index_counter", Section: "Misc", SpecFunc: "compute_proposer_index",
		Expr: "i += 1", Quantities: []string{qEB},
		Status:    CannotFailUnderInvariants,
		Threshold: plus("i", "the iteration counter i", "i + 1", cst(1)),
		Invariant: "each iteration accepts its candidate when random_byte is 0 (probability 1/256 for a hash) whatever its balance, and with probability effective_balance / MAX_EFFECTIVE_BALANCE otherwise: 2**64 - 1 rejections in a row would take more hashes than can be computed",
	},
	{
		ID: "compute_committee_start_end", Section: "Misc", SpecFunc: "compute_committee",
		Expr: "len(indices) * index;  len(indices) * uint64(index + 1)", Quantities: []string{qV},
		Status: CannotFailUnderInvariants,
		Threshold: (&SiteThreshold{Symbol: "V", Quantity: "active validators (len(indices))", Of: "len(indices) * (index + 1)",
			Value: func(cfg *spec.Config, v *big.Int) *big.Int {
				return mul(v, u64(cfg.MaxCommitteesPerSlot), slotsPerEpoch(cfg))
			},
			Limit: limit64, Domain: domain64,
		}).assuming("the last committee of a full epoch: index + 1 = count = MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH").
			at(func(cfg *spec.Config, v *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"V": v, "index": sub(mul(u64(cfg.MaxCommitteesPerSlot), slotsPerEpoch(cfg)), one)}
			}).
			reach(registryLimit, whyV),
		Invariant: "V <= VALIDATOR_REGISTRY_LIMIT and index + 1 <= count <= MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH [indices_in_registry]",
		Note:      "bounds.MaxV caps the committee scan at the same bound",
	},
	{
		ID: "compute_committee_division", Section: "Misc", SpecFunc: "compute_committee",
		Expr: "(...) // count", Quantities: []string{qV},
		Status:    CannotFailUnderInvariants,
		Invariant: "count = committees_per_slot * SLOTS_PER_EPOCH, with committees_per_slot >= 1 (get_committee_count_per_slot's max(1, ...)) and SLOTS_PER_EPOCH >= 1 [config_valid]",
	},
	{
		ID: "compute_committee_member_read", Section: "Misc", SpecFunc: "compute_committee",
		Expr: "indices[compute_shuffled_index(uint64(i), uint64(len(indices)), seed)]", Quantities: []string{qV},
		Status:    CannotFail,
		Invariant: "compute_shuffled_index maps [0, len(indices)) onto itself, and i < end <= len(indices) since index + 1 <= count",
		Note:      "the model's committee accessors read the cached whole-list shuffle (committeeFromShuffling), held equal to this plain version by a property test",
	},
	{
		ID: "compute_epoch_at_slot_division", Section: "Misc", SpecFunc: "compute_epoch_at_slot",
		Expr: "slot // SLOTS_PER_EPOCH", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "compute_start_slot_at_epoch_product", Section: "Misc", SpecFunc: "compute_start_slot_at_epoch",
		Expr: "epoch * SLOTS_PER_EPOCH", Quantities: []string{qEpoch},
		Status: CannotFailUnderInvariants,
		Threshold: times("epoch", "the epoch", "epoch * SLOTS_PER_EPOCH", slotsPerEpoch).
			reach(maxEpoch, "the only caller, get_block_root, passes the previous or current epoch [slot_bound]"),
		Invariant: "epochs passed are at most the current epoch, whose start slot is at most state.slot [slot_bound]; the bound is tight: the threshold is one epoch past the last",
	},
	{
		ID: "compute_activation_exit_epoch_sum", Section: "Misc", SpecFunc: "compute_activation_exit_epoch",
		Expr: "epoch + 1 + MAX_SEED_LOOKAHEAD", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the epoch passed in", "epoch + 1 + MAX_SEED_LOOKAHEAD", func(cfg *spec.Config) *big.Int { return add(one, u64(cfg.MaxSeedLookahead)) }),
		Invariant: "called with the current epoch [slot_bound]",
	},

	// Beacon state accessors

	{
		ID: "get_previous_epoch_decrement", Section: "Beacon state accessors", SpecFunc: "get_previous_epoch",
		Expr: "current_epoch - 1", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: "evaluated only when current_epoch != GENESIS_EPOCH = 0",
	},
	{
		ID: "get_block_root_at_slot_sum", Section: "Beacon state accessors", SpecFunc: "get_block_root_at_slot",
		Expr: "slot + SLOTS_PER_HISTORICAL_ROOT", Quantities: []string{qSlot},
		Status: CanFailAtThreshold,
		Threshold: plus("slot", "the slot asked for", "slot + SLOTS_PER_HISTORICAL_ROOT", func(cfg *spec.Config) *big.Int { return u64(cfg.SlotsPerHistoricalRoot) }).
			reach(maxUint64Minus(1), "the assert's first comparison slot < state.slot <= 2**64 - 1 comes first"),
		Invariant: "",
		Note:      "in the last SLOTS_PER_HISTORICAL_ROOT slots of uint64 time, get_block_root of the previous or current epoch overflows, so an epoch transition there fails as soon as it looks one up (a matching target attestation, a justification). The model computes the sum before the assert's first comparison, which Python's chained comparison evaluates first: for slot >= state.slot it reports an ArithmeticError where the spec fails the assert (both invalid)",
	},
	{
		ID: "get_block_root_at_slot_read", Section: "Beacon state accessors", SpecFunc: "get_block_root_at_slot",
		Expr: "state.block_roots[slot % SLOTS_PER_HISTORICAL_ROOT]", Quantities: []string{qSlot},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "get_block_root_at_slot_modulo", Section: "Beacon state accessors", SpecFunc: "get_block_root_at_slot",
		Expr: "slot % SLOTS_PER_HISTORICAL_ROOT", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_randao_mix_read", Section: "Beacon state accessors", SpecFunc: "get_randao_mix",
		Expr: "state.randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR]", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "get_randao_mix_modulo", Section: "Beacon state accessors", SpecFunc: "get_randao_mix",
		Expr: "epoch % EPOCHS_PER_HISTORICAL_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_validator_churn_limit_division", Section: "Beacon state accessors", SpecFunc: "get_validator_churn_limit",
		Expr: "uint64(len(active_validator_indices)) // CHURN_LIMIT_QUOTIENT", Quantities: []string{qV},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_seed_sum", Section: "Beacon state accessors", SpecFunc: "get_seed",
		Expr: "epoch + EPOCHS_PER_HISTORICAL_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the epoch passed in", "epoch + EPOCHS_PER_HISTORICAL_VECTOR", func(cfg *spec.Config) *big.Int { return u64(cfg.EpochsPerHistoricalVector) }),
		Invariant: "called with the epoch of a committee or of the proposer: the previous or current epoch [slot_bound]",
	},
	{
		ID: "get_seed_difference", Section: "Beacon state accessors", SpecFunc: "get_seed",
		Expr: "epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: "EPOCHS_PER_HISTORICAL_VECTOR > MIN_SEED_LOOKAHEAD + 1 [config_valid] (the spec's \"Avoid underflow\")",
		SpecNote:  "# Avoid underflow",
	},
	{
		ID: "get_committee_count_per_slot_divisions", Section: "Beacon state accessors", SpecFunc: "get_committee_count_per_slot",
		Expr: "uint64(len(...)) // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE", Quantities: []string{qV},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_beacon_committee_index_arithmetic", Section: "Beacon state accessors", SpecFunc: "get_beacon_committee",
		Expr: "(slot % SLOTS_PER_EPOCH) * committees_per_slot + index;  committees_per_slot * SLOTS_PER_EPOCH", Quantities: []string{qV, qConfig},
		Status:    CannotFailUnderInvariants,
		Invariant: "committees_per_slot <= MAX_COMMITTEES_PER_SLOT and index < committees_per_slot (process_attestation asserts it before; pending attestations passed it), so both are below MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH",
		Requires:  []Requirement{reqCommitteeCount},
	},
	{
		ID: "get_beacon_committee_modulo", Section: "Beacon state accessors", SpecFunc: "get_beacon_committee",
		Expr: "slot % SLOTS_PER_EPOCH", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_total_balance_sum", Section: "Beacon state accessors", SpecFunc: "get_total_balance",
		Expr: "sum([state.validators[index].effective_balance for index in indices])", Quantities: []string{qV, qEB},
		Status: CanFailAtThreshold,
		Threshold: perV("sum of effective balances", "indices: all V active validators (get_total_active_balance)", func(cfg *spec.Config, v *big.Int) *big.Int {
			return mul(v, maxEB(cfg))
		}).at(lastAddition(maxEB)),
		SpecNote: "Math safe up to ~10B ETH, afterwhich this overflows uint64.",
		Note:     "exactly: the sum overflows at 2**64 Gwei, 18,446,744,073.709551616 ETH; every caller of get_total_active_balance (justification, rewards, slashings) then fails, so no epoch transition succeeds",
	},
	{
		ID: "get_total_balance_validator_read", Section: "Beacon state accessors", SpecFunc: "get_total_balance",
		Expr: "state.validators[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "indices are active or attesting validator indices [indices_in_registry]",
	},
	{
		ID: "get_attesting_indices_bit_read", Section: "Beacon state accessors", SpecFunc: "get_attesting_indices",
		Expr: "bits[i] for i, index in enumerate(committee)", Quantities: []string{qV, qCommittee},
		Status: CanFailAtThreshold,
		Threshold: (&SiteThreshold{Symbol: "V", Quantity: "active validators", Of: "longest committee",
			Value: func(cfg *spec.Config, v *big.Int) *big.Int {
				r, err := FastAt(cfg, v.Uint64())
				if err != nil {
					return new(big.Int)
				}
				return u64(r.MaxLen)
			},
			Limit:  func(cfg *spec.Config) *big.Int { return u64(cfg.MaxValidatorsPerCommittee + 1) },
			Domain: func(cfg *spec.Config) *big.Int { return u64(MaxV(cfg)) },
			first:  committeeFirst,
		}).assuming("bits is a Bitlist[MAX_VALIDATORS_PER_COMMITTEE]; the threshold is the committee scan's first violating V").
			at(func(cfg *spec.Config, v *big.Int) map[string]*big.Int {
				// The last bit read, for the last member of the longest committee, of a
				// bitlist at its limit.
				r, err := FastAt(cfg, v.Uint64())
				if err != nil || r.MaxLen == 0 {
					return nil
				}
				return map[string]*big.Int{"index": u64(r.MaxLen - 1), "length": u64(cfg.MaxValidatorsPerCommittee)}
			}).
			reach(registryLimit, whyV),
		Note: "the committee-size bound of the Dafny formalisation (see the committee section). Within the transition process_attestation asserts len(aggregation_bits) == len(committee) first, and no Bitlist[MAX_VALIDATORS_PER_COMMITTEE] is that long: from the threshold on, every attestation of a longer committee is rejected, so its members can never be rewarded for attesting; the read itself is out of range wherever get_attesting_indices is given such a committee (the model's BitlistIndexError, and in checked mode its precondition committee_fits_bits)",
	},

	// Beacon state mutators

	{
		ID: "increase_balance_read", Section: "Beacon state mutators", SpecFunc: "increase_balance",
		Expr: "state.balances[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "callers pass validator indices (the rewards loop, a deposit's matching validator, the proposer and whistleblower), and balances has one entry per validator [vector_lengths] [indices_in_registry]",
	},
	{
		ID: "increase_balance_sum", Section: "Beacon state mutators", SpecFunc: "increase_balance",
		Expr: "state.balances[index] += delta", Quantities: []string{qBalance, qDeposits},
		Status: CanFailAtThreshold,
		Threshold: plus("balance", "the balance before the increase, Gwei", "balance + delta", maxEB).
			assuming("delta = MAX_EFFECTIVE_BALANCE, a top-up deposit of 32 ETH").
			at(func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"balance": x, "delta": maxEB(cfg)}
			}).
			reach(domain64, "balances have no cap: deposits top a balance up without limit"),
		Note: "a balance near 2**64 Gwei (18.4 billion ETH) is far beyond the Ether supply, but nothing in the spec bounds it",
	},
	{
		ID: "decrease_balance_read", Section: "Beacon state mutators", SpecFunc: "decrease_balance",
		Expr: "state.balances[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "callers pass validator indices (the rewards loop, a slashed validator, process_slashings' loop) [vector_lengths] [indices_in_registry]",
	},
	{
		ID: "decrease_balance_difference", Section: "Beacon state mutators", SpecFunc: "decrease_balance",
		Expr: "state.balances[index] - delta", Quantities: []string{qBalance},
		Status:    CannotFail,
		Invariant: "evaluated only when delta <= state.balances[index] (the spec's underflow protection)",
	},
	{
		ID: "initiate_validator_exit_read", Section: "Beacon state mutators", SpecFunc: "initiate_validator_exit",
		Expr: "state.validators[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "callers pass an index they have read already (process_voluntary_exit, slash_validator's callers) or the registry loop's [indices_in_registry]",
	},
	{
		ID: "initiate_validator_exit_queue_increment", Section: "Beacon state mutators", SpecFunc: "initiate_validator_exit",
		Expr: "exit_queue_epoch += Epoch(1)", Quantities: []string{qEpoch, qExits},
		Status: CannotFailUnderInvariants,
		Threshold: plus("exit_queue_epoch", "the exit queue epoch", "exit_queue_epoch + 1", cst(1)).
			reach(func(cfg *spec.Config) *big.Int {
				return add(maxEpoch(cfg), one, u64(cfg.MaxSeedLookahead), registryLimit(cfg))
			}, "[slot_bound]: exit epochs start at compute_activation_exit_epoch(current epoch) and each exit raises the queue by at most one"),
		Invariant: "the exit queue epoch is at most the current epoch + 1 + MAX_SEED_LOOKAHEAD plus one per validator [slot_bound]",
	},
	{
		ID: "initiate_validator_exit_withdrawable_sum", Section: "Beacon state mutators", SpecFunc: "initiate_validator_exit",
		Expr: "validator.exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY", Quantities: []string{qEpoch, qExits},
		Status: CannotFailUnderInvariants,
		Threshold: plus("exit_epoch", "the exit epoch", "exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY", func(cfg *spec.Config) *big.Int {
			return u64(cfg.MinValidatorWithdrawabilityDelay)
		}).reach(func(cfg *spec.Config) *big.Int {
			return add(maxEpoch(cfg), big.NewInt(2), u64(cfg.MaxSeedLookahead), registryLimit(cfg))
		}, "[slot_bound]: the exit queue epoch, plus one"),
		Invariant: "as for the exit queue epoch [slot_bound]",
	},
	{
		ID: "slash_validator_validator_read", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "state.validators[slashed_index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "initiate_validator_exit has just read the same index",
	},
	{
		ID: "slash_validator_withdrawable_sum", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "epoch + EPOCHS_PER_SLASHINGS_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the current epoch", "epoch + EPOCHS_PER_SLASHINGS_VECTOR", func(cfg *spec.Config) *big.Int { return u64(cfg.EpochsPerSlashingsVector) }),
		Invariant: "epoch is the current epoch [slot_bound]",
	},
	{
		ID: "slash_validator_slashings_read", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "state.slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR]", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "slash_validator_slashings_modulo", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "epoch % EPOCHS_PER_SLASHINGS_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "slash_validator_slashings_sum", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "state.slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR] += validator.effective_balance", Quantities: []string{qSlashed},
		Status: CannotFailUnderInvariants,
		Threshold: times("slashed", "validators slashed in one epoch", "state.slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR]", maxEB).
			assuming("each at MAX_EFFECTIVE_BALANCE").at(lastAddition(maxEB)).
			reach(maxSlashedPerEpoch, "the entry is reset at the end of the epoch before (process_final_updates), and one epoch's blocks slash at most SLOTS_PER_EPOCH * (MAX_ATTESTER_SLASHINGS * MAX_VALIDATORS_PER_COMMITTEE + MAX_PROPOSER_SLASHINGS) validators [one_block_per_slot]"),
		Invariant: "an entry holds one epoch's slashings, at most SLOTS_PER_EPOCH * (MAX_ATTESTER_SLASHINGS * MAX_VALIDATORS_PER_COMMITTEE + MAX_PROPOSER_SLASHINGS) effective balances [effective_balance_cap] [one_block_per_slot]",
	},
	{
		ID: "slash_validator_penalty_division", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "validator.effective_balance // MIN_SLASHING_PENALTY_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "slash_validator_whistleblower_division", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "validator.effective_balance // WHISTLEBLOWER_REWARD_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "slash_validator_proposer_division", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "whistleblower_reward // PROPOSER_REWARD_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "slash_validator_reward_difference", Section: "Beacon state mutators", SpecFunc: "slash_validator",
		Expr: "whistleblower_reward - proposer_reward", Quantities: []string{qEB},
		Status:    CannotFail,
		Invariant: "proposer_reward = whistleblower_reward // PROPOSER_REWARD_QUOTIENT <= whistleblower_reward",
	},

	// Genesis

	{
		ID: "initialize_genesis_time_sum", Section: "Genesis", SpecFunc: "initialize_beacon_state_from_eth1",
		Expr: "eth1_timestamp + GENESIS_DELAY", Quantities: []string{qTime},
		Status: CanFailAtThreshold,
		Threshold: plus("eth1_timestamp", "the Eth1 block's timestamp, seconds", "eth1_timestamp + GENESIS_DELAY", func(cfg *spec.Config) *big.Int { return u64(cfg.GenesisDelay) }).
			reach(domain64, whyAny),
		Note: "an Eth1 timestamp within GENESIS_DELAY seconds of 2**64 (some 585 billion years away) has no genesis state",
	},
	{
		ID: "initialize_deposit_list_limit", Section: "Genesis", SpecFunc: "initialize_beacon_state_from_eth1",
		Expr: "List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH](*leaves[:index + 1])", Quantities: []string{qDeposits},
		Status: CannotFailUnderInvariants,
		Threshold: length("deposits", "deposits up to the Eth1 block", "len(deposit_data_list)", func(*spec.Config) *big.Int {
			return new(big.Int).Lsh(one, uint(spec.DepositContractTreeDepth))
		}).reach(maxDeposits, "[deposit_contract]: at most 2**32 - 1 deposits"),
		Invariant: "the deposit contract takes at most 2**32 - 1 deposits [deposit_contract]",
		Note:      "the model's merkle.DepositTree refuses the 2**32-th leaf (MAX_DEPOSIT_COUNT = 2**32 - 1, the contract's limit), one earlier than the spec's List limit; no deposit contract can produce it",
	},
	{
		ID: "initialize_balance_read", Section: "Genesis", SpecFunc: "initialize_beacon_state_from_eth1",
		Expr: "state.balances[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "process_deposit appends a balance with every validator [vector_lengths]",
	},
	{
		ID: "initialize_effective_balance_modulo", Section: "Genesis", SpecFunc: "initialize_beacon_state_from_eth1",
		Expr: "balance % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "initialize_effective_balance_difference", Section: "Genesis", SpecFunc: "initialize_beacon_state_from_eth1",
		Expr: "balance - balance % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qBalance},
		Status:    CannotFail,
		Invariant: "balance % EFFECTIVE_BALANCE_INCREMENT <= balance",
	},

	// Beacon chain state transition function

	{
		ID: "verify_block_signature_proposer_read", Section: "Beacon chain state transition function", SpecFunc: "verify_block_signature",
		Expr: "state.validators[signed_block.message.proposer_index]", Quantities: []string{qBlock, qRegistry},
		Status:    RejectsInvalidInput,
		Invariant: "fails when the block names a proposer beyond the registry: the block is invalid (state_transition verifies the signature before process_block_header checks the proposer)",
	},
	{
		ID: "process_slots_next_slot", Section: "Beacon chain state transition function", SpecFunc: "process_slots",
		Expr: "(state.slot + 1) % SLOTS_PER_EPOCH;  state.slot = Slot(state.slot + 1)", Quantities: []string{qSlot},
		Status: CannotFailUnderInvariants,
		Threshold: plus("state.slot", "the state's slot", "state.slot + 1", cst(1)).
			at(func(_ *spec.Config, x *big.Int) map[string]*big.Int { return map[string]*big.Int{"slot": x} }).
			reach(maxUint64Minus(1), "inside the loop state.slot < slot <= 2**64 - 1"),
		Invariant: "inside the loop state.slot < slot <= 2**64 - 1",
	},
	{
		ID: "process_slots_modulo", Section: "Beacon chain state transition function", SpecFunc: "process_slots",
		Expr: "(state.slot + 1) % SLOTS_PER_EPOCH", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_slot_state_roots_write", Section: "Beacon chain state transition function", SpecFunc: "process_slot",
		Expr: "state.state_roots[state.slot % SLOTS_PER_HISTORICAL_ROOT]", Quantities: []string{qSlot},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "process_slot_block_roots_write", Section: "Beacon chain state transition function", SpecFunc: "process_slot",
		Expr: "state.block_roots[state.slot % SLOTS_PER_HISTORICAL_ROOT]", Quantities: []string{qSlot},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "process_slot_modulo", Section: "Beacon chain state transition function", SpecFunc: "process_slot",
		Expr: "state.slot % SLOTS_PER_HISTORICAL_ROOT", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},

	// Epoch processing, helper functions

	{
		ID: "get_unslashed_attesting_indices_read", Section: "Epoch processing, helper functions", SpecFunc: "get_unslashed_attesting_indices",
		Expr: "state.validators[index].slashed", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "indices are committee members [indices_in_registry]",
	},

	// Justification and finalization

	{
		ID: "justification_attesting_balance_times_3", Section: "Justification and finalization", SpecFunc: "process_justification_and_finalization",
		Expr: "get_attesting_balance(state, matching_target_attestations) * 3", Quantities: []string{qV, qTotal},
		Status: CanFailAtThreshold,
		Threshold: perV("attesting_balance * 3", "all V attest to the target", func(cfg *spec.Config, v *big.Int) *big.Int {
			return mul(v, maxEB(cfg), big.NewInt(3))
		}).at(balancesOf("attesting_balance")),
		Note: "evaluated first, so it fails before total_active_balance * 2 whenever more than 2/3 of the balance attests",
	},
	{
		ID: "justification_total_balance_times_2", Section: "Justification and finalization", SpecFunc: "process_justification_and_finalization",
		Expr: "get_total_active_balance(state) * 2", Quantities: []string{qV, qTotal},
		Status: CanFailAtThreshold,
		Threshold: perV("total_active_balance * 2", "whatever attests (with less than 2/3 attesting, the left side fits)", func(cfg *spec.Config, v *big.Int) *big.Int {
			return mul(v, maxEB(cfg), big.NewInt(2))
		}).at(balancesOf("total_balance")),
	},
	{
		ID: "justification_checkpoint_distance", Section: "Justification and finalization", SpecFunc: "process_justification_and_finalization",
		Expr: "old_previous_justified_checkpoint.epoch + 3 (and + 2, and old_current_justified_checkpoint.epoch + 2, + 1)", Quantities: []string{qEpoch},
		Status: CannotFailUnderInvariants,
		Threshold: epochSum("checkpoint_epoch", "a justified checkpoint's epoch", "checkpoint.epoch + 3", cst(3)).
			at(func(_ *spec.Config, x *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"checkpoint_epoch": x, "distance": big.NewInt(3)}
			}),
		Invariant: "justified checkpoints are at most the current epoch [slot_bound]",
	},

	// Rewards and penalties

	{
		ID: "get_base_reward_product", Section: "Rewards and penalties", SpecFunc: "get_base_reward",
		Expr: "effective_balance * BASE_REWARD_FACTOR", Quantities: []string{qEB},
		Status:    CannotFailUnderInvariants,
		Threshold: times("effective_balance", "the validator's effective balance, Gwei", "effective_balance * BASE_REWARD_FACTOR", func(cfg *spec.Config) *big.Int { return u64(cfg.BaseRewardFactor) }).reach(maxEB, whyEB),
		Invariant: "effective balances are at most MAX_EFFECTIVE_BALANCE [effective_balance_cap]",
	},
	{
		ID: "get_base_reward_sqrt_division", Section: "Rewards and penalties", SpecFunc: "get_base_reward",
		Expr: "// integer_squareroot(total_balance)", Quantities: []string{qTotal},
		Status:    CannotFailUnderInvariants,
		Invariant: "get_total_balance returns at least EFFECTIVE_BALANCE_INCREMENT >= 1, whose square root is at least 1",
		SpecNote:  "``EFFECTIVE_BALANCE_INCREMENT`` Gwei minimum to avoid divisions by zero.",
	},
	{
		ID: "get_base_reward_constant_division", Section: "Rewards and penalties", SpecFunc: "get_base_reward",
		Expr: "// BASE_REWARDS_PER_EPOCH", Quantities: []string{},
		Status: CannotFail, Invariant: "BASE_REWARDS_PER_EPOCH = 4 is a constant of the spec",
	},
	{
		ID: "get_base_reward_validator_read", Section: "Rewards and penalties", SpecFunc: "get_base_reward",
		Expr: "state.validators[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "callers pass eligible or attesting validator indices [indices_in_registry]",
	},
	{
		ID: "get_proposer_reward_division", Section: "Rewards and penalties", SpecFunc: "get_proposer_reward",
		Expr: "get_base_reward(state, attesting_index) // PROPOSER_REWARD_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_finality_delay_difference", Section: "Rewards and penalties", SpecFunc: "get_finality_delay",
		Expr: "get_previous_epoch(state) - state.finalized_checkpoint.epoch", Quantities: []string{qEpoch, qDelay},
		Status:    CannotFailUnderInvariants,
		Invariant: "the finalized epoch is at most the previous epoch: finalization takes a justified checkpoint whose epoch + 1, 2 or 3 is the current epoch, and at genesis both are 0",
	},
	{
		ID: "get_eligible_validator_indices_next_epoch", Section: "Rewards and penalties", SpecFunc: "get_eligible_validator_indices",
		Expr: "previous_epoch + 1", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("previous_epoch", "the previous epoch", "previous_epoch + 1", cst(1)),
		Invariant: "the previous epoch is below the largest current epoch [slot_bound]",
	},
	{
		ID: "get_attestation_component_deltas_increment_divisions", Section: "Rewards and penalties", SpecFunc: "get_attestation_component_deltas",
		Expr: "attesting_balance // increment;  total_balance // increment", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor + " (EFFECTIVE_BALANCE_INCREMENT)",
	},
	{
		ID: "get_attestation_component_deltas_numerator", Section: "Rewards and penalties", SpecFunc: "get_attestation_component_deltas",
		Expr: "get_base_reward(state, index) * (attesting_balance // increment)", Quantities: []string{qV, qTotal, qEB},
		Status:    CannotFailUnderInvariants,
		Invariant: "the total balance is at least EFFECTIVE_BALANCE_INCREMENT, so base_reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) [effective_balance_cap], and attesting_balance // increment < 2**64 // increment: the product of the two bounds is below 2**64 on this config (the requirement), whatever the attesting and total balances",
		Requires:  []Requirement{reqComponentNumerator},
		SpecNote:  "# Factored out from balance totals to avoid uint64 overflow",
	},
	{
		ID: "get_attestation_component_deltas_division", Section: "Rewards and penalties", SpecFunc: "get_attestation_component_deltas",
		Expr: "reward_numerator // (total_balance // increment)", Quantities: []string{qTotal},
		Status:    CannotFailUnderInvariants,
		Invariant: "get_total_balance returns at least EFFECTIVE_BALANCE_INCREMENT, so total_balance // increment >= 1",
	},
	{
		ID: "get_attestation_component_deltas_accumulate", Section: "Rewards and penalties", SpecFunc: "get_attestation_component_deltas",
		Expr: "rewards[index] += ...;  penalties[index] += get_base_reward(state, index)", Quantities: []string{qEB},
		Status:    CannotFail,
		Invariant: "each entry of the fresh zero lists receives one addition (eligible indices are distinct)",
	},
	{
		ID: "get_attestation_component_deltas_reads", Section: "Rewards and penalties", SpecFunc: "get_attestation_component_deltas",
		Expr: "rewards[index];  penalties[index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "the lists have len(state.validators) entries and eligible indices are validator indices [indices_in_registry]",
	},
	{
		ID: "get_inclusion_delay_deltas_min", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "min([a for a in matching_source_attestations if index in get_attesting_indices(...)], key=...)", Quantities: []string{qPending},
		Status:    CannotFail,
		Invariant: "index is an attester of one of these attestations, so the list min() reads is never empty (min of an empty list raises)",
		Note:      "declared as the read of the first of the attester's candidates (index 0 of a list of that many): the model counts, per attester, the matching attestations that include it",
	},
	{
		ID: "get_inclusion_delay_deltas_attester_read", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "index in get_attesting_indices(state, a.data, a.aggregation_bits)", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "get_attesting_indices returns members of committees, which hold active validator indices [indices_in_registry]",
		Note:      "not a read of the spec's: the model keeps the attestation min() picks for each attester in a list over the registry, and reports an attester outside it as the read state.validators[index] would fail",
	},
	{
		ID: "get_inclusion_delay_deltas_proposer_read", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "rewards[attestation.proposer_index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "a pending attestation's proposer_index is get_beacon_proposer_index at its inclusion, a validator then, and the registry never shrinks [indices_in_registry]",
	},
	{
		ID: "get_inclusion_delay_deltas_rewards_sum", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "rewards[attestation.proposer_index] += get_proposer_reward(state, index);  rewards[index] += Gwei(max_attester_reward // attestation.inclusion_delay)", Quantities: []string{qV, qTotal},
		Status:    CannotFailUnderInvariants,
		Invariant: "a proposer collects at most the base rewards of the attesters it included, whose effective balances sum to an attesting balance below 2**64 (the source deltas summed it): at most (2**64 - 1) * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)), plus its own base reward [effective_balance_cap]",
		Requires:  []Requirement{reqInclusionRewards},
	},
	{
		ID: "get_inclusion_delay_deltas_difference", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "get_base_reward(state, index) - get_proposer_reward(state, index)", Quantities: []string{qEB},
		Status:    CannotFail,
		Invariant: "get_proposer_reward = get_base_reward // PROPOSER_REWARD_QUOTIENT <= get_base_reward",
	},
	{
		ID: "get_inclusion_delay_deltas_delay_division", Section: "Rewards and penalties", SpecFunc: "get_inclusion_delay_deltas",
		Expr: "max_attester_reward // attestation.inclusion_delay", Quantities: []string{qConfig},
		Status:    CannotFailUnderInvariants,
		Invariant: "process_attestation asserts data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot, so inclusion_delay >= MIN_ATTESTATION_INCLUSION_DELAY >= 1",
		Requires:  []Requirement{reqInclusionDelay},
		Note:      "with MIN_ATTESTATION_INCLUSION_DELAY = 0 an attestation included in its own slot would have inclusion_delay 0 and the next epoch transition would divide by zero; spec.Config.Validate rejects such a config",
	},
	{
		ID: "get_inactivity_penalty_deltas_base_product", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "BASE_REWARDS_PER_EPOCH * base_reward", Quantities: []string{qEB},
		Status:    CannotFailUnderInvariants,
		Invariant: "base_reward <= effective_balance * BASE_REWARD_FACTOR // 4, so the product is at most MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR [effective_balance_cap]",
		Requires:  []Requirement{reqBaseRewardProduct},
	},
	{
		ID: "get_inactivity_penalty_deltas_difference", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "BASE_REWARDS_PER_EPOCH * base_reward - get_proposer_reward(state, index)", Quantities: []string{qEB},
		Status:    CannotFail,
		Invariant: "get_proposer_reward <= base_reward <= 4 * base_reward",
	},
	{
		ID: "get_inactivity_penalty_deltas_leak_product", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "effective_balance * get_finality_delay(state)", Quantities: []string{qEB, qDelay},
		Status: CanFailAtThreshold,
		Threshold: times("finality_delay", "finality delay, epochs (previous epoch - finalized epoch)", "effective_balance * finality_delay", maxEB).
			assuming("an eligible validator at MAX_EFFECTIVE_BALANCE that missed the target in a leak").
			at(func(cfg *spec.Config, x *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"effective_balance": maxEB(cfg), "finality_delay": x}
			}).
			reach(maxEpoch, "[slot_bound]: the finality delay is at most the previous epoch"),
		Note: "the quadratic leak drains a validator that keeps missing the target long before (it is ejected after some thousands of epochs), but one that attests keeps its balance and is caught at its first miss: at that delay, in epochs of 6.4 minutes, about 7,000 years without finality",
	},
	{
		ID: "get_inactivity_penalty_deltas_division", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "// INACTIVITY_PENALTY_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_inactivity_penalty_deltas_sum", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "penalties[index] += Gwei(effective_balance * get_finality_delay(state) // INACTIVITY_PENALTY_QUOTIENT)", Quantities: []string{qEB, qDelay},
		Status:    CannotFailUnderInvariants,
		Invariant: "whenever the product before it fits, the sum is at most MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR + (2**64 - 1) // INACTIVITY_PENALTY_QUOTIENT [effective_balance_cap]",
		Requires:  []Requirement{reqInactivitySum},
	},
	{
		ID: "get_inactivity_penalty_deltas_reads", Section: "Rewards and penalties", SpecFunc: "get_inactivity_penalty_deltas",
		Expr: "penalties[index];  state.validators[index].effective_balance", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "eligible indices are validator indices [indices_in_registry]",
	},
	{
		ID: "get_attestation_deltas_rewards_sum", Section: "Rewards and penalties", SpecFunc: "get_attestation_deltas",
		Expr: "source_rewards[i] + target_rewards[i] + head_rewards[i] + inclusion_delay_rewards[i]", Quantities: []string{qEB, qTotal},
		Status:    CannotFailUnderInvariants,
		Invariant: "three component rewards, each at most its numerator (bounded as in get_attestation_component_deltas_numerator), and an inclusion reward bounded as in get_inclusion_delay_deltas_rewards_sum [effective_balance_cap]",
		Requires:  []Requirement{reqDeltasRewards},
	},
	{
		ID: "get_attestation_deltas_penalties_sum", Section: "Rewards and penalties", SpecFunc: "get_attestation_deltas",
		Expr: "source_penalties[i] + target_penalties[i] + head_penalties[i] + inactivity_penalties[i]", Quantities: []string{qEB, qDelay},
		Status:    CannotFailUnderInvariants,
		Invariant: "three component penalties of at most a base reward each, and an inactivity penalty of at most 4 base rewards + (2**64 - 1) // INACTIVITY_PENALTY_QUOTIENT once its product fits [effective_balance_cap]",
		Requires:  []Requirement{reqDeltasPenalties},
	},
	{
		ID: "get_attestation_deltas_reads", Section: "Rewards and penalties", SpecFunc: "get_attestation_deltas",
		Expr: "source_rewards[i], ... for i in range(len(state.validators))", Quantities: []string{qRegistry},
		Status:    CannotFail,
		Invariant: "every component list has len(state.validators) entries",
	},
	{
		ID: "process_rewards_and_penalties_reads", Section: "Rewards and penalties", SpecFunc: "process_rewards_and_penalties",
		Expr: "rewards[index];  penalties[index] for index in range(len(state.validators))", Quantities: []string{qRegistry},
		Status:    CannotFail,
		Invariant: "the delta lists have len(state.validators) entries",
	},

	// Registry updates

	{
		ID: "process_registry_updates_eligibility_epoch", Section: "Registry updates", SpecFunc: "process_registry_updates",
		Expr: "get_current_epoch(state) + 1", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the current epoch", "current_epoch + 1", cst(1)),
		Invariant: "the current epoch is at most (2**64 - 1) // SLOTS_PER_EPOCH [slot_bound]",
	},
	{
		ID: "process_registry_updates_queue_reads", Section: "Registry updates", SpecFunc: "process_registry_updates",
		Expr: "state.validators[index] for index in activation_queue", Quantities: []string{qRegistry},
		Status:    CannotFail,
		Invariant: "the queue holds indices from enumerate(state.validators)",
	},

	// Slashings

	{
		ID: "process_slashings_sum", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "sum(state.slashings)", Quantities: []string{qSlashed},
		Status: CanFailAtThreshold,
		Threshold: times("slashed", "validators slashed within the last EPOCHS_PER_SLASHINGS_VECTOR epochs", "sum(state.slashings)", maxEB).
			assuming("each at MAX_EFFECTIVE_BALANCE").at(lastAddition(maxEB)).
			reach(maxSlashedInWindow, "one epoch's blocks slash at most SLOTS_PER_EPOCH * (MAX_ATTESTER_SLASHINGS * MAX_VALIDATORS_PER_COMMITTEE + MAX_PROPOSER_SLASHINGS) validators, over EPOCHS_PER_SLASHINGS_VECTOR epochs, and no more than the registry [one_block_per_slot]"),
		Note: "reachable on mainnet, where 8,192 epochs of full blocks can slash over a billion validators; not on minimal (64 epochs, 2,105,344 validators)",
	},
	{
		ID: "process_slashings_multiplier", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "sum(state.slashings) * PROPORTIONAL_SLASHING_MULTIPLIER", Quantities: []string{qSlashed},
		Status: CanFailAtThreshold,
		Threshold: times("slashed", "validators slashed within the last EPOCHS_PER_SLASHINGS_VECTOR epochs", "sum(state.slashings) * PROPORTIONAL_SLASHING_MULTIPLIER", func(cfg *spec.Config) *big.Int {
			return mul(maxEB(cfg), u64(cfg.ProportionalSlashingMultiplier))
		}).assuming("each at MAX_EFFECTIVE_BALANCE").at(balancesOf("sum")).
			reach(maxSlashedInWindow, "as for the sum [one_block_per_slot]"),
		Note: "with PROPORTIONAL_SLASHING_MULTIPLIER = 1 (mainnet) the threshold is the sum's, which fails first",
	},
	{
		ID: "process_slashings_withdrawable_target", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the current epoch", "epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2", func(cfg *spec.Config) *big.Int { return u64(cfg.EpochsPerSlashingsVector / 2) }),
		Invariant: "epoch is the current epoch [slot_bound]",
		Note:      "the spec evaluates it per slashed validator (after `validator.slashed and`); the model once before the loop, which differs only where it cannot overflow",
	},
	{
		ID: "process_slashings_half_vector", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "EPOCHS_PER_SLASHINGS_VECTOR // 2", Quantities: []string{},
		Status:    CannotFail,
		Invariant: invLiteral,
	},
	{
		ID: "process_slashings_increment_division", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "validator.effective_balance // increment", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor + " (EFFECTIVE_BALANCE_INCREMENT)",
	},
	{
		ID: "process_slashings_penalty_numerator", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "validator.effective_balance // increment * adjusted_total_slashing_balance", Quantities: []string{qV, qTotal, qSlashed},
		Status: CanFailAtThreshold,
		Threshold: (&SiteThreshold{Symbol: "V", Quantity: "active validators, each at MAX_EFFECTIVE_BALANCE", Of: "penalty_numerator",
			Value: func(cfg *spec.Config, v *big.Int) *big.Int {
				return mul(quo(maxEB(cfg), u64(uint64(cfg.EffectiveBalanceIncrement))), v, maxEB(cfg))
			},
			Limit: limit64, Domain: domain64,
		}).assuming("a slashed validator at MAX_EFFECTIVE_BALANCE, and adjusted_total_slashing_balance at its cap total_balance (sum(state.slashings) * PROPORTIONAL_SLASHING_MULTIPLIER >= total_balance)").
			at(func(cfg *spec.Config, v *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"effective_balance": maxEB(cfg), "adjusted": mul(v, maxEB(cfg))}
			}).
			reach(func(cfg *spec.Config) *big.Int {
				return minBig(mul(maxSlashedInWindow(cfg), u64(cfg.ProportionalSlashingMultiplier)), registryLimit(cfg))
			}, "the adjusted slashing balance reaches the total only while V <= (validators the window can hold slashed) * PROPORTIONAL_SLASHING_MULTIPLIER [one_block_per_slot]"),
		SpecNote: "# Factored out from penalty numerator to avoid uint64 overflow",
		Note:     "the factoring keeps the numerator to MAX_EFFECTIVE_BALANCE // EFFECTIVE_BALANCE_INCREMENT = 32 times the adjusted balance: it overflows once 32 * total_balance >= 2**64, on mainnet with about 18 million validators and their whole balance slashed; on minimal the slashings window cannot hold that much",
	},
	{
		ID: "process_slashings_penalty_division", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "penalty_numerator // total_balance", Quantities: []string{qTotal},
		Status:    CannotFailUnderInvariants,
		Invariant: "get_total_balance returns at least EFFECTIVE_BALANCE_INCREMENT >= 1",
	},
	{
		ID: "process_slashings_penalty_increment", Section: "Slashings", SpecFunc: "process_slashings",
		Expr: "penalty_numerator // total_balance * increment", Quantities: []string{qEB},
		Status:    CannotFail,
		Invariant: "adjusted_total_slashing_balance <= total_balance, so penalty_numerator // total_balance <= effective_balance // increment, and times increment at most the effective balance",
	},

	// Final updates

	{
		ID: "process_final_updates_next_epoch", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "current_epoch + 1", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Threshold: epochSum("epoch", "the current epoch", "current_epoch + 1", cst(1)),
		Invariant: "the current epoch is at most (2**64 - 1) // SLOTS_PER_EPOCH [slot_bound]",
	},
	{
		ID: "process_final_updates_eth1_period_modulo", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "next_epoch % EPOCHS_PER_ETH1_VOTING_PERIOD", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_final_updates_balance_read", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "state.balances[index] for index, validator in enumerate(state.validators)", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "balances has one entry per validator [vector_lengths]",
	},
	{
		ID: "process_final_updates_hysteresis_division", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "EFFECTIVE_BALANCE_INCREMENT // HYSTERESIS_QUOTIENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_final_updates_hysteresis_thresholds", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "HYSTERESIS_INCREMENT * HYSTERESIS_DOWNWARD_MULTIPLIER;  HYSTERESIS_INCREMENT * HYSTERESIS_UPWARD_MULTIPLIER", Quantities: []string{qConfig},
		Status:    CannotFailUnderInvariants,
		Invariant: "products of config values, below 2**64 on this config",
		Requires:  []Requirement{reqHysteresis},
	},
	{
		ID: "process_final_updates_downward_sum", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "balance + DOWNWARD_THRESHOLD", Quantities: []string{qBalance},
		Status: CanFailAtThreshold,
		Threshold: plus("balance", "a validator's balance, Gwei", "balance + DOWNWARD_THRESHOLD", func(cfg *spec.Config) *big.Int {
			return mul(u64(uint64(cfg.EffectiveBalanceIncrement)/cfg.HysteresisQuotient), u64(cfg.HysteresisDownwardMultiplier))
		}).reach(domain64, "balances have no cap: deposits top a balance up without limit"),
		Note: "a balance that increase_balance let through (below 2**64) but within DOWNWARD_THRESHOLD of it halts every later epoch transition",
	},
	{
		ID: "process_final_updates_upward_sum", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "validator.effective_balance + UPWARD_THRESHOLD", Quantities: []string{qEB},
		Status: CannotFailUnderInvariants,
		Threshold: plus("effective_balance", "a validator's effective balance, Gwei", "effective_balance + UPWARD_THRESHOLD", func(cfg *spec.Config) *big.Int {
			return mul(u64(uint64(cfg.EffectiveBalanceIncrement)/cfg.HysteresisQuotient), u64(cfg.HysteresisUpwardMultiplier))
		}).reach(maxEB, whyEB),
		Invariant: "effective balances are at most MAX_EFFECTIVE_BALANCE [effective_balance_cap]",
	},
	{
		ID: "process_final_updates_effective_balance_modulo", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "balance % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_final_updates_effective_balance_difference", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "balance - balance % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qBalance},
		Status:    CannotFail,
		Invariant: "balance % EFFECTIVE_BALANCE_INCREMENT <= balance",
	},
	{
		ID: "process_final_updates_slashings_write", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "state.slashings[next_epoch % EPOCHS_PER_SLASHINGS_VECTOR]", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "process_final_updates_slashings_modulo", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "next_epoch % EPOCHS_PER_SLASHINGS_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_final_updates_randao_write", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "state.randao_mixes[next_epoch % EPOCHS_PER_HISTORICAL_VECTOR]", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector,
	},
	{
		ID: "process_final_updates_randao_modulo", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "next_epoch % EPOCHS_PER_HISTORICAL_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_final_updates_historical_period", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "next_epoch % (SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH)", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: "SLOTS_PER_EPOCH >= 1 and SLOTS_PER_HISTORICAL_ROOT >= SLOTS_PER_EPOCH, so the quotient is at least 1 [config_valid]",
	},
	{
		ID: "process_final_updates_historical_roots_append", Section: "Final updates", SpecFunc: "process_final_updates",
		Expr: "state.historical_roots.append(hash_tree_root(historical_batch))", Quantities: []string{qEpoch},
		Status: CanFailAtThreshold,
		Threshold: (&SiteThreshold{Symbol: "epoch", Quantity: "the current epoch", Of: "len(state.historical_roots)",
			Value: func(cfg *spec.Config, e *big.Int) *big.Int {
				return quo(add(e, one), u64(cfg.SlotsPerHistoricalRoot/cfg.SlotsPerEpoch))
			},
			Limit:  func(cfg *spec.Config) *big.Int { return add(u64(cfg.HistoricalRootsLimit), one) },
			Domain: domain64,
		}).assuming("the chain started at GENESIS_EPOCH with no historical roots; one root is appended every SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH epochs").
			at(func(cfg *spec.Config, e *big.Int) map[string]*big.Int {
				return map[string]*big.Int{"roots": quo(add(e, one), u64(cfg.SlotsPerHistoricalRoot/cfg.SlotsPerEpoch))}
			}).
			reach(maxEpoch, whyEpoch),
		Note: "HISTORICAL_ROOTS_LIMIT runs out after HISTORICAL_ROOTS_LIMIT * SLOTS_PER_HISTORICAL_ROOT slots: on mainnet 2**37 slots of 12 seconds, about 52,000 years",
	},

	// Block processing

	{
		ID: "process_block_header_proposer_read", Section: "Block header", SpecFunc: "process_block_header",
		Expr: "state.validators[block.proposer_index]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "the header asserted block.proposer_index == get_beacon_proposer_index(state), an active validator [indices_in_registry]",
	},
	{
		ID: "process_randao_proposer_read", Section: "RANDAO", SpecFunc: "process_randao",
		Expr: "state.validators[get_beacon_proposer_index(state)]", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "the proposer is an active validator [indices_in_registry]",
	},
	{
		ID: "process_randao_mix_write", Section: "RANDAO", SpecFunc: "process_randao",
		Expr: "state.randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR]", Quantities: []string{qEpoch},
		Status:    CannotFailUnderInvariants,
		Invariant: invVector + " (get_randao_mix has just read the same entry)",
	},
	{
		ID: "process_randao_modulo", Section: "RANDAO", SpecFunc: "process_randao",
		Expr: "epoch % EPOCHS_PER_HISTORICAL_VECTOR", Quantities: []string{qEpoch},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "process_eth1_data_votes_append", Section: "Eth1 data", SpecFunc: "process_eth1_data",
		Expr: "state.eth1_data_votes.append(body.eth1_data)", Quantities: []string{qVotes, qSlot},
		Status: CannotFailUnderInvariants,
		Threshold: length("votes", "votes in the voting period, after the append", "len(state.eth1_data_votes)", func(cfg *spec.Config) *big.Int {
			return mul(u64(cfg.EpochsPerEth1VotingPeriod), slotsPerEpoch(cfg))
		}).reach(func(cfg *spec.Config) *big.Int {
			return mul(u64(cfg.EpochsPerEth1VotingPeriod), slotsPerEpoch(cfg))
		}, "the votes are reset at the end of every period of EPOCHS_PER_ETH1_VOTING_PERIOD epochs, whose slots hold one block each [one_block_per_slot]"),
		Invariant: "a voting period has EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH slots, at most one block each, and the list is emptied between periods [one_block_per_slot]",
	},
	{
		ID: "process_eth1_data_votes_limit", Section: "Eth1 data", SpecFunc: "process_eth1_data",
		Expr: "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH", Quantities: []string{qConfig},
		Status:    CannotFailUnderInvariants,
		Invariant: "a product of config values (the list's SSZ limit), below 2**64 on this config",
		Requires:  []Requirement{reqEth1Votes},
		Note:      "evaluated once per call, for the append's limit and the majority test; spec.Config.Validate rejects a config whose product (doubled) does not fit a uint64",
	},
	{
		ID: "process_eth1_data_majority", Section: "Eth1 data", SpecFunc: "process_eth1_data",
		Expr: "state.eth1_data_votes.count(body.eth1_data) * 2", Quantities: []string{qVotes},
		Status:    CannotFailUnderInvariants,
		Invariant: "the count is at most the list's limit, EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH, and twice that is below 2**64 on this config",
		Requires:  []Requirement{reqEth1Votes},
	},
	{
		ID: "process_operations_outstanding_deposits", Section: "Operations", SpecFunc: "process_operations",
		Expr: "state.eth1_data.deposit_count - state.eth1_deposit_index", Quantities: []string{qDeposits, qVotes},
		Status:    CannotFailUnderInvariants,
		Invariant: "an honest majority of Eth1 votes never installs a deposit count below the deposits already processed [deposit_contract]",
		Note:      "this rests on the honest-majority assumption of Eth1 voting, not on the state transition: a winning vote with a smaller deposit_count would make every later block fail here",
	},
	{
		ID: "process_proposer_slashing_proposer_read", Section: "Proposer slashings", SpecFunc: "process_proposer_slashing",
		Expr: "state.validators[header_1.proposer_index]", Quantities: []string{qBlock, qRegistry},
		Status:    RejectsInvalidInput,
		Invariant: "fails when the slashing names a proposer beyond the registry: the block is invalid",
	},
	{
		ID: "process_attester_slashing_validator_read", Section: "Attester slashings", SpecFunc: "process_attester_slashing",
		Expr: "state.validators[index] for index in sorted(indices)", Quantities: []string{qRegistry},
		Status:    CannotFailUnderInvariants,
		Invariant: "is_valid_indexed_attestation has read every index of both attestations (an index beyond the registry fails there)",
	},
	{
		ID: "process_attestation_earliest_sum", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "data.slot + MIN_ATTESTATION_INCLUSION_DELAY", Quantities: []string{qSlot, qBlock},
		Status: CanFailAtThreshold,
		Threshold: plus("data.slot", "the attestation's slot", "data.slot + MIN_ATTESTATION_INCLUSION_DELAY", func(cfg *spec.Config) *big.Int {
			return u64(cfg.MinAttestationInclusionDelay)
		}).reach(domain64, "data.slot lies in the previous or current epoch, up to the last slot 2**64 - 1"),
		Note: "an attestation that overflows here is one the inclusion-window assert would reject anyway (its slot is later than state.slot - MIN_ATTESTATION_INCLUSION_DELAY): the block is invalid either way",
	},
	{
		ID: "process_attestation_latest_sum", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "data.slot + SLOTS_PER_EPOCH", Quantities: []string{qSlot},
		Status: CanFailAtThreshold,
		Threshold: plus("data.slot", "the attestation's slot", "data.slot + SLOTS_PER_EPOCH", slotsPerEpoch).
			reach(func(cfg *spec.Config) *big.Int { return sub(maxUint64(), u64(cfg.MinAttestationInclusionDelay)) },
				"evaluated once data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot <= 2**64 - 1"),
		Note: "attestations of the last epoch of uint64 time cannot be included, valid or not. The model computes both sums before the comparisons, where Python's chained comparison evaluates this one only after the first holds (the same transitions are invalid, with a different error)",
	},
	{
		ID: "process_attestation_inclusion_delay", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "state.slot - data.slot", Quantities: []string{qSlot},
		Status:    CannotFail,
		Invariant: "the inclusion-window assert before it requires data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot",
	},
	{
		ID: "process_attestation_list_limit", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "MAX_ATTESTATIONS * SLOTS_PER_EPOCH", Quantities: []string{qConfig},
		Status:    CannotFailUnderInvariants,
		Invariant: "a product of config values (the lists' SSZ limit), below 2**64 on this config",
		Requires:  []Requirement{reqAttestationLimit},
		Note:      "evaluated once per call, for the appends' limit; spec.Config.Validate rejects a config whose product does not fit a uint64",
	},
	{
		ID: "process_attestation_current_append", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "state.current_epoch_attestations.append(pending_attestation)", Quantities: []string{qPending},
		Status: CannotFailUnderInvariants,
		Threshold: length("pending", "pending attestations of the current epoch, after the append", "len(state.current_epoch_attestations)", func(cfg *spec.Config) *big.Int {
			return mul(u64(cfg.MaxAttestations), slotsPerEpoch(cfg))
		}).reach(func(cfg *spec.Config) *big.Int { return mul(u64(cfg.MaxAttestations), slotsPerEpoch(cfg)) },
			"the list starts empty each epoch and only this epoch's SLOTS_PER_EPOCH blocks of MAX_ATTESTATIONS attestations append to it [one_block_per_slot]"),
		Invariant: "only the current epoch's blocks append to it, at most MAX_ATTESTATIONS each [one_block_per_slot]",
	},
	{
		ID: "process_attestation_previous_append", Section: "Attestations", SpecFunc: "process_attestation",
		Expr: "state.previous_epoch_attestations.append(pending_attestation)", Quantities: []string{qPending},
		Status: CanFailAtThreshold,
		Threshold: length("pending", "pending attestations of the previous epoch, after the append", "len(state.previous_epoch_attestations)", func(cfg *spec.Config) *big.Int {
			return mul(u64(cfg.MaxAttestations), slotsPerEpoch(cfg))
		}).assuming("blocks of the previous epoch included attestations of their own epoch, and this epoch's blocks add more for it").
			reach(func(cfg *spec.Config) *big.Int {
				return mul(big.NewInt(2), u64(cfg.MaxAttestations), slotsPerEpoch(cfg))
			},
				"the list is the previous epoch's current list (up to MAX_ATTESTATIONS * SLOTS_PER_EPOCH) and takes that many again from this epoch's blocks [one_block_per_slot]"),
		Note: "a real limit of Phase 0: two epochs of full blocks can hold twice the list's limit of attestations for one target epoch, and the append beyond it makes the block invalid (noted by client teams, e.g. status-im/nimbus-eth2#6508; Altair replaced the lists)",
	},
	{
		ID: "get_validator_from_deposit_modulo", Section: "Deposits", SpecFunc: "get_validator_from_deposit",
		Expr: "amount % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qConfig},
		Status:    CannotFail,
		Invariant: invConfigDivisor,
	},
	{
		ID: "get_validator_from_deposit_difference", Section: "Deposits", SpecFunc: "get_validator_from_deposit",
		Expr: "amount - amount % EFFECTIVE_BALANCE_INCREMENT", Quantities: []string{qDeposits},
		Status:    CannotFail,
		Invariant: "amount % EFFECTIVE_BALANCE_INCREMENT <= amount",
	},
	{
		ID: "process_deposit_index_increment", Section: "Deposits", SpecFunc: "process_deposit",
		Expr: "state.eth1_deposit_index += 1", Quantities: []string{qDeposits},
		Status: CannotFailUnderInvariants,
		Threshold: plus("eth1_deposit_index", "deposits processed so far", "eth1_deposit_index + 1", cst(1)).
			reach(maxDeposits, "[deposit_contract]: at most 2**32 - 1 deposits"),
		Invariant: "eth1_deposit_index <= eth1_data.deposit_count <= 2**32 - 1 [deposit_contract]",
	},
	{
		ID: "process_deposit_validators_append", Section: "Deposits", SpecFunc: "process_deposit",
		Expr: "state.validators.append(get_validator_from_deposit(state, deposit))", Quantities: []string{qRegistry, qDeposits},
		Status: CannotFailUnderInvariants,
		Threshold: length("validators", "validators in the registry, after the append", "len(state.validators)", registryLimit).
			reach(maxDeposits, "every validator comes from a deposit [deposit_contract]"),
		Invariant: "every validator comes from one of at most 2**32 - 1 deposits, below VALIDATOR_REGISTRY_LIMIT [deposit_contract]",
	},
	{
		ID: "process_deposit_balances_append", Section: "Deposits", SpecFunc: "process_deposit",
		Expr: "state.balances.append(amount)", Quantities: []string{qRegistry, qDeposits},
		Status: CannotFailUnderInvariants,
		Threshold: length("validators", "balances in the registry, after the append", "len(state.balances)", registryLimit).
			reach(maxDeposits, "every balance comes from a deposit [deposit_contract]"),
		Invariant: "balances has as many entries as validators, whose append has just passed [vector_lengths] [deposit_contract]",
	},
	{
		ID: "process_voluntary_exit_validator_read", Section: "Voluntary exits", SpecFunc: "process_voluntary_exit",
		Expr: "state.validators[voluntary_exit.validator_index]", Quantities: []string{qBlock, qRegistry},
		Status:    RejectsInvalidInput,
		Invariant: "fails when the exit names a validator beyond the registry: the block is invalid",
	},
	{
		ID: "process_voluntary_exit_shard_period_sum", Section: "Voluntary exits", SpecFunc: "process_voluntary_exit",
		Expr: "validator.activation_epoch + SHARD_COMMITTEE_PERIOD", Quantities: []string{qEpoch},
		Status: CannotFailUnderInvariants,
		Threshold: plus("activation_epoch", "the validator's activation epoch", "activation_epoch + SHARD_COMMITTEE_PERIOD", func(cfg *spec.Config) *big.Int {
			return u64(cfg.ShardCommitteePeriod)
		}).reach(maxEpoch, "the validator was asserted active, so activation_epoch <= current epoch [slot_bound]"),
		Invariant: "the assert is_active_validator before it gives activation_epoch <= current epoch [slot_bound]",
	},
}
