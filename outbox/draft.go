// Package outbox is the way out of a transaction: what the transaction
// that causes an outgoing mail fixes of it (the headers, the recipients,
// the typed data of a letter or notice) is a Draft on its outbox row, and
// after the commit the render step (Renderer) turns the draft into the
// exact bytes that are stored and sent, with a letter's PDF.
package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/store/files"
	"github.com/klachtd/klachtd/templates"
)

// Rendering happens after the commit (docs/architecture.md "The boundary").
// The transaction that causes a mail fixes everything about it that must
// not change (Message-ID, Date, recipients, threading headers, the typed
// data of the letter) and stores it as a Draft on the outbox row. The render
// step, in the outbox sender, turns a Draft into the exact bytes, stores
// them (and a letter's PDF) content-addressed and marks the row rendered;
// from then on the stored bytes are what is sent and reprinted, and a retry
// never renders again. A render that fails or panics leaves the dossier as
// it was registered: the row is marked, the officer is told once, and it is
// rendered again at the next start of run or once.

// Draft is an outgoing mail as its transaction fixed it.
type Draft struct {
	// Kind is the letter or notice kind (acknowledgement, alert, …), or
	// "relay".
	Kind string `json:"kind"`
	// Mail holds the headers. Subject, Text and HTML are set here only for
	// mail that is not rendered from a template (relays).
	Mail mailbox.Outgoing `json:"mail"`
	// Notice is the letter data (letters.Encode) of an internal notice
	// (notification, alert, …), rendered into Subject, Text and HTML. A letter of a
	// dossier is rendered from its letters row instead (outbox letter_id),
	// and its PDF is attached and stored.
	Notice json.RawMessage `json:"notice,omitempty"`
	// PostLetter is the letter whose PDF a to-post notice carries; the PDF
	// is also copied to data_dir/print/PrintName.
	PostLetter int64  `json:"post_letter,omitempty"`
	PrintName  string `json:"print_name,omitempty"`
	// Files are stored attachments (forwarded to staff, relayed).
	Files []File `json:"files,omitempty"`
	// Fallback is the body of an alert when its template cannot be
	// rendered: the officer must hear of trouble even when the templates
	// are broken.
	Fallback string `json:"fallback,omitempty"`
}

// File is a stored file to attach.
type File struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Path        string `json:"path"` // relative to the data directory
}

// Renderer is the render step: it turns drafts into stored bytes.
type Renderer struct {
	Store      *store.Store
	Templates  *templates.Set
	RenderFunc RenderFunc // letters.Render in production; a panic in it is an error of that one mail
	Now        func() time.Time
	Log        *slog.Logger
}

// RenderFunc renders a letter (letters.Render in production).
type RenderFunc func(set *templates.Set, d letters.Data) (*letters.Rendered, error)

// RenderLetter renders d and turns a panic of the renderer into an error.
func (r *Renderer) RenderLetter(d letters.Data) (out *letters.Rendered, err error) {
	l := d.Envelope()
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("letter renderer panicked", "kind", l.Kind, "number", l.Number, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			out, err = nil, fmt.Errorf("render %s: panic: %v", l.Kind, p)
		}
	}()
	return r.RenderFunc(r.Templates, d)
}

// Composed is a rendered draft, ready to be stored.
type Composed struct {
	raw               []byte
	pdf               []byte // a letter's PDF, nil otherwise
	subject, text, ht string
}

// ErrWaiting means a Draft waits for another row (the letter whose PDF it
// carries); it is not a failure to report.
var ErrWaiting = errors.New("waits for its letter")

