package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The README's command table names every command, and for each exactly the flags its
// --help lists.
func TestREADMECommandTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## The command line")
	if start < 0 {
		t.Fatal("README has no section 'The command line'")
	}
	text = text[start:]
	if end := strings.Index(text[3:], "\n## "); end >= 0 {
		text = text[:end+3]
	}
	root := newRootCommand(io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()

	codeSpan := regexp.MustCompile("`([^`]+)`")
	flagRef := regexp.MustCompile(`(?:^|[\s\[|])(--?[a-z][a-z0-9-]*)`)
	documented := map[string][]string{} // command path -> flags
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.SplitN(line[1:], " | ", 2)[0]
		for _, m := range codeSpan.FindAllStringSubmatch(cell, -1) {
			words := strings.Fields(strings.ReplaceAll(m[1], `\|`, "|"))
			cmd, path := root, []string{}
			for _, w := range words {
				next := child(cmd, w)
				if next == nil {
					break
				}
				cmd, path = next, append(path, w)
			}
			if len(path) == 0 {
				t.Errorf("README row %q names no command", m[1])
				continue
			}
			name := strings.Join(path, " ")
			if _, dup := documented[name]; dup {
				t.Errorf("README lists %s twice", name)
			}
			flags := []string{}
			for _, f := range flagRef.FindAllStringSubmatch(strings.ReplaceAll(m[1], `\|`, "|"), -1) {
				flags = append(flags, f[1])
			}
			sort.Strings(flags)
			documented[name] = slices.Compact(flags)
		}
	}

	var walk func(c *cobra.Command)
	seen := map[string]bool{}
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() && sub.Name() != "help" {
				continue
			}
			name := strings.TrimPrefix(sub.CommandPath(), "beaconcheck ")
			if sub.Parent().Name() == "completion" {
				continue // completion bash, zsh, ...: one row for completion
			}
			if (sub.Runnable() && sub.Annotations[groupAnnotation] == "") || sub.Name() == "completion" {
				seen[name] = true
				var want []string
				sub.LocalFlags().VisitAll(func(f *pflag.Flag) {
					if f.Name == "help" {
						return
					}
					want = append(want, "--"+f.Name)
					if f.Shorthand != "" {
						want = append(want, "-"+f.Shorthand)
					}
				})
				sort.Strings(want)
				got, ok := documented[name]
				switch {
				case !ok:
					t.Errorf("README's command table lacks %s (flags %v)", name, want)
				case !slices.Equal(got, want):
					t.Errorf("README's command table gives %s the flags %v; --help lists %v", name, got, want)
				}
			}
			walk(sub)
		}
	}
	walk(root)
	for name := range documented {
		if !seen[name] {
			t.Errorf("README's command table lists %s, which is not a command", name)
		}
	}
}

// child is c's subcommand called name, or nil.
func child(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.Name() == name {
			return s
		}
	}
	return nil
}
