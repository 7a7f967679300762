package mongo

// Image attachments of RCAs (area images, issue 15), in GridFS: the bucket
// "attachments" (collections attachments.files and attachments.chunks),
// each file's _id the attachment's id and its metadata the description.
// The driver's GridFS works against FerretDB too (storetest runs it there):
// it needs only plain inserts, finds, deletes and a unique index.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

const attachmentBucket = "attachments"

// attachmentMeta is a GridFS file's metadata.
type attachmentMeta struct {
	RCAID       string    `bson:"rca_id"`
	ContentType string    `bson:"content_type"`
	Name        string    `bson:"name"`
	Width       int       `bson:"width"`
	Height      int       `bson:"height"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at"`
}

// attachmentFile is a document of attachments.files.
type attachmentFile struct {
	ID       string         `bson:"_id"`
	Length   int64          `bson:"length"`
	Metadata attachmentMeta `bson:"metadata"`
}

func (f attachmentFile) domain() domain.Attachment {
	m := f.Metadata
	return domain.Attachment{ID: f.ID, RCAID: m.RCAID, ContentType: m.ContentType, Name: m.Name, Width: m.Width,
		Height: m.Height, Size: f.Length, CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC()}
}

func (s *Store) bucket() *mongo.GridFSBucket {
	return s.db.GridFSBucket(options.GridFSBucket().SetName(attachmentBucket))
}

// ensureAttachmentIndexes indexes the files by RCA (ListAttachments).
func (s *Store) ensureAttachmentIndexes(ctx context.Context) error {
	_, err := s.bucket().GetFilesCollection().Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "metadata.rca_id", Value: 1}, {Key: "metadata.created_at", Value: 1}},
	})
	return wrap("index attachments", err)
}

// PutAttachment stores a new attachment and its bytes in GridFS.
func (s *Store) PutAttachment(ctx context.Context, a *domain.Attachment, data []byte) error {
	n := *a
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = ms(orZero(n.CreatedAt, s.clock()))
	n.Size = int64(len(data))
	b := s.bucket()
	// GridFS writes the chunks before the file document: look first, so a
	// taken id leaves the stored file untouched.
	taken, err := exists(ctx, b.GetFilesCollection(), n.ID)
	if err != nil {
		return wrap("put attachment", err)
	}
	if taken {
		return fmt.Errorf("mongo: put attachment %s: %w", n.ID, store.ErrDuplicate)
	}
	meta := attachmentMeta{RCAID: n.RCAID, ContentType: n.ContentType, Name: n.Name, Width: n.Width, Height: n.Height,
		CreatedBy: n.CreatedBy, CreatedAt: n.CreatedAt}
	if err := b.UploadFromStreamWithID(ctx, n.ID, n.FileName(), bytes.NewReader(data),
		options.GridFSUpload().SetMetadata(meta)); err != nil {
		return wrap("put attachment", err)
	}
	*a = n
	return nil
}

func orZero(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// GetAttachment loads one attachment with its bytes.
func (s *Store) GetAttachment(ctx context.Context, aid string) (domain.Attachment, []byte, error) {
	b := s.bucket()
	a, err := findOne(ctx, b.GetFilesCollection(), "get attachment "+aid, id(aid), attachmentFile.domain)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	var buf bytes.Buffer
	if _, err := b.DownloadToStream(ctx, aid, &buf); err != nil {
		if errors.Is(err, mongo.ErrFileNotFound) {
			return domain.Attachment{}, nil, fmt.Errorf("mongo: get attachment %s: %w", aid, store.ErrNotFound)
		}
		return domain.Attachment{}, nil, wrap("get attachment "+aid, err)
	}
	return a, buf.Bytes(), nil
}

// ListAttachments describes an RCA's attachments, oldest first.
func (s *Store) ListAttachments(ctx context.Context, rcaID string) ([]domain.Attachment, error) {
	return findAll(ctx, s.bucket().GetFilesCollection(), "list attachments",
		bson.D{{Key: "metadata.rca_id", Value: rcaID}},
		options.Find().SetSort(bson.D{{Key: "metadata.created_at", Value: 1}, {Key: "_id", Value: 1}}),
		attachmentFile.domain)
}

// DeleteAttachments deletes every attachment of an RCA, chunks first
// with each file.
func (s *Store) DeleteAttachments(ctx context.Context, rcaID string) error {
	list, err := s.ListAttachments(ctx, rcaID)
	if err != nil {
		return err
	}
	b := s.bucket()
	for _, a := range list {
		if err := b.Delete(ctx, a.ID); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
			return wrap("delete attachment "+a.ID, err)
		}
	}
	return nil
}
