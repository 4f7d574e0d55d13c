package letters

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// The data of every kind is a struct that embeds Letter (the envelope) and
// what the kind says: its templates read the envelope's fields and the
// kind's own alike (.Number, .DecideBy, .Extra.Addressee.Name). What only
// one kind needs is in its Extra struct. templates/README.md lists the
// fields of each kind.

// Data is the typed data of one letter or internal mail: a pointer to one
// of the kind structs below (New makes the right one for a kind).
type Data interface {
	// Envelope is what every letter has: kind, language, date, sender,
	// recipient, signer.
	Envelope() *Letter
}

// Envelope implements Data for every struct that embeds Letter.
func (l *Letter) Envelope() *Letter { return l }

// Complaint is what letters and notices say about the complaint of a
// dossier.
type Complaint struct {
	Subject                 string `clean:"line"` // the complainant's own subject line
	Description             string // the complaint as understood
	AcknowledgeBy, DecideBy time.Time
	Handler                 Person
}

// Outcome is the decision of a dossier as letters state it.
type Outcome struct {
	Verdict                   string // founded | unfounded | partly_founded | inadmissible
	Facts, Position, Measures string
}

// Staff are the reply addresses of a notice to staff about a dossier and
// the marker line a reply is cut at.
type Staff struct {
	RelayAddress, InternalAddress, Marker string `clean:"line"`
}

// DigestRow is one row of the officer's weekly digest.
type DigestRow struct {
	Number      string `clean:"line"`
	Complainant string `clean:"line"`
	DecideBy    time.Time
	Handler     string
	Kind        string // for letters to post
}

// Entry is one message in the complainant's view of the dossier.
type Entry struct {
	Date          time.Time
	From, Subject string `clean:"line"`
	Text          string
}

// Acknowledgement confirms that a complaint was received and says what
// happens next (docs/procedure.md step 3).
type Acknowledgement struct {
	Letter
	Complaint
}

// Delay tells the complainant that the term is extended, why, and until
// when (step 7).
type Delay struct {
	Letter
	Complaint
	OldDecideBy, NewDecideBy time.Time
	Reason                   string
}

// Decision is the decision letter, and the rejection letter of an
// inadmissible complaint (step 8, with the appeal of step 9).
type Decision struct {
	Letter
	Complaint
	Outcome
	Reason       string          // why the complaint is inadmissible
	Appeal       string          // the body the complainant may turn to
	AppealWithin *procedure.Term // the term for that; nil when none
}

// Closing is the written report after resolution (step 8, procedure 003).
type Closing struct {
	Letter
	Complaint
	Outcome // Facts: the summary of the handling
}

// Hearing asks the person concerned to respond (step 5).
type Hearing struct {
	Letter
	Complaint
	RespondBy time.Time
}

// Inspection is the dossier as the complainant may see it (step 10).
type Inspection struct {
	Letter
	Complaint
	Outcome
	Extra struct {
		Status   string  // the status in words
		Messages []Entry // what the complainant may see, oldest first
	}
}

// Notice tells the handler about a new complaint (notification) or a
// later message in one (followup).
type Notice struct {
	Letter
	Complaint
	Staff
	OtherOpen []string // the complainant's other open dossiers
	Extra     struct {
		Complainant Person   // notification
		From        Person   // followup: who wrote
		Hearing     bool     // followup: the answer of the person concerned
		Withheld    []string // attachments too large to forward
	}
}

// Reminder reminds the handler of the decide-by date.
type Reminder struct {
	Letter
	Complaint
	Staff
}

// Alert tells the officer about something that needs a person.
type Alert struct {
	Letter
	Complaint // zero when the alert is about no dossier
	Staff
	Reason string // the whole story
	Extra  struct {
		Subject string // a short subject; "" for the template's own
		See     string // the command to look with
	}
}

// Digest is the officer's weekly overview.
type Digest struct {
	Letter
	Extra struct {
		Open, DueThisWeek, Overdue, ToPost []DigestRow
	}
}

