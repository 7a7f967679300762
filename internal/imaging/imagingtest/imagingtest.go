// Package imagingtest makes small images for tests of the image upload
// (area images, issue 15): a JPEG carrying a GPS position in its EXIF
// block, a PNG and an animated GIF.
package imagingtest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// GPSMarker is text of the GPS EXIF block JPEGWithGPS carries; it must be
// gone after an upload.
const GPSMarker = "GPSLatitudeRef N 48.8583 GPSLongitudeRef E 2.2944"

// Picture is a w×h gradient.
func Picture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), 120, 255})
		}
	}
	return img
}

// JPEGWithGPS is a 40×30 JPEG whose APP1 segment holds EXIF with a GPS
// position.
func JPEGWithGPS() []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Picture(40, 30), &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	raw := buf.Bytes()
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00"), []byte(GPSMarker)...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, raw[:2]...) // SOI, then the EXIF segment
	out = append(out, seg...)
	return append(out, raw[2:]...)
}

// PNG is a w×h PNG.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(w, h)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// AnimatedGIF is a 16×16 GIF of frames frames.
func AnimatedGIF(frames int) []byte {
	pal := color.Palette{color.White, color.Black, color.NRGBA{255, 0, 0, 255}}
	g := &gif.GIF{}
	for i := 0; i < frames; i++ {
		p := image.NewPaletted(image.Rect(0, 0, 16, 16), pal)
		p.SetColorIndex(i%16, i%16, uint8(1+i%2))
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, 10*(i+1))
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// NoisePNG is a w×h PNG of pseudo-random pixels: it does not compress, so
// its size is about 4·w·h bytes.
func NoisePNG(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
