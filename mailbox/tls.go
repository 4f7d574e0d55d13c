package mailbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
)

// tlsConfig returns a client configuration for host that verifies the
// server certificate against the system roots and, in addition, the roots in
// extra. Verification is never switched off.
func tlsConfig(host string, extra *x509.CertPool) *tls.Config {
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

// isLoopback reports whether host names the local machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
