// Package login is how klachtd logs in to a mail server, for IMAP and SMTP
// alike: TLS that verifies the server against the system roots and the
// configured CAs (verification is never switched off), plain text only on
// loopback, and an OAuth2 access token that is refreshed once when the
// server refuses it.
package login

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
)

// TLSConfig returns a client configuration for host that verifies the
// server certificate against the system roots and, in addition, the roots in
// extra. Verification is never switched off.
func TLSConfig(host string, extra *x509.CertPool) *tls.Config {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if extra == nil {
		return cfg
	}
	// crypto/tls verifies against one pool only, and a system pool cannot be
	// merged with another; so verify here, first against the system roots,
	// then against extra. InsecureSkipVerify only disables the built-in check
	// that VerifyConnection replaces.
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: server sent no certificate")
		}
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		opts := x509.VerifyOptions{DNSName: host, Intermediates: inter}
		if _, err := cs.PeerCertificates[0].Verify(opts); err == nil {
			return nil
		}
		opts.Roots = extra
		if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
			return fmt.Errorf("tls: verify certificate of %s: %w", host, err)
		}
		return nil
	}
	return cfg
}

// IsLoopback reports whether host names the local machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
