package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the server at the configured address for /healthz and
// fails unless it answers 200. Container images without curl use it.
func (a *app) healthcheck(ctx context.Context, args []string) error {
	fs := a.flags("healthcheck")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("%w: address %q: %v", errUsage, a.cfg.Addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer func() { _ = res.Body.Close() }() // only the status is read
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", url, res.Status)
	}
	_, err = fmt.Fprintln(a.stdout, "ok")
	return err
}
