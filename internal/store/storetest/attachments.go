package storetest

// Image attachments (area images, issue 15).

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testAttachments(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r1 := createRCA(t, s, "With pictures")
	r2 := createRCA(t, s, "Other")

	// More than one 255 KiB GridFS chunk, every byte value.
	big := make([]byte, 600_000)
	for i := range big {
		big[i] = byte(i * 31)
	}
	a := domain.Attachment{RCAID: r1.ID, ContentType: "image/png", Name: "graph.png", Width: 640, Height: 480, CreatedBy: "u1"}
	if err := s.PutAttachment(ctx, &a, big); err != nil {
		t.Fatal(err)
	}
	if !domain.ValidAttachmentID(a.ID) || a.CreatedAt.IsZero() || a.Size != int64(len(big)) {
		t.Fatalf("store did not fill id, time and size: %+v", a)
	}
	got, data, err := s.GetAttachment(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, big) {
		t.Fatalf("bytes differ: %d stored, %d read", len(big), len(data))
	}
	want := a
	want.CreatedAt = want.CreatedAt.Truncate(time.Millisecond)
	got.CreatedAt = got.CreatedAt.Truncate(time.Millisecond)
	if got != want || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("got %+v, want %+v", got, want)
	}

	// A given id and time are kept (store copy); a taken id is refused and
	// leaves the stored bytes alone.
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	b := domain.Attachment{ID: domain.NewID(), RCAID: r1.ID, ContentType: "image/gif", Name: "anim.gif", CreatedAt: at}
	if err := s.PutAttachment(ctx, &b, []byte("GIF89a...")); err != nil {
		t.Fatal(err)
	}
	dup := domain.Attachment{ID: a.ID, RCAID: r2.ID, ContentType: "image/png"}
	if err := s.PutAttachment(ctx, &dup, []byte("other")); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("taken id: %v, want ErrDuplicate", err)
	}
	if _, data, _ := s.GetAttachment(ctx, a.ID); !bytes.Equal(data, big) {
		t.Fatal("a refused duplicate changed the stored bytes")
	}
	c := domain.Attachment{RCAID: r2.ID, ContentType: "image/jpeg", Name: "photo.jpg"}
	if err := s.PutAttachment(ctx, &c, []byte{0xff, 0xd8, 0xff}); err != nil {
		t.Fatal(err)
	}

	list, err := s.ListAttachments(ctx, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID || !list[0].CreatedAt.Equal(at) {
		t.Fatalf("list of r1 (oldest first): %+v", list)
	}
	if list[1].Size != int64(len(big)) || list[1].Name != "graph.png" {
		t.Fatalf("listed description: %+v", list[1])
	}
	if none, err := s.ListAttachments(ctx, "no-such-rca"); err != nil || none == nil || len(none) != 0 {
		t.Fatalf("unknown RCA: %v %v, want an empty, non-nil list", none, err)
	}
	if _, _, err := s.GetAttachment(ctx, domain.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown id: %v, want ErrNotFound", err)
	}

	if err := s.DeleteAttachments(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetAttachment(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted: %v, want ErrNotFound", err)
	}
	if list, _ := s.ListAttachments(ctx, r1.ID); len(list) != 0 {
		t.Fatalf("deleted, still listed: %+v", list)
	}
	if _, _, err := s.GetAttachment(ctx, c.ID); err != nil {
		t.Fatalf("another RCA's attachment went too: %v", err)
	}
	if err := s.DeleteAttachments(ctx, r1.ID); err != nil {
		t.Fatalf("deleting none: %v", err)
	}
}
