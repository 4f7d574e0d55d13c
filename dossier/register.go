package dossier

import (
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// Complaint is a message that opens a dossier.
type Complaint struct {
	Mailbox    *config.Mailbox // the intake mailbox it came in on
	Message    *mailbox.Parsed
	ReceivedAt time.Time // when it reached the mailbox: the start of every term
}

// Register opens a new dossier for a complaint, with its terms, files the
// message in it (file, with the dossier's row id set), and queues the
// acknowledgement (docs/procedure.md steps 2 and 3) and the handler's
// notification. It returns the row id of the filed message.
func (r *Rules) Register(tx *store.Tx, in Complaint, m *store.Message, file func(*store.Message) error) (int64, error) {
	org := r.Organisation(in.Mailbox)
	p := in.Message
	year := in.ReceivedAt.In(procedure.Amsterdam).Year()
	number, err := tx.NextNumber(org.ID, org.NumberPrefix, year)
	if err != nil {
		return 0, err
	}
	ack := org.Calendar.After(in.ReceivedAt, org.Procedure.AcknowledgeWithin)
	decide := org.Calendar.After(in.ReceivedAt, org.Procedure.DecideWithin)
	name := strings.TrimSpace(p.From.Name)
	dos := &store.Dossier{
		Number:           number,
		Organisation:     org.ID,
		Language:         org.Language,
		Mailbox:          in.Mailbox.Address,
		ComplainantName:  name,
		ComplainantEmail: strings.ToLower(p.From.Address),
		Subject:          p.Subject,
		Description:      strings.TrimSpace(p.Text),
		Handler:          r.chooseHandler(org, p),
		ReceivedAt:       in.ReceivedAt,
		AcknowledgeBy:    ack.Date,
		AcknowledgeBasis: ack.Basis,
		DecideBy:         decide.Date,
		DecideBasis:      decide.Basis,
		RootMessageID:    p.MessageID,
		CreatedAt:        r.Now(),
	}
	if err := tx.CreateDossier(dos); err != nil {
		return 0, err
	}
	m.DossierID = dos.ID
	m.Kind = store.KindComplaint
	if err := file(m); err != nil {
		return 0, err
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "registered", MessageRef: m.ID,
		Detail: fmt.Sprintf("complaint from %s registered as %s; handler %s", dos.ComplainantEmail, number, dos.Handler)}); err != nil {
		return 0, err
	}
	terms := fmt.Sprintf("acknowledge by %s: %s; decide by %s: %s", procedure.Day(ack.Date), ack.Basis, procedure.Day(decide.Date), decide.Basis)
	if t := org.Procedure.RejectWithin; !t.IsZero() {
		// A separate term for reporting that a complaint is not admissible
		// (procedure 003: within 4 weeks).
		reject := org.Calendar.After(in.ReceivedAt, t)
		terms += fmt.Sprintf("; an inadmissible complaint is to be reported by %s: %s", procedure.Day(reject.Date), reject.Basis)
	}
	if t := org.Procedure.DecideMax; !t.IsZero() {
		limit := org.Calendar.After(in.ReceivedAt, t)
		terms += fmt.Sprintf("; extensions end at the latest on %s: %s", procedure.Day(limit.Date), limit.Basis)
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "terms", Detail: terms}); err != nil {
		return 0, err
	}
	r.Log.Info("complaint registered", "number", number, "organisation", org.ID, "handler", dos.Handler)
	if err := r.QueueLetter(tx, org, dos, &letters.Acknowledgement{Letter: r.Letter(org, dos, "acknowledgement", r.Complainant(dos)), Complaint: r.Complaint(org, dos)}, nil); err != nil {
		return 0, err
	}
	if err := r.notifyHandler(tx, org, dos, m); err != nil {
		return 0, err
	}
	return m.ID, nil
}

// FollowMerges follows merged_into links to the dossier that lives on.
func (r *Rules) FollowMerges(tx *store.Tx, dos *store.Dossier) (*store.Dossier, error) {
	for i := 0; i < 10 && dos.MergedInto != ""; i++ {
		next, err := tx.Dossier(dos.MergedInto)
		if err != nil {
			return nil, err
		}
		dos = next
	}
	return dos, nil
}
