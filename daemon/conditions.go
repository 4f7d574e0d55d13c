package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// Conditions are failures of the world that last: sending through a
// mailbox is broken ("smtp:ADDRESS"), its IMAP login keeps being refused
// ("imap:ADDRESS"). They live in the store (store.Condition), show in
// `klachtd check` and `klachtd list`, are logged when they start and end,
// and the officer hears of each once when it starts and once when it ends,
// by a route that still works: the SMTP of a mailbox that is not broken, or
// else, when sending works again, one mail that says from when to when it
// was interrupted and how much mail was delayed.

// loginRefusalsToTell is how many refused IMAP logins in a row make a
// condition worth telling: one refusal may be a hiccup of the server's
// password backend; three in a row (about seven seconds apart at first) are
// a password that is wrong or expired.
const loginRefusalsToTell = 3

// splitKey splits a condition key "smtp:info@example.nl".
func splitKey(key string) (kind, address string) {
	kind, address, _ = strings.Cut(key, ":")
	return kind, address
}

// ConditionShown reports whether a condition is to be shown and told:
// a refused IMAP login only once it persists.
func ConditionShown(c *store.Condition) bool {
	if kind, _ := splitKey(c.Key); kind == "imap" {
		return c.Failures >= loginRefusalsToTell
	}
	return true
}

// DescribeCondition says in English what a condition is, for check, list
// and the log.
func DescribeCondition(c *store.Condition, waiting int) string {
	kind, addr := splitKey(c.Key)
	since := c.StartedAt.In(procedure.Amsterdam).Format("2006-01-02 15:04")
	switch kind {
	case "smtp":
		return fmt.Sprintf("sending through %s has failed since %s (%d attempts; %d mail(s) waiting): %s", addr, since, c.Failures, waiting, c.Detail)
	case "imap":
		return fmt.Sprintf("the IMAP login of %s has been refused since %s (%d attempts; no new mail is read): %s", addr, since, c.Failures, c.Detail)
	}
	return fmt.Sprintf("%s since %s: %s", c.Key, since, c.Detail)
}

