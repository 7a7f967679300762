package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// retryablePool stands in for the driver's unexported pool-cleared error.
type retryablePool struct{}

func (retryablePool) Error() string   { return "connection pool was cleared" }
func (retryablePool) Retryable() bool { return true }

func TestWrapMapsDriverErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error // nil: none of the sentinels
	}{
		{"no documents", mongo.ErrNoDocuments, store.ErrNotFound},
		{"duplicate key on insert", mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error"}}}, store.ErrDuplicate},
		{"ferretdb unique violation on update", mongo.CommandError{Code: 1, Message: "constraint failed: UNIQUE constraint failed: index 'rcas_slug_1' (2067)"}, store.ErrDuplicate},
		{"server selection", topology.ServerSelectionError{Wrapped: errors.New("server selection timeout")}, store.ErrUnavailable},
		{"connection", topology.ConnectionError{Wrapped: errors.New("connection refused")}, store.ErrUnavailable},
		{"pool cleared", fmt.Errorf("find: %w", retryablePool{}), store.ErrUnavailable},
		{"network label", mongo.CommandError{Labels: []string{"NetworkError"}}, store.ErrUnavailable},
		{"deadline", context.DeadlineExceeded, store.ErrUnavailable},
		{"client disconnected", mongo.ErrClientDisconnected, store.ErrUnavailable},
		{"command refused", mongo.CommandError{Code: 2, Message: "BadValue"}, nil},
		{"cancelled by the caller", context.Canceled, nil},
	}
	sentinels := []error{store.ErrNotFound, store.ErrDuplicate, store.ErrUnavailable, store.ErrConflict}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrap("op", tc.err)
			if tc.want != store.ErrNotFound && !strings.Contains(got.Error(), tc.err.Error()) {
				t.Errorf("wrap dropped the driver's message: %v", got)
			}
			for _, s := range sentinels {
				if is := errors.Is(got, s); is != (s == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %v", got, s, is)
				}
			}
		})
	}
	if wrap("op", nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
}
