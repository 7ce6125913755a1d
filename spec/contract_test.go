package spec

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// specFunctionDocs finds, in the package's source, every function whose doc comment says
// it "is the spec's NAME": the functions of the Phase 0 spec the model defines.
func specFunctionDocs(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`is the spec's ([a-z0-9_]+)`)
	found := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Doc == nil {
				continue
			}
			if m := re.FindStringSubmatch(fd.Doc.Text()); m != nil {
				if prev, dup := found[m[1]]; dup {
					t.Errorf("%s and %s both claim to be the spec's %s", prev, fd.Name.Name, m[1])
				}
				found[m[1]] = fd.Name.Name
			}
		}
	}
	return found
}

// Every function of the Phase 0 spec in the model has a declared contract, and every
// contract belongs to such a function: adding a spec function without a contract fails
// here.
func TestEverySpecFunctionHasAContract(t *testing.T) {
	funcs := specFunctionDocs(t)
	if len(funcs) < 70 {
		t.Fatalf("found only %d spec functions by their doc comments; the pattern must have drifted", len(funcs))
	}
	var missing []string
	for name, goName := range funcs {
		if _, ok := ContractOf(name); !ok {
			missing = append(missing, name+" ("+goName+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("spec functions without a contract:\n  %s", strings.Join(missing, "\n  "))
	}
	for _, c := range Contracts() {
		if _, ok := funcs[c.Func]; !ok {
			t.Errorf("contract for %s, which no function's doc comment claims", c.Func)
		}
		if len(c.Pre)+len(c.Post) == 0 {
			t.Errorf("contract for %s has no clause", c.Func)
		}
		if c.Section == "" {
			t.Errorf("contract for %s names no spec section", c.Func)
		}
		for _, cl := range append(append([]Clause{}, c.Pre...), c.Post...) {
			if cl.Doc == "" {
				t.Errorf("%s: clause %s has no description", c.Func, cl.Name)
			}
			if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(cl.Name) {
				t.Errorf("%s: clause name %q is not a stable snake_case name", c.Func, cl.Name)
			}
		}
	}
}
