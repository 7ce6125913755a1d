package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Fork is the only fork this model implements; vectors of other forks are reported as
// ignored, by name, never run.
const Fork = "phase0"

// Options selects what Run executes.
type Options struct {
	// Dir is a vectors directory: the "tests" directory of a consensus-spec-tests release
	// (holding general/, minimal/, mainnet/), or its parent.
	Dir string
	// Presets to run: "minimal", "mainnet"; empty means every preset found. The preset-
	// independent "general" tests (bls, ssz_generic) run whenever their runner is selected.
	Presets []string
	// Runners to run (e.g. "ssz_static"); empty means every runner found.
	Runners []string
	// Config, when set, replaces the per-preset config (for vectors of a custom config).
	// Its Rules are replaced by the run's (Rules, or the release's).
	Config *spec.Config
	// Release, when set, names the release the vectors were made with (spec.ParseRelease);
	// otherwise DetectRelease reads it from the tree.
	Release string
	// Rules, when set, replaces the release's rules (spec.ReleaseRules).
	Rules *spec.Rules
	// Workers is the number of cases run in parallel (default GOMAXPROCS).
	Workers int
	// Progress, when set, is called after each case.
	Progress func(done, total int)
	// Checked runs the state-transition runners in checked mode: every spec function's
	// contract is evaluated on every call, and a breach fails the case.
	Checked bool
	// HashCache gives every pre-state of the state-transition runners a hash cache
	// (spec.BeaconState.EnableHashCache): the roots the transition reads come from the
	// cache; the comparison with the post state is from scratch.
	HashCache bool
}

// Result is the outcome of one suite line: preset/fork/runner/handler.
type Result struct {
	Preset, Fork, Runner, Handler string
	Passed, Failed, Skipped       int
	Failures                      []Failure
}

// Name is the line's label, e.g. "minimal/phase0/ssz_static/BeaconState".
func (r *Result) Name() string {
	return strings.Join([]string{r.Preset, r.Fork, r.Runner, r.Handler}, "/")
}

// Failure is one failed case with its reason.
type Failure struct {
	Case string // path relative to the vectors directory
	Err  error
}

// Report is everything Run found.
type Report struct {
	// Release is the release the vectors were run as, and how it was decided.
	Release *Release
	// Rules are the rules the run used.
	Rules   spec.Rules
	Results []*Result
	// Ignored lists directories that are deliberately not run because they are not Phase 0
	// (other forks), e.g. "mainnet/phase1".
	Ignored []string
	// Checks counts the contract clauses evaluated in checked mode (nil otherwise).
	Checks *spec.Checks

	configs map[string]*spec.Config // by preset
}

// Configs describes the config each preset of the run used, "PRESET: SOURCE", sorted.
func (r *Report) Configs() []string {
	var out []string
	for p, c := range r.configs {
		out = append(out, p+": "+c.Source)
	}
	sort.Strings(out)
	return out
}

// Totals sums the results.
func (r *Report) Totals() (passed, failed, skipped int) {
	for _, res := range r.Results {
		passed += res.Passed
		failed += res.Failed
		skipped += res.Skipped
	}
	return
}

// Case is one test case directory.
type Case struct {
	Preset, Runner, Handler, Suite, Name string
	Dir                                  string // absolute path
	Rel                                  string // path relative to the vectors directory
	Config                               *spec.Config
	Rules                                spec.Rules // the run's rules (for the general runners too)

	run       handlerFunc
	checks    *spec.Checks // non-nil in checked mode
	hashCache bool         // pre-states get a hash cache
}

// handlerFunc runs one case; nil means passed.
type handlerFunc func(c *Case) error

// runnerDef is a runner of the official format: which handlers it knows, and how it runs
// their cases.
type runnerDef struct {
	// handlers maps each known handler to its function; a nil map means any handler name
	// is passed to anyHandler (ssz_static's handlers are type names).
	handlers   map[string]handlerFunc
	anyHandler func(handler string) (handlerFunc, error)
	general    bool // lives under general/ rather than a preset
}

var runners = map[string]*runnerDef{}

func registerRunner(name string, r *runnerDef) { runners[name] = r }

