package proofs

// UnreachedSites are the sites the model declares (spec.Site) that no run of the operand
// recording test reaches: the official vectors, generated chains and property chains
// evaluate every other one. Each is listed with the reason no run reaches it; the test fails
// on any other unreached site, and on a site listed here that a run does reach. None is
// left since the tiny properties' chains were recorded: their active validators with an
// effective balance below the maximum (slashed or penalised ones) make
// compute_proposer_index reject candidates, which reaches its loop counter.
var UnreachedSites = map[string]string{}

// UnboundSites are the sites whose model the recording test cannot evaluate on the
// operands it records, with the reason: it checks only that they are reached.
var UnboundSites = map[string]string{
	"get_beacon_committee_index_arithmetic": "it has no fails model of its own: the committee models (beacon_committee_args_fails) speak of it, held to the Go function by the faithfulness tests",
}
