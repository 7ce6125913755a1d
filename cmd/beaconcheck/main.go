// Command beaconcheck is the command-line front end of the beaconcheck model of the Phase 0
// beacon chain: official-vector conformance runs, SSZ tools, and the analyses.
//
// Each subcommand lives in its own file and registers itself in init; the command tree is
// built with cobra (github.com/spf13/cobra), which gives nested subcommands (bounds merge,
// chain generate, trace show), flags anywhere on the command line, usage generated from
// the flags and shell completion. `beaconcheck help` lists the commands and
// `beaconcheck CMD --help` explains one.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/spec"
)

// command is one subcommand.
type command struct {
	// name is the command's path below beaconcheck: "replay", or "bounds merge" for a
	// subcommand of bounds (registered after its parent).
	name    string
	summary string // one line for the command list
	usage   string // the argument synopsis after the command's name, e.g. "[flags] FILE"
	help    string // paragraphs shown by --help after the summary
	// setup declares the flags on fs and returns the function that runs the command with
	// the positional arguments, writing to stdout and stderr. A command with no setup only
	// groups its subcommands.
	setup func(fs *pflag.FlagSet, stdout, stderr io.Writer) func(args []string) error
}

var commands []*command

func register(c *command) {
	for _, o := range commands {
		if o.name == c.name {
			panic("duplicate command " + c.name)
		}
	}
	commands = append(commands, c)
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

// errNoCommand is returned by a command that only groups others when it is run bare: its
// help has been printed, and the exit status is 2.
var errNoCommand = errors.New("no command given")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status: 0 success, 1 failure (or,
// for diff, a difference), 2 a usage error, 130 stopped by Ctrl-C.
func run(args []string, stdout, stderr io.Writer) int {
	code, _ := execute(args, stdout, stderr)
	return code
}

// execute is run, returning the command's error too.
func execute(args []string, stdout, stderr io.Writer) (int, error) {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(longFlagsWithOneDash(args))
	interrupted.Store(false)
	cmd, err := root.ExecuteC()
	code := exitCode(cmd, err, stderr)
	if interrupted.Load() {
		// Ctrl-C stopped the command (which has said what it left undone): 130 whatever
		// it returned, so that a campaign cut short never reads as a success.
		if err == nil {
			path := "beaconcheck"
			if cmd != nil {
				path = cmd.CommandPath()
			}
			fmt.Fprintf(stderr, "%s: interrupted\n", path)
		}
		return exitInterrupted, err
	}
	return code, err
}

// exitCode reports err on stderr and returns the exit status it calls for.
func exitCode(cmd *cobra.Command, err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errNoCommand) {
		return 2
	}
	path := "beaconcheck"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	var ue *usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command ") {
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", path, err, path)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", path, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// oneDashLong matches a long flag written with one dash, as Go's flag package accepts it.
var oneDashLong = regexp.MustCompile(`^-[A-Za-z][A-Za-z0-9-]+(=.*)?$`)

// longFlagsWithOneDash rewrites -name to --name, so command lines written for the flag
// package (which took both) keep working; single-letter flags (-v, -h) are left alone.
func longFlagsWithOneDash(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "--" {
			copy(out[i:], args[i:])
			break
		}
		if oneDashLong.MatchString(a) {
			a = "-" + a
		}
		out[i] = a
	}
	return out
}

// groupAnnotation marks a command that only groups subcommands (chain, trace).
const groupAnnotation = "beaconcheck/group"

// newRootCommand builds the command tree, writing to stdout and stderr.
func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "beaconcheck",
		Short: "a checked model of the Ethereum Phase 0 beacon chain",
		Long:  "beaconcheck: a checked model of the Ethereum Phase 0 beacon chain.\n\nExit status: 0 success, 1 failure (or, for diff, a difference), 2 a usage error, 130\nstopped by Ctrl-C (the commands that run long stop cleanly and say what is left undone).",
		RunE: func(c *cobra.Command, args []string) error {
			c.SetOut(stdout)
			_ = c.Help()
			return errNoCommand
		},
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "show the help of a command",
		Long:  "Shows the help of a command, e.g. 'beaconcheck help bounds merge'.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, s := range target.Commands() {
				if s.IsAvailableCommand() && strings.HasPrefix(s.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(s.Name(), s.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return usagef("unknown command %q: run 'beaconcheck help' for the list", strings.Join(args, " "))
			}
			return target.Help()
		},
	})

	byName := map[string]*cobra.Command{"": root}
	for _, c := range commands {
		parentName, name := "", c.name
		if i := strings.LastIndex(c.name, " "); i >= 0 {
			parentName, name = c.name[:i], c.name[i+1:]
		}
		parent, ok := byName[parentName]
		if !ok {
			panic("command " + c.name + " registered before its parent")
		}
		cc := &cobra.Command{
			Use:   strings.TrimSpace(name + " " + c.usage),
			Short: c.summary,
			Long:  strings.TrimSpace(upperFirst(c.summary) + ".\n\n" + strings.TrimSpace(c.help)),
		}
		if c.setup != nil {
			runFn := c.setup(cc.Flags(), stdout, stderr)
			cc.RunE = func(_ *cobra.Command, args []string) error { return runFn(args) }
		} else {
			cc.Annotations = map[string]string{groupAnnotation: "true"}
			cc.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					var subs []string
					for _, s := range cmd.Commands() {
						subs = append(subs, s.Name())
					}
					return usagef("unknown subcommand %q (the subcommands are %s)", args[0], strings.Join(subs, ", "))
				}
				cmd.SetOut(stdout)
				_ = cmd.Help()
				return errNoCommand
			}
		}
		cc.Flags().SortFlags = false
		completeConfigFlags(cc)
		parent.AddCommand(cc)
		byName[c.name] = cc
	}
	return root
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// completeConfigFlags offers the preset names for --preset and YAML files for --config.
func completeConfigFlags(c *cobra.Command) {
	if c.Flags().Lookup("preset") != nil {
		_ = c.RegisterFlagCompletionFunc("preset", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return append(spec.PresetNames(), "all"), cobra.ShellCompDirectiveNoFileComp
		})
	}
	if c.Flags().Lookup("config") != nil {
		_ = c.MarkFlagFilename("config", "yaml", "yml")
	}
}

