package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/imaging/imagingtest"
)

// pngWithText is a PNG with a tEXt chunk before IEND.
func pngWithText(t testing.TB, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, imagingtest.Picture(20, 10)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	iend := len(raw) - 12
	data := []byte("Comment\x00" + text)
	chunk := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(chunk, uint32(len(data)))
	body := append([]byte("tEXt"), data...)
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
	out := append([]byte{}, raw[:iend]...)
	out = append(out, chunk...)
	return append(out, raw[iend:]...)
}

func TestSanitizeStripsJPEGGPS(t *testing.T) {
	in := imagingtest.JPEGWithGPS()
	if !bytes.Contains(in, []byte(imagingtest.GPSMarker)) || !bytes.Contains(in, []byte("Exif")) {
		t.Fatal("fixture lacks its EXIF block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("fixture does not decode: %v", err)
	}
	c, err := Sanitize(in)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContentType != "image/jpeg" || c.Width != 40 || c.Height != 30 {
		t.Fatalf("got %s %dx%d", c.ContentType, c.Width, c.Height)
	}
	for _, s := range []string{"Exif", "GPS", "48.8583"} {
		if bytes.Contains(c.Data, []byte(s)) {
			t.Errorf("%q survived the re-encoding", s)
		}
	}
}

func TestSanitizeStripsPNGText(t *testing.T) {
	in := pngWithText(t, "secret location")
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("fixture does not decode: %v", err)
	}
	c, err := Sanitize(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(c.Data, []byte("secret location")) || bytes.Contains(c.Data, []byte("tEXt")) {
		t.Error("PNG text chunk survived")
	}
	if c.ContentType != "image/png" || c.Width != 20 || c.Height != 10 {
		t.Fatalf("got %s %dx%d", c.ContentType, c.Width, c.Height)
	}
}

func TestSanitizeKeepsGIFAnimation(t *testing.T) {
	c, err := Sanitize(imagingtest.AnimatedGIF(3))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(c.Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.Delay[2] != 30 || g.LoopCount != 0 {
		t.Fatalf("frames %d, delays %v, loop %d", len(g.Image), g.Delay, g.LoopCount)
	}
	still, err := StillPNG(c.Data)
	if err != nil || Sniff(still) != "image/png" {
		t.Fatalf("still: %v %q", err, Sniff(still))
	}
}

func TestSanitizeRefuses(t *testing.T) {
	bomb := func() []byte { // a tiny PNG declaring a huge canvas
		var buf bytes.Buffer
		_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 9000, 1)))
		return buf.Bytes()
	}()
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"text named png", []byte("hello, this is text\n"), ErrUnsupported},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ErrUnsupported},
		{"empty", nil, ErrUnsupported},
		{"truncated png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), ErrInvalid},
		{"truncated jpeg", imagingtest.JPEGWithGPS()[:200], ErrInvalid},
		{"too wide", bomb, ErrTooLarge},
		{"too many frames", imagingtest.AnimatedGIF(MaxGIFFrames + 1), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Sanitize(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSanitize16BitPNG(t *testing.T) {
	img := image.NewNRGBA64(image.Rect(0, 0, 4, 4))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	c, err := Sanitize(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out, err := png.Decode(bytes.NewReader(c.Data))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.(*image.NRGBA); !ok {
		t.Fatalf("decoded as %T, want 8-bit NRGBA", out)
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add(imagingtest.JPEGWithGPS())
	f.Add(pngWithText(f, "x"))
	f.Add(imagingtest.AnimatedGIF(2))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Sanitize(data)
		if err == nil && Sniff(c.Data) != c.ContentType {
			t.Fatalf("sanitized %s sniffs as %q", c.ContentType, Sniff(c.Data))
		}
	})
}

func BenchmarkSanitize(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"png-1600x500", imagingtest.PNG(1600, 500)},
		{"jpeg-40x30-exif", imagingtest.JPEGWithGPS()},
		{"gif-3-frames", imagingtest.AnimatedGIF(3)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				if _, err := Sanitize(tc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
