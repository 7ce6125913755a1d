package bounds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/beaconcheck/beaconcheck/internal/sitelocs"
	"github.com/beaconcheck/beaconcheck/spec"
)

// specFunc is one function of the model as parsed from spec/*.go.
type specFunc struct {
	file string // "spec/xxx.go"
	body string // the source text of its body
	decl *ast.FuncDecl
}

// parseSpec parses the non-test files of spec/ and returns their functions by the name the
// catalogue uses: "Model.ProcessSlashings" for a method, "IntegerSquareroot" for a function.
func parseSpec(t *testing.T) (map[string]specFunc, *token.FileSet) {
	t.Helper()
	files, err := filepath.Glob("../spec/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no spec sources: %v", err)
	}
	fset := token.NewFileSet()
	funcs := map[string]specFunc{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := sitelocs.FuncName(fd)
			start := fset.Position(fd.Body.Pos()).Offset
			body := []byte(string(src[start:fset.Position(fd.Body.End()).Offset]))
			// Checked mode's contract code is not the spec's: blank it out.
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if ifs, ok := n.(*ast.IfStmt); ok && isCheckedMode(ifs) {
					for i := fset.Position(ifs.Pos()).Offset - start; i < fset.Position(ifs.End()).Offset-start; i++ {
						if body[i] != '\n' {
							body[i] = ' '
						}
					}
					return false
				}
				return true
			})
			if _, dup := funcs[name]; dup {
				t.Fatalf("two functions named %s in spec/", name)
			}
			funcs[name] = specFunc{file: "spec/" + filepath.Base(path), body: string(body), decl: fd}
		}
	}
	return funcs, fset
}

// isCheckedMode recognises `if m.Checked != nil { ... }`, the model's checked-mode block.
func isCheckedMode(ifs *ast.IfStmt) bool {
	b, ok := ifs.Cond.(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	sel, ok := b.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Checked"
}

// inspectSpec walks a function body as ast.Inspect does, skipping checked-mode blocks.
func inspectSpec(fd *ast.FuncDecl, f func(ast.Node) bool) {
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ifs, ok := n.(*ast.IfStmt); ok && isCheckedMode(ifs) {
			return false
		}
		return f(n)
	})
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// calcSites returns, for each spec.Calc operation in a function body (a call of Add, Sub,
// Mul, Div or Mod on a Calc), the name of the Site variable it passes ("nil" for none).
func calcSites(fd *ast.FuncDecl) []string {
	var out []string
	inspectSpec(fd, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 3 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch sel.Sel.Name {
		case "Add", "Sub", "Mul", "Div", "Mod":
		default:
			return true
		}
		if id, ok := call.Args[0].(*ast.Ident); ok {
			out = append(out, id.Name)
		} else {
			out = append(out, "?")
		}
		return true
	})
	return out
}

// TestCatalogueSitesInCode: every entry is declared by the model (spec.Site values with
// its ID), used in the one function and file the entry gives (read off the declaration),
// with the kind its operations have.
func TestCatalogueSitesInCode(t *testing.T) {
	funcs, _ := parseSpec(t)
	for _, s := range Catalogue() {
		f, ok := funcs[s.GoFunc]
		if !ok {
			t.Errorf("%s: no function %s in spec/", s.ID, s.GoFunc)
			continue
		}
		if f.file != s.File {
			t.Errorf("%s: %s is in %s, not %s", s.ID, s.GoFunc, f.file, s.File)
		}
		uses := SiteUses(s.ID)
		if len(uses) == 0 {
			t.Errorf("%s: the model declares no spec.Site with this ID", s.ID)
		}
		for _, u := range uses {
			if u.File != s.File || u.Func != s.GoFunc || len(u.Lines) == 0 {
				t.Errorf("%s: operation %v is used in %s of %s (lines %v), not in %s", s.ID, u.Site.Operands, u.Func, u.File, u.Lines, s.GoFunc)
			}
			if kindOf(u.Site.Op) != s.Kind {
				t.Errorf("%s: operation %s is a %s, the site a %s", s.ID, u.Site.Op, kindOf(u.Site.Op), s.Kind)
			}
		}
	}
}

// notSpecSites are functions of spec/ whose checked arithmetic is not a spec expression, so
// the catalogue of the spec's sites leaves them out: each with the reason.
var notSpecSites = map[string]string{
	// The upper-bound fix (Model.CapActiveValidators) is not Phase 0: its cap is a product
	// of config values that saturates at 2**64 - 1 instead of failing, and Err() only tests
	// for the overflow.
	"Config.ActiveValidatorCap": "the upper-bound fix's cap, not a spec expression",
	"productFits":               "spec.Config.Validate's test that a product of config values fits, not a spec expression",
}

