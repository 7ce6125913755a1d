// Command beaconcheck is the command-line front end of the beaconcheck model of the Phase 0
// beacon chain: official-vector conformance runs, SSZ tools, and the analyses.
//
// Each subcommand lives in its own file and registers itself in init; `beaconcheck help`
// lists them and `beaconcheck CMD --help` explains one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// command is one subcommand.
type command struct {
	name    string
	summary string // one line for the command list
	usage   string // the argument synopsis, e.g. "[--preset P] FILE"
	help    string // paragraphs shown by --help after the synopsis
	// setup declares the flags on fs and returns the function that runs the command with
	// the remaining positional arguments.
	setup func(fs *flag.FlagSet) func(args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// exitError carries a specific exit status (e.g. 1 for "ran, but something failed").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func (e *exitError) Unwrap() error { return e.err }

// usageError marks an error in the command line itself (exit status 2, with usage hint).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := newFlagSet(c, stdout)
				c.setup(fs)
				fs.Usage()
				return 0
			}
		}
		printCommands(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "beaconcheck: unknown command %q\n\n", args[0])
		printCommands(stderr)
		return 2
	}
	fs := newFlagSet(c, stderr)
	runFn := c.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	err := runFn(fs.Args())
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "beaconcheck %s: %s\nRun 'beaconcheck %s --help' for usage.\n", c.name, ue.msg, c.name)
		return 2
	}
	fmt.Fprintf(stderr, "beaconcheck %s: %v\n", c.name, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newFlagSet(c *command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("beaconcheck "+c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: beaconcheck %s %s\n\n%s\n", c.name, c.usage, strings.TrimSpace(c.summary))
		if c.help != "" {
			fmt.Fprintf(out, "\n%s\n", strings.TrimSpace(c.help))
		}
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(out, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

func printCommands(w io.Writer) {
	fmt.Fprintf(w, "beaconcheck: a checked model of the Ethereum Phase 0 beacon chain.\n\nUsage: beaconcheck COMMAND [flags] [args]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'beaconcheck COMMAND --help' for the flags of one command.\n")
}

// stringList is a repeatable string flag (e.g. --config a.yaml --config b.yaml).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// configFlags declares the usual --preset/--config pair.
type configFlags struct {
	preset  string
	configs stringList
}

func (cf *configFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&cf.preset, "preset", "", "embedded preset: mainnet or minimal (default mainnet)")
	fs.Var(&cf.configs, "config", "config YAML file; repeat for the v1.x split format (presets/NAME/phase0.yaml and configs/NAME.yaml)")
}

func (cf *configFlags) load() (*spec.Config, error) {
	return spec.ResolveConfig(cf.preset, cf.configs)
}
