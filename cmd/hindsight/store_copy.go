package main

// hindsight store copy (scalemulti area).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
	"github.com/hindsight-rca/hindsight/internal/store/storecopy"
)

// storeCmd runs "store copy --from SRC --to DST [--merge]".
func (a *app) storeCmd(ctx context.Context, args []string) (err error) {
	if len(args) == 0 || args[0] != "copy" {
		return fmt.Errorf("%w: want \"store copy --from SRC --to DST\" (each sqlite:DIR or a mongodb:// URI)", errUsage)
	}
	fs := a.flags("store copy")
	from := fs.String("from", "", "the store to copy from: sqlite:DIR or a mongodb:// (mongodb+srv://) URI (required)")
	to := fs.String("to", "", "the store to copy into, same forms (required)")
	merge := fs.Bool("merge", false, "copy into a store that already holds data, keeping what it has")
	sample := fs.Int("verify-sample", 25, "how many RCAs and users the final check compares in full")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("%w: --from and --to are required", errUsage)
	}
	if *from == *to {
		return fmt.Errorf("%w: --from and --to name the same store", errUsage)
	}
	src, err := openStoreAt(ctx, *from)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }() // only read
	dst, err := openStoreAt(ctx, *to)
	if err != nil {
		return err
	}
	defer closeInto(&err, dst) // written: a failed Close fails the copy

	opt := storecopy.Options{Merge: *merge, Sample: *sample}
	if isTerminal(a.stderr) {
		opt.Progress = progressBar(a.stderr)
	}
	rep, err := storecopy.Copy(ctx, src, dst, opt)
	if opt.Progress != nil {
		_, _ = fmt.Fprintln(a.stderr) // ends the progress line; a courtesy
	}
	var werr error // the report is the command's output: a failed write fails it
	if rep != nil {
		_, werr = fmt.Fprint(a.stdout, rep.String())
	}
	if errors.Is(err, storecopy.ErrNotEmpty) {
		return fmt.Errorf("%s holds data already: pass --merge to add to it", *to)
	}
	if err != nil {
		return fmt.Errorf("%w (run the same command again to finish the copy)", err)
	}
	if werr != nil {
		return werr
	}
	if err := storecopy.Verify(ctx, src, dst, rep, *sample); err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.stdout, "verified: counts match and the sampled records are the same in both stores")
	return err
}

// openStoreAt opens "sqlite:DIR" or a MongoDB URI.
func openStoreAt(ctx context.Context, where string) (store.Store, error) {
	switch {
	case strings.HasPrefix(where, "sqlite:"):
		dir := strings.TrimPrefix(where, "sqlite:")
		if dir == "" {
			return nil, fmt.Errorf("%w: sqlite: needs a folder, e.g. sqlite:./data", errUsage)
		}
		st, err := sqlite.Open(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", where, err)
		}
		return st, nil
	case strings.HasPrefix(where, "mongodb://"), strings.HasPrefix(where, "mongodb+srv://"):
		st, err := mongo.Open(ctx, where)
		if err != nil {
			return nil, fmt.Errorf("open mongodb: %w", err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("%w: %q is neither sqlite:DIR nor a mongodb:// URI", errUsage, where)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws one line per kind, redrawn in place.
func progressBar(w io.Writer) func(kind string, done, total int) {
	last := ""
	return func(kind string, done, total int) {
		if kind != last && last != "" {
			_, _ = fmt.Fprintln(w) // progress on stderr is a courtesy
		}
		last = kind
		const width = 30
		filled := width
		if total > 0 {
			filled = min(width, done*width/total)
		}
		_, _ = fmt.Fprintf(w, "\r%-13s [%s%s] %d/%d", kind, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
	}
}
