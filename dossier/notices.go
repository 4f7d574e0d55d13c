package dossier

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/outbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// WorkingRoute returns the address of a mailbox to send a notice through,
// one whose sending is not broken: the preferred one if it works, else one
// of the same organisation, else any. "" if there is none.
func (r *Rules) WorkingRoute(tx *store.Tx, org *config.Organisation, preferred, exclude string) (string, error) {
	broken := map[string]bool{}
	conds, err := tx.ActiveConditions()
	if err != nil {
		return "", err
	}
	for _, c := range conds {
		if kind, addr := c.Split(); kind == "smtp" {
			broken[addr] = true
		}
	}
	ok := func(mb *config.Mailbox) bool { return mb.Address != exclude && !broken[mb.Address] }
	if mb := r.Mailbox(preferred); mb != nil && ok(mb) {
		return mb.Address, nil
	}
	for _, mb := range r.Cfg.Mailboxes {
		if mb.Organisation == org.ID && ok(mb) {
			return mb.Address, nil
		}
	}
	for _, mb := range r.Cfg.Mailboxes {
		if ok(mb) {
			return mb.Address, nil
		}
	}
	return "", nil
}

// AlertOf is an alert to the officer of org about dos (nil: about no
// dossier) that tells why.
func (r *Rules) AlertOf(org *config.Organisation, dos *store.Dossier, why string) *letters.Alert {
	return &letters.Alert{Letter: r.Notice(org, dos, "alert", org.Officer), Complaint: r.Complaint(org, dos), Staff: r.Staff(dos), Reason: why}
}

// OfficerAlert queues an alert to the officer of org about dos (nil: about
// no dossier), sent through the mailbox via ("" for the usual one), with a
// short subject and the whole story; see names the command to look with. It
// carries a plain fallback, so that it goes out even if the alert template
// cannot be rendered, and it is an event.
func (r *Rules) OfficerAlert(tx *store.Tx, org *config.Organisation, dos *store.Dossier, via, short, long, see string) error {
	d := r.AlertOf(org, dos, long)
	d.Extra.Subject, d.Extra.See = short, see
	_, err := r.InternalMail(tx, org, dos, org.Officer, d, func(dr *outbox.Draft) {
		if via != "" {
			dr.Mail.From.Address = via
			dr.Mail.MessageID = newMessageID(dr.Mail.Headers["X-Klachtd-Dossier"], "alert", via)
		}
		dr.Fallback = long + "\n\n" + see + "\n"
	})
	if err != nil {
		return err
	}
	ev := &store.Event{Actor: "klachtd", Action: "alert", Detail: long}
	if dos != nil {
		ev.DossierID = dos.ID
	}
	return tx.AddEvent(ev)
}

