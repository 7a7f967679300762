// Package imaging checks uploaded images by their bytes and re-encodes them
// with the standard library's encoders, so that nothing but pixels (and a
// GIF's frame timing) survives: EXIF, GPS positions, XMP, comments and
// colour profiles are dropped (area images, issue 15). It does no I/O.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// Errors, branched on with errors.Is.
var (
	// ErrUnsupported: the bytes are not a PNG, JPEG or GIF image.
	ErrUnsupported = errors.New("imaging: not a PNG, JPEG or GIF image")
	// ErrInvalid: the bytes start like an image but do not decode.
	ErrInvalid = errors.New("imaging: image does not decode")
	// ErrTooLarge: the image has more pixels (or GIF frames) than allowed.
	ErrTooLarge = errors.New("imaging: image too large")
)

// Limits on what decodes: a small file may declare a huge canvas.
const (
	MaxSide      = 8192       // pixels, either side
	MaxPixels    = 40_000_000 // width × height (of every GIF frame together)
	MaxGIFFrames = 500
	jpegQuality  = 90
)

// Clean is an image re-encoded without metadata.
type Clean struct {
	Data          []byte
	ContentType   string // image/png, image/jpeg or image/gif
	Width, Height int
}

// Sniff names the content type of data by its first bytes: image/png,
// image/jpeg or image/gif, or "" for anything else (whatever its file name).
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif"
	}
	return ""
}

// Sanitize checks data by its bytes and re-encodes it in its own format:
// a PNG as an 8-bit PNG, a JPEG as a baseline JPEG, a GIF with all its
// frames, delays, disposal and loop count. Errors wrap ErrUnsupported,
// ErrInvalid or ErrTooLarge.
func Sanitize(data []byte) (Clean, error) {
	ct := Sniff(data)
	if ct == "" {
		return Clean{}, ErrUnsupported
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Clean{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, 1); err != nil {
		return Clean{}, err
	}
	var out bytes.Buffer
	switch ct {
	case "image/png":
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return Clean{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		// 16-bit channels become 8-bit: PDF writers (fpdf) refuse 16-bit PNGs.
		if err := png.Encode(&out, eightBit(img)); err != nil {
			return Clean{}, fmt.Errorf("imaging: encode png: %w", err)
		}
	case "image/jpeg":
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return Clean{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return Clean{}, fmt.Errorf("imaging: encode jpeg: %w", err)
		}
	case "image/gif":
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return Clean{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if len(g.Image) > MaxGIFFrames {
			return Clean{}, fmt.Errorf("%w: %d frames, at most %d", ErrTooLarge, len(g.Image), MaxGIFFrames)
		}
		if err := checkSize(cfg.Width, cfg.Height, len(g.Image)); err != nil {
			return Clean{}, err
		}
		// Only pixels, palettes, delays, disposal, the loop count and the
		// background survive; comment and application extensions do not.
		clean := &gif.GIF{Image: g.Image, Delay: g.Delay, LoopCount: g.LoopCount, Disposal: g.Disposal,
			Config: g.Config, BackgroundIndex: g.BackgroundIndex}
		if err := gif.EncodeAll(&out, clean); err != nil {
			return Clean{}, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	return Clean{Data: out.Bytes(), ContentType: ct, Width: cfg.Width, Height: cfg.Height}, nil
}

func checkSize(w, h, frames int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: empty image", ErrInvalid)
	}
	if w > MaxSide || h > MaxSide || w*h*frames > MaxPixels {
		return fmt.Errorf("%w: %d×%d pixels (%d frames); at most %d per side and %d pixels", ErrTooLarge, w, h, frames, MaxSide, MaxPixels)
	}
	return nil
}

// eightBit converts images with 16-bit channels to 8-bit NRGBA; others
// pass unchanged.
func eightBit(img image.Image) image.Image {
	switch img.(type) {
	case *image.RGBA64, *image.NRGBA64, *image.Gray16:
		b := img.Bounds()
		out := image.NewNRGBA(b)
		draw.Draw(out, b, img, b.Min, draw.Src)
		return out
	}
	return img
}

// FirstFrame decodes data (a Clean image's bytes) to one still image: a
// GIF's first frame. Renderers that cannot animate use it.
func FirstFrame(data []byte) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return img, nil
}

// opaque reports whether every pixel of img is fully opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// StillPNG re-encodes data (a Clean image's bytes) as an 8-bit PNG of its
// first frame, composited on white when it has transparency. PDF writers
// take it where they cannot take a GIF.
func StillPNG(data []byte) ([]byte, error) {
	img, err := FirstFrame(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	out := image.NewNRGBA(b)
	if !opaque(img) {
		draw.Draw(out, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	}
	draw.Draw(out, b, img, b.Min, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("imaging: encode png: %w", err)
	}
	return buf.Bytes(), nil
}
