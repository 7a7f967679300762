package storecopy

// Image attachments (area images, issue 15): copied with their RCA, with
// their ids, times and bytes.

import (
	"bytes"

	"context"
	"fmt"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// attachments copies the attachments of one RCA the target lacks (by id).
func (c *copier) attachments(ctx context.Context, rcaID string) error {
	list, err := c.src.ListAttachments(ctx, rcaID)
	if err != nil {
		return err
	}
	n := c.rep.add("attachments")
	n.Source += len(list)
	for _, a := range list {
		full, data, err := c.src.GetAttachment(ctx, a.ID)
		if err != nil {
			return fmt.Errorf("storecopy: attachment %s of rca %s: %w", a.ID, rcaID, err)
		}
		if err := c.put("attachments", func() error { return c.dst.PutAttachment(ctx, &full, data) }); err != nil {
			return err
		}
	}
	return nil
}

// sameAttachments compares an RCA's attachments (descriptions and bytes)
// in both stores.
func sameAttachments(ctx context.Context, src, dst store.Store, rcaID string) []string {
	want, err := src.ListAttachments(ctx, rcaID)
	if err != nil {
		return []string{fmt.Sprintf("attachments of rca %s: %v", rcaID, err)}
	}
	var problems []string
	for _, a := range want {
		_, wantData, err1 := src.GetAttachment(ctx, a.ID)
		got, gotData, err2 := dst.GetAttachment(ctx, a.ID)
		if err1 != nil || err2 != nil || jsonOf(got) != jsonOf(a) || !bytes.Equal(wantData, gotData) {
			problems = append(problems, fmt.Sprintf("attachment %s of rca %s differs in the target (%v, %v)", a.ID, rcaID, err1, err2))
		}
	}
	return problems
}