// raiseCondition records a failure of key in its own transaction.
func (d *Daemon) raiseCondition(ctx context.Context, key, detail string) (*store.Condition, error) {
	var c *store.Condition
	var started bool
	err := d.store.Tx(ctx, func(tx *store.Tx) error {
		var err error
		c, started, err = tx.RaiseCondition(key, detail, d.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if started || c.Failures == loginRefusalsToTell {
		d.log.Error("condition started", "condition", key, "detail", detail)
	}
	return c, nil
}

// endCondition ends the condition key, if active, in tx.
func (d *Daemon) endCondition(tx *store.Tx, key string) error {
	c, err := tx.EndCondition(key, d.Now())
	if err != nil || c == nil {
		return err
	}
	d.log.Info("condition ended", "condition", key, "started", c.StartedAt, "failures", c.Failures)
	return nil
}

// workingRoute returns the address of a mailbox to send a notice through,
// one whose sending is not broken: the preferred one if it works, else one
// of the same organisation, else any. "" if there is none.
func (d *Daemon) workingRoute(tx *store.Tx, org *config.Organisation, preferred, exclude string) (string, error) {
	broken := map[string]bool{}
	conds, err := tx.ActiveConditions()
	if err != nil {
		return "", err
	}
	for _, c := range conds {
		if kind, addr := splitKey(c.Key); kind == "smtp" {
			broken[addr] = true
		}
	}
	ok := func(mb *config.Mailbox) bool { return mb.Address != exclude && !broken[mb.Address] }
	if mb := d.mailboxFor(preferred); mb != nil && ok(mb) {
		return mb.Address, nil
	}
	for _, mb := range d.cfg.Mailboxes {
		if mb.Organisation == org.ID && ok(mb) {
			return mb.Address, nil
		}
	}
	for _, mb := range d.cfg.Mailboxes {
		if ok(mb) {
			return mb.Address, nil
		}
	}
	return "", nil
}

// tellConditions tells the officer about conditions that started or ended
// and were not told yet, where a working route exists.
func (d *Daemon) tellConditions(ctx context.Context) error {
	var n int
	if err := d.store.View(ctx, func(tx *store.Tx) error {
		conds, err := tx.ConditionsToTell()
		n = len(conds)
		return err
	}); err != nil || n == 0 {
		return err
	}
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		conds, err := tx.ConditionsToTell()
		if err != nil {
			return err
		}
		for _, c := range conds {
			if err := d.tellCondition(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

func (d *Daemon) tellCondition(tx *store.Tx, c *store.Condition) error {
	now := d.Now()
	kind, addr := splitKey(c.Key)
	mb := d.mailboxFor(addr)
	if mb == nil || !ConditionShown(c) {
		if !c.Active() {
			// Ended before it was worth telling, or its mailbox is gone.
			return tx.MarkConditionTold(c.ID, true, true, now)
		}
		return nil
	}
	org := d.organisation(mb)
	exclude := ""
	if kind == "smtp" && c.Active() {
		exclude = addr
	}
	route, err := d.workingRoute(tx, org, addr, exclude)
	if err != nil || route == "" {
		return err // told later, when a route works
	}
	at := func(t time.Time) string { return t.In(procedure.Amsterdam).Format("2006-01-02 15:04") }
	var short, long string
	startTold, endTold := true, false
	switch {
	case c.Active() && kind == "smtp":
		waiting, err := tx.Unsent(addr)
		if err != nil {
			return err
		}
		short = say(org, "verzenden via %s werkt niet", "sending through %s does not work", addr)
		long = say(org, "Sinds %s kan klachtd geen mail versturen via %s: %s. %d bericht(en) wachten; ze blijven in de wachtrij en gaan vanzelf uit zodra het weer werkt. Er gaat niets naar de post. Controleer het wachtwoord en de smtp-instellingen van deze mailbox (klachtd check).",
			"Since %s klachtd cannot send mail through %s: %s. %d message(s) are waiting; they stay queued and go out by themselves once it works again. Nothing goes to the post. Check the password and the smtp settings of this mailbox (klachtd check).",
			at(c.StartedAt), addr, c.Detail, waiting)
	case c.Active() && kind == "imap":
		short = say(org, "inloggen op %s wordt geweigerd", "the login to %s is refused", addr)
		long = say(org, "Sinds %s weigert de IMAP-server de login van %s (%d pogingen): %s. Nieuwe klachten worden niet gelezen tot dit is hersteld. Controleer het wachtwoord (klachtd check).",
			"Since %s the IMAP server refuses the login of %s (%d attempts): %s. New complaints are not read until this is fixed. Check the password (klachtd check).",
			at(c.StartedAt), addr, c.Failures, c.Detail)
	case kind == "smtp":
		endTold = true
		delayed, err := tx.Waiting(addr, c.StartedAt, c.EndedAt)
		if err != nil {
			return err
		}
		short = say(org, "verzenden via %s werkt weer", "sending through %s works again", addr)
		if c.StartToldAt.IsZero() {
			short = say(org, "verzenden via %s was onderbroken", "sending through %s was interrupted", addr)
		}
		long = say(org, "Het verzenden via %s was onderbroken van %s tot %s; %d bericht(en) zijn vertraagd en gaan nu uit.",
			"Sending through %s was interrupted from %s to %s; %d message(s) were delayed and are going out now.",
			addr, at(c.StartedAt), at(c.EndedAt), delayed)
		if c.StartToldAt.IsZero() {
			long += say(org, " Laatste fout: %s", " Last error: %s", c.Detail)
		}
	default:
		endTold = true
		short = say(org, "inloggen op %s werkt weer", "the login to %s works again", addr)
		long = say(org, "De IMAP-login van %s werd geweigerd van %s tot %s; de mail van die tijd wordt nu gelezen.",
			"The IMAP login of %s was refused from %s to %s; the mail of that time is being read now.",
			addr, at(c.StartedAt), at(c.EndedAt))
	}
	if err := d.officerAlert(tx, org, nil, route, short, long, "klachtd check"); err != nil {
		return err
	}
	d.log.Info("officer told about a condition", "condition", c.Key, "ended", !c.Active(), "via", route)
	return tx.MarkConditionTold(c.ID, startTold, endTold, now)
}

// officerAlert queues an alert to the officer of org about dos (nil: about
// no dossier), sent through the mailbox via ("" for the usual one), with a
// short subject and the whole story; see names the command to look with. It
// carries a plain fallback, so that it goes out even if the alert template
// cannot be rendered, and it is an event.
func (d *Daemon) officerAlert(tx *store.Tx, org *config.Organisation, dos *store.Dossier, via, short, long, see string) error {
	_, err := d.internalMail(tx, org, dos, "alert", []string{org.Officer}, func(l *letters.Letter) {
		l.Reason = long
		l.Extra = map[string]any{"Subject": short, "See": see}
	}, func(dr *draft) {
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
