package files

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestPut: a file is named by its content in its area, with the area's
// ending, 0600 in a 0700 directory; the same bytes twice are one file; no
// temporary file is left behind.
func TestPut(t *testing.T) {
	tests := []struct {
		area, data, ext string
	}{
		{Mail, "From: a@example.com\r\n\r\nhallo\r\n", ".eml"},
		{Letters, "%PDF-1.4 …", ".pdf"},
		{Attachments, "JPEGDATA", ""},
		{"", "in the root", ""},
	}
	for _, tt := range tests {
		t.Run(tt.area, func(t *testing.T) {
			root := t.TempDir()
			d := New(root, filepath.Join(root, "tmp"))
			for range 2 {
				f, err := d.Put(tt.area, strings.NewReader(tt.data))
				if err != nil {
					t.Fatal(err)
				}
				s := sum(tt.data)
				if want := filepath.Join(tt.area, s[:2], s+tt.ext); f.Rel != want || f.Sum != s || f.Size != int64(len(tt.data)) {
					t.Fatalf("Put = %+v, want %s %s %d", f, want, s, len(tt.data))
				}
				got, err := d.Read(f.Rel)
				if err != nil || string(got) != tt.data {
					t.Fatalf("Read = %q, %v", got, err)
				}
				fi, err := os.Stat(d.Path(f.Rel))
				if err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("file mode %v, %v", fi.Mode(), err)
				}
				di, err := os.Stat(filepath.Dir(d.Path(f.Rel)))
				if err != nil || di.Mode().Perm() != 0o700 {
					t.Errorf("dir mode %v, %v", di.Mode(), err)
				}
			}
			if left, _ := os.ReadDir(filepath.Join(root, "tmp")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestAbort: an aborted file leaves nothing, in its area or the staging
// directory.
func TestAbort(t *testing.T) {
	root := t.TempDir()
	d := New(root, root)
	w, err := d.Create(Attachments)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("too large")); err != nil || w.Size() != 9 {
		t.Fatalf("Write: %v, size %d", err, w.Size())
	}
	w.Abort()
	if left, _ := os.ReadDir(root); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestAdoptKeepsExisting: adopting a file whose content is stored already
// keeps the stored file and removes the adopted one; a new content is moved
// in place.
func TestAdoptKeepsExisting(t *testing.T) {
	root := t.TempDir()
	d := New(root, filepath.Join(root, "tmp"))
	stored, err := d.Put(Mail, strings.NewReader("raw"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(d.Path(stored.Rel))
	for _, data := range []string{"raw", "other"} {
		tmp := filepath.Join(root, "fetch-"+data)
		if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := d.Adopt(Mail, tmp, sum(data))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := d.Read(f.Rel); string(got) != data || f.Size != int64(len(data)) {
			t.Errorf("adopted %q: read %q, size %d", data, got, f.Size)
		}
		if _, err := os.Stat(tmp); !os.IsNotExist(err) {
			t.Errorf("adopted file %s still there (%v)", tmp, err)
		}
		if fi, _ := os.Stat(d.Path(f.Rel)); fi.Mode().Perm() != 0o600 {
			t.Errorf("adopted file mode %v", fi.Mode())
		}
	}
	if after, _ := os.Stat(d.Path(stored.Rel)); !os.SameFile(before, after) {
		t.Error("the stored file was replaced by the same content")
	}
}
