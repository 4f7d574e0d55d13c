// Package mailbox holds klachtd's mail edges: parsing incoming messages,
// recognising automatic mail and bounces (RFC 3834, RFC 3464), the IMAP intake
// client with per-command timeouts, SMTP transport of stored bytes, composing
// outgoing MIME, and the reply-address tokens of docs/spec.md "Reply addresses".
package mailbox
