package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// TestKillCampaign SIGKILLs `klachtd run` at random instants while
// complaints, complainant follow-ups (replies to the acknowledgement) and
// staff replies (to the relay address, some in mutt) flow through the real
// Postfix, restarting it after every kill (issue 7, "Kill campaign").
// Afterwards every complaint has exactly one dossier, every follow-up is
// filed in its dossier, every staff reply is relayed, the INBOX is empty,
// and every letter went out exactly once, except in the one documented
// window between the SMTP server's 250 and klachtd's commit
// (docs/architecture.md "never twice"): such a letter goes out a second
// time with the same stored bytes, so with the same Message-ID. The test
// counts and reports those duplicates.
//
// KLACHTD_E2E_KILLS sets the number of kills (default 100),
// KLACHTD_E2E_KILL_SEED the seed (default: the clock; it is printed), and
// KLACHTD_E2E_KILL_MAX the longest a run lives before its kill (default
// 1s; every tenth run lives up to twice that).
func TestKillCampaign(t *testing.T) {
	e := newEnv(t)
	kills := envInt(t, "KLACHTD_E2E_KILLS", 100)
	maxLife := envDuration(t, "KLACHTD_E2E_KILL_MAX", time.Second)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KLACHTD_E2E_KILL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KLACHTD_E2E_KILL_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("kill campaign: %d kills, seed %d (rerun with KLACHTD_E2E_KILL_SEED=%d)", kills, seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	tr := &traffic{t: t, rng: rand.New(rand.NewPCG(seed, 2)), followups: map[string]string{}, replies: map[string]*staffReplyRec{}, acked: map[string]bool{}, noticed: map[string]bool{}}
	ctx, stopTraffic := context.WithCancel(context.Background())
	trafficDone := make(chan struct{})
	go func() {
		defer close(trafficDone)
		tr.run(ctx)
	}()
	defer func() {
		stopTraffic()
		<-trafficDone
	}()

	start := time.Now()
	var lives []time.Duration
	for i := 0; i < kills; i++ {
		life := time.Duration(rng.Int64N(int64(maxLife)))
		if i%10 == 9 {
			life = maxLife + time.Duration(rng.Int64N(int64(maxLife)))
		}
		lives = append(lives, life)
		p := startQuiet(t, e)
		time.Sleep(life)
		if p.exited() {
			t.Fatalf("kill %d: klachtd run exited by itself after %v: %v\n%s", i+1, life, p.err, tail(p.out.String(), 6000))
		}
		p.kill()
		if !killedBy(p.cmd.ProcessState, syscall.SIGKILL) {
			t.Fatalf("kill %d: klachtd did not die of SIGKILL: %v", i+1, p.cmd.ProcessState)
		}
		noPanic(t, fmt.Sprintf("klachtd run %d", i+1), p.out.String())
		if err := tr.error(); err != nil {
			t.Fatalf("traffic: %v", err)
		}
	}
	stopTraffic()
	<-trafficDone
	if err := tr.error(); err != nil {
		t.Fatalf("traffic: %v", err)
	}
	killPhase := time.Since(start)
	tr.mu.Lock()
	nComplaints, nFollowups, nReplies, nMutt := len(tr.complaints), len(tr.followups), len(tr.replies), tr.mutt
	tr.mu.Unlock()
	t.Logf("%d kills in %.1fs; sent %d complaints, %d follow-ups, %d staff replies (%d in mutt)", kills, killPhase.Seconds(), nComplaints, nFollowups, nReplies, nMutt)

	// The last run drains everything, then stops cleanly.
	d := e.start("run")
	want := func() (missing []string) {
		acks, notes, fnotes, relays := tr.deliveredCounts(t)
		if n := len(mailboxUIDs(t, intake, "INBOX")); n != 0 {
			missing = append(missing, fmt.Sprintf("%d message(s) in the INBOX", n))
		}
		if acks < nComplaints {
			missing = append(missing, fmt.Sprintf("%d of %d acknowledgements", acks, nComplaints))
		}
		if notes < nComplaints {
			missing = append(missing, fmt.Sprintf("%d of %d notifications", notes, nComplaints))
		}
		if fnotes < nFollowups {
			missing = append(missing, fmt.Sprintf("%d of %d follow-up notices", fnotes, nFollowups))
		}
		if relays < nReplies {
			missing = append(missing, fmt.Sprintf("%d of %d relays", relays, nReplies))
		}
		return missing
	}
	var missing []string
	if !pollUntil(2*time.Minute, time.Second, func() bool { missing = want(); return len(missing) == 0 }) {
		t.Errorf("2 minutes after the last restart still missing: %s", strings.Join(missing, ", "))
	}
	time.Sleep(settle) // copies still in flight
	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("the last klachtd run after SIGTERM: %v, want exit status 0", err)
	}
	noPanic(t, "the last klachtd run", d.stdout.String()+d.stderr.String())

	tr.check(t, e)
	var total time.Duration
	for _, l := range lives {
		total += l
	}
	t.Logf("mean life before the kill %.2fs", total.Seconds()/float64(len(lives)))
}

