// Package mailbox reads and writes mail messages: it parses what comes in
// (go-message: legacy charsets, HTML rendered to text, attachments streamed
// to the file store, authentication results), recognises automatic mail and
// bounces (RFC 3834, RFC 3464), and composes what goes out (go-mail). The
// connections are in its sub-packages: imap (intake), smtp (sending), login
// (TLS and OAuth2 for both); token addresses a dossier in mail, quote cuts a
// staff reply, forward reads a forwarded complaint.
package mailbox
