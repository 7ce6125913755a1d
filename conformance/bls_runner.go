package conformance

// The bls runner of the general tests: each handler's cases are run by RunBLSCase.
func init() {
	handlers := map[string]handlerFunc{}
	for _, h := range []string{"sign", "verify", "aggregate", "aggregate_verify", "fast_aggregate_verify"} {
		h := h
		handlers[h] = func(c *Case) error { return RunBLSCase(c.Rules.BLS(), h, c.Dir) }
	}
	registerRunner("bls", &runnerDef{handlers: handlers, general: true})
}
