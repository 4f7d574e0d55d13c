package register

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

func TestOverdue(t *testing.T) {
	ams := procedure.Amsterdam
	// 29 March 2026 is the day summer time starts: the day has 23 hours.
	due := time.Date(2026, 3, 29, 0, 0, 0, 0, ams)
	tests := []struct {
		name   string
		status string
		now    time.Time
		want   bool
	}{
		{"on the last day", store.StatusOpen, time.Date(2026, 3, 29, 23, 59, 0, 0, ams), false},
		{"the next morning", store.StatusOpen, time.Date(2026, 3, 30, 0, 0, 0, 0, ams), true},
		{"decided", store.StatusDecided, time.Date(2026, 4, 30, 0, 0, 0, 0, ams), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &store.Dossier{Status: tc.status, DecideBy: due.UTC()}
			if got := Overdue(d, tc.now); got != tc.want {
				t.Errorf("Overdue = %v, want %v", got, tc.want)
			}
		})
	}
	if Overdue(&store.Dossier{Status: store.StatusOpen}, time.Now()) {
		t.Error("a dossier without a decide-by date is overdue")
	}
}

func TestRecordsReadExtensionsAndHearing(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ams := procedure.Amsterdam
	received := time.Date(2026, 2, 2, 9, 0, 0, 0, ams)
	err = st.Tx(ctx, func(tx *store.Tx) error {
		d := &store.Dossier{Number: "KL-2026-0001", Organisation: "acme", ReceivedAt: received,
			DecideBy: time.Date(2026, 3, 16, 0, 0, 0, 0, ams), Categories: []string{"factuur"}}
		if err := tx.CreateDossier(d); err != nil {
			return err
		}
		if err := tx.AddEvent(&store.Event{DossierID: d.ID, Actor: "piet@example.nl", Action: "extended",
			Detail: "decide-by Mon 2026-03-02 → Mon 2026-03-16: wachten op de leverancier"}); err != nil {
			return err
		}
		if err := tx.InsertMessage(&store.Message{DossierID: d.ID, Direction: store.DirectionIn, Kind: store.KindHearing, RawPath: "x"}); err != nil {
			return err
		}
		other := &store.Dossier{Number: "XY-2026-0001", Organisation: "other", ReceivedAt: received}
		return tx.CreateDossier(other)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(ctx, func(tx *store.Tx) error {
		rs, err := Records(tx, "acme", 2026)
		if err != nil {
			return err
		}
		if len(rs) != 1 {
			t.Fatalf("records: %+v", rs)
		}
		r := rs[0]
		if got := r.DecideByOriginal.In(ams).Format("2006-01-02"); got != "2026-03-02" {
			t.Errorf("DecideByOriginal = %s", got)
		}
		if len(r.Extensions) != 1 || r.Extensions[0].Reason != "wachten op de leverancier" ||
			r.Extensions[0].NewDecideBy.In(ams).Format("2006-01-02") != "2026-03-16" {
			t.Errorf("Extensions = %+v", r.Extensions)
		}
		if !r.Hearing || r.Status != store.StatusOpen || len(r.Subjects) != 1 {
			t.Errorf("record = %+v", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
