// Copyright ©2026 The klachtd Authors. Same licence as the rest of this
// package (MIT, see LICENSE).

package fpdf

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/adler32"
)

// UTF8Font is a TrueType font parsed once and shared, read-only, by any
// number of documents, also concurrently (klachtd patch). Upstream's
// AddUTF8FontFromBytes parses the whole font for every document, and
// Output parses it again to subset it; a UTF8Font does both parses once.
// The PDF a document gets is the same as with AddUTF8FontFromBytes but
// for the font's resource name.
type UTF8Font struct {
	ttf    []byte
	desc   FontDescType
	up, ut int
	cw     []int // widths by rune, as upstream's fontDefType.Cw; never written
	cut    *cutTables
	digest [sha1.Size]byte
}

// NewUTF8Font parses a TrueType font (glyf outlines, a Unicode cmap of
// format 4) for use with AddUTF8FontPrepared. ttf must not change
// afterwards.
func NewUTF8Font(ttf []byte) (*UTF8Font, error) {
	utf := newUTF8Font(&fileReader{array: ttf})
	if err := parseSafely(utf.parseFile); err != nil {
		return nil, fmt.Errorf("fpdf: parse font: %w", err)
	}
	cutFile := newUTF8Font(&fileReader{array: ttf})
	var ct *cutTables
	err := parseSafely(func() error {
		ct = cutFile.readCutTables()
		return nil
	})
	if err == nil && ct == nil {
		err = fmt.Errorf("no Unicode cmap of format 4")
	}
	if err != nil {
		return nil, fmt.Errorf("fpdf: parse font: %w", err)
	}
	if err := parseSafely(func() error { return ct.prepareTail(ttf) }); err != nil {
		return nil, fmt.Errorf("fpdf: subset font: %w", err)
	}
	return &UTF8Font{
		ttf: ttf,
		desc: FontDescType{
			Ascent:       int(utf.Ascent),
			Descent:      int(utf.Descent),
			CapHeight:    utf.CapHeight,
			Flags:        utf.Flags,
			FontBBox:     utf.Bbox,
			ItalicAngle:  utf.ItalicAngle,
			StemV:        utf.StemV,
			MissingWidth: round(utf.DefaultWidth),
		},
		up:     int(round(utf.UnderlinePosition)),
		ut:     round(utf.UnderlineThickness),
		cw:     utf.CharWidths,
		cut:    ct,
		digest: sha1.Sum(ttf),
	}, nil
}

// parseSafely turns a panic of the font parser (a truncated or malformed
// font indexes past its tables) into an error.
func parseSafely(parse func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed font: %v", r)
		}
	}()
	return parse()
}

// Has reports whether the font has a glyph for r.
func (u *UTF8Font) Has(r rune) bool {
	return r >= 0 && int(r) < len(u.cw) && u.cw[r] != 0 && u.cut.charSymbolDictionary[int(r)] != 0
}

// Width returns the advance width of r in thousandths of the font size
// (what GetStringSymbolWidth adds up for it).
func (u *UTF8Font) Width(r rune) int {
	if r >= 0 && int(r) < len(u.cw) && u.cw[r] > 0 {
		if u.cw[r] == 65535 {
			return 0
		}
		return u.cw[r]
	}
	if u.desc.MissingWidth != 0 {
		return u.desc.MissingWidth
	}
	return 500
}

// GrowBuffer makes room for n more bytes in the buffer that holds the
// document until Output (klachtd patch: it otherwise grows by doubling,
// allocating about twice the document).
func (f *Fpdf) GrowBuffer(n int) {
	f.buffer.Grow(n)
}

// OutputBytes closes the document, like Output, and returns it: the
// buffer it was written into, not a copy (klachtd patch). The Fpdf must
// not be used afterwards.
func (f *Fpdf) OutputBytes() ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.state < 3 {
		f.Close()
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.buffer.Bytes(), nil
}

// AddUTF8FontPrepared makes font available under family and style, like
// AddUTF8FontFromBytes, without parsing it again (klachtd patch).
func (f *Fpdf) AddUTF8FontPrepared(familyStr, styleStr string, font *UTF8Font) {
	if f.err != nil {
		return
	}
	familyStr = fontFamilyEscape(familyStr)
	fontkey := getFontKey(familyStr, styleStr)
	if _, ok := f.fonts[fontkey]; ok {
		return
	}
	var sbarr map[int]int
	if f.aliasNbPagesStr == "" {
		sbarr = makeSubsetRange(57)
	} else {
		sbarr = makeSubsetRange(32)
	}
	def := fontDefType{
		Tp:   "UTF8",
		Name: fontkey,
		Desc: font.desc,
		Up:   font.up,
		Ut:   font.ut,
		Cw:   font.cw,
		utf8File: &utf8FontFile{
			fileReader: &fileReader{array: font.ttf},
			cut:        font.cut,
		},
		usedRunes: sbarr,
	}
	// Upstream hashes the JSON of the whole definition (65,536 widths) for
	// the resource name; the font's digest and the key name it as well.
	def.i = fmt.Sprintf("%x", sha1.Sum(append([]byte(fontkey+"\x00"), font.digest[:]...)))
	f.fonts[fontkey] = def
}

// prepareTail cuts the font once without glyphs and keeps the end of the
// result from its "name" table on: tables that GenerateCutFont copies
// unchanged and that sort after every table it changes. It compresses
// that tail once for compressCut.
func (ct *cutTables) prepareTail(ttf []byte) error {
	cut := (&utf8FontFile{fileReader: &fileReader{array: ttf}, cut: ct}).GenerateCutFont(map[int]int{})
	if len(cut) < 12 {
		return fmt.Errorf("no subset")
	}
	n := int(binary.BigEndian.Uint16(cut[4:6]))
	for i := range n {
		rec := cut[12+16*i : 12+16*i+16]
		if string(rec[:4]) >= "name" {
			ct.tail = cut[binary.BigEndian.Uint32(rec[8:12]):]
			break
		}
	}
	if len(ct.tail) == 0 {
		return nil
	}
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := fw.Write(ct.tail); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	ct.tailDeflate = buf.Bytes()
	return nil
}

// compressCut compresses a subset of the font as a zlib stream (RFC 1950).
// klachtd patch: for a prepared font only the part before the tail is
// compressed, ended with a sync flush (RFC 1951 §3.2.4, an empty stored
// block that aligns it to a byte), and the tail's own deflate blocks,
// compressed once, follow, then the Adler-32 of the whole: a valid stream,
// at 60 % less compression work per letter.
func (utf *utf8FontFile) compressCut(font []byte) *membuffer {
	ct := utf.cut
	if ct == nil || len(ct.tailDeflate) == 0 || !bytes.HasSuffix(font, ct.tail) {
		return xmem.compress(font)
	}
	head := font[:len(font)-len(ct.tail)]
	mem := xmem.Get().(*membuffer)
	buf := &mem.buf
	buf.Grow(len(head)/2 + len(ct.tailDeflate) + 16)
	zw := zwriters.Get().(*zlib.Writer)
	defer zwriters.Put(zw)
	zw.Reset(buf)
	if _, err := zw.Write(head); err != nil {
		panic(fmt.Errorf("could not zlib-compress slice: %w", err))
	}
	if err := zw.Flush(); err != nil {
		panic(fmt.Errorf("could not flush zlib writer: %w", err))
	}
	buf.Write(ct.tailDeflate)
	buf.Write(binary.BigEndian.AppendUint32(nil, adler32.Checksum(font)))
	return mem
}
