package main

// hindsight template export KEY [-o FILE] and hindsight template import
// FILE (tmpl area, issue 14): share templates as JSON between
// installations, on the same data folder as the server.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	service "github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

func (a *app) templateCmd(ctx context.Context, args []string) (err error) {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		return fmt.Errorf("%w: want \"template export KEY [-o FILE]\" or \"template import FILE\" (- for standard input)", errUsage)
	}
	verb := args[0]
	fs := a.flags("template " + verb)
	out := ""
	if verb == "export" {
		fs.StringVar(&out, "o", "", "write to this file instead of standard output")
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		if verb == "export" {
			return fmt.Errorf("%w: want exactly one template KEY", errUsage)
		}
		return fmt.Errorf("%w: want exactly one FILE", errUsage)
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
	if verb == "export" {
		doc, err := svc.ExportTemplate(ctx, policy.SystemActor(), fs.Arg(0))
		if err != nil {
			return fmt.Errorf("export %s: %s", fs.Arg(0), describe(err))
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if out == "" {
			_, err = a.stdout.Write(b)
			return err
		}
		return os.WriteFile(out, b, 0o644)
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
	var doc service.TemplateExport
	dec := json.NewDecoder(io.LimitReader(r, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("import %s: not a template export: %v", fs.Arg(0), err)
	}
	t, err := svc.ImportTemplateExport(ctx, policy.SystemActor(), doc)
	if err != nil {
		return fmt.Errorf("import %s: %s", fs.Arg(0), describe(err))
	}
	_, err = fmt.Fprintf(a.stdout, "imported template %s (%d sections)\n", t.Key, len(t.Sections))
	return err
}