// RenderFailed records that a row could not be rendered: the row (and its
// letter) are marked and wait for the next start; the first time, the
// failure is an event of the dossier and the officer is alerted.
func (r *Rules) RenderFailed(tx *store.Tx, o *store.Outgoing, cause error) error {
	why := cause.Error()
	waiting := errors.Is(cause, outbox.ErrWaiting)
	log := r.Log.With("outbox", o.ID, "err", why)
	if waiting {
		log.Warn("mail waits for a letter that could not be rendered")
	} else {
		log.Error("mail could not be rendered; it will be rendered again at the next start")
	}
	first, err := tx.MarkRenderFailed(o.ID, why, r.Now())
	if err != nil {
		return err
	}
	msg, err := tx.Message(o.MessageRef)
	if err != nil {
		return err
	}
	org, dos, err := r.orgOf(tx, msg.DossierID, o.Mailbox)
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
	return r.OfficerAlert(tx, org, dos, "",
		Say(org, "%s kon niet worden opgemaakt", "%s could not be made", what),
		capitalise(Say(org, "%s kon niet worden opgemaakt en is niet verstuurd: %s. De klacht is wel geregistreerd. Herstel de oorzaak (bijvoorbeeld de sjablonen in templates_dir) en start klachtd opnieuw: dan wordt het opnieuw opgemaakt en verstuurd.",
			"%s could not be made and was not sent: %s. The complaint is registered. Fix the cause (for instance the templates in templates_dir) and start klachtd again: it is then made and sent.", what, why)),
		"klachtd show")
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
func (r *Rules) orgOf(tx *store.Tx, dossierID int64, mailboxAddr string) (*config.Organisation, *store.Dossier, error) {
	if dossierID != 0 {
		dos, err := tx.DossierByID(dossierID)
		if err != nil {
			return nil, nil, err
		}
		if org := r.Cfg.Organisation(dos.Organisation); org != nil {
			return org, dos, nil
		}
	}
	if mb := r.Mailbox(mailboxAddr); mb != nil {
		return r.Organisation(mb), nil, nil
	}
	if len(r.Cfg.Organisations) > 0 {
		return r.Cfg.Organisations[0], nil, nil
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

// Scheduled notices go out at this hour of their day (Europe/Amsterdam), so
// nobody gets a reminder at midnight.
const noticeHour = 8

// The weekly digest is due on Monday at noticeHour; a klachtd that was not
// running then sends it on its first run within digestDays (so a first start
// late in the week does not open with a digest).
const digestDays = 3

// due is one scheduled notice of the procedure.
type due struct {
	org   *config.Organisation
	dos   *store.Dossier // nil for organisation-wide notices (digest)
	kind  string         // ack-overdue | reminder | decide-overdue | digest
	key   string         // makes the notice unique: the term it is about
	at    time.Time
	scope string
}

// at8 is the notice time on the date of t.
func at8(t time.Time) time.Time {
	t = t.In(procedure.Amsterdam)
	return time.Date(t.Year(), t.Month(), t.Day(), noticeHour, 0, 0, 0, procedure.Amsterdam)
}

// schedule lists every notice the procedure promises for the open dossiers
// (docs/procedure.md steps 3, 6, 7; docs/spec.md "Terms"):
//   - the acknowledgement not sent by its term: the officer is alerted the
//     day after the term;
//   - `delay_notice_before` the decide-by date: the handler is reminded;
//   - on the decide-by date with no verdict or extension: the officer is
//     alerted;
//   - every Monday: the officer's weekly digest (until Wednesday if klachtd
//     was not running on Monday).
func (r *Rules) schedule(tx *store.Tx, now time.Time) ([]due, error) {
	open, err := tx.Dossiers(store.DossierFilter{Statuses: []string{store.StatusOpen}})
	if err != nil {
		return nil, err
	}
	var out []due
	byOrg := map[string]int{}
	for _, dos := range open {
		org := r.Cfg.Organisation(dos.Organisation)
		if org == nil {
			continue
		}
		byOrg[org.ID]++
		scope := dos.Number
		if dos.AcknowledgedAt.IsZero() && !dos.AcknowledgeBy.IsZero() {
			out = append(out, due{org, dos, "ack-overdue", dos.AcknowledgeBy.Format("2006-01-02"), at8(dos.AcknowledgeBy.AddDate(0, 0, 1)), scope})
		}
		if dos.Verdict == "" && !dos.DecideBy.IsZero() {
			key := dos.DecideBy.In(procedure.Amsterdam).Format("2006-01-02")
			remind := org.Calendar.Before(dos.DecideBy, org.Procedure.DelayNoticeBefore)
			out = append(out, due{org, dos, "reminder", key, at8(remind.Date), scope})
			out = append(out, due{org, dos, "decide-overdue", key, at8(dos.DecideBy), scope})
		}
	}
	for _, org := range r.Cfg.Organisations {
		if byOrg[org.ID] == 0 {
			continue
		}
		n := now.In(procedure.Amsterdam)
		monday := time.Date(n.Year(), n.Month(), n.Day()-(int(n.Weekday())+6)%7, noticeHour, 0, 0, 0, procedure.Amsterdam)
		y, w := monday.ISOWeek()
		if now.Before(monday.AddDate(0, 0, digestDays)) {
			out = append(out, due{org, nil, "digest", fmt.Sprintf("%d-W%02d", y, w), monday, "org:" + org.ID})
		}
		next := monday.AddDate(0, 0, 7)
		y, w = next.ISOWeek()
		out = append(out, due{org, nil, "digest", fmt.Sprintf("%d-W%02d", y, w), next, "org:" + org.ID})
	}
	return out, nil
}

// Notices queues every notice that is due at now and was not sent before,
// in the caller's transaction, and returns when the next notice falls due
// (zero if none).
func (r *Rules) Notices(tx *store.Tx, now time.Time) (next time.Time, err error) {
	items, err := r.schedule(tx, now)
	if err != nil {
		return time.Time{}, err
	}
	for _, it := range items {
		if it.at.After(now) {
			if next.IsZero() || it.at.Before(next) {
				next = it.at
			}
			continue
		}
		fresh, err := tx.RecordNotice(it.scope, it.kind, it.key, now)
		if err != nil {
			return time.Time{}, err
		}
		if !fresh {
			continue
		}
		if err := r.sendNotice(tx, it, now); err != nil {
			return time.Time{}, err
		}
	}
	return next, nil
}

// sendNotice queues one scheduled notice.
func (r *Rules) sendNotice(tx *store.Tx, it due, now time.Time) error {
	org, dos := it.org, it.dos
	switch it.kind {
	case "ack-overdue":
		r.Log.Warn("acknowledgement term passed", "number", dos.Number, "acknowledge_by", procedure.Day(dos.AcknowledgeBy))
		return r.alert(tx, org, dos, "ack-overdue", Say(org, "de ontvangstbevestiging is niet verstuurd vóór %s", "the acknowledgement was not sent by %s", procedure.Day(dos.AcknowledgeBy)))
	case "reminder":
		d := &letters.Reminder{Letter: r.Notice(org, dos, "reminder", dos.Handler), Complaint: r.Complaint(org, dos), Staff: r.Staff(dos)}
		_, err := r.InternalMail(tx, org, dos, dos.Handler, d, nil)
		if err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "reminder",
			Detail: fmt.Sprintf("handler %s reminded: decide by %s", dos.Handler, procedure.Day(dos.DecideBy))})
	case "decide-overdue":
		r.Log.Warn("decide-by date reached without verdict or extension", "number", dos.Number, "decide_by", procedure.Day(dos.DecideBy))
		return r.alert(tx, org, dos, "decide-overdue", Say(org, "de beslistermijn (%s) is bereikt zonder oordeel of uitstel", "the decide-by date %s is reached without a verdict or an extension", procedure.Day(dos.DecideBy)))
	case "digest":
		return r.digest(tx, org, now)
	}
	return fmt.Errorf("unknown notice %q", it.kind)
}

// alert tells the officer about a term problem of a dossier.
func (r *Rules) alert(tx *store.Tx, org *config.Organisation, dos *store.Dossier, what, detail string) error {
	_, err := r.InternalMail(tx, org, dos, org.Officer, r.AlertOf(org, dos, detail), nil)
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "alert", Detail: detail})
}

