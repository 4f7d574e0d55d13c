package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// Rendering happens after the commit (docs/architecture.md "The boundary").
// The transaction that causes a mail fixes everything about it that must
// not change (Message-ID, Date, recipients, threading headers, the typed
// data of the letter) and stores it as a draft on the outbox row. The render
// step, in the outbox sender, turns a draft into the exact bytes, stores
// them (and a letter's PDF) content-addressed and marks the row rendered;
// from then on the stored bytes are what is sent and reprinted, and a retry
// never renders again. A render that fails or panics leaves the dossier as
// it was registered: the row is marked, the officer is told once, and it is
// rendered again at the next start of run or once.

// draft is an outgoing mail as its transaction fixed it.
type draft struct {
	// Kind is the letter or notice kind (acknowledgement, alert, …), or
	// "relay".
	Kind string `json:"kind"`
	// Mail holds the headers. Subject, Text and HTML are set here only for
	// mail that is not rendered from a template (relays).
	Mail mailbox.Outgoing `json:"mail"`
	// Notice is the letters.Letter of an internal notice (notification,
	// alert, …), rendered into Subject, Text and HTML. A letter of a
	// dossier is rendered from its letters row instead (outbox letter_id),
	// and its PDF is attached and stored.
	Notice json.RawMessage `json:"notice,omitempty"`
	// PostLetter is the letter whose PDF a to-post notice carries; the PDF
	// is also copied to data_dir/print/PrintName.
	PostLetter int64  `json:"post_letter,omitempty"`
	PrintName  string `json:"print_name,omitempty"`
	// Files are stored attachments (forwarded to staff, relayed).
	Files []draftFile `json:"files,omitempty"`
	// Fallback is the body of an alert when its template cannot be
	// rendered: the officer must hear of trouble even when the templates
	// are broken.
	Fallback string `json:"fallback,omitempty"`
}

// draftFile is a stored file to attach.
type draftFile struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Path        string `json:"path"` // relative to the data directory
}

// RenderFunc renders a letter (letters.Render in production).
type RenderFunc func(set *templates.Set, l letters.Letter) (*letters.Rendered, error)

// render renders l and turns a panic of the renderer into an error.
func (d *Daemon) render(l letters.Letter) (r *letters.Rendered, err error) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("letter renderer panicked", "kind", l.Kind, "number", l.Number, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r, err = nil, fmt.Errorf("render %s: panic: %v", l.Kind, p)
		}
	}()
	return d.Render(d.templates, l)
}

// extraTypes are the typed values of letters.Letter.Extra per key, so that a
// letter read back from its JSON renders exactly as it would have from the
// values themselves (a time stays a time, a person a person). Keys not
// listed decode to plain JSON values.
var extraTypes = map[string]func() any{
	"Complainant": func() any { return new(letters.Person) },
	"From":        func() any { return new(letters.Person) },
	"Addressee":   func() any { return new(letters.Person) },
	"Hearing":     func() any { return new(bool) },
	"Withheld":    func() any { return new([]string) },
	"Reply":       func() any { return new(string) },
	"Line":        func() any { return new(int) },
	"Command":     func() any { return new(string) },
	"LetterKind":  func() any { return new(string) },
	"Status":      func() any { return new(string) },
	"See":         func() any { return new(string) },
	"Subject":     func() any { return new(string) },
	"Open":        func() any { return new([]DigestRow) },
	"DueThisWeek": func() any { return new([]DigestRow) },
	"Overdue":     func() any { return new([]DigestRow) },
	"ToPost":      func() any { return new([]DigestRow) },
}

// encodeLetter is the stored form of a letter (letters.data, draft.Notice).
func encodeLetter(l letters.Letter) ([]byte, error) {
	b, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("encode %s letter: %w", l.Kind, err)
	}
	return b, nil
}

