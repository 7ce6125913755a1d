// Package interop makes deterministic beacon chains for tests, benchmarks, property
// generators and chain generation: the interop validator keys, deposits and genesis states
// of the eth2 interop mocked start, large states without key derivation, and valid signed
// blocks built the way the honest validator guide (validator.md) builds them. The same
// inputs always give the same bytes.
//
// Files, in the order a chain is made:
//
//   - keys.go: SecretKey and Pubkey of interop index i, and Keys, a set of them with the
//     way back from a public key to its index.
//   - deposits.go: signed DepositData, DepositLog (the deposit contract: proofs against
//     the root at any deposit count), Deposits for a genesis, BlockDeposits and SetEth1Data
//     for deposits after it.
//   - genesis.go: Genesis and GenesisFrom, through the model's
//     initialize_beacon_state_from_eth1.
//   - large.go: LargeState (millions of validators in seconds, made-up public keys),
//     KeyedState (the same with real keys) and AddPendingAttestations.
//   - block.go, attest.go: BuildBlock and its BlockOptions; chain.go: BuildChain.
//
// A chain of two epochs:
//
//	keys := interop.NewKeys(64)
//	log := interop.NewDepositLog(cfg)
//	log.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, 64))
//	genesis, _ := interop.GenesisFrom(cfg, log)
//	blocks, head, _ := interop.BuildChain(spec.NewModel(cfg), genesis, keys, 16, interop.BlockOptions{Participation: 1})
//
// Imports: spec, spec/bls, merkle and ssz of this module. It is built on the model, so
// nothing in spec (or ssz, merkle) may import it; tests, benchmarks, analysis packages and
// commands may.
package interop
