package triage

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Input is one incoming human message, as the intake has it after parsing
// (automatic mail has been set aside before).
type Input struct {
	Subject     string
	Text        string   // the plain text body (HTML already rendered to text)
	FromAddr    string   // the sender's address, "name@example.nl"
	Attachments []string // file names
}

// Verdict is the answer to "is this a complaint?".
type Verdict int

const (
	// NotComplaint: a clear non-complaint; the message is left alone.
	NotComplaint Verdict = iota
	// Doubt: the officer is asked "Is dit een klacht?".
	Doubt
	// Complaint: a clear complaint; a dossier is opened.
	Complaint
)

func (v Verdict) String() string {
	switch v {
	case NotComplaint:
		return "not-complaint"
	case Doubt:
		return "doubt"
	case Complaint:
		return "complaint"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// The thresholds on the score. A score of ComplaintAt or more is a
// complaint: one explicit announcement ("ik wil een klacht indienen"), or
// two clear signals (dissatisfaction and a grievance) that no counter-signal
// outweighs. A score of DoubtAt or more is doubt: one clear signal. Below
// that, nothing in the message expresses dissatisfaction.
//
// Below DoubtAt a message is only left alone when it has no sign of a
// complaint at all (signals for adding up to less than askFrom), or when the
// rules recognise what else it is (an invoice, a quote request, thanks:
// signals against adding up to recognisedAt or more). A message with a weak
// sign of a complaint and nothing else recognised goes to the officer:
// phrase rules do not know every way a complaint is put, and a complaint
// left alone is worse than a question to the officer (docs/triage.md has
// the figures on messages written after the rules were frozen).
const (
	ComplaintAt  = 6
	DoubtAt      = 3
	askFrom      = 1
	recognisedAt = 2
)

// Where is the part of the message a signal was found in.
type Where int

const (
	InSubject Where = iota
	InText
	InForward   // the forwarded message, when the sender wrote (almost) nothing of their own
	InSignature // only counter-signals count here, at half weight
	InAttachment
	InSender
)

func (w Where) String() string { return w.name("en") }

func (w Where) name(lang string) string {
	nl := lang == "nl"
	switch w {
	case InSubject:
		return pick2(nl, "onderwerp", "subject")
	case InText:
		return pick2(nl, "tekst", "text")
	case InForward:
		return pick2(nl, "doorgestuurd bericht", "forwarded message")
	case InSignature:
		return pick2(nl, "ondertekening", "signature")
	case InAttachment:
		return pick2(nl, "bijlage", "attachment")
	case InSender:
		return pick2(nl, "afzender", "sender")
	}
	return "?"
}

func pick2(nl bool, a, b string) string {
	if nl {
		return a
	}
	return b
}

// Signal is one finding that weighed in the verdict.
type Signal struct {
	Group  string // the rule group: "explicit", "dissatisfaction", "invoice", …
	Found  string // the words found, folded ("niet tevreden")
	Where  Where
	Weight int // what it added to the score (after the group's cap)
	// ReasonNL and ReasonEN say what the group means, for the officer.
	ReasonNL, ReasonEN string
}

// Reason returns the signal's reason in lang ("nl" or anything else for
// English).
func (s Signal) Reason(lang string) string {
	if lang == "nl" {
		return s.ReasonNL
	}
	return s.ReasonEN
}

// Result is the answer with its grounds.
type Result struct {
	Verdict Verdict
	Score   int
	Signals []Signal // in the order of their weight, strongest first
}

// forwardRe matches a subject that marks a forward.
var forwardRe = regexp.MustCompile(`^\s*((fw|fwd|doorst|wg|tr|wtr)\s*:\s*)+`)

// ownWordsBeforeForward is how many words of their own a sender may write
// above a forwarded message ("Zie hieronder, groet Jan") for the forward to
// be read as the message.
const ownWordsBeforeForward = 12

// Classify decides whether in is a complaint. It is meant for the messages
// of a shared mailbox that belong to no dossier yet: the intake recognises
// automatic mail, the [KL-…] tag, replies in a dossier's thread and staff
// mail before it asks. It never fails: an empty or unreadable message is
// NotComplaint with no signals.
func Classify(in Input) Result {
	subject := truncate(in.Subject, 1000)
	forward := forwardRe.MatchString(fold(subject))
	b := splitBody(truncate(in.Text, maxRead), forward)

	var c collector
	c.text(fold(subject), InSubject)
	own := strings.Join(b.own, "\n")
	if len(b.forwarded) > 0 && wordCount(b.own) <= ownWordsBeforeForward {
		c.text(own, InText)
		c.text(strings.Join(b.forwarded, "\n"), InForward)
	} else {
		c.text(own, InText)
	}
	c.text(strings.Join(b.signature, "\n"), InSignature)
	for i, name := range in.Attachments {
		if i == 50 {
			break
		}
		c.names(truncate(name, 300), InAttachment, attachmentIndex)
	}
	if at := strings.LastIndexByte(in.FromAddr, '@'); at > 0 {
		c.names(truncate(in.FromAddr[:at], 200), InSender, senderIndex)
	}
	return c.result()
}

// collector adds up the signals of one message.
type collector struct {
	signals []Signal
	seen    map[*rule]bool
}

// text weighs folded text found at where.
func (c *collector) text(s string, where Where) {
	if strings.TrimSpace(s) == "" {
		return
	}
	cls := clauses(s)
	ix := textIndex
	if where == InSignature {
		ix = signatureIndex // only what weighs against a complaint counts there
	}
	hits := ix.find(words(cls))
	// A sentence that names someone else ("mijn werkgever", "the
	// council") and does not address the organisation ("jullie", "your")
	// is about someone else: its signals for a complaint do not count.
	others := map[int]bool{}
	for _, h := range hits {
		if h.p.group == thirdParty {
			others[cls[h.clause].sentence] = true
		}
	}
	for _, cl := range cls {
		for _, w := range cl.words {
			if secondPerson[w] {
				delete(others, cl.sentence)
			}
		}
	}
	kept := hits[:0]
	for _, h := range hits {
		cl := cls[h.clause]
		if h.p.group.side == forComplaint && others[cl.sentence] {
			continue
		}
		if (h.p.group == explicit || h.p.group == dissatisfaction) && readerQuestion(cl) {
			continue
		}
		kept = append(kept, h)
	}
	c.add(kept, where)
	if where == InText || where == InForward {
		c.narrativeSignal(cls, where)
	}
}

// narrativeSignal weighs how the text is told: many negations and contrast
// words, in a text that addresses the organisation.
func (c *collector) narrativeSignal(cls []clause, where Where) {
	neg, con, addressed := 0, 0, false
	for _, cl := range cls {
		for _, w := range cl.words {
			switch {
			case negationWords[w]:
				neg++
			case contrastWords[w]:
				con++
			case secondPerson[w]:
				addressed = true
			}
		}
	}
	if !addressed {
		return
	}
	w := 0
	if neg >= negationsFor {
		w++
	}
	if neg >= 2*negationsFor {
		w++
	}
	if con >= contrastsFor {
		w++
	}
	if w == 0 {
		return
	}
	c.signals = append(c.signals, Signal{
		Group: narrative.id, Where: where, Weight: w,
		Found:    fmt.Sprintf("%dx niet/not, %dx maar/but", neg, con),
		ReasonNL: narrative.nl, ReasonEN: narrative.en,
	})
}

// readerQuestion reports whether a clause is a short question put to the
// reader, as footers and advertising ask them ("Niet tevreden?", "Unhappy
// with your bill?"): at most six words, none of them the writer's own ("ik",
// "my"). A complainant's question speaks of themself ("Why does nobody call
// me back?").
func readerQuestion(cl clause) bool {
	if !cl.question || len(cl.words) > 6 {
		return false
	}
	for _, w := range cl.words {
		if firstPerson[w] {
			return false
		}
	}
	return true
}

// firstPerson are the words with which a writer speaks of themself.
var firstPerson = map[string]bool{
	"ik": true, "mij": true, "me": true, "mijn": true, "wij": true, "we": true, "ons": true, "onze": true,
	"i": true, "my": true, "our": true, "us": true,
}

// secondPerson are the words that address the organisation.
var secondPerson = map[string]bool{"jullie": true, "uw": true, "u": true, "your": true, "you": true}

// names matches a file name or address: words split at every non-letter.
func (c *collector) names(s string, where Where, ix *index) {
	words := strings.FieldsFunc(fold(s), func(r rune) bool { return !isWordRune(r) })
	c.add(ix.find([][]string{words}), where)
}

func (c *collector) add(hits []hit, where Where) {
	for _, h := range hits {
		g, r := h.p.group, h.p.rule
		if g.side == neutral {
			continue
		}
		w := r.weight
		if where == InSignature {
			// A signature or footer says nothing about the writer's
			// mood; a billing or newsletter footer still says what the
			// message is.
			if g.side == forComplaint {
				continue
			}
			w /= 2
			if w == 0 {
				continue
			}
		}
		if c.seen[r] {
			continue // every rule counts once
		}
		if c.seen == nil {
			c.seen = map[*rule]bool{}
		}
		c.seen[r] = true
		c.signals = append(c.signals, Signal{
			Group: g.id, Found: strings.Join(h.wordsIn, " "), Where: where, Weight: w,
			ReasonNL: g.nl, ReasonEN: g.en,
		})
	}
}

// result applies the groups' caps, adds up and decides.
func (c *collector) result() Result {
	var groups []*group
	groups = append(groups, textGroups...)
	groups = append(groups, attachmentGroups...)
	groups = append(groups, senderGroups...)
	groups = append(groups, narrative)
	capOf := map[string]int{}
	strongGroup := map[string]bool{}
	for _, g := range groups {
		capOf[g.id] = g.cap
		strongGroup[g.id] = g.strong
	}
	// Strongest first, so that a cap cuts the weakest signals.
	sort.SliceStable(c.signals, func(a, b int) bool { return abs(c.signals[a].Weight) > abs(c.signals[b].Weight) })
	sum := map[string]int{}
	var kept []Signal
	score, strong, pro, con := 0, 0, 0, 0
	for _, s := range c.signals {
		w := s.Weight
		if limit := capOf[s.Group]; limit > 0 {
			room := limit - abs(sum[s.Group])
			if room <= 0 {
				continue
			}
			if abs(w) > room {
				w = room * sign(w)
			}
		}
		sum[s.Group] += w
		s.Weight = w
		score += w
		if strongGroup[s.Group] {
			strong += w
		}
		if w > 0 {
			pro += w
		} else {
			con += w
		}
		kept = append(kept, s)
	}
	r := Result{Score: score, Signals: kept}
	switch {
	case score >= ComplaintAt && strong >= DoubtAt:
		r.Verdict = Complaint
	case score >= DoubtAt:
		r.Verdict = Doubt
	case pro >= askFrom && con > -recognisedAt:
		// Some sign of a complaint, and nothing that says what else the
		// message is: the rules do not know this way of putting it, so
		// the officer is asked rather than the message left alone.
		r.Verdict = Doubt
	default:
		r.Verdict = NotComplaint
	}
	return r
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// Explain says in one short paragraph, in lang ("nl" or "en"), why the
// message got its verdict: the verdict and score, then the strongest
// signals for and against.
func (r Result) Explain(lang string) string {
	nl := lang == "nl"
	var b strings.Builder
	switch r.Verdict {
	case Complaint:
		b.WriteString(pick2(nl, "Klacht", "Complaint"))
	case Doubt:
		b.WriteString(pick2(nl, "Twijfel", "Doubt"))
	default:
		b.WriteString(pick2(nl, "Geen klacht", "Not a complaint"))
	}
	fmt.Fprintf(&b, " (score %d; %s %d, %s %d).", r.Score,
		pick2(nl, "klacht vanaf", "complaint from"), ComplaintAt,
		pick2(nl, "twijfel vanaf", "doubt from"), DoubtAt)
	// One item per group, its findings together:
	// uiting van ontevredenheid: "ontevreden" (tekst, +3), "boos" (tekst, +3)
	type item struct {
		reason string
		finds  []string
		weight int
	}
	var pro, con []*item
	byGroup := map[string]*item{}
	for _, s := range r.Signals {
		it := byGroup[s.Group]
		if it == nil {
			it = &item{reason: s.Reason(lang)}
			byGroup[s.Group] = it
			if s.Weight > 0 {
				pro = append(pro, it)
			} else {
				con = append(con, it)
			}
		}
		it.weight += s.Weight
		if len(it.finds) < 3 {
			it.finds = append(it.finds, fmt.Sprintf("\"%s\" (%s, %+d)", s.Found, s.Where.name(lang), s.Weight))
		}
	}
	list := func(items []*item) string {
		var parts []string
		for _, it := range items {
			parts = append(parts, it.reason+": "+strings.Join(it.finds, ", "))
		}
		return strings.Join(parts, "; ")
	}
	if len(pro) > 0 {
		b.WriteString(pick2(nl, " Voor een klacht: ", " For a complaint: "))
		b.WriteString(list(pro))
		b.WriteString(".")
	} else {
		b.WriteString(pick2(nl, " Geen uiting van ontevredenheid gevonden.", " No expression of dissatisfaction found."))
	}
	if len(con) > 0 {
		b.WriteString(pick2(nl, " Ertegen: ", " Against: "))
		b.WriteString(list(con))
		b.WriteString(".")
	}
	if r.Verdict == Doubt {
		if r.Score < DoubtAt {
			b.WriteString(pick2(nl, " Een teken van een klacht, en niets dat zegt wat het bericht anders is.", " A sign of a complaint, and nothing that says what else the message is."))
		}
		b.WriteString(pick2(nl, " Beoordeel zelf of dit een klacht is.", " Please decide whether this is a complaint."))
	}
	return b.String()
}