// digest sends the officer the weekly overview: open dossiers, terms ending
// this week, overdue dossiers and letters waiting to be posted.
func (r *Rules) digest(tx *store.Tx, org *config.Organisation, now time.Time) error {
	open, err := tx.Dossiers(store.DossierFilter{Statuses: []string{store.StatusOpen}, Organisation: org.ID})
	if err != nil {
		return err
	}
	weekEnd := at8(now).AddDate(0, 0, 7)
	var all, thisWeek, overdue, toPost []letters.DigestRow
	for _, dos := range open {
		row := letters.DigestRow{Number: dos.Number, Complainant: firstNonEmpty(dos.ComplainantName, dos.ComplainantEmail), DecideBy: dos.DecideBy.In(procedure.Amsterdam), Handler: dos.Handler}
		all = append(all, row)
		switch {
		case register.Overdue(dos, now):
			overdue = append(overdue, row)
		case dos.DecideBy.Before(weekEnd):
			thisWeek = append(thisWeek, row)
		}
	}
	ls, err := tx.LettersToPost()
	if err != nil {
		return err
	}
	for _, l := range ls {
		dos, err := tx.DossierByID(l.DossierID)
		if err != nil {
			return err
		}
		if dos.Organisation == org.ID {
			toPost = append(toPost, letters.DigestRow{Number: dos.Number, Complainant: firstNonEmpty(dos.ComplainantName, dos.ComplainantEmail), DecideBy: dos.DecideBy.In(procedure.Amsterdam), Kind: l.Kind})
		}
	}
	d := &letters.Digest{Letter: r.Notice(org, nil, "digest", org.Officer)}
	d.Extra.Open, d.Extra.DueThisWeek, d.Extra.Overdue, d.Extra.ToPost = all, thisWeek, overdue, toPost
	_, err = r.InternalMail(tx, org, nil, org.Officer, d, nil)
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{Actor: "klachtd", Action: "digest",
		Detail: fmt.Sprintf("weekly digest for %s: %d open, %d overdue, %d to post", org.ID, len(all), len(overdue), len(toPost))})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Sent records what a sent mail means for its dossier.
