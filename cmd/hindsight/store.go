package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// openStore opens MongoDB when a URI is configured, else the embedded SQLite
// store in the data folder, creating the folder when needed.
func (a *app) openStore(ctx context.Context) (store.Store, error) {
	if a.cfg.UsesMongo() {
		st, err := mongo.Open(ctx, a.cfg.MongoDBURI)
		if err != nil {
			return nil, fmt.Errorf("open mongodb: %w", err)
		}
		return st, nil
	}
	if err := os.MkdirAll(a.cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	st, err := sqlite.Open(ctx, a.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open data folder %s: %w", a.cfg.DataDir, err)
	}
	return st, nil
}

// storeName says where data lives, for log lines and messages.
func (a *app) storeName() string {
	if a.cfg.UsesMongo() {
		return "mongodb"
	}
	return "sqlite in " + a.cfg.DataDir
}
