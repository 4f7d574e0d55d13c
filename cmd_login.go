package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/oauth"
)

// cmdLogin obtains the OAuth2 grant of a mailbox with auth = "oauth2": the
// device authorization grant (RFC 8628) where the provider has one, else
// (Google) the loopback redirect flow. The refresh token is stored 0600 in
// the data directory; a running daemon picks it up at its next login.
func cmdLogin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("login", stderr)
	address := fs.String("mailbox", "", "the `address` of the [[mailbox]] to log in (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *address == "" {
		return usagef("-mailbox ADDRESS is required: the address of a [[mailbox]] with auth = \"oauth2\"")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	var mb *config.Mailbox
	var oauthBoxes []string
	for _, m := range cfg.Mailboxes {
		if m.Auth == config.AuthOAuth2 {
			oauthBoxes = append(oauthBoxes, m.Address)
		}
		if strings.EqualFold(m.Address, *address) {
			mb = m
		}
	}
	switch {
	case mb == nil:
		return usagef("no [[mailbox]] with address %s in %s (mailboxes with auth = \"oauth2\": %s)", *address, cfg.File, listOrNone(oauthBoxes))
	case mb.Auth != config.AuthOAuth2:
		return usagef("mailbox %s logs in with a password; set auth = \"oauth2\" and the oauth2_* keys in %s to use OAuth2", mb.Address, cfg.File)
	}
	path, err := oauth.Login(ctx, cfg.DataDir, mb, stdout, os.Stdin)
	if err != nil {
		return fmt.Errorf("login %s: %w", mb.Address, err)
	}
	fmt.Fprintf(stdout, "\nSigned in: the grant for %s is stored in %s.\nRun klachtd check to test IMAP and SMTP with it; a running klachtd uses it at its next login.\n", mb.Address, path)
	return nil
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
