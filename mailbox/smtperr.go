package mailbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-smtp"
)

// SMTP stages a failure can happen in.
const (
	StageSession = "session" // connect, TLS, greeting, EHLO, STARTTLS, AUTH
	StageMail    = "mail"    // MAIL FROM
	StageRcpt    = "rcpt"    // RCPT TO
	StageData    = "data"    // DATA and the message itself
)

// SendError is the error of a failed Send, classified as RFC 5321 (reply
// codes, §4.2.1) and RFC 3463 (enhanced status codes) mean it:
//
//   - Session: the failure is about the connection, the server or our own
//     account (cannot connect, TLS, timeouts, 421, 454, 530/535
//     authentication, a 4xx outside RCPT, a 5xx to EHLO, AUTH or MAIL FROM
//     that is about us). Every message through this server is stuck until
//     it is fixed; none of them is at fault.
//   - Permanent (and not Session): this message can never be delivered by
//     email: a recipient is refused for good (5.1.x bad address, 5.2.x
//     mailbox disabled or full, 5.7.1 not authorised, 550/551/553) or the
//     message itself is (5.3.4 too big, 5.6.x content, 5.7.x policy).
//   - neither: a temporary failure of this message or recipient (a 4xx to
//     RCPT TO such as 450 mailbox busy or 452 4.2.2 mailbox full); try the
//     message again later.
type SendError struct {
	Session   bool
	Permanent bool
	Stage     string            // StageSession, StageMail, StageRcpt, StageData
	Code      int               // the SMTP reply code, 0 for failures without a reply
	Enhanced  smtp.EnhancedCode // RFC 3463 code of the reply, zero if none
	Err       error
}

func (e *SendError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("smtp: %d: %v", e.Code, e.Err)
	}
	return "smtp: " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// stageError tags an error with the SMTP stage it happened in.
type stageError struct {
	stage string
	err   error
}

func (e *stageError) Error() string { return e.err.Error() }
func (e *stageError) Unwrap() error { return e.err }

func atStage(stage string, err error) error {
	if err == nil {
		return nil
	}
	return &stageError{stage: stage, err: err}
}

// classify turns an error of send into a *SendError.
func classify(ctx context.Context, err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	stage := StageSession
	var st *stageError
	if errors.As(err, &st) {
		stage = st.stage
	}
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) {
		// No reply: network, TLS, timeout, configuration. Nothing to do
		// with the message.
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return &SendError{Session: true, Stage: stage, Err: err}
	}
	out := &SendError{Stage: stage, Code: smtpErr.Code, Err: err}
	if smtpErr.EnhancedCode != smtp.NoEnhancedCode {
		out.Enhanced = smtpErr.EnhancedCode
	}
	switch replyScope(stage, smtpErr.Code, out.Enhanced) {
	case scopeSession:
		out.Session = true
	case scopePermanent:
		out.Permanent = true
	}
	return out
}

type scope int

const (
	scopeSession   scope = iota // the server or our account: all mail stuck, keep it queued
	scopeTemporary              // this message or recipient, for now: retry it
	scopePermanent              // this message or recipient, for good: it goes to the post
)

// replyScope decides what a reply code means at a stage.
func replyScope(stage string, code int, enh smtp.EnhancedCode) scope {
	class := code / 100
	subject, detail := enh[1], enh[2]
	hasEnh := enh[0] == 4 || enh[0] == 5
	if class != 4 && class != 5 {
		return scopeSession // a reply that is not an error reply: a confused server
	}
	switch {
	case stage == StageSession,
		code == 421,                                        // service not available, closing the channel (RFC 5321 §4.2.3)
		code == 454,                                        // TLS or temporary authentication failure (RFC 3207, RFC 4954)
		code == 530, code == 534, code == 535, code == 538, // authentication (RFC 4954 §6)
		!hasEnh && code >= 500 && code <= 504, // syntax or sequence: our command was wrong
		hasEnh && subject == 7 && (detail == 0 || detail == 8 || detail == 9 || detail == 11 || detail == 12), // X.7.0 auth required, X.7.8 credentials invalid, …
		hasEnh && subject == 5,                // X.5.x protocol: our command was wrong
		hasEnh && subject == 3 && detail != 4: // X.3.x the mail system (X.3.4 is the message's size)
		return scopeSession
	}
	tooBig := code == 552 && !hasEnh || hasEnh && (subject == 3 && detail == 4 || subject == 2 && detail == 3)
	content := hasEnh && subject == 6
	switch stage {
	case StageMail:
		// MAIL FROM is about us (the sender, SIZE): only a message too big
		// for the server is the message's fault.
		if class == 5 && (tooBig || content) {
			return scopePermanent
		}
		return scopeSession
	case StageRcpt:
		if class == 4 {
			return scopeTemporary // mailbox busy, full for now, greylisted
		}
		if !hasEnh || subject == 1 || subject == 2 || subject == 4 || subject == 7 || tooBig {
			return scopePermanent // 550 5.1.1 no such user, 5.2.1 disabled, 5.7.1 refused, …
		}
		return scopeSession
	case StageData:
		if class == 4 {
			if hasEnh && (subject == 2 || subject == 7) {
				return scopeTemporary // a recipient's mailbox full for now, greylisting
			}
			return scopeSession // 451 local error in processing: the server's trouble
		}
		if tooBig || content || !hasEnh || subject == 7 || subject == 2 || subject == 1 {
			return scopePermanent // the message itself is refused (size, content, policy)
		}
		return scopeSession
	}
	return scopeSession
}
