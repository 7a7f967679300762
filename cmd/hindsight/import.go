package main

import (
	"context"
	"fmt"
	"os"

	service "github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

func (a *app) importCmd(ctx context.Context, args []string) (err error) {
	if len(args) == 0 || args[0] != "statuspage" {
		return fmt.Errorf("%w: want \"import statuspage FILE\" (FILE is a Statuspage v2 incidents.json or summary.json, or - for standard input)", errUsage)
	}
	fs := a.flags("import statuspage")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want exactly one FILE", errUsage)
	}
	r := a.stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }() // read only
		r = f
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, st)
	svc, err := service.New(service.Config{Store: st})
	if err != nil {
		return err
	}
	res, err := svc.ImportStatuspage(ctx, policy.SystemActor(), r, "cli:"+fs.Arg(0))
	if err != nil {
		return fmt.Errorf("import %s: %s", fs.Arg(0), describe(err))
	}
	if _, err := fmt.Fprintf(a.stdout, "imported %s: %d created, %d updated, %d unchanged, %d components created, %d skipped\n",
		fs.Arg(0), res.Created, res.Updated, res.Unchanged, res.ComponentsCreated, len(res.Skipped)); err != nil {
		return err
	}
	for _, s := range res.Skipped {
		if _, err := fmt.Fprintf(a.stdout, "  skipped %s: %s\n", s.SourceID, s.Reason); err != nil {
			return err
		}
	}
	return nil
}