// TestCatalogueCoversCode: every checked site of the model is declared and has an entry. A
// spec.Calc operation without a declared Site, a read through validatorAt whose site no
// entry of its function names, or an IndexError, BitlistIndexError or ArithmeticError built
// with a list or function name in place of a declared site's error, fails here: adding an
// arithmetic or index site without declaring and cataloguing it is caught.
func TestCatalogueCoversCode(t *testing.T) {
	funcs, fset := parseSpec(t)
	byFunc := map[string][]Site{}
	for _, s := range Catalogue() {
		byFunc[s.GoFunc] = append(byFunc[s.GoFunc], s)
	}
	covered := func(fn string, match func(Site) bool) bool {
		for _, s := range byFunc[fn] {
			if match(s) {
				return true
			}
		}
		return false
	}
	checked := 0
	for name, f := range funcs {
		if _, skip := notSpecSites[name]; skip {
			continue
		}
		where := func(n ast.Node) string { return fset.Position(n.Pos()).String() }
		for _, v := range calcSites(f.decl) {
			checked++
			if v == "nil" || v == "?" {
				t.Errorf("%s: a spec.Calc operation in %s passes no declared Site (%s)", f.file, name, v)
			}
		}
		if name == "validatorAt" {
			continue // a helper: its reads are catalogued where it is called
		}
		inspectSpec(f.decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				id, ok := n.Type.(*ast.Ident)
				if !ok || (id.Name != "IndexError" && id.Name != "BitlistIndexError" && id.Name != "ArithmeticError") {
					return true
				}
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					lit, ok := kv.Value.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					str, _ := strconv.Unquote(lit.Value)
					checked++
					t.Errorf("%s: %s{%s: %q} of %s names no declared site: declare one (spec.Site) and return its error", where(n), id.Name, kv.Key, str, name)
				}
			case *ast.CallExpr:
				id, ok := n.Fun.(*ast.Ident)
				if !ok {
					return true
				}
				switch id.Name {
				case "validatorAt":
					// The read names its declared site: an entry of this function has its ID.
					call := noSpace(f.bodyOf(fset, n))
					checked++
					id := declaredID(n.Args[0])
					if id == "" || !covered(name, func(s Site) bool { return s.ID == id }) {
						t.Errorf("%s: the read %s in %s is not in the catalogue (its first argument must be a declared spec.Site of this function's entries)", where(n), call, name)
					}
				}
			}
			return true
		})
	}
	if checked < 60 {
		t.Errorf("only %d checked sites found in spec/: is the parser looking at the right files?", checked)
	}
}

// declaredID is the ID of the declared spec.Site the expression names (a package-level
// site variable of spec), or "".
func declaredID(x ast.Expr) string {
	id, ok := x.(*ast.Ident)
	if !ok {
		return ""
	}
	locs, err := siteLocations()
	if err != nil {
		return ""
	}
	for _, l := range locs {
		if l.Var == id.Name {
			return l.ID
		}
	}
	return ""
}

