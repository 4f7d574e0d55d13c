// Package files is klachtd's content-addressed file area: the raw bytes of
// every message, attachments and letter PDFs, each named by the SHA-256 of
// its content (AREA/xx/SHA256[.ext]). A file is written under a temporary
// name, synced and renamed into place, so a crash leaves nothing or the
// whole file, and the same bytes written twice are one file. References are
// paths relative to the area's root (the data directory).
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The areas of the data directory.
const (
	Mail        = "mail"    // raw messages, in and out (.eml)
	Letters     = "letters" // letter PDFs as sent (.pdf)
	Attachments = "files"   // attachments of incoming messages
)

// extensions are the file name endings of the areas.
var extensions = map[string]string{Mail: ".eml", Letters: ".pdf"}

// Dir is a content-addressed file area rooted at a directory.
type Dir struct {
	root, temp string
}

// New returns the file area rooted at root, staging files in temp.
// Directories are created 0700 when first written to, files 0600.
func New(root, temp string) *Dir { return &Dir{root: root, temp: temp} }

// Path turns a reference into a path.
func (d *Dir) Path(rel string) string { return filepath.Join(d.root, rel) }

// Read returns the bytes of a stored file.
func (d *Dir) Read(rel string) ([]byte, error) {
	b, err := os.ReadFile(d.Path(rel))
	if err != nil {
		return nil, fmt.Errorf("files: read %s: %w", rel, err)
	}
	return b, nil
}

// Put stores the bytes of r in area and returns the file.
func (d *Dir) Put(area string, r io.Reader) (File, error) {
	w, err := d.Create(area)
	if err != nil {
		return File{}, err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return File{}, fmt.Errorf("files: write: %w", err)
	}
	return w.Commit()
}

// File is a stored file.
type File struct {
	Rel  string // reference: the path relative to the root
	Sum  string // SHA-256, hex
	Size int64
}

// Writer writes one file into an area. Commit puts it in place; Abort (or
// a failed Commit) leaves nothing behind.
type Writer struct {
	d    *Dir
	area string
	f    *os.File
	h    hash.Hash
	n    int64
}

// Create starts a file in area.
func (d *Dir) Create(area string) (*Writer, error) {
	if err := os.MkdirAll(d.temp, 0o700); err != nil {
		return nil, fmt.Errorf("files: create %s: %w", d.temp, err)
	}
	f, err := os.CreateTemp(d.temp, ".part-*")
	if err != nil {
		return nil, fmt.Errorf("files: temporary file: %w", err)
	}
	return &Writer{d: d, area: area, f: f, h: sha256.New()}, nil
}

// Write writes to the file and its hash.
func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	return n, err
}

// Size returns how many bytes were written so far.
func (w *Writer) Size() int64 { return w.n }

// Abort removes the file.
func (w *Writer) Abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

// Commit syncs the file and puts it in place under its SHA-256.
func (w *Writer) Commit() (File, error) {
	defer os.Remove(w.f.Name()) // gone once renamed; a leftover otherwise
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return File{}, fmt.Errorf("files: sync: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return File{}, fmt.Errorf("files: close: %w", err)
	}
	return w.d.place(w.area, w.f.Name(), hex.EncodeToString(w.h.Sum(nil)), w.n)
}

// Adopt puts a finished file (written and synced by the caller, whose
// SHA-256 is sum) in place in area, as Commit does.
func (d *Dir) Adopt(area, path, sum string) (File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return File{}, fmt.Errorf("files: adopt: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return File{}, fmt.Errorf("files: adopt: %w", err)
	}
	f, err := d.place(area, path, sum, fi.Size())
	if err == nil {
		os.Remove(path) // still there when the same content was in place
	}
	return f, err
}

// place renames the file at tmp to its name in area. When a file of that
// name and size is there already, it holds the same content and is kept.
func (d *Dir) place(area, tmp, sum string, size int64) (File, error) {
	rel := filepath.Join(area, sum[:2], sum+extensions[area])
	dst := d.Path(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return File{}, fmt.Errorf("files: create dir: %w", err)
	}
	fi, err := os.Stat(dst)
	switch {
	case err == nil && fi.Mode().IsRegular() && fi.Size() == size:
		// The same content is there already.
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return File{}, fmt.Errorf("files: stat: %w", err)
	default:
		if err := os.Rename(tmp, dst); err != nil {
			return File{}, fmt.Errorf("files: rename into place: %w", err)
		}
	}
	return File{Rel: rel, Sum: sum, Size: size}, nil
}