// RunnerNames lists the runners this package implements, sorted.
func RunnerNames() []string {
	var out []string
	for n := range runners {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ErrNoVectors is returned when the directory holds no vectors at all.
var ErrNoVectors = errors.New("no test vectors found")

// Run discovers and runs the cases under opts.Dir. Every case directory of a Phase 0 runner
// is either run or reported failed: unknown runners, handlers, layouts and files fail
// loudly, never skip.
func Run(opts Options) (*Report, error) {
	root, err := findTestsRoot(opts.Dir)
	if err != nil {
		return nil, err
	}
	presets, err := presetDirs(root, opts.Presets)
	if err != nil {
		return nil, err
	}
	release, err := DetectRelease(opts.Dir, opts.Release)
	if err != nil {
		return nil, err
	}
	rules := release.Rules
	if opts.Rules != nil {
		rules = *opts.Rules
	}
	for _, r := range opts.Runners {
		if _, ok := runners[r]; !ok {
			return nil, fmt.Errorf("unknown runner %q (known: %s)", r, strings.Join(RunnerNames(), ", "))
		}
	}
	want := func(r string) bool {
		if len(opts.Runners) == 0 {
			return true
		}
		for _, x := range opts.Runners {
			if x == r {
				return true
			}
		}
		return false
	}

	rep := &Report{Release: release, Rules: rules, configs: map[string]*spec.Config{}}
	if opts.Checked {
		rep.Checks = &spec.Checks{}
	}
	results := map[string]*Result{}
	var cases []*Case
	var caseResult []*Result
	for _, preset := range presets {
		var cfg *spec.Config
		switch {
		case opts.Config != nil:
			c := *opts.Config
			cfg = &c
		case preset != "general":
			if cfg, err = release.Config(preset); err != nil {
				return nil, err
			}
			c := *cfg
			cfg = &c
		}
		if cfg != nil {
			cfg.Rules = rules
			rep.configs[preset] = cfg
		}
		forks, err := subdirs(filepath.Join(root, preset))
		if err != nil {
			return nil, err
		}
		for _, fork := range forks {
			if fork == "config" && preset != "general" {
				continue
			}
			if fork != Fork {
				rep.Ignored = append(rep.Ignored, preset+"/"+fork)
				continue
			}
			runnerNames, err := subdirs(filepath.Join(root, preset, fork))
			if err != nil {
				return nil, err
			}
			for _, rn := range runnerNames {
				if !want(rn) {
					continue
				}
				def, known := runners[rn]
				handlers, err := subdirs(filepath.Join(root, preset, fork, rn))
				if err != nil {
					return nil, err
				}
				for _, hn := range handlers {
					res := &Result{Preset: preset, Fork: fork, Runner: rn, Handler: hn}
					results[res.Name()] = res
					var fn handlerFunc
					var herr error
					switch {
					case !known:
						herr = fmt.Errorf("runner %q is not implemented by beaconcheck", rn)
					case def.general != (preset == "general"):
						herr = fmt.Errorf("runner %q found under %q, where the official layout never puts it", rn, preset)
					case def.handlers != nil:
						if fn = def.handlers[hn]; fn == nil {
							herr = fmt.Errorf("runner %q has no handler %q", rn, hn)
						}
					default:
						fn, herr = def.anyHandler(hn)
					}
					suites, err := subdirs(filepath.Join(root, preset, fork, rn, hn))
					if err != nil {
						return nil, err
					}
					for _, sn := range suites {
						names, err := subdirs(filepath.Join(root, preset, fork, rn, hn, sn))
						if err != nil {
							return nil, err
						}
						for _, cn := range names {
							rel := filepath.Join(preset, fork, rn, hn, sn, cn)
							c := &Case{Preset: preset, Runner: rn, Handler: hn, Suite: sn, Name: cn,
								Dir: filepath.Join(root, rel), Rel: rel, Config: cfg, Rules: rules, checks: rep.Checks, hashCache: opts.HashCache}
							if herr != nil {
								res.Failed++
								res.Failures = append(res.Failures, Failure{Case: rel, Err: herr})
								continue
							}
							c.run = fn
							cases = append(cases, c)
							caseResult = append(caseResult, res)
						}
					}
					if len(suites) == 0 {
						res.Failed++
						res.Failures = append(res.Failures, Failure{Case: filepath.Join(preset, fork, rn, hn), Err: errors.New("handler directory holds no suites")})
					}
				}
			}
		}
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("%w under %s for the selected presets and runners", ErrNoVectors, root)
	}

	errs := runCases(cases, opts.Workers, opts.Progress)
	for i, c := range cases {
		res := caseResult[i]
		if errs[i] != nil {
			res.Failed++
			res.Failures = append(res.Failures, Failure{Case: c.Rel, Err: errs[i]})
		} else {
			res.Passed++
		}
	}
	for _, res := range results {
		sort.Slice(res.Failures, func(i, j int) bool { return res.Failures[i].Case < res.Failures[j].Case })
		rep.Results = append(rep.Results, res)
	}
	sort.Slice(rep.Results, func(i, j int) bool { return rep.Results[i].Name() < rep.Results[j].Name() })
	sort.Strings(rep.Ignored)
	return rep, nil
}

// runCases runs cases on a worker pool; errs[i] is case i's outcome. A panic in a case is
// caught and reported as that case's failure, so one bad case cannot hide the others.
func runCases(cases []*Case, workers int, progress func(done, total int)) []error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, len(cases))
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = runOne(cases[i])
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(cases))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