// ToPost sends the officer a letter to print and post.
type ToPost struct {
	Letter
	Complaint
	Staff
	Reason string // why, when not the post setting (the email bounced)
	Extra  struct {
		LetterKind string // the kind of the letter attached
		Addressee  Person // who it goes to, with the postal address
	}
}

// CommandError tells a staff member which command line could not be
// carried out and why.
type CommandError struct {
	Letter
	Complaint
	Staff
	Reason string
	Extra  struct {
		Line    int    // the first line that failed
		Command string // that line as written
	}
}

// Held asks a staff member about a reply that was not relayed.
type Held struct {
	Letter
	Complaint
	Staff
	Reason string // why it was held
	Extra  struct {
		Reply string // what would have been sent
	}
}

// SignIn carries a one-time sign-in link for the officer's desk.
type SignIn struct {
	Letter
	Extra struct {
		Link    string
		Minutes int // how long the link works
	}
}

// kinds makes the data of every kind.
var kinds = map[string]func() Data{
	"acknowledgement": func() Data { return new(Acknowledgement) },
	"delay":           func() Data { return new(Delay) },
	"decision":        func() Data { return new(Decision) },
	"rejection":       func() Data { return new(Decision) },
	"closing":         func() Data { return new(Closing) },
	"hearing":         func() Data { return new(Hearing) },
	"dossier":         func() Data { return new(Inspection) },
	"notification":    func() Data { return new(Notice) },
	"followup":        func() Data { return new(Notice) },
	"reminder":        func() Data { return new(Reminder) },
	"alert":           func() Data { return new(Alert) },
	"digest":          func() Data { return new(Digest) },
	"topost":          func() Data { return new(ToPost) },
	"commanderror":    func() Data { return new(CommandError) },
	"held":            func() Data { return new(Held) },
	"signin":          func() Data { return new(SignIn) },
}

// New returns empty data of a kind with its envelope's Kind set.
func New(kind string) (Data, error) {
	mk, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("letters: unknown kind %q", kind)
	}
	d := mk()
	d.Envelope().Kind = kind
	return d, nil
}

// Encode is the stored form of a letter's data (JSON), from which it is
// rendered after its transaction and reprinted.
func Encode(d Data) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode %s letter: %w", d.Envelope().Kind, err)
	}
	return b, nil
}

// Decode reads stored data back, dates in Europe/Amsterdam. Data stored
// before the kinds had types of their own (one struct with an Extra map)
// decodes too: the field names are the same.
func Decode(b []byte) (Data, error) {
	var head struct{ Kind string }
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("decode letter: %w", err)
	}
	d, err := New(head.Kind)
	if err != nil {
		return nil, fmt.Errorf("decode letter: %w", err)
	}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("decode %s letter: %w", head.Kind, err)
	}
	LocalDates(d)
	return d, nil
}

// LocalDates puts every date of a letter in Europe/Amsterdam. Dates come
// back from the store in UTC, where the midnight that starts an Amsterdam
// day is still the day before; letters print the date in the time's own
// zone.
func LocalDates(d Data) {
	walk(reflect.ValueOf(d).Elem(), func(v reflect.Value, _ reflect.StructField) {
		if t, ok := v.Interface().(time.Time); ok && !t.IsZero() {
			v.Set(reflect.ValueOf(t.In(procedure.Amsterdam)))
		}
	})
}

var timeType = reflect.TypeOf(time.Time{})

// walk calls f for every value of v that is a string, a []string or a
// time.Time, in structs and slices of structs (not behind pointers), with
// the struct field it is (or is an element of).
func walk(v reflect.Value, f func(v reflect.Value, field reflect.StructField)) {
	var visit func(v reflect.Value, field reflect.StructField)
	visit = func(v reflect.Value, field reflect.StructField) {
		switch {
		case v.Type() == timeType, v.Kind() == reflect.String, v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
			f(v, field)
		case v.Kind() == reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i), v.Type().Field(i))
				}
			}
		case v.Kind() == reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i), field)
			}
		}
	}
	visit(v, reflect.StructField{})
}
