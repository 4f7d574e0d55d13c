package letters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoredBeforeTypes: letters and notices stored before every kind had
// a type of its own (one Letter with an Extra map, testdata/stored/*.json)
// decode into their kind's type and render to the same subject and text as
// they did then (testdata/stored/*.txt).
func TestStoredBeforeTypes(t *testing.T) {
	set := loadSet(t)
	files, err := filepath.Glob("testdata/stored/*.json")
	if err != nil || len(files) < 15 {
		t.Fatalf("%d stored letters (%v)", len(files), err)
	}
	for _, file := range files {
		kind := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(kind, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if d.Envelope().Kind != kind {
				t.Fatalf("kind %q, want %q", d.Envelope().Kind, kind)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			r := render(t, set, d)
			if got := r.Subject + "\n\n" + r.Text; got != string(want) {
				t.Errorf("rendered\n%s\nwant\n%s", got, want)
			}
			again, err := Encode(d)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(again)
			if err != nil {
				t.Fatal(err)
			}
			if r2 := render(t, set, back); r2.Text != r.Text || r2.Subject != r.Subject || string(r2.PDF) != string(r.PDF) {
				t.Error("encoded and decoded again, it renders otherwise")
			}
		})
	}
}
