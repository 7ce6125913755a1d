package spec

import (
	"embed"
	"io/fs"
)

// The model's own source, for the analyses that read where things are in it (package
// bounds locates each declared Site: file, function, lines) without a generated copy that
// could fall behind the code.
//
//go:embed *.go
var source embed.FS

// Source returns the Go files of this package (tests included), named by base name.
func Source() fs.FS { return source }
