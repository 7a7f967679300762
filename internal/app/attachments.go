package app

// Images in RCAs (area images, issue 15): upload (checked by its bytes and
// re-encoded without metadata), reading by the RCA's audience, and the
// public reading of images in published external sections.

import (
	"context"
	"errors"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Upload refusals. Adapters answer 413 and 422.
var (
	// ErrTooLarge: an upload past domain.MaxAttachmentBytes.
	ErrTooLarge = errors.New("app: image larger than 10 MiB")
	// ErrTooManyImages: the RCA holds domain.MaxAttachments images already.
	ErrTooManyImages = errors.New("app: the rca holds the most images it may")
)

// Uploaded is a stored image and the Markdown that shows it.
type Uploaded struct {
	Attachment domain.Attachment
	Markdown   string
}

// UploadAttachment stores an image into an RCA the actor may edit (a
// locked RCA is domain.ErrLocked). The bytes decide the type: anything but
// a PNG, JPEG or GIF is imaging.ErrUnsupported, a broken one
// imaging.ErrInvalid; what is stored is the re-encoded image, without
// EXIF, GPS or any other metadata.
func (s *Service) UploadAttachment(ctx context.Context, a policy.Actor, rcaID, name string, data []byte) (Uploaded, error) {
	r, err := s.editable(ctx, a, policy.RCAEdit, rcaID)
	if err != nil {
		return Uploaded{}, err
	}
	if len(data) > domain.MaxAttachmentBytes {
		return Uploaded{}, ErrTooLarge
	}
	have, err := s.st.ListAttachments(ctx, r.ID)
	if err != nil {
		return Uploaded{}, err
	}
	if len(have) >= domain.MaxAttachments {
		return Uploaded{}, ErrTooManyImages
	}
	clean, err := imaging.Sanitize(data)
	if err != nil {
		return Uploaded{}, err
	}
	att := domain.Attachment{RCAID: r.ID, ContentType: clean.ContentType, Name: cleanName(name),
		Width: clean.Width, Height: clean.Height, CreatedBy: a.UserID, CreatedAt: s.now()}
	if err := s.st.PutAttachment(ctx, &att, clean.Data); err != nil {
		return Uploaded{}, err
	}
	s.audit(ctx, a.UserID, "rca.attachment", "rca:"+r.ID, map[string]string{"attachment": att.ID, "type": att.ContentType})
	return Uploaded{Attachment: att, Markdown: att.Markdown(altOf(att.Name))}, nil
}

// cleanName keeps the base of an uploaded file's name, printable, at most
// 200 bytes.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// altOf makes an image's alt text from its file name: "error-rate.png"
// becomes "error-rate".
func altOf(name string) string {
	return strings.TrimSuffix(name, path.Ext(name))
}

// ReadAttachment answers an image of an RCA the actor may read. A reader of
// the external edition gets only images its external sections show; any
// other answers store.ErrNotFound, as does an image of another RCA.
func (s *Service) ReadAttachment(ctx context.Context, a policy.Actor, rcaID, id string) (domain.Attachment, []byte, error) {
	r, aud, err := s.readable(ctx, a, policy.RCARead, rcaID)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	return s.attachmentOf(ctx, &r, aud, id)
}

// PublicAttachment answers an image for anyone (the status page): only one
// that a published RCA shows in an external section; anything else is
// store.ErrNotFound, so an anonymous reader cannot tell it exists.
func (s *Service) PublicAttachment(ctx context.Context, id string) (domain.Attachment, []byte, error) {
	if !domain.ValidAttachmentID(id) {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	att, data, err := s.st.GetAttachment(ctx, id)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	r, err := s.st.GetRCA(ctx, att.RCAID)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	if r.State != domain.StatePublished || !slices.Contains(domain.ExternalAttachmentRefs(&r), id) {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	return att, data, nil
}

func (s *Service) attachmentOf(ctx context.Context, r *domain.RCA, aud domain.Audience, id string) (domain.Attachment, []byte, error) {
	if !domain.ValidAttachmentID(id) {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	att, data, err := s.st.GetAttachment(ctx, id)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	if att.RCAID != r.ID {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	if aud != domain.AudienceInternal && !slices.Contains(domain.ExternalAttachmentRefs(r), id) {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	return att, data, nil
}

// deleteAttachments drops a deleted RCA's images; a failure is logged (the
// RCA is gone, the images are unreachable through it).
func (s *Service) deleteAttachments(ctx context.Context, rcaID string) {
	if err := s.st.DeleteAttachments(ctx, rcaID); err != nil {
		s.cfg.Log.Warn("delete attachments of a deleted rca", "rca", rcaID, "err", err)
	}
}

// reportImages loads the attachments of RCA rcaID that a report refers to
// (ids from Report.ImageIDs, already limited to its audience). A reference
// to a missing image, or to another RCA's, is left out: it shows as text.
func (s *Service) reportImages(ctx context.Context, rcaID string, ids []string) (map[string]report.Image, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out := make(map[string]report.Image, len(ids))
	for _, id := range ids {
		att, data, err := s.st.GetAttachment(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && att.RCAID != rcaID) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = report.Image{Attachment: att, Data: data}
	}
	return out, nil
}

// sortedImages lists images by file name, for a stable archive.
func sortedImages(m map[string]report.Image) []report.Image {
	out := make([]report.Image, 0, len(m))
	for _, img := range m {
		out = append(out, img)
	}
	slices.SortFunc(out, func(a, b report.Image) int { return strings.Compare(a.FileName(), b.FileName()) })
	return out
}

// AttachmentByID answers an image by its id alone (pages and the status
// page show it from /attachments/ID): anonymous readers get PublicAttachment,
// signed-in ones what ReadAttachment gives them for the image's RCA.
func (s *Service) AttachmentByID(ctx context.Context, a policy.Actor, id string) (domain.Attachment, []byte, error) {
	if a.Anonymous() {
		return s.PublicAttachment(ctx, id)
	}
	if !domain.ValidAttachmentID(id) {
		return domain.Attachment{}, nil, store.ErrNotFound
	}
	att, _, err := s.st.GetAttachment(ctx, id)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	return s.ReadAttachment(ctx, a, att.RCAID, id)
}
