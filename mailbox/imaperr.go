package mailbox

import (
	"errors"

	"github.com/emersion/go-imap/v2"
)

// IsRefused reports whether an error of Dial is the server's answer (NO or
// BAD, typically NO [AUTHENTICATIONFAILED] to LOGIN, RFC 5530) rather than
// a failure to reach it: the server works, but will not let us in. Such a
// failure lasts until someone fixes the account or the password.
func IsRefused(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie)
}
