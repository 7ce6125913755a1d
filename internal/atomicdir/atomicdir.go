// Package atomicdir writes a directory of files so that it appears whole or not at all: the
// files go into a temporary directory beside the target, which is renamed into place once
// every file is written. A failed or interrupted write leaves the old directory (or
// nothing) where the target is, never a mix, and never a truncated file.
package atomicdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Error is a directory that was not written. It names the target, never the hidden
// temporary directory.
type Error struct {
	Dir string
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%s not written: %v", e.Dir, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// writeFile writes one file; tests replace it to simulate a full disk.
var writeFile = os.WriteFile

// Write creates or replaces dir with the files fill puts. check, when set, is shown the
// entries of an existing dir and may refuse to replace it (a directory that is not what
// the caller writes). Files are written with mode 0644, the directory with 0755.
func Write(dir string, check func(old []fs.DirEntry) error, fill func(put func(name string, data []byte) error) error) error {
	dir = filepath.Clean(dir)
	fail := func(err error) error { return &Error{Dir: dir, Err: err} }
	old, err := os.ReadDir(dir)
	exists := err == nil
	switch {
	case exists && check != nil:
		if err := check(old); err != nil {
			return fail(err)
		}
	case !exists && !errors.Is(err, fs.ErrNotExist):
		return fail(plain(err, dir))
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fail(err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return fail(plain(err, parent))
	}
	defer os.RemoveAll(tmp) // gone once renamed; otherwise the partial write goes
	put := func(name string, data []byte) error {
		if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			return fmt.Errorf("%q is not a file name", name)
		}
		if err := writeFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return fmt.Errorf("%s: %w", name, plain(err, ""))
		}
		return nil
	}
	if err := fill(put); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(err)
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fail(plain(err, dir))
		}
		return nil
	}
	// Move the old directory aside, the new one in, then remove the old one. Should the
	// second rename fail, the old directory goes back.
	aside, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".old-*")
	if err != nil {
		return fail(plain(err, parent))
	}
	if err := os.Remove(aside); err != nil {
		return fail(err)
	}
	if err := os.Rename(dir, aside); err != nil {
		return fail(plain(err, dir))
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(aside, dir)
		return fail(plain(err, dir))
	}
	return os.RemoveAll(aside)
}

// WriteFile writes one file the same way: a temporary file beside path, renamed into
// place, so path holds the old content or the new, never a part.
func WriteFile(path string, data []byte) error {
	fail := func(err error) error { return &Error{Dir: path, Err: err} }
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fail(plain(err, filepath.Dir(path)))
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, 0o644)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fail(plain(werr, ""))
	}
	return nil
}

// plain is err without the path of a temporary file in it: the operation and the cause,
// with path (when given) in its place.
func plain(err error, path string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if path == "" {
			return fmt.Errorf("%s: %w", pe.Op, pe.Err)
		}
		return fmt.Errorf("%s %s: %w", pe.Op, path, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Errorf("%s %s: %w", le.Op, path, le.Err)
	}
	return err
}

// NotWritten is the error of a write to path (through a temporary file the caller made)
// that failed with err: it names path, says it was not written, and keeps of err the
// operation and the cause, without the temporary file's name.
func NotWritten(path string, err error) error {
	return &Error{Dir: path, Err: plain(err, "")}
}
