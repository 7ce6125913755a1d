package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// source is package spec's non-test Go files, by absolute path.
type source map[string]string

// readSpec reads the non-test Go files of the spec directory.
func readSpec(specDir string) (source, error) {
	paths, err := filepath.Glob(filepath.Join(specDir, "*.go"))
	if err != nil {
		return nil, err
	}
	src := source{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		src[abs] = string(b)
	}
	if len(src) == 0 {
		return nil, fmt.Errorf("no Go files in %s", specDir)
	}
	return src, nil
}

// funcSpan locates the declarations of fn in one file's text: how many there are and the
// byte offsets of the last, doc comment excluded. fn is "Recv.Name" for a method; a bare
// name matches functions only, or methods too when methods is set.
func funcSpan(path, text, fn string, methods bool) (start, end int, found int, err error) {
	recv, name, qualified := strings.Cut(fn, ".")
	if !qualified {
		name, recv = recv, ""
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, text, parser.SkipObjectResolution)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		if (qualified && receiverType(fd) != recv) || (!qualified && !methods && fd.Recv != nil) {
			continue
		}
		found++
		start, end = fset.Position(fd.Pos()).Offset, fset.Position(fd.End()).Offset
	}
	return start, end, found, nil
}

// receiverType is the receiver's type name of a method ("Model" for (m *Model)), "" for a
// function.
func receiverType(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// apply makes the mutant's edits on a copy of src and returns the files it changed. An edit
// whose function is not found exactly once in the package, or whose snippet does not occur
// exactly once in that function, is an error naming the mutant: the mutant must be
// re-anchored to the code as it now is.
func (mu *Mutant) apply(src source) (source, error) {
	if len(mu.Edits) == 0 {
		return nil, fmt.Errorf("mutant %s has no edits", mu.ID)
	}
	changed := source{}
	for i, e := range mu.Edits {
		if e.Old == e.New {
			return nil, fmt.Errorf("mutant %s, edit %d: old and new snippets are the same", mu.ID, i+1)
		}
		var hits []string
		var span [2]int
		// A bare name is a function if the package declares one, else a method.
		for _, methods := range []bool{false, true} {
			for _, path := range sortedPaths(src) {
				text := src[path]
				if t, ok := changed[path]; ok {
					text = t
				}
				start, end, n, err := funcSpan(path, text, e.Func, methods)
				if err != nil {
					return nil, fmt.Errorf("mutant %s: %v", mu.ID, err)
				}
				for ; n > 0; n-- {
					hits = append(hits, path)
					span = [2]int{start, end}
				}
			}
			if len(hits) > 0 || strings.Contains(e.Func, ".") {
				break
			}
		}
		if len(hits) != 1 {
			return nil, fmt.Errorf("mutant %s, edit %d: function %s is declared %d times in package spec, want exactly once (re-anchor the mutant)", mu.ID, i+1, e.Func, len(hits))
		}
		path := hits[0]
		text := src[path]
		if t, ok := changed[path]; ok {
			text = t
		}
		body := text[span[0]:span[1]]
		if n := strings.Count(body, e.Old); n != 1 {
			return nil, fmt.Errorf("mutant %s, edit %d: its snippet occurs %d times in %s (%s), want exactly once (re-anchor the mutant):\n%s",
				mu.ID, i+1, n, e.Func, filepath.Base(path), e.Old)
		}
		changed[path] = text[:span[0]] + strings.Replace(body, e.Old, e.New, 1) + text[span[1]:]
	}
	for path, text := range changed {
		if _, err := parser.ParseFile(token.NewFileSet(), path, text, parser.SkipObjectResolution); err != nil {
			return nil, fmt.Errorf("mutant %s does not parse: %v", mu.ID, err)
		}
	}
	return changed, nil
}

func sortedPaths(src source) []string {
	var paths []string
	for p := range src {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// writeOverlay writes the mutated files under dir and the overlay file go build -overlay
// reads, and returns the overlay file's path.
func writeOverlay(dir string, changed source) (string, error) {
	replace := map[string]string{}
	for _, path := range sortedPaths(changed) {
		mutated := filepath.Join(dir, filepath.Base(path))
		if err := os.WriteFile(mutated, []byte(changed[path]), 0o644); err != nil {
			return "", err
		}
		replace[path] = mutated
	}
	b, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	return overlay, os.WriteFile(overlay, b, 0o644)
}
