package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
)

// row is one dossier in the register.
type row struct {
	*store.Dossier
	Overdue bool
	ToPost  []string
	OrgName string
}

// registerPage is the register: the selected rows and the figures of
// `klachtd list` (open, overdue, to post) over the user's organisations.
type registerPage struct {
	Rows                  []row
	View, Query, Handler  string
	Handlers              []string
	Open, Overdue, ToPost int
	ManyOrgs              bool
}

// views of the register.
var views = []string{"open", "overdue", "topost", "all"}

func (s *Server) register(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	p := registerPage{View: q.Get("view"), Query: strings.TrimSpace(q.Get("q")), Handler: q.Get("handler"), ManyOrgs: len(u.Orgs) > 1}
	if !slices.Contains(views, p.View) {
		p.View = "open"
	}
	now := s.Now()
	var all []row
	err := s.store.View(r.Context(), func(tx *store.Tx) error {
		toPost, err := register.ToPost(tx)
		if err != nil {
			return err
		}
		for _, o := range u.Orgs {
			ds, err := tx.Dossiers(store.DossierFilter{Organisation: o.ID})
			if err != nil {
				return err
			}
			for _, d := range ds {
				all = append(all, row{Dossier: d, Overdue: register.Overdue(d, now), ToPost: toPost[d.ID], OrgName: o.Name})
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	handlers := map[string]bool{}
	needle := strings.ToLower(p.Query)
	for _, d := range all {
		open := slices.Contains(register.Open, d.Status)
		if open {
			p.Open++
			if d.Handler != "" {
				handlers[d.Handler] = true
			}
		}
		if d.Overdue {
			p.Overdue++
		}
		if len(d.ToPost) > 0 {
			p.ToPost++
		}
		switch {
		case p.View == "open" && !open, p.View == "overdue" && !d.Overdue, p.View == "topost" && len(d.ToPost) == 0:
			continue
		case p.Handler != "" && d.Handler != p.Handler:
			continue
		case needle != "" && !strings.Contains(strings.ToLower(d.Number), needle) &&
			!strings.Contains(strings.ToLower(d.ComplainantName), needle) && !strings.Contains(strings.ToLower(d.ComplainantEmail), needle):
			continue
		}
		p.Rows = append(p.Rows, d)
	}
	for h := range handlers {
		p.Handlers = append(p.Handlers, h)
	}
	sort.Strings(p.Handlers)
	if p.Handler != "" && !handlers[p.Handler] {
		p.Handlers = append(p.Handlers, p.Handler)
	}
	// Most recent first: the register is read from the top.
	slices.Reverse(p.Rows)
	s.render(w, r, u, http.StatusOK, "register", p)
}

// entry is one line of a dossier's thread: a message or an event.
type entry struct {
	At          time.Time
	Message     *store.Message
	Attachments []*store.Attachment
	Event       *store.Event
}

// dossierPage is one dossier with everything filed in it.
type dossierPage struct {
	D       *store.Dossier
	Org     *config.Organisation
	Overdue bool
	Terms   []register.Term
	Letters []letterRow
	Thread  []entry
	Officer bool
	Today   string
	Error   string // why an action failed, already translated
	Done    string // what an action did, already translated
}

// letterRow is a letter with what the page needs to offer for it.
type letterRow struct {
	*store.Letter
	Waiting bool // on paper still to be posted
}

// loadDossier reads a dossier of one of the user's organisations; a
// dossier of any other organisation is store.ErrNotFound.
func (s *Server) loadDossier(r *http.Request, u *user, number string) (*dossierPage, error) {
	p := &dossierPage{}
	err := s.store.View(r.Context(), func(tx *store.Tx) error {
		d, err := tx.Dossier(number)
		if err != nil {
			return err
		}
		if p.Org = u.org(d.Organisation); p.Org == nil {
			return store.ErrNotFound
		}
		p.D = d
		ls, err := tx.Letters(d.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			p.Letters = append(p.Letters, letterRow{Letter: l, Waiting: l.PostWanted && l.PostedAt.IsZero()})
		}
		msgs, err := tx.Messages(d.ID)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			atts, err := tx.Attachments(m.ID)
			if err != nil {
				return err
			}
			at := m.ReceivedAt
			if at.IsZero() {
				at = m.FiledAt
			}
			p.Thread = append(p.Thread, entry{At: at, Message: m, Attachments: atts})
		}
		evs, err := tx.Events(d.ID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			p.Thread = append(p.Thread, entry{At: e.At, Event: e})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(p.Thread, func(i, j int) bool { return p.Thread[i].At.Before(p.Thread[j].At) })
	p.Overdue = register.Overdue(p.D, s.Now())
	p.Terms = register.Terms(p.D)
	p.Officer = u.IsOfficer(p.D.Organisation)
	p.Today = isoDay(s.Now())
	return p, nil
}

// dossierOr404 loads a dossier for a handler, answering 404 for one that
// does not exist or is not the user's alike.
func (s *Server) dossierOr404(w http.ResponseWriter, r *http.Request, u *user) *dossierPage {
	number := r.PathValue("number")
	p, err := s.loadDossier(r, u, number)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, u)
		return nil
	}
	if err != nil {
		s.fail(w, r, u, err)
		return nil
	}
	return p
}

func (s *Server) dossier(w http.ResponseWriter, r *http.Request, u *user) {
	p := s.dossierOr404(w, r, u)
	if p == nil {
		return
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("posted"), 10, 64); err == nil {
		p.Done = s.postedNotice(u, p.Letters, id)
	}
	s.render(w, r, u, http.StatusOK, "dossier", p)
}

func (s *Server) postedNotice(u *user, ls []letterRow, id int64) string {
	for _, l := range ls {
		if l.ID == id && !l.PostedAt.IsZero() {
			lang := s.lang(u)
			return tr(lang, "posted_done", word(lang, "kind", l.Kind), day(lang, l.PostedAt))
		}
	}
	return ""
}

// id parses the {id} of a path; anything but a positive number is no id.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// letterPDF downloads the PDF of a letter of the dossier.
func (s *Server) letterPDF(w http.ResponseWriter, r *http.Request, u *user) {
	p := s.dossierOr404(w, r, u)
	if p == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r, u)
		return
	}
	for _, l := range p.Letters {
		if l.ID == id && l.PDFPath != "" {
			s.sendFile(w, r, u, l.PDFPath, "application/pdf", fmt.Sprintf("%s-%s.pdf", p.D.Number, l.Kind))
			return
		}
	}
	s.notFound(w, r, u)
}

// attachment downloads an attachment of a message of the dossier.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request, u *user) {
	p := s.dossierOr404(w, r, u)
	if p == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r, u)
		return
	}
	for _, e := range p.Thread {
		for _, a := range e.Attachments {
			if a.ID == id && a.Path != "" {
				s.sendFile(w, r, u, a.Path, safeType(a.ContentType), a.Filename)
				return
			}
		}
	}
	s.notFound(w, r, u)
}

