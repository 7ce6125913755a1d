// Package sitelocs reads off the model's source where each declared spec.Site is used: the
// file, the function and the lines. The declarations (spec/sites.go's site(...)) say what a
// site is; where it is comes from the code itself, so the catalogue (package bounds) cannot
// name a function or file the site has left.
package sitelocs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Location is one declared site and where the model uses it.
type Location struct {
	Var      string    // the Go variable, e.g. "siteSlashingsPenaltyNumerator"
	ID       string    // the site's ID
	Op       string    // "+", "-", "*", "/", "%", "append", "index", "bit" or "convert"
	Operands [2]string // as declared
	File     string    // "spec/slashings.go"; "" when the site is never used
	Func     string    // "Model.ProcessSlashings", "Config.ComputeStartSlotAtEpoch", "ComputeCommitteeRange"
	Lines    []int     // the lines that use it, in order
}

var ops = map[string]string{"OpAdd": "+", "OpSub": "-", "OpMul": "*", "OpDiv": "/", "OpMod": "%", "OpAppend": "append", "OpIndex": "index", "OpBit": "bit", "OpConvert": "convert"}

// Locate parses the non-test Go files of fsys (the spec package's, spec.Source) and returns
// every site declared there, in declaration order, with where it is used. A site used in
// more than one function is an error: a site is one expression of one function.
func Locate(fsys fs.FS) ([]Location, error) {
	files, err := fs.Glob(fsys, "*.go")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	var parsed []*ast.File
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, f)
		names = append(names, "spec/"+path)
	}
	var out []Location
	byVar := map[string]int{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				if len(vs.Names) != 1 || len(vs.Values) != 1 {
					continue
				}
				call, ok := vs.Values[0].(*ast.CallExpr)
				if !ok {
					continue
				}
				if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "site" {
					continue
				}
				loc, err := declared(fset, vs.Names[0].Name, call)
				if err != nil {
					return nil, err
				}
				byVar[loc.Var] = len(out)
				out = append(out, loc)
			}
		}
	}
	for i, f := range parsed {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn := FuncName(fd)
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				j, ok := byVar[id.Name]
				if !ok {
					return true
				}
				l := &out[j]
				if l.File != "" && (l.File != names[i] || l.Func != fn) {
					err = fmt.Errorf("site %s (%s) is used in %s and in %s", l.Var, l.ID, l.Func, fn)
				}
				l.File, l.Func = names[i], fn
				l.Lines = append(l.Lines, fset.Position(id.Pos()).Line)
				return true
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func declared(fset *token.FileSet, name string, call *ast.CallExpr) (Location, error) {
	bad := func(what string) (Location, error) {
		return Location{}, fmt.Errorf("%s: site %s: %s", fset.Position(call.Pos()), name, what)
	}
	if len(call.Args) != 4 {
		return bad("site(id, op, a, b) takes four arguments")
	}
	var strs [3]string
	for i, a := range []ast.Expr{call.Args[0], call.Args[2], call.Args[3]} {
		lit, ok := a.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return bad("the ID and operand names must be string literals")
		}
		strs[i], _ = strconv.Unquote(lit.Value)
	}
	opID, ok := call.Args[1].(*ast.Ident)
	if !ok || ops[opID.Name] == "" {
		return bad("the operation must be one of OpAdd, OpSub, OpMul, OpDiv, OpMod, OpAppend, OpIndex, OpBit, OpConvert")
	}
	return Location{Var: name, ID: strs[0], Op: ops[opID.Name], Operands: [2]string{strs[1], strs[2]}}, nil
}

// FuncName is the name the catalogue gives a function: "Model.ProcessSlashings" for a
// method, "IntegerSquareroot" for a function.
func FuncName(fd *ast.FuncDecl) string {
	name := fd.Name.Name
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		typ := fd.Recv.List[0].Type
		if st, ok := typ.(*ast.StarExpr); ok {
			typ = st.X
		}
		if id, ok := typ.(*ast.Ident); ok {
			name = id.Name + "." + name
		}
	}
	return name
}