// stringList is a repeatable string flag (e.g. --config a.yaml --config b.yaml).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
func (s *stringList) Type() string       { return "stringArray" }

// configFlags declares the usual --preset/--config pair.
type configFlags struct {
	preset  string
	configs stringList
	rules   string
}

func (cf *configFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&cf.preset, "preset", "", "embedded preset `NAME[@RELEASE]`: mainnet or minimal, release v0.12.3, v1.0.0 or v1.1.10 (default mainnet@v1.0.0)")
	cf.declareRules(fs)
	fs.Var(&cf.configs, "config", "config YAML `FILE`; repeat for the v1.x split format (presets/NAME/phase0.yaml and configs/NAME.yaml)")
}

// declareRules declares --rules.
func (cf *configFlags) declareRules(fs *pflag.FlagSet) {
	fs.StringVar(&cf.rules, "rules", "", "spec rules: final (v1.0.0 and later: BLS draft-04, no identity public key) or v0.12.3 (draft-03) (default: the preset's release's, final for config files)")
}

// applyRules sets cfg.Rules from --rules, when given.
func (cf *configFlags) applyRules(cfg *spec.Config) error {
	if cf.rules == "" {
		return nil
	}
	r, err := spec.ParseRules(cf.rules)
	if err != nil {
		return usagef("--rules: %v", err)
	}
	cfg.Rules = r
	return nil
}

// configHeader is the header line every command prints: where the config comes from and
// which rules apply, e.g. "config: minimal@v1.0.0 (embedded), rules final".
func configHeader(cfg *spec.Config) string {
	source := cfg.Source
	if source == "" {
		source = cfg.ConfigName
	}
	return fmt.Sprintf("config: %s, rules %s", source, cfg.Rules)
}

// load resolves the config the flags name. Giving both --preset and --config, or naming a
// preset that does not exist, is a usage error.
func (cf *configFlags) load() (*spec.Config, error) {
	if cf.preset != "" && len(cf.configs) > 0 {
		return nil, usagef("give either --preset or --config, not both")
	}
	cfg, err := spec.ResolveConfig(cf.preset, cf.configs)
	if err != nil && cf.preset != "" {
		// The embedded presets parse: the only error is a preset name that is not one.
		return nil, usagef("--preset: %v", err)
	}
	if err != nil {
		return nil, err
	}
	if err := cf.applyRules(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}