// safeType keeps the content types a browser shows without running
// anything; everything else downloads as bytes.
func safeType(ct string) string {
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch t {
	case "application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain":
		return t
	}
	return "application/octet-stream"
}

// sendFile sends a stored file as a download. The path comes from the
// store, never from the request, and must stay inside the data directory.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, u *user, rel, contentType, name string) {
	if !filepath.IsLocal(rel) {
		s.log.Error("stored path leaves the data directory", "path", rel)
		s.notFound(w, r, u)
		return
	}
	b, err := s.store.ReadFile(rel)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\"`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = "bijlage"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// posted records that the officer printed and posted a letter, through
// the same code as the "Verzonden:" mail command and `klachtd posted`
// (store.Tx.RecordPosted), with the web as the event's channel.
func (s *Server) posted(w http.ResponseWriter, r *http.Request, u *user) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	_ = r.ParseForm()
	back := r.PostForm.Get("back")
	p := s.dossierOr404(w, r, u)
	if p == nil {
		return
	}
	id, ok := pathID(r)
	var letter *letterRow
	for i := range p.Letters {
		if ok && p.Letters[i].ID == id {
			letter = &p.Letters[i]
		}
	}
	if letter == nil {
		s.notFound(w, r, u)
		return
	}
	lang := s.lang(u)
	failed := func(msg string) {
		if back == "print" {
			s.renderPrint(w, r, u, http.StatusUnprocessableEntity, msg, "")
			return
		}
		p.Error = msg
		s.render(w, r, u, http.StatusUnprocessableEntity, "dossier", p)
	}
	if !u.IsOfficer(p.D.Organisation) {
		failed(tr(lang, "err_officer"))
		return
	}
	at, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.PostForm.Get("date")), procedure.Amsterdam)
	switch {
	case err != nil:
		failed(tr(lang, "err_date"))
		return
	case at.After(s.Now()):
		failed(tr(lang, "err_future"))
		return
	case at.Before(procedure.StartOfDay(letter.CreatedAt)):
		failed(tr(lang, "err_before", day(lang, letter.CreatedAt)))
		return
	case !letter.Waiting:
		failed(tr(lang, "err_not_waiting"))
		return
	}
	// RecordPosted takes the newest letter of the kind that was sent to
	// the post; make sure that is the one the officer pressed.
	for _, l := range p.Letters {
		if l.Kind == letter.Kind && l.PostWanted && l.ID > letter.ID {
			failed(tr(lang, "err_not_latest"))
			return
		}
	}
	err = s.store.Tx(r.Context(), func(tx *store.Tx) error {
		tx.SetChannel("web")
		d, err := tx.Dossier(p.D.Number)
		if err != nil {
			return err
		}
		return tx.RecordPosted(d, letter.Kind, at, u.Email, 0)
	})
	if err != nil {
		failed(err.Error())
		return
	}
	s.log.Info("letter posted", "dossier", p.D.Number, "kind", letter.Kind, "by", u.Email)
	target := fmt.Sprintf("%s?posted=%d", s.path("/dossiers/"+p.D.Number), letter.ID)
	if back == "print" {
		target = fmt.Sprintf("%s?posted=%d&dossier=%s", s.path("/print"), letter.ID, p.D.Number)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// printItem is a letter waiting for the post, with its dossier.
type printItem struct {
	Letter  *store.Letter
	Dossier *store.Dossier
}

type printPage struct {
	Items []printItem
	Today string
	Error string
	Done  string
}

func (s *Server) printQueue(w http.ResponseWriter, r *http.Request, u *user) {
	done := ""
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("posted"), 10, 64); err == nil {
		if d, err := s.loadDossier(r, u, q.Get("dossier")); err == nil && d.Officer {
			done = s.postedNotice(u, d.Letters, id)
		}
	}
	s.renderPrint(w, r, u, http.StatusOK, "", done)
}

// renderPrint shows the letters waiting for the post in the organisations
// where the user is the officer.
func (s *Server) renderPrint(w http.ResponseWriter, r *http.Request, u *user, status int, errMsg, done string) {
	if !u.AnyOfficer() {
		s.forbidden(w, r, u)
		return
	}
	p := printPage{Today: isoDay(s.Now()), Error: errMsg, Done: done}
	err := s.store.View(r.Context(), func(tx *store.Tx) error {
		ls, err := tx.LettersToPost()
		if err != nil {
			return err
		}
		for _, l := range ls {
			d, err := tx.DossierByID(l.DossierID)
			if err != nil {
				return err
			}
			if u.IsOfficer(d.Organisation) {
				p.Items = append(p.Items, printItem{Letter: l, Dossier: d})
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, u, status, "print", p)
}