// Compose turns the Draft of o into bytes. It reads from the store but does
// not change it; a panic anywhere in it is an error.
func (r *Renderer) Compose(ctx context.Context, o *store.Outgoing) (c *Composed, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("composing a mail panicked", "outbox", o.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			c, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	var dr Draft
	if err := json.Unmarshal([]byte(o.Draft), &dr); err != nil {
		return nil, fmt.Errorf("decode draft: %w", err)
	}
	out := dr.Mail
	c = &Composed{}
	var letter, postLetter *store.Letter
	if err := r.Store.View(ctx, func(tx *store.Tx) error {
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
		l, err := letters.Decode([]byte(letter.Data))
		if err != nil {
			return nil, err
		}
		rendered, err := r.RenderLetter(l)
		if err != nil {
			return nil, err
		}
		out.Subject, out.Text, out.HTML = rendered.Subject, rendered.Text, rendered.HTML
		if rendered.PDF != nil {
			c.pdf = rendered.PDF
			out.Attachments = append(out.Attachments, mailbox.OutAttachment{Filename: rendered.Filename, ContentType: "application/pdf", Data: rendered.PDF})
		}
	case dr.Notice != nil:
		l, err := letters.Decode(dr.Notice)
		if err != nil {
			return nil, err
		}
		rendered, err := r.RenderLetter(l)
		switch {
		case err != nil && dr.Fallback != "":
			r.Log.Error("alert template failed; sending the plain alert", "kind", l.Envelope().Kind, "err", err)
			out.Subject, out.Text = FallbackSubject(l.Envelope()), dr.Fallback
		case err != nil:
			return nil, err
		default:
			out.Subject, out.Text, out.HTML = rendered.Subject, rendered.Text, rendered.HTML
		}
	}
	for _, f := range dr.Files {
		data, err := r.Store.Files().Read(f.Path)
		if err != nil {
			return nil, err
		}
		out.Attachments = append(out.Attachments, mailbox.OutAttachment{Filename: f.Filename, ContentType: f.ContentType, Data: data})
	}
	if postLetter != nil {
		if postLetter.PDFPath == "" {
			return nil, fmt.Errorf("the %s letter is not rendered: %w", postLetter.Kind, ErrWaiting)
		}
		pdf, err := r.Store.Files().Read(postLetter.PDFPath)
		if err != nil {
			return nil, err
		}
		if err := r.printCopy(dr.PrintName, pdf); err != nil {
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

// FallbackSubject is the subject of an alert whose template failed.
func FallbackSubject(l *letters.Letter) string {
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
func (r *Renderer) printCopy(name string, pdf []byte) error {
	if name == "" || name != filepath.Base(name) {
		return fmt.Errorf("print copy: bad file name %q", name)
	}
	dir := filepath.Join(r.Store.DataDir(), "print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create print dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o600); err != nil {
		return fmt.Errorf("write print copy: %w", err)
	}
	return nil
}

// Render renders one row and stores the outcome: the bytes, a letter's
// PDF, and the row marked rendered. cause is why the row could not be
// rendered, for the caller to record (nothing is stored then); err is a
// failure of the store, and then nothing was decided.
func (r *Renderer) Render(ctx context.Context, o *store.Outgoing) (cause, err error) {
	c, err := r.Compose(ctx, o)
	if err != nil && store.Transient(err) {
		return nil, err
	}
	if err != nil {
		return err, nil
	}
	raw, err := r.Store.Files().Put(files.Mail, bytes.NewReader(c.raw))
	if err != nil {
		return nil, err
	}
	var pdf files.File
	if c.pdf != nil {
		if pdf, err = r.Store.Files().Put(files.Letters, bytes.NewReader(c.pdf)); err != nil {
			return nil, err
		}
	}
	err = r.Store.Tx(ctx, func(tx *store.Tx) error {
		if first, err := tx.MarkRendered(o.ID, r.Now()); err != nil || !first {
			return err // !first: rendered meanwhile; those bytes stand
		}
		if err := tx.SetMessageContent(o.MessageRef, raw.Rel, raw.Sum, raw.Size, c.subject, c.text, c.ht); err != nil {
			return err
		}
		if o.LetterID != 0 {
			return tx.SetLetterRendered(o.LetterID, pdf.Rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.RenderError != "" {
		r.Log.Info("mail rendered after an earlier failure", "outbox", o.ID)
	}
	return nil, nil
}

// Queue files an outgoing mail as a message of the dossier (dos may
// be nil), without its bytes, and enqueues it with its draft for the render
// step.
func Queue(tx *store.Tx, dos *store.Dossier, direction, kind string, dr Draft, now time.Time) (*store.Message, error) {
	out := &dr.Mail
	if out.Date.IsZero() {
		out.Date = now
	}
	if out.From == nil || out.From.Address == "" {
		return nil, fmt.Errorf("queue %s: no From address", kind)
	}
	// The thread is made of the Message-IDs people's mail carried; one
	// that is not a msg-id (RFC 5322 section 3.6.4: no "@", blanks inside)
	// cannot be written into In-Reply-To or References, and would make the
	// mail impossible to compose. The thread does without it.
	if !threadable(out.InReplyTo) {
		out.InReplyTo = ""
	}
	var refs []string
	for _, id := range out.References {
		if threadable(id) {
			refs = append(refs, id)
		}
	}
	out.References = refs
	m := &store.Message{Direction: direction, Kind: kind, MessageID: out.MessageID,
		FromAddr: out.From.Address, FromName: out.From.Name, Subject: out.Subject, Date: out.Date,
		ReceivedAt: out.Date, References: out.References, Text: out.Text}
	if out.InReplyTo != "" {
		m.InReplyTo = []string{out.InReplyTo}
	}
	var rcpts []string
	for _, a := range out.To {
		m.To = append(m.To, a.Address)
		rcpts = append(rcpts, a.Address)
	}
	for _, a := range out.Cc {
		m.Cc = append(m.Cc, a.Address)
		rcpts = append(rcpts, a.Address)
	}
	if dos != nil {
		m.DossierID = dos.ID
	}
	if err := tx.InsertMessage(m); err != nil {
		return nil, err
	}
	b, err := json.Marshal(dr)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", kind, err)
	}
	mb := out.From.Address
	if err := tx.Enqueue(&store.Outgoing{MessageRef: m.ID, Mailbox: mb, EnvFrom: mb, Recipients: rcpts,
		CreatedAt: now, Draft: string(b)}); err != nil {
		return nil, err
	}
	return m, nil
}

// threadable reports whether id (without angle brackets) can stand in
// In-Reply-To or References: id-left "@" id-right, without brackets,
// blanks or control characters (RFC 5322 section 3.6.4).
func threadable(id string) bool {
	if !strings.Contains(id, "@") {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' {
			return false
		}
	}
	return true
}