// quietProcess is a klachtd run whose output is kept only in memory (a
// hundred transcripts would drown a failure report).
type quietProcess struct {
	cmd  *exec.Cmd
	out  syncBuffer
	done chan struct{}
	err  error
}

func startQuiet(t *testing.T, e *env) *quietProcess {
	t.Helper()
	p := &quietProcess{done: make(chan struct{})}
	p.cmd = e.command(context.Background(), nil, "run")
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start klachtd run: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

func (p *quietProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *quietProcess) kill() {
	if !p.exited() {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

// staffReplyRec is one staff reply the campaign sent.
type staffReplyRec struct {
	number   string // dossier
	noticeID string // the notification it answers
	phrase   string // unique text that the relay must carry
	mutt     bool
}

// traffic plays the complainants and the handler while klachtd is killed
// again and again: it sends complaints, answers acknowledgements with
// follow-ups and notifications with staff replies.
type traffic struct {
	t   *testing.T
	rng *rand.Rand

	mu         sync.Mutex
	err        error
	complaints []string                  // complainant addresses, klant+kNNN@example.com
	ids        []string                  // their Message-IDs
	acked      map[string]bool           // acknowledgements answered (or passed over), by Message-ID
	noticed    map[string]bool           // notifications answered (or passed over), by Message-ID
	followups  map[string]string         // follow-up Message-ID → dossier number
	replies    map[string]*staffReplyRec // phrase → reply
	mutt       int
}

func (tr *traffic) fail(err error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.err == nil {
		tr.err = err
	}
}

func (tr *traffic) error() error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.err
}

// run sends a complaint about every 0.8 s and answers what arrived, until
// ctx ends.
func (tr *traffic) run(ctx context.Context) {
	next := time.Now()
	for ctx.Err() == nil && tr.error() == nil {
		if time.Now().After(next) {
			if err := tr.complain(); err != nil {
				tr.fail(err)
				return
			}
			next = time.Now().Add(time.Duration(400+tr.rng.IntN(800)) * time.Millisecond)
		}
		if err := tr.answerAcks(); err != nil {
			tr.fail(err)
			return
		}
		if err := tr.answerNotifications(ctx); err != nil {
			tr.fail(err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (tr *traffic) complain() error {
	tr.mu.Lock()
	n := len(tr.complaints) + 1
	tr.mu.Unlock()
	from := fmt.Sprintf("klant+k%03d@example.com", n)
	id := newMessageID(fmt.Sprintf("kill-k%03d", n))
	raw := plainMail{
		From:      fmt.Sprintf("Klant %d <%s>", n, from),
		To:        intake,
		Subject:   fmt.Sprintf("Klacht %d over mijn coachtraject", n),
		MessageID: id,
		Body:      fmt.Sprintf("Geachte heer, mevrouw,\n\nDit is klacht nummer %d. Mijn afspraak is afgezegd.\n\nMet vriendelijke groet,\nKlant %d\n", n, n),
	}.bytes()
	if err := smtpSend(stack.SMTPAddr, from, []string{intake}, raw); err != nil {
		return fmt.Errorf("send complaint %d: %w", n, err)
	}
	tr.mu.Lock()
	tr.complaints = append(tr.complaints, from)
	tr.ids = append(tr.ids, id)
	tr.mu.Unlock()
	return nil
}

// answerAcks answers about 60 % of the acknowledgements with a follow-up
// from the complainant, in the thread.
func (tr *traffic) answerAcks() error {
	hs, err := tryFolderHeader(complainant, "INBOX", "Message-ID", "X-Klachtd-Letter", "X-Klachtd-Dossier", "To", "Subject")
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.Get("X-Klachtd-Letter") != "acknowledgement" {
			continue
		}
		ackID := bareID(h.Get("Message-ID"))
		tr.mu.Lock()
		done := tr.acked[ackID]
		tr.acked[ackID] = true
		tr.mu.Unlock()
		if done || tr.rng.IntN(10) >= 6 {
			continue
		}
		to := strings.ToLower(addrOf(h.Get("To")))
		number := h.Get("X-Klachtd-Dossier")
		id := newMessageID("kill-followup")
		raw := plainMail{
			From:      to,
			To:        intake,
			Subject:   "Re: " + decodeSubject(h.Get("Subject")),
			MessageID: id,
			Headers:   []string{"In-Reply-To: <" + ackID + ">", "References: <" + ackID + ">"},
			Body:      "Dank voor uw bevestiging. Ik wil er nog iets aan toevoegen: het was de vierde keer.\n",
		}.bytes()
		if err := smtpSend(stack.SMTPAddr, to, []string{intake}, raw); err != nil {
			return fmt.Errorf("send follow-up to %s: %w", number, err)
		}
		tr.mu.Lock()
		tr.followups[id] = number
		tr.mu.Unlock()
	}
	return nil
}

// answerNotifications answers about 60 % of the handler's notifications
// with a reply to the relay address: one in four in mutt, the others
// composed here the way mutt would.
func (tr *traffic) answerNotifications(ctx context.Context) error {
	hs, err := tryFolderHeader(staffPiet, "INBOX", "Message-ID", "X-Klachtd-Notice", "X-Klachtd-Dossier")
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.Get("X-Klachtd-Notice") != "notification" {
			continue
		}
		noticeID := bareID(h.Get("Message-ID"))
		tr.mu.Lock()
		done := tr.noticed[noticeID]
		tr.noticed[noticeID] = true
		tr.mu.Unlock()
		if done || tr.rng.IntN(10) >= 6 {
			continue
		}
		number := h.Get("X-Klachtd-Dossier")
		rec := &staffReplyRec{number: number, noticeID: noticeID, phrase: fmt.Sprintf("Antwoord-%s-%d", number, tr.rng.IntN(1_000_000)), mutt: tr.rng.IntN(4) == 0}
		text := "Beste klant,\n\nIk bel u morgen over uw klacht. " + rec.phrase + ".\n\nMet vriendelijke groet,\nPiet"
		if rec.mutt {
			// Not under ctx: a reply that mutt sent must be recorded even
			// when the campaign ends meanwhile.
			out, err := runTool(time.Minute, mailstack, "mutt-reply", staffPiet, "<"+noticeID+">", text)
			if err != nil {
				return fmt.Errorf("mutt-reply to the notification of %s: %v\n%s", number, err, out)
			}
			tr.mu.Lock()
			tr.mutt++
			tr.mu.Unlock()
		} else if err := tr.composeReply(noticeID, text); err != nil {
			return err
		}
		tr.mu.Lock()
		tr.replies[rec.phrase] = rec
		tr.mu.Unlock()
	}
	return nil
}

// composeReply answers a notification the way mutt does: Reply-To as the
// recipient, the new text above "On … wrote:" and the quoted notification.
func (tr *traffic) composeReply(noticeID, text string) error {
	var notice []byte
	msgs, _, err := tryFetchAll(staffPiet, "INBOX")
	if err != nil {
		return err
	}
	for _, raw := range msgs {
		if bareID(headerOf(raw, "Message-ID")) == noticeID {
			notice = raw
		}
	}
	if notice == nil {
		return fmt.Errorf("notification <%s> vanished from %s's INBOX", noticeID, staffPiet)
	}
	h, err := readHeader(notice)
	if err != nil {
		return err
	}
	rt, err := h.AddressList("Reply-To")
	if err != nil || len(rt) != 1 {
		return fmt.Errorf("notification <%s> Reply-To %q: %v", noticeID, h.Get("Reply-To"), err)
	}
	subject, _ := h.Subject()
	body := textOf(notice)
	var q strings.Builder
	for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		q.WriteString("> " + l + "\n")
	}
	raw := plainMail{
		From:      "Piet <" + staffPiet + ">",
		To:        rt[0].String(),
		Subject:   "Re: " + subject,
		MessageID: newMessageID("kill-staff"),
		Headers:   []string{"In-Reply-To: <" + noticeID + ">", "References: <" + noticeID + ">"},
		Body:      text + "\n\nOn " + time.Now().Format("Mon, Jan 02, 2006 at 15:04:05") + ", klachtd wrote:\n" + q.String(),
	}.bytes()
	if err := smtpSend(stack.SMTPAddr, staffPiet, []string{rt[0].Address}, raw); err != nil {
		return fmt.Errorf("send staff reply to %s: %w", rt[0].Address, err)
	}
	return nil
}

// deliveredCounts counts the distinct letters that have arrived so far:
// acknowledgements, notifications, follow-up notices and relays (by
// Message-ID).
func (tr *traffic) deliveredCounts(t *testing.T) (acks, notes, fnotes, relays int) {
	seen := map[string]bool{}
	for _, h := range folderHeader(t, complainant, "INBOX", "Message-ID", "X-Klachtd-Letter", "X-Klachtd-Dossier") {
		id := bareID(h.Get("Message-ID"))
		if seen[id] {
			continue
		}
		seen[id] = true
		switch {
		case h.Get("X-Klachtd-Letter") == "acknowledgement":
			acks++
		case h.Get("X-Klachtd-Letter") == "" && h.Get("X-Klachtd-Dossier") != "":
			relays++
		}
	}
	for _, h := range folderHeader(t, staffPiet, "INBOX", "Message-ID", "X-Klachtd-Notice") {
		id := bareID(h.Get("Message-ID"))
		if seen[id] {
			continue
		}
		seen[id] = true
		switch h.Get("X-Klachtd-Notice") {
		case "notification":
			notes++
		case "followup":
			fnotes++
		}
	}
	return acks, notes, fnotes, relays
}

// check verifies the end state of the campaign.
func (tr *traffic) check(t *testing.T, e *env) {
	intakeEmpty(t)

	// Every complaint exactly one dossier.
	ds := e.listJSON(t)
	byAddr := map[string][]string{}
	for _, d := range ds {
		byAddr[strings.ToLower(d.Complainant.Email)] = append(byAddr[strings.ToLower(d.Complainant.Email)], d.Number)
	}
	for i, addr := range tr.complaints {
		if n := len(byAddr[addr]); n != 1 {
			t.Errorf("complaint %d (<%s> from %s): %d dossiers %v, want 1", i+1, tr.ids[i], addr, n, byAddr[addr])
		}
	}
	if len(ds) != len(tr.complaints) {
		t.Errorf("list -json: %d dossiers for %d complaints", len(ds), len(tr.complaints))
	}

	// Every follow-up and staff reply filed in its dossier.
	details := map[string]fullDetail{}
	detail := func(number string) fullDetail {
		if d, ok := details[number]; ok {
			return d
		}
		d := e.detail(t, number)
		details[number] = d
		return d
	}
	for id, number := range tr.followups {
		found := false
		for _, m := range detail(number).Messages {
			if bareID(m.MessageID) == id {
				found = true
				if m.Kind != "followup" {
					t.Errorf("follow-up <%s> filed in %s as %q, want followup", id, number, m.Kind)
				}
			}
		}
		if !found {
			t.Errorf("follow-up <%s> is not in dossier %s: %s", id, number, detail(number).messageKinds())
		}
	}
	staffReplies := map[string]int{}
	for _, d := range ds {
		for _, m := range detail(d.Number).Messages {
			if m.Kind == "staffreply" {
				staffReplies[d.Number]++
			}
		}
	}
	wantReplies := map[string]int{}
	for _, r := range tr.replies {
		wantReplies[r.number]++
	}
	for number, n := range wantReplies {
		if staffReplies[number] != n {
			t.Errorf("dossier %s holds %d staff replies, %d were sent", number, staffReplies[number], n)
		}
	}

	// Every letter exactly once, but for the 250→commit window; and each
	// logical letter under one Message-ID only.
	type letterKey struct{ user, kind, number string }
	copies := map[string]int{}    // Message-ID → copies received
	ofUser := map[string]string{} // Message-ID → recipient mailbox
	distinct := map[letterKey]map[string]bool{}
	relayText := map[string]string{} // relay Message-ID → text
	for _, user := range []string{complainant, staffPiet, staffAnna, officer} {
		for _, raw := range fetchAll(t, user, "INBOX") {
			id := bareID(headerOf(raw, "Message-ID"))
			if id == "" {
				t.Errorf("%s received a message without Message-ID: %q", user, headerOf(raw, "Subject"))
				continue
			}
			copies[id]++
			ofUser[id] = user
			kind := headerOf(raw, "X-Klachtd-Letter") + headerOf(raw, "X-Klachtd-Notice")
			if kind == "" && headerOf(raw, "X-Klachtd-Dossier") != "" {
				kind = "relay"
				relayText[id] = textOf(raw)
			}
			k := letterKey{user, kind, headerOf(raw, "X-Klachtd-Dossier")}
			if distinct[k] == nil {
				distinct[k] = map[string]bool{}
			}
			distinct[k][id] = true
		}
	}
	duplicates := 0
	for id, n := range copies {
		switch {
		case n == 2:
			duplicates++
			t.Logf("duplicate in the 250→commit window: <%s> twice in %s's INBOX", id, ofUser[id])
		case n > 2:
			t.Errorf("<%s> arrived %d times in %s's INBOX, want at most 2 (one resend after a kill in the 250→commit window)", id, n, ofUser[id])
		}
	}
	followupsOf := map[string]int{}
	for _, number := range tr.followups {
		followupsOf[number]++
	}
	for k, ids := range distinct {
		want := 1
		switch k.kind {
		case "acknowledgement", "notification":
		case "digest":
			// The officer's weekly digest (SPEC "Terms"): once.
		case "followup":
			want = followupsOf[k.number]
		case "relay":
			want = wantReplies[k.number]
		default:
			t.Errorf("%s received an unexpected %q mail about %q (%d)", k.user, k.kind, k.number, len(ids))
			continue
		}
		if len(ids) != want {
			t.Errorf("%s received %d different %s mails about %s, want %d (a letter sent twice under two Message-IDs?)", k.user, len(ids), k.kind, k.number, want)
		}
	}
	for phrase, r := range tr.replies {
		n := 0
		for _, text := range relayText {
			if strings.Contains(text, phrase) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("staff reply %q (dossier %s, mutt %v) was relayed %d times, want 1", phrase, r.number, r.mutt, n)
		}
	}
	sent := len(copies)
	t.Logf("kill campaign: %d dossiers, %d follow-ups, %d staff replies (%d in mutt); %d distinct mails delivered, %d of them twice (250→commit window)",
		len(ds), len(tr.followups), len(tr.replies), tr.mutt, sent, duplicates)
}

// textOf returns the first text/plain part of a raw message (decoded), or
// "" if it has none or cannot be read.
func textOf(raw []byte) string {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return ""
	}
	for {
		part, err := mr.NextPart()
		if err != nil && !message.IsUnknownCharset(err) {
			return ""
		}
		if h, ok := part.Header.(*mail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, _ := io.ReadAll(part.Body)
				return string(b)
			}
		}
	}
}

// decodeSubject decodes RFC 2047 words of a raw subject.
func decodeSubject(s string) string {
	h, err := readHeader([]byte("Subject: " + s + "\r\n\r\n"))
	if err != nil {
		return s
	}
	out, err := h.Subject()
	if err != nil {
		return s
	}
	return out
}