func (r *Rules) Sent(tx *store.Tx, o *store.Outgoing, msg *store.Message) error {
	if msg.DossierID == 0 || o.LetterID == 0 {
		return nil
	}
	dos, err := tx.DossierByID(msg.DossierID)
	if err != nil {
		return err
	}
	l, err := tx.Letter(o.LetterID)
	if err != nil {
		return err
	}
	if l.Kind == "acknowledgement" && dos.AcknowledgedAt.IsZero() {
		dos.AcknowledgedAt = r.Now()
		if err := tx.UpdateDossier(dos); err != nil {
			return err
		}
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "sent",
		Detail: fmt.Sprintf("%s letter sent to %s", l.Kind, l.Recipient), MessageRef: msg.ID})
}

// SendFailed handles a mail that cannot be delivered by SMTP: a letter goes
// to the officer to post; anything else is logged in the dossier.
func (r *Rules) SendFailed(tx *store.Tx, o *store.Outgoing, msg *store.Message, sendErr error) error {
	if err := tx.AddEvent(&store.Event{DossierID: msg.DossierID, Actor: "klachtd", Action: "send failed",
		Detail: fmt.Sprintf("mail to %v could not be sent: %v", o.Recipients, sendErr), MessageRef: msg.ID}); err != nil {
		return err
	}
	if msg.DossierID == 0 || o.LetterID == 0 {
		return nil
	}
	l, err := tx.Letter(o.LetterID)
	if err != nil {
		return err
	}
	return r.LetterBounced(tx, l)
}

// TellQuarantined alerts the officer about a quarantined message.
func (r *Rules) TellQuarantined(tx *store.Tx, mb *config.Mailbox, m *store.Message) error {
	org := r.Organisation(mb)
	if org == nil {
		return nil
	}
	what := Say(org, "zonder afzender", "without a sender")
	if m.FromAddr != "" {
		what = Say(org, "%q van %s", "%q from %s", m.Subject, m.FromAddr)
	}
	return r.OfficerAlert(tx, org, nil, "",
		Say(org, "een bericht kon niet worden verwerkt", "a message could not be filed"),
		Say(org, "Een bericht in %s (%s) kon niet worden verwerkt en staat in quarantaine, in de map %s: %s. Het bericht is bewaard zoals het binnenkwam; de volgende berichten worden gewoon verwerkt.",
			"A message in %s (%s) could not be filed and is in quarantine, in the folder %s: %s. It is kept as it came in; the next messages are filed as usual.",
			mb.Address, what, mb.QuarantineFolder, m.Reason),
		"klachtd quarantine")
}
