package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

//go:embed samples/*.eml
var samples embed.FS

// Sample is one sample mail of the demo.
type Sample struct {
	Name      string
	Raw       []byte
	Automatic bool // must be ignored by klachtd
}

// Samples returns the sample mails in order: three complaints (plain UTF-8,
// windows-1252 quoted-printable, HTML-only ISO-8859-1) and one auto-reply.
func Samples() ([]Sample, error) {
	names, err := fs.Glob(samples, "samples/*.eml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Sample
	for _, n := range names {
		raw, err := samples.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", n, err)
		}
		out = append(out, Sample{Name: n[len("samples/"):], Raw: raw, Automatic: n == "samples/04-autoreply.eml"})
	}
	return out, nil
}

// Feed drops the samples into info@'s INBOX.
func (s *Servers) Feed(samples []Sample) error {
	for _, sm := range samples {
		if err := s.Append("info@example.nl", "INBOX", sm.Raw, time.Now()); err != nil {
			return fmt.Errorf("demo: feed %s: %w", sm.Name, err)
		}
	}
	return nil
}

// Config returns a klachtd config for the demo world.
func Config(dataDir, imapAddr, smtpAddr string) string {
	return fmt.Sprintf(`# klachtd demo configuration (generated)
data_dir = %q
log_level = "warn"

[[organisation]]
id = "acme"
name = "Acme Coaching"
postal_address = ["Stationsstraat 1", "3511 AB Utrecht"]
officer = "officer@example.nl"
alternate_officer = "anna@example.nl"
staff = ["Piet Jansen <piet@example.nl>", "Anna de Boer <anna@example.nl>"]
default_handler = "piet@example.nl"
language = "nl"
number_prefix = "KL"
appeal = "De Geschillencommissie, Postbus 90600, 2509 LP Den Haag"
post = "decision"
  [[organisation.member]]
  address = "piet@example.nl"
  function = "coach en klachtbehandelaar"
  [[organisation.member]]
  address = "officer@example.nl"
  name = "Olga Visser"
  function = "klachtenfunctionaris"
  [organisation.procedure]
  acknowledge_within = "5 werkdagen"
  decide_within = "4 weken"
  delay_notice_before = "3 werkdagen"
  extension = "2 weken"
  appeal_within = "2 weken"
  retain_after_close = "1 jaar"
  destroy_after_receipt = "7 jaar"

[[mailbox]]
organisation = "acme"
imap = "imap+insecure://%s"
smtp = "smtp+insecure://%s"
username = "info@example.nl"
password_env = "KLACHTD_DEMO_PASSWORD"
address = "info@example.nl"
folder = "INBOX"
processed_folder = "Klachten"
poll_interval = "2s"
`, dataDir, imapAddr, smtpAddr)
}