// bodyOf is the source text of a node within the function's body.
func (f specFunc) bodyOf(fset *token.FileSet, n ast.Node) string {
	start := fset.Position(f.decl.Body.Pos()).Offset
	return f.body[fset.Position(n.Pos()).Offset-start : fset.Position(n.End()).Offset-start]
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestCatalogueWellFormed checks the entries themselves: stable unique IDs, known kinds and
// statuses, a threshold or an invariant as the status requires, named invariants that
// exist, and requirements that hold on the presets.
func TestCatalogueWellFormed(t *testing.T) {
	kinds := map[Kind]bool{}
	for _, k := range Kinds() {
		kinds[k] = true
	}
	statuses := map[SiteStatus]bool{}
	for _, st := range Statuses() {
		statuses[st] = true
	}
	named := map[string]bool{}
	for _, inv := range Invariants() {
		named[inv.Name] = true
	}
	ref := regexp.MustCompile(`\[([a-z]+_[a-z_]+)\]`)
	seen := map[string]bool{}
	for _, s := range Catalogue() {
		if !snakeCase.MatchString(s.ID) || seen[s.ID] {
			t.Errorf("%q: IDs are unique snake_case", s.ID)
		}
		seen[s.ID] = true
		if !strings.HasPrefix(s.ID, strings.TrimPrefix(s.SpecFunc, "process_justification_and_finalization")) &&
			!strings.HasPrefix(s.ID, "justification_") && !strings.HasPrefix(s.ID, "initialize_") {
			t.Errorf("%s: the ID should start with its spec function %s", s.ID, s.SpecFunc)
		}
		if !kinds[s.Kind] || !statuses[s.Status] || s.Section == "" || s.SpecFunc == "" || s.Expr == "" {
			t.Errorf("%s: incomplete entry %+v", s.ID, s)
		}
		switch s.Status {
		case CanFailAtThreshold:
			if s.Threshold == nil {
				t.Errorf("%s: can_fail_at_threshold without a threshold", s.ID)
			}
		case CannotFail, CannotFailUnderInvariants, RejectsInvalidInput:
			if s.Invariant == "" {
				t.Errorf("%s: %s without an invariant (or, for rejects_invalid_input, the failing input)", s.ID, s.Status)
			}
			if s.Threshold != nil && s.Status != CannotFailUnderInvariants {
				t.Errorf("%s: a threshold on a %s site", s.ID, s.Status)
			}
		}
		for _, text := range []string{s.Invariant, s.Note} {
			for _, m := range ref.FindAllStringSubmatch(text, -1) {
				if !named[m[1]] {
					t.Errorf("%s: refers to an unknown invariant [%s]", s.ID, m[1])
				}
			}
		}
		if th := s.Threshold; th != nil && th.Reach != nil {
			for _, m := range ref.FindAllStringSubmatch(th.Reach.Why, -1) {
				if !named[m[1]] {
					t.Errorf("%s: reach refers to an unknown invariant [%s]", s.ID, m[1])
				}
			}
		}
		for _, preset := range []string{"mainnet", "minimal"} {
			for _, r := range s.Requires {
				if ok, got := r.Holds(spec.MustPreset(preset)); !ok {
					t.Errorf("%s: requirement %s fails on %s (%s)", s.ID, r.Doc, preset, got)
				}
			}
		}
	}
}

// TestCatalogueStatusPerPreset: the stated status is the mainnet verdict, and on minimal it
// differs only where the slashings window (64 epochs) cannot hold enough slashed validators:
// 64 * 8 * (2 * 2048 + 16) = 2,105,344 slashed, below the 576,460,753 the sum needs and,
// with PROPORTIONAL_SLASHING_MULTIPLIER 2, below the 18,014,399 validators' whole balance
// the penalty numerator needs (4,210,688).
func TestCatalogueStatusPerPreset(t *testing.T) {
	minimalDiffers := map[string]SiteStatus{
		"process_slashings_sum":               CannotFailUnderInvariants,
		"process_slashings_multiplier":        CannotFailUnderInvariants,
		"process_slashings_penalty_numerator": CannotFailUnderInvariants,
	}
	for _, s := range Catalogue() {
		ev, err := s.Evaluate(spec.MustPreset("mainnet"))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Status != s.Status {
			t.Errorf("%s: evaluates to %s on mainnet, stated %s", s.ID, ev.Status, s.Status)
		}
		ev, err = s.Evaluate(spec.MustPreset("minimal"))
		if err != nil {
			t.Fatal(err)
		}
		want := s.Status
		if st, ok := minimalDiffers[s.ID]; ok {
			want = st
		}
		if ev.Status != want {
			t.Errorf("%s: evaluates to %s on minimal, want %s", s.ID, ev.Status, want)
		}
	}
}

// TestThresholdsExact: every threshold found is exact. A declared site's operations
// (spec.Site.Eval) fail at the threshold and not one step before; and the quantity the
// figure draws is below its limit one step before and at or above it at the threshold, in
// integer arithmetic.
func TestThresholdsExact(t *testing.T) {
	for _, preset := range []string{"mainnet", "minimal"} {
		cfg := spec.MustPreset(preset)
		for _, s := range Catalogue() {
			th := s.Threshold
			if th == nil {
				continue
			}
			first, ok, err := th.First(cfg)
			if err != nil {
				t.Fatalf("%s on %s: %v", s.ID, preset, err)
			}
			if !ok {
				t.Errorf("%s on %s: no threshold found", s.ID, preset)
				continue
			}
			// Decided by the declared operations (spec.Site.Eval), which must fail at the
			// threshold and not below it; Value, which draws the figure, must agree.
			if th.site != s.ID {
				t.Errorf("%s: its threshold is not decided by its declaration", s.ID)
			}
			if f, err := th.FailsAt(cfg, first); err != nil || !f {
				t.Errorf("%s on %s: the declared operations do not fail at the threshold %s (%v)", s.ID, preset, first, err)
			}
			if first.Sign() > 0 {
				if f, err := th.FailsAt(cfg, sub(first, one)); err != nil || f {
					t.Errorf("%s on %s: the declared operations fail before the threshold %s (%v)", s.ID, preset, first, err)
				}
			}
			limit := th.Limit(cfg)
			if th.Value(cfg, first).Cmp(limit) < 0 {
				t.Errorf("%s on %s: %s(%s) = %s is below the limit %s", s.ID, preset, th.Of, first, th.Value(cfg, first), limit)
			}
			if first.Sign() > 0 {
				before := sub(first, one)
				if th.Value(cfg, before).Cmp(limit) >= 0 {
					t.Errorf("%s on %s: %s already fails at %s, before the threshold %s", s.ID, preset, th.Of, before, first)
				}
			}
		}
	}
}

// TestThresholdsHandChecked holds thresholds to values worked out by hand (2**64 =
// 18,446,744,073,709,551,616; MAX_EFFECTIVE_BALANCE = 32 * 10**9 Gwei on both presets).
func TestThresholdsHandChecked(t *testing.T) {
	tests := []struct {
		site             string
		mainnet, minimal string
	}{
		// V * 32e9 >= 2**64: 2**64 / 32e9 = 576,460,752.30..., so 576,460,753
		// (576,460,753 * 32e9 = 18,446,744,096 * 10**9 >= 2**64 > 18,446,744,064 * 10**9).
		{"get_total_balance_sum", "576460753", "576460753"},
		// 32 * V * 32e9 = V * 1.024e12 >= 2**64: 18,014,398.509..., so 18,014,399
		// (18,014,398 * 1.024e12 = 18,446,743,552 * 10**9 < 2**64).
		{"process_slashings_penalty_numerator", "18014399", "18014399"},
		// V * 32e9 * 3 = V * 96e9 >= 2**64: 192,153,584.10..., so 192,153,585.
		{"justification_attesting_balance_times_3", "192153585", "192153585"},
		// V * 64e9 >= 2**64: 288,230,376.15..., so 288,230,377.
		{"justification_total_balance_times_2", "288230377", "288230377"},
		// 32e9 * delay >= 2**64: as the total balance, 576,460,753 epochs.
		{"get_inactivity_penalty_deltas_leak_product", "576460753", "576460753"},
		// epoch * SLOTS_PER_EPOCH >= 2**64: 2**64 / 32 = 2**59; minimal 2**64 / 8 = 2**61.
		{"compute_start_slot_at_epoch_product", "576460752303423488", "2305843009213693952"},
		// The committee scan: 2**22 + 1 (64 * 32 * 2048 = 2**22 validators fill every
		// committee exactly); minimal 4 * 8 * 2048 = 2**16, so 2**16 + 1.
		{"get_attesting_indices_bit_read", "4194305", "65537"},
		// (epoch + 1) // (SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH) >= 2**24 + 1:
		// mainnet (2**24 + 1) * 256 - 1 = 4,294,967,551; minimal (2**24 + 1) * 8 - 1 = 134,217,735.
		{"process_final_updates_historical_roots_append", "4294967551", "134217735"},
		// MAX_ATTESTATIONS * SLOTS_PER_EPOCH + 1: 128 * 32 + 1 = 4,097; 128 * 8 + 1 = 1,025.
		{"process_attestation_previous_append", "4097", "1025"},
		// slot + SLOTS_PER_HISTORICAL_ROOT >= 2**64: 2**64 - 8,192; minimal 2**64 - 64.
		{"get_block_root_at_slot_sum", "18446744073709543424", "18446744073709551552"},
		// data.slot + SLOTS_PER_EPOCH >= 2**64: 2**64 - 32; minimal 2**64 - 8.
		{"process_attestation_latest_sum", "18446744073709551584", "18446744073709551608"},
		// balance + 10**9 // 4 * 1 >= 2**64: 2**64 - 250,000,000 on both.
		{"process_final_updates_downward_sum", "18446744073459551616", "18446744073459551616"},
		// eth1_timestamp + GENESIS_DELAY >= 2**64: 2**64 - 604,800; minimal 2**64 - 300.
		{"initialize_genesis_time_sum", "18446744073708946816", "18446744073709551316"},
		// x + 1 at x = n = 2**64 - 1.
		{"integer_squareroot_first_step", "18446744073709551615", "18446744073709551615"},
		// (index_count - 1) // 256 >= 2**32: index_count = 2**40 + 1, one above the registry limit.
		{"compute_shuffled_index_position_uint32", "1099511627777", "1099511627777"},
		// sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER: mainnet (multiplier 1) as the sum;
		// minimal (2): V * 64e9 >= 2**64, 288,230,377.
		{"process_slashings_multiplier", "576460753", "288230377"},
	}
	for _, tc := range tests {
		s, ok := SiteByID(tc.site)
		if !ok {
			t.Errorf("no site %s", tc.site)
			continue
		}
		for preset, want := range map[string]string{"mainnet": tc.mainnet, "minimal": tc.minimal} {
			got, ok, err := s.Threshold.First(spec.MustPreset(preset))
			if err != nil || !ok || got.String() != want {
				t.Errorf("%s on %s: threshold %v (found %v, %v), want %s", tc.site, preset, got, ok, err, want)
			}
		}
	}
}

// TestCommitteeSiteMatchesScan: the bitlist read's threshold is the scan's first violating V
// and agrees with the closed form on either side of it.
func TestCommitteeSiteMatchesScan(t *testing.T) {
	s, _ := SiteByID("get_attesting_indices_bit_read")
	for _, preset := range []string{"mainnet", "minimal"} {
		cfg := spec.MustPreset(preset)
		first, ok, err := s.Threshold.First(cfg)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", preset, ok, err)
		}
		v := first.Uint64()
		at, _ := FastAt(cfg, v)
		before, _ := FastAt(cfg, v-1)
		if at.Violating == 0 || before.Violating != 0 {
			t.Errorf("%s: V = %d violates %d, V - 1 violates %d", preset, v, at.Violating, before.Violating)
		}
	}
}

