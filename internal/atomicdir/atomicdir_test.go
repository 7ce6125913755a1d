package atomicdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// contents reads the files of dir as name -> content.
func contents(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

func fill(files ...string) func(put func(string, []byte) error) error {
	return func(put func(string, []byte) error) error {
		for _, f := range files {
			if err := put(f, []byte("new "+f)); err != nil {
				return err
			}
		}
		return nil
	}
}

// A write that fails part way (a full disk at the third file) leaves the old directory as
// it was and no temporary directory, and its error names the target, not the temporary.
func TestFailedWriteKeepsTheOldDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "vec")
	if err := Write(dir, nil, fill("a", "b", "c", "d")); err != nil {
		t.Fatal(err)
	}
	n := 0
	writeFile = func(name string, data []byte, perm fs.FileMode) error {
		if n++; n == 3 {
			return &fs.PathError{Op: "write", Path: name, Err: syscall.EFBIG}
		}
		return os.WriteFile(name, data, perm)
	}
	defer func() { writeFile = os.WriteFile }()
	err := Write(dir, nil, func(put func(string, []byte) error) error {
		for _, f := range []string{"a", "b", "c", "d"} {
			if err := put(f, []byte("newer "+f)); err != nil {
				return err
			}
		}
		return nil
	})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, syscall.EFBIG) {
		t.Fatalf("error %v: want an *Error wrapping EFBIG", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, dir+" not written: c: write: ") || strings.Contains(msg, ".new-") {
		t.Errorf("message %q: want it to name %s and the file, not the temporary directory", msg, dir)
	}
	want := map[string]string{"a": "new a", "b": "new b", "c": "new c", "d": "new d"}
	if got := contents(t, dir); len(got) != 4 || got["a"] != want["a"] || got["d"] != want["d"] {
		t.Errorf("old directory now holds %v, want %v", got, want)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".*")); len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

func TestWrite(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	refuse := func(old []fs.DirEntry) error { return errors.New("holds other files") }
	tests := []struct {
		name, dir string
		check     func([]fs.DirEntry) error
		files     []string
		err       string // "" for success
	}{
		{"new directory", filepath.Join(parent, "new", "vec"), nil, []string{"a", "b"}, ""},
		{"replaces", filepath.Join(parent, "new", "vec"), nil, []string{"c"}, ""},
		{"check refuses", filepath.Join(parent, "new", "vec"), refuse, []string{"d"}, "vec not written: holds other files"},
		{"parent is a file", filepath.Join(file, "vec"), nil, []string{"a"}, "file/vec not written: "},
		{"target is a file", file, nil, []string{"a"}, "file not written: "},
		{"bad file name", filepath.Join(parent, "other"), nil, []string{"../x"}, `other not written: "../x" is not a file name`},
	}
	for _, tc := range tests {
		err := Write(tc.dir, tc.check, fill(tc.files...))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	if got := contents(t, filepath.Join(parent, "new", "vec")); len(got) != 1 || got["c"] != "new c" {
		t.Errorf("after replace and refusal: %v, want only c", got)
	}
	if _, err := os.Stat(filepath.Join(parent, "other")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed first write left the directory: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(parent, "*", ".*"))
	left2, _ := filepath.Glob(filepath.Join(parent, ".*"))
	if len(left)+len(left2) > 0 {
		t.Errorf("temporary directories left: %v %v", left, left2)
	}

	if err := WriteFile(filepath.Join(file, "x"), []byte("y")); err == nil || !strings.Contains(err.Error(), "file/x not written") {
		t.Errorf("WriteFile under a file: %v", err)
	}
	if err := WriteFile(file, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != "y" {
		t.Errorf("WriteFile wrote %q", b)
	}
}