// decodeLetter reads a letter back from its stored form.
func decodeLetter(data []byte) (letters.Letter, error) {
	var s struct {
		letters.Letter
		AppealWithin json.RawMessage            `json:"AppealWithin"`
		Extra        map[string]json.RawMessage `json:"Extra"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return letters.Letter{}, fmt.Errorf("decode letter: %w", err)
	}
	l := s.Letter
	l.AppealWithin, l.Extra = nil, nil
	if len(s.AppealWithin) > 0 && string(s.AppealWithin) != "null" {
		var t procedure.Term
		if err := json.Unmarshal(s.AppealWithin, &t); err != nil {
			return letters.Letter{}, fmt.Errorf("decode letter: AppealWithin: %w", err)
		}
		l.AppealWithin = t
	}
	if s.Extra != nil {
		l.Extra = make(map[string]any, len(s.Extra))
		for k, raw := range s.Extra {
			var v any
			if mk := extraTypes[k]; mk != nil {
				p := mk()
				if err := json.Unmarshal(raw, p); err != nil {
					return letters.Letter{}, fmt.Errorf("decode letter: Extra.%s: %w", k, err)
				}
				v = deref(p)
			} else if err := json.Unmarshal(raw, &v); err != nil {
				return letters.Letter{}, fmt.Errorf("decode letter: Extra.%s: %w", k, err)
			}
			l.Extra[k] = v
		}
	}
	localDates(&l)
	return l, nil
}

func deref(p any) any {
	switch v := p.(type) {
	case *letters.Person:
		return *v
	case *bool:
		return *v
	case *[]string:
		return *v
	case *string:
		return *v
	case *int:
		return *v
	case *[]DigestRow:
		rows := *v
		for i := range rows {
			if !rows[i].DecideBy.IsZero() {
				rows[i].DecideBy = rows[i].DecideBy.In(procedure.Amsterdam)
			}
		}
		return rows
	}
	return p
}

// composed is a rendered draft, ready to be stored.
type composed struct {
	raw               []byte
	pdf               []byte // a letter's PDF, nil otherwise
	subject, text, ht string
}

// errWaiting means a draft waits for another row (the letter whose PDF it
// carries); it is not a failure to report.
var errWaiting = errors.New("waits for its letter")

// compose turns the draft of o into bytes. It reads from the store but does
// not change it; a panic anywhere in it is an error.
func (d *Daemon) compose(ctx context.Context, o *store.Outgoing) (c *composed, err error) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("composing a mail panicked", "outbox", o.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			c, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	var dr draft
	if err := json.Unmarshal([]byte(o.Draft), &dr); err != nil {
		return nil, fmt.Errorf("decode draft: %w", err)
	}
	out := dr.Mail
	c = &composed{}
	var letter, postLetter *store.Letter
	if err := d.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if o.LetterID != 0 {
			if letter, err = tx.Letter(o.LetterID); err != nil {
				return err
			}
		}
		if dr.PostLetter != 0 {
			if postLetter, err = tx.Letter(dr.PostLetter); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	switch {
	case letter != nil:
		l, err := decodeLetter([]byte(letter.Data))
		if err != nil {
			return nil, err
		}
		r, err := d.render(l)
		if err != nil {
			return nil, err
		}
		out.Subject, out.Text, out.HTML = r.Subject, r.Text, r.HTML
		if r.PDF != nil {
			c.pdf = r.PDF
			out.Attachments = append(out.Attachments, mailbox.OutAttachment{Filename: r.Filename, ContentType: "application/pdf", Data: r.PDF})
		}
	case dr.Notice != nil:
		l, err := decodeLetter(dr.Notice)
		if err != nil {
			return nil, err
		}
		r, err := d.render(l)
		switch {
		case err != nil && dr.Fallback != "":
			d.log.Error("alert template failed; sending the plain alert", "kind", l.Kind, "err", err)
			out.Subject, out.Text = fallbackSubject(l), dr.Fallback
		case err != nil:
			return nil, err
		default:
			out.Subject, out.Text, out.HTML = r.Subject, r.Text, r.HTML
		}
	}
	for _, f := range dr.Files {
		data, err := d.store.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		out.Attachments = append(out.Attachments, mailbox.OutAttachment{Filename: f.Filename, ContentType: f.ContentType, Data: data})
	}
	if postLetter != nil {
		if postLetter.PDFPath == "" {
			return nil, fmt.Errorf("the %s letter is not rendered: %w", postLetter.Kind, errWaiting)
		}
		pdf, err := d.store.ReadFile(postLetter.PDFPath)
		if err != nil {
			return nil, err
		}
		if err := d.printCopy(dr.PrintName, pdf); err != nil {
			return nil, err
		}
		out.Attachments = append(out.Attachments, mailbox.OutAttachment{Filename: dr.PrintName, ContentType: "application/pdf", Data: pdf})
	}
	raw, err := mailbox.Compose(out)
	if err != nil {
		return nil, err
	}
	c.raw, c.subject, c.text, c.ht = raw, out.Subject, out.Text, out.HTML
	return c, nil
}

// fallbackSubject is the subject of an alert whose template failed.
func fallbackSubject(l letters.Letter) string {
	s := "klachtd: "
	if l.Number != "" {
		s = "[" + l.Number + "] " + s
	}
	if l.Language == "nl" {
		return s + "let op"
	}
	return s + "attention"
}

// printCopy drops a letter's PDF into data_dir/print/ for the officer.
func (d *Daemon) printCopy(name string, pdf []byte) error {
	if name == "" || name != filepath.Base(name) {
		return fmt.Errorf("print copy: bad file name %q", name)
	}
	dir := filepath.Join(d.store.DataDir(), "print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create print dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o600); err != nil {
		return fmt.Errorf("write print copy: %w", err)
	}
	return nil
}

// renderDue renders up to limit rows waiting for it, in the order they were
// queued. It returns how many rows it tried, and an error only about the
// store (the step then ends and is tried again).
func (d *Daemon) renderDue(ctx context.Context, limit int) (int, error) {
	done := 0
	for done < limit && !d.stopping() {
		var rows []*store.Outgoing
		if err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			rows, err = tx.ToRender(min(limit-done, 50))
			return err
		}); err != nil {
			return done, err
		}
		if len(rows) == 0 {
			return done, nil
		}
		for _, o := range rows {
			if d.stopping() {
				return done, nil
			}
			if _, err := d.renderOne(ctx, o); err != nil {
				return done, err
			}
			done++
		}
	}
	return done, nil
}

// renderOne renders one row and records the outcome. It reports whether the
// row was rendered; the error is about the store only.
func (d *Daemon) renderOne(ctx context.Context, o *store.Outgoing) (bool, error) {
	d.crash("before-render")
	c, err := d.compose(ctx, o)
	if err != nil && store.Transient(err) {
		return false, err
	}
	if err != nil {
		return false, d.renderFailed(ctx, o, err)
	}
	rawPath, sum, size, err := d.store.PutFile("mail", bytes.NewReader(c.raw))
	if err != nil {
		return false, err
	}
	var pdfPath string
	if c.pdf != nil {
		if pdfPath, _, _, err = d.store.PutFile("letters", bytes.NewReader(c.pdf)); err != nil {
			return false, err
		}
	}
	err = d.store.Tx(ctx, func(tx *store.Tx) error {
		if first, err := tx.MarkRendered(o.ID, d.Now()); err != nil || !first {
			return err // !first: rendered meanwhile; those bytes stand
		}
		if err := tx.SetMessageContent(o.MessageRef, rawPath, sum, size, c.subject, c.text, c.ht); err != nil {
			return err
		}
		if o.LetterID != 0 {
			return tx.SetLetterRendered(o.LetterID, pdfPath)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if o.RenderError != "" {
		d.log.Info("mail rendered after an earlier failure", "outbox", o.ID)
	}
	return true, nil
}

// renderFailed records that a row could not be rendered: the row (and its
// letter) are marked and wait for the next start; the first time, the
// failure is an event of the dossier and the officer is alerted.
func (d *Daemon) renderFailed(ctx context.Context, o *store.Outgoing, cause error) error {
	why := cause.Error()
	waiting := errors.Is(cause, errWaiting)
	log := d.log.With("outbox", o.ID, "err", why)
	if waiting {
		log.Warn("mail waits for a letter that could not be rendered")
	} else {
		log.Error("mail could not be rendered; it will be rendered again at the next start")
	}
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkRenderFailed(o.ID, why, d.Now())
		if err != nil {
			return err
		}
		msg, err := tx.Message(o.MessageRef)
		if err != nil {
			return err
		}
		org, dos, err := d.orgOf(tx, msg.DossierID, o.Mailbox)
		if err != nil {
			return err
		}
		lang := "en"
		if org != nil {
			lang = org.Language
		}
		rcpts := strings.Join(o.Recipients, ", ")
		what, whatEN := pick(lang, "het bericht aan "+rcpts, "the mail to "+rcpts), "the mail to "+rcpts
		if o.LetterID != 0 {
			l, err := tx.Letter(o.LetterID)
			if err != nil {
				return err
			}
			if err := tx.SetLetterRenderError(l.ID, why); err != nil {
				return err
			}
			whatEN = fmt.Sprintf("the %s letter to %s", l.Kind, l.Recipient)
			what = pick(lang, fmt.Sprintf("de brief %q aan %s", templates.KindName(lang, l.Kind), l.Recipient), whatEN)
		} else if k := draftKind(o); k != "" && k != "relay" {
			whatEN = fmt.Sprintf("the %s notice to %s", k, rcpts)
			what = pick(lang, fmt.Sprintf("het bericht %q aan %s", templates.KindName(lang, k), rcpts), whatEN)
		}
		if !first || waiting {
			return nil
		}
		if err := tx.AddEvent(&store.Event{DossierID: msg.DossierID, Actor: "klachtd", Action: "render failed",
			Detail: fmt.Sprintf("%s could not be made: %s; it will be made again when klachtd starts", whatEN, why), MessageRef: msg.ID}); err != nil {
			return err
		}
		if draftKind(o) == "alert" || org == nil {
			return nil // an alert about an alert would never end
		}
		return d.officerAlert(tx, org, dos, "",
			say(org, "%s kon niet worden opgemaakt", "%s could not be made", what),
			capitalise(say(org, "%s kon niet worden opgemaakt en is niet verstuurd: %s. De klacht is wel geregistreerd. Herstel de oorzaak (bijvoorbeeld de sjablonen in templates_dir) en start klachtd opnieuw: dan wordt het opnieuw opgemaakt en verstuurd.",
				"%s could not be made and was not sent: %s. The complaint is registered. Fix the cause (for instance the templates in templates_dir) and start klachtd again: it is then made and sent.", what, why)),
			"klachtd show")
	})
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// pick chooses the Dutch or English text for a language.
func pick(lang, nl, en string) string {
	if lang == "nl" {
		return nl
	}
	return en
}

// orgOf returns the organisation (and dossier, if any) a mail is about: the
// dossier's, else the sending mailbox's.
func (d *Daemon) orgOf(tx *store.Tx, dossierID int64, mailboxAddr string) (*config.Organisation, *store.Dossier, error) {
	if dossierID != 0 {
		dos, err := tx.DossierByID(dossierID)
		if err != nil {
			return nil, nil, err
		}
		if org := d.cfg.Organisation(dos.Organisation); org != nil {
			return org, dos, nil
		}
	}
	if mb := d.mailboxFor(mailboxAddr); mb != nil {
		return d.organisation(mb), nil, nil
	}
	if len(d.cfg.Organisations) > 0 {
		return d.cfg.Organisations[0], nil, nil
	}
	return nil, nil, nil
}

// draftKind returns the kind of the mail in an outbox row's draft.
func draftKind(o *store.Outgoing) string {
	var dr struct {
		Kind string `json:"kind"`
	}
	if json.Unmarshal([]byte(o.Draft), &dr) != nil {
		return ""
	}
	return dr.Kind
}

// RenderDrafts renders every outbox row still holding a draft, as the
// outbox sender does before it sends; for tests and tools that read the
// mail klachtd queued without sending it.
func (d *Daemon) RenderDrafts(ctx context.Context) error {
	_, err := d.renderDue(ctx, math.MaxInt)
	return err
}
