// Package filing decides what an Incoming message is and files it, with
// everything it causes, in one transaction: automatic mail and bounces,
// mail threaded into a dossier (by reply-address token, In-Reply-To,
// References or the subject tag), staff mail to a dossier's reply address
// (relays, notes, commands, hearing replies), and new complaints
// (docs/spec.md "Threading"). What a message changes in its dossier is the
// business of package dossier.
package filing

import "github.com/klachtd/klachtd/dossier"

// Filer files Incoming messages by the rules of the procedure.
type Filer struct {
	*dossier.Rules
}