// TestCatalogueDocCurrent fails when docs/bounds.md is not what the code generates: run
// go generate ./bounds (or go run ./internal/gendocs bounds docs/bounds.md).
func TestCatalogueDocCurrent(t *testing.T) {
	want, err := CatalogueDoc()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../docs/bounds.md")
	if err != nil {
		t.Fatalf("%v (generate it: go run ./internal/gendocs bounds docs/bounds.md)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("docs/bounds.md is out of date (go generate ./bounds); first difference at line %d:\n have: %s\n want: %s", i+1, g, w)
			}
		}
	}
}

func TestCatalogueJSON(t *testing.T) {
	b, err := CatalogueJSON(spec.MustPreset("mainnet"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config    string
		Sites     int
		Catalogue []struct {
			ID        string
			Status    string
			Threshold *struct {
				First json.Number
				Limit json.Number
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config != "mainnet" || doc.Sites != len(Catalogue()) || len(doc.Catalogue) != doc.Sites {
		t.Fatalf("config %q, %d sites, %d entries", doc.Config, doc.Sites, len(doc.Catalogue))
	}
	for _, s := range doc.Catalogue {
		switch s.ID {
		case "get_block_root_at_slot_sum": // beyond 2**53: exact in the JSON text
			if s.Threshold == nil || s.Threshold.First != "18446744073709543424" || s.Threshold.Limit != "18446744073709551616" {
				t.Errorf("%s: threshold %+v", s.ID, s.Threshold)
			}
		case "process_slashings_penalty_numerator":
			if s.Status != string(CanFailAtThreshold) || s.Threshold.First != "18014399" {
				t.Errorf("%s: %s %+v", s.ID, s.Status, s.Threshold)
			}
		}
	}
}

func TestBigName(t *testing.T) {
	two := func(n uint) *big.Int { return new(big.Int).Lsh(one, n) }
	tests := []struct {
		x    *big.Int
		want string
	}{
		{big.NewInt(15), "15"},
		{big.NewInt(4194305), "4,194,305 (2^22 + 1)"},
		{big.NewInt(4196352), "4,196,352 (2^22 + 2^11)"},
		{big.NewInt(18014399), "18,014,399"},
		{sub(two(64), one), "18,446,744,073,709,551,615 (2^64 - 1)"},
		{sub(two(64), big.NewInt(2)), "18,446,744,073,709,551,614 (2^64 - 2)"},
		{sub(two(64), big.NewInt(8192)), "18,446,744,073,709,543,424 (2^64 - 2^13)"},
		{sub(two(64), big.NewInt(250000000)), "18,446,744,073,459,551,616 (2^64 - 250,000,000)"},
		{big.NewInt(4294967551), "4,294,967,551 (2^32 + 255)"},
	}
	for _, tc := range tests {
		if got := bigName(tc.x); got != tc.want {
			t.Errorf("bigName(%s) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

// TestSitePlots draws every site's figure (without saving) on both presets: one per site
// whose threshold is reached, none for the others.
func TestSitePlots(t *testing.T) {
	for _, preset := range []string{"mainnet", "minimal"} {
		cfg := spec.MustPreset(preset)
		n := 0
		for _, s := range Catalogue() {
			p, err := plotSite(cfg, &s)
			if err != nil {
				t.Errorf("%s on %s: %v", s.ID, preset, err)
			}
			if p != nil {
				n++
			}
			if (p != nil) != (s.Threshold != nil) {
				t.Errorf("%s on %s: plot %v, threshold %v", s.ID, preset, p != nil, s.Threshold != nil)
			}
		}
		if n < 30 {
			t.Errorf("%s: only %d plots", preset, n)
		}
	}
}

// TestDeclaredSitesCatalogued: every spec.Site the model declares is used by exactly one
// function, and its ID is an entry of the catalogue in that function. A site
// whose Calc operation is replaced by Go's wrapping arithmetic is no longer used, and fails
// here (TestWrappingMultiplyIsCaught).
func TestDeclaredSitesCatalogued(t *testing.T) {
	locs, err := siteLocations()
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != len(spec.Sites()) {
		t.Errorf("the source declares %d sites, spec.Sites() has %d", len(locs), len(spec.Sites()))
	}
	for _, p := range declaredSiteProblems(locs) {
		t.Error(p)
	}
}

// declaredSiteProblems checks located site declarations against the catalogue.
func declaredSiteProblems(locs []sitelocs.Location) []string {
	var out []string
	keys := map[string]bool{}
	for _, l := range locs {
		key := fmt.Sprint(l.ID, l.Op, l.Operands)
		if keys[key] {
			out = append(out, fmt.Sprintf("%s: two declarations %s %v", l.ID, l.Op, l.Operands))
		}
		keys[key] = true
		if len(l.Lines) == 0 {
			out = append(out, fmt.Sprintf("site %s (%s %s %v) is declared but the model never uses it", l.Var, l.ID, l.Op, l.Operands))
			continue
		}
		s, ok := SiteByID(l.ID)
		if !ok {
			out = append(out, fmt.Sprintf("site %s (%s) has no entry in the catalogue", l.Var, l.ID))
			continue
		}
		if s.GoFunc != l.Func || s.File != l.File {
			out = append(out, fmt.Sprintf("site %s: the catalogue says %s in %s, the source %s in %s", l.Var, s.GoFunc, s.File, l.Func, l.File))
		}
	}
	return out
}

// TestWrappingMultiplyIsCaught: process_slashings' penalty numerator written as Go's
// unchecked, wrapping multiply (the fault that once passed prove, go test ./... and
// spectest --checked) leaves its declared site unused, which the catalogue check reports;
// the operand recording test (proofs) reports the same site as reached by no run.
func TestWrappingMultiplyIsCaught(t *testing.T) {
	const (
		checked  = "k.Mul(siteSlashingsPenaltyNumerator, k.Div(siteSlashingsIncrementDivision, uint64(validator.EffectiveBalance), increment), adjusted)"
		wrapping = "k.Div(siteSlashingsIncrementDivision, uint64(validator.EffectiveBalance), increment)*adjusted"
	)
	mutated := fstest.MapFS{}
	err := fs.WalkDir(spec.Source(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(spec.Source(), path)
		if err != nil {
			return err
		}
		if path == "slashings.go" {
			if strings.Count(string(src), checked) != 1 {
				t.Fatalf("slashings.go has no %q to break", checked)
			}
			src = []byte(strings.Replace(string(src), checked, wrapping, 1))
		}
		mutated[path] = &fstest.MapFile{Data: src}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	locs, err := sitelocs.Locate(mutated)
	if err != nil {
		t.Fatal(err)
	}
	caught := false
	for _, p := range declaredSiteProblems(locs) {
		caught = caught || strings.Contains(p, "process_slashings_penalty_numerator") && strings.Contains(p, "never uses it")
	}
	if !caught {
		t.Fatalf("the wrapping multiply in process_slashings is not reported: %q", declaredSiteProblems(locs))
	}
}
