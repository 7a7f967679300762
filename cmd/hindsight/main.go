// Command hindsight runs the Hindsight server and its administrative
// commands. Every command works on the same data folder (or MongoDB), also
// while the server runs.
//
//	hindsight [global flags] <command> [flags]
//
// Run "hindsight help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // display time zones on machines without a zoneinfo database

	"github.com/hindsight-rca/hindsight/internal/config"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal starts a graceful stop, a second one ends
		// the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// app is one invocation: its settings and its standard streams.
type app struct {
	cfg    *config.Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	log    *slog.Logger
}

// command is one subcommand. run gets the arguments after its name.
type command struct {
	name, summary string
	run           func(a *app, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "start the web server", (*app).serve},
		{"user", "manage users: user add, user list", (*app).user},
		{"token", "manage API tokens: token create", (*app).token},
		{"export", "export RCAs as PDF, HTML or Markdown", (*app).export},
		{"import", "import incidents: import statuspage FILE", (*app).importCmd},
		{"template", "share templates as JSON: template export KEY, template import FILE", (*app).templateCmd}, // tmpl area
		{"store", "copy all data between stores: store copy --from SRC --to DST", (*app).storeCmd},
		{"demo", "seed generated RCAs for benchmarks: demo --rcas N", (*app).demoCmd}, // scalesql
		{"healthcheck", "exit 0 when the server at --addr answers /healthz", (*app).healthcheck},
		{"version", "print the version", (*app).versionCmd},
	}
}

// errUsage marks an error whose message is a usage hint; it exits with code 2.
var errUsage = errors.New("usage")

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{cfg: config.New(), stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	global := flag.NewFlagSet("hindsight", flag.ContinueOnError)
	global.SetOutput(stderr)
	a.cfg.Register(global)
	global.Usage = func() { a.usage(global) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		a.usage(global)
		return 2
	}
	name := rest[0]
	if name == "help" {
		a.usage(global)
		return 0
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(a, ctx, rest[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			_, _ = fmt.Fprintf(stderr, "hindsight %s: %v\n", name, err) // stderr: nowhere left to report to
			return 2
		default:
			_, _ = fmt.Fprintf(stderr, "hindsight %s: %s\n", name, describe(err))
			return 1
		}
	}
	_, _ = fmt.Fprintf(stderr, "hindsight: unknown command %q (run \"hindsight help\")\n", name)
	return 2
}

func (a *app) usage(fs *flag.FlagSet) {
	var w strings.Builder
	fmt.Fprintln(&w, "Hindsight: write, review, export and publish RCAs (postmortems).")
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "Usage: hindsight [global flags] <command> [flags]")
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(&w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(&w)
	fmt.Fprintln(&w, "Global flags (also accepted after the command; a flag wins over its environment variable):")
	// Usage goes to stderr like the flag package's own: a failed write has
	// nowhere to be reported.
	_, _ = io.WriteString(a.stderr, w.String())
	fs.PrintDefaults()
}

// flags returns a flag set for a subcommand that also accepts the global flags.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("hindsight "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	a.cfg.Register(fs)
	fs.Usage = func() {
		_, _ = fmt.Fprintf(a.stderr, "Usage: hindsight %s [flags]\n\nFlags, the global ones included:\n", name) // like flag's own usage
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a subcommand's flags, then fills what is not given from the
// environment, checks the settings and sets up logging.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := a.cfg.ApplyEnv(a.getenv); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := a.cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %s", errUsage, describe(err))
	}
	a.log = newLogger(a.stderr, a.cfg.LogFormat)
	return nil
}

func newLogger(w io.Writer, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// describe turns an error into a message for the terminal: validation
// problems are listed one per field.
func describe(err error) string {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, 0, len(ve.Problems))
		for _, p := range ve.Problems {
			s := p.Field + ": " + strings.ReplaceAll(p.Code, "_", " ")
			if p.Detail != "" {
				s += " (" + p.Detail + ")"
			}
			parts = append(parts, s)
		}
		sort.Strings(parts)
		return "invalid: " + strings.Join(parts, "; ")
	}
	return err.Error()
}

// buildVersion is the version stamped by -ldflags, else the module version
// recorded by the go tool, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (a *app) versionCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hindsight version", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: version takes no arguments", errUsage)
	}
	_, err := fmt.Fprintf(a.stdout, "hindsight %s\n", buildVersion())
	return err
}
