package bearer

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/emersion/go-sasl"
)

func TestXOAuth2InitialResponse(t *testing.T) {
	// The example of Google's XOAUTH2 description ("The SASL XOAUTH2
	// Mechanism"): user someuser@example.com with token ya29.vF9dft4qm…
	// gives this base64 string on the wire.
	c := NewXOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
	mech, ir, err := c.Start()
	if err != nil || mech != "XOAUTH2" {
		t.Fatalf("Start() = %q, _, %v", mech, err)
	}
	want := "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
	if string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
	const wire = "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
	if got := base64.StdEncoding.EncodeToString(ir); got != wire {
		t.Errorf("on the wire %s, want %s", got, wire)
	}
}

func TestXOAuth2Failure(t *testing.T) {
	c := NewXOAuth2("info@example.nl", "expired")
	if _, _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// The error challenge of Google's description, decoded.
	resp, err := c.Next([]byte(`{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp == nil || len(resp) != 0 {
		t.Errorf("response %q, want an empty (non-nil) response", resp)
	}
	f := c.Failure()
	if f == nil || f.Status != "401" || f.Scope != "https://mail.google.com/" {
		t.Fatalf("failure %+v", f)
	}
	if got := f.String(); got != "status 401, scope https://mail.google.com/" {
		t.Errorf("String() = %q", got)
	}
	if _, err := c.Next([]byte("again")); err != sasl.ErrUnexpectedServerChallenge {
		t.Errorf("second challenge: %v", err)
	}
}

func TestOAuthBearer(t *testing.T) {
	c := NewOAuthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143)
	mech, ir, _ := c.Start()
	// RFC 7628 §4.1, the example's initial client response.
	want := "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
	if mech != "OAUTHBEARER" || string(ir) != want {
		t.Errorf("Start() = %q, %q; want OAUTHBEARER, %q", mech, ir, want)
	}
	resp, err := c.Next([]byte(`{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}`))
	if err != nil || !bytes.Equal(resp, []byte{1}) {
		t.Errorf("Next() = %q, %v; want \\x01 (RFC 7628 §3.2.3)", resp, err)
	}
	if f := c.Failure(); f == nil || f.Status != "invalid_token" {
		t.Errorf("failure %+v", f)
	}
}

func TestNonJSONChallenge(t *testing.T) {
	c := NewXOAuth2("a", "b")
	c.Next([]byte("go away"))
	if got := c.Failure().String(); got != `server said "go away"` {
		t.Errorf("String() = %q", got)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		offered []string
		want    string
		got     string
		fails   bool
	}{
		{[]string{"PLAIN", "XOAUTH2"}, "", "XOAUTH2", false},
		{[]string{"PLAIN", "OAUTHBEARER", "XOAUTH2"}, "", "XOAUTH2", false},
		{[]string{"oauthbearer"}, "", "OAUTHBEARER", false},
		{[]string{"XOAUTH2", "OAUTHBEARER"}, "OAUTHBEARER", "OAUTHBEARER", false},
		{[]string{"XOAUTH2"}, "OAUTHBEARER", "", true},
		{[]string{"PLAIN", "LOGIN"}, "", "", true},
	}
	for _, tc := range tests {
		got, err := Choose(tc.offered, tc.want)
		if got != tc.got || (err != nil) != tc.fails {
			t.Errorf("Choose(%v, %q) = %q, %v", tc.offered, tc.want, got, err)
		}
	}
}
