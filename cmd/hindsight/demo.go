package main

// `hindsight demo --rcas N` (area "scalesql"): seed generated RCAs for
// benchmarks and trials, through the store's bulk writes.

import (
	"context"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/demo"
)

func (a *app) demoCmd(ctx context.Context, args []string) (err error) {
	fs := a.flags("demo")
	n := fs.Int("rcas", 0, "how many RCAs to generate (required), each with one or two incidents")
	seed := fs.Uint64("seed", 1, "random seed: the same seed makes the same data (apart from ids)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *n <= 0 {
		return fmt.Errorf("%w: --rcas must be a positive number of RCAs", errUsage)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)
	last := time.Now()
	sum, err := demo.SeedBulk(ctx, st, *n, *seed, time.Now(), func(done int) {
		if time.Since(last) > 2*time.Second || done == *n {
			// Progress on stderr is a courtesy: a failed write must not stop the seed.
			_, _ = fmt.Fprintf(a.stderr, "%d of %d RCAs written\n", done, *n)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "wrote %d RCAs and %d incidents in %s\n", sum.RCAs, sum.Incidents, sum.Took.Round(time.Millisecond))
	return err
}
