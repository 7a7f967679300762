package domain

// Images in RCAs (area images, issue 15). An author uploads a PNG, JPEG or
// GIF into an RCA; its Markdown refers to it as ![alt](attachment:ID), and
// every output resolves that reference its own way (a data: URI in the HTML
// export, a file name next to the Markdown export, an embedded image in the
// PDF, a same-origin URL on pages).

import (
	"regexp"
	"strings"
	"time"
)

// Limits of images: the largest upload, and how many images one RCA holds.
const (
	MaxAttachmentBytes = 10 << 20
	MaxAttachments     = 200
)

// AttachmentScheme prefixes an attachment's id in a Markdown image
// reference: ![alt](attachment:ID).
const AttachmentScheme = "attachment:"

// Attachment describes an image stored with an RCA. Its bytes are stored
// beside it, already re-encoded (no metadata).
type Attachment struct {
	ID          string    `json:"id"`
	RCAID       string    `json:"rca_id"`
	ContentType string    `json:"content_type"` // image/png, image/jpeg or image/gif
	Name        string    `json:"name"`         // the uploaded file's name, for people
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Size        int64     `json:"size"` // bytes stored
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Ext is the file extension of a's content type, with its dot.
func (a Attachment) Ext() string {
	switch a.ContentType {
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	}
	return ".png"
}

// FileName is the name an export writes a's bytes under: its id and
// extension (ids are hex, so the name is safe on every file system).
func (a Attachment) FileName() string { return a.ID + a.Ext() }

// Markdown is the snippet an editor inserts for a, with alt as its text.
func (a Attachment) Markdown(alt string) string {
	alt = strings.NewReplacer("[", "", "]", "", "\n", " ", "\r", " ", "\\", "").Replace(strings.TrimSpace(alt))
	if alt == "" {
		alt = "image"
	}
	return "![" + alt + "](" + AttachmentScheme + a.ID + ")"
}

var attachmentRef = regexp.MustCompile(`attachment:([0-9a-f]{32})\b`)

// AttachmentID answers the id an image destination refers to, and whether
// it is an attachment reference at all.
func AttachmentID(dest string) (string, bool) {
	id, ok := strings.CutPrefix(strings.TrimSpace(dest), AttachmentScheme)
	if !ok || !ValidAttachmentID(id) {
		return "", false
	}
	return id, true
}

// ValidAttachmentID reports whether id has the shape of an attachment id
// (32 lowercase hex digits, as NewID makes).
func ValidAttachmentID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// AttachmentRefs lists the attachment ids the Markdown texts refer to, each
// once, in order of first mention. It reads the text, not the syntax tree:
// a reference inside a code span counts too, which can only widen what an
// audience may fetch to images of the same text it already reads.
func AttachmentRefs(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		if !strings.Contains(t, AttachmentScheme) {
			continue
		}
		for _, m := range attachmentRef.FindAllStringSubmatch(t, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

// ExternalAttachmentRefs lists the attachments r's external sections refer
// to (their bodies and translations): the only images an external reader
// may see.
func ExternalAttachmentRefs(r *RCA) []string {
	var texts []string
	for _, s := range r.Sections {
		if s.Visibility == Internal {
			continue
		}
		texts = append(texts, s.Body)
		for _, tr := range s.Translations {
			texts = append(texts, tr.Body)
		}
	}
	return AttachmentRefs(texts...)
}