func runOne(c *Case) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.run(c)
}

// findTestsRoot accepts a release's tests directory or its parent.
func findTestsRoot(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no vectors directory given")
	}
	st, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	if st, err := os.Stat(filepath.Join(dir, "tests")); err == nil && st.IsDir() {
		return filepath.Join(dir, "tests"), nil
	}
	return dir, nil
}

// presetDirs lists the preset directories to run ("general" included when present).
func presetDirs(root string, want []string) ([]string, error) {
	all, err := subdirs(root)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoVectors, root)
	}
	if len(want) == 0 {
		return all, nil
	}
	have := map[string]bool{}
	for _, p := range all {
		have[p] = true
	}
	var out []string
	if have["general"] {
		out = append(out, "general")
	}
	for _, p := range want {
		if !have[p] {
			return nil, fmt.Errorf("preset %q not found in %s (found: %s)", p, root, strings.Join(all, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

func subdirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// files lists a case's files and checks each is one the handler knows: allowed maps a file
// name (or a pattern with one '*' for a number, like "blocks_*.ssz") to whether it is
// required. Unknown files fail the case; so do missing required ones.
func (c *Case) files(allowed map[string]bool) (map[string]bool, error) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			return nil, fmt.Errorf("unexpected directory %q in case", name)
		}
		if !matchAllowed(name, allowed) {
			return nil, fmt.Errorf("unknown file %q in case", name)
		}
		present[name] = true
	}
	for name, required := range allowed {
		if required && !strings.Contains(name, "*") && !present[name] {
			return nil, fmt.Errorf("missing file %q", name)
		}
	}
	return present, nil
}

func matchAllowed(name string, allowed map[string]bool) bool {
	if _, ok := allowed[name]; ok {
		return true
	}
	for pat := range allowed {
		if i := strings.IndexByte(pat, '*'); i >= 0 {
			pre, suf := pat[:i], pat[i+1:]
			if strings.HasPrefix(name, pre) && strings.HasSuffix(name, suf) && len(name) > len(pre)+len(suf) {
				mid := name[len(pre) : len(name)-len(suf)]
				if strings.Trim(mid, "0123456789") == "" {
					return true
				}
			}
		}
	}
	return false
}

// sszFile returns the names a serialized object may have in a case: "X.ssz" in v0.12.x
// releases, "X.ssz_snappy" in v1.x. Both are allowed (not required) by the helpers below.
func sszNames(base string) []string { return []string{base + ".ssz", base + ".ssz_snappy"} }

// readSSZ reads a serialized object in either format, inflating snappy.
func (c *Case) readSSZ(base string) ([]byte, error) {
	if b, err := os.ReadFile(filepath.Join(c.Dir, base+".ssz_snappy")); err == nil {
		data, err := ssz.DecodeSnappy(b, 0)
		if err != nil {
			return nil, fmt.Errorf("%s.ssz_snappy: %w", base, err)
		}
		return data, nil
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, base+".ssz"))
	if err != nil {
		return nil, fmt.Errorf("missing %s.ssz or %s.ssz_snappy", base, base)
	}
	return b, nil
}

// allowSSZ adds both serialized names of base to allowed (with their YAML rendering, which
// v0.12.x releases ship beside the .ssz and which the runners do not read).
func allowSSZ(allowed map[string]bool, bases ...string) map[string]bool {
	for _, b := range bases {
		for _, n := range sszNames(b) {
			allowed[n] = false
		}
		allowed[b+".yaml"] = false
	}
	return allowed
}
