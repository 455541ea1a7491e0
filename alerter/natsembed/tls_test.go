package natsembed_test

import (
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
)

// TestTLSListener: with a certificate the listener speaks only TLS; with a
// CA file too, only to clients with a certificate it signed. The service's
// own in-process connection needs neither.
func TestTLSListener(t *testing.T) {
	certs := natstest.TLS(t)
	other := natstest.TLS(t) // a CA the server does not know
	cases := []struct {
		name    string
		tls     natsembed.TLS
		opts    []nats.Option
		wantErr string
	}{
		{"tls, trusted", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey},
			[]nats.Option{nats.RootCAs(certs.CA)}, ""},
		{"tls, server not trusted", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey},
			[]nats.Option{nats.RootCAs(other.CA)}, "certificate"},
		{"tls, system roots", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey},
			nil, "certificate"},
		{"mutual tls, client certificate", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CAFile: certs.CA},
			[]nats.Option{nats.RootCAs(certs.CA), nats.ClientCert(certs.ClientCert, certs.ClientKey)}, ""},
		{"mutual tls, no client certificate", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CAFile: certs.CA},
			[]nats.Option{nats.RootCAs(certs.CA)}, "tls"},
		// With TLS 1.3 the client may learn of the refusal only as a closed
		// connection after its side of the handshake: "tls error".
		{"mutual tls, client certificate of another CA", natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CAFile: certs.CA},
			[]nats.Option{nats.RootCAs(certs.CA), nats.ClientCert(other.ClientCert, other.ClientKey)}, "tls"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := natstest.Start(t, "", func(c *natsembed.Config) { c.TLS = tc.tls })
			c := natstest.Mint(t, srv.Auth(), natsauth.Compliance())
			nc, err := natstest.Dial(srv.ClientURL(), c, tc.opts...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer nc.Close()
				if _, err := nc.TLSConnectionState(); err != nil {
					t.Fatalf("connected without TLS: %v", err)
				}
			} else if err == nil {
				nc.Close()
				t.Fatal("connected")
			} else if t.Logf("refused: %v", err); !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v does not mention %q", err, tc.wantErr)
			}
			// In-process, as the service user: no TLS, still authenticated.
			svc, err := srv.Connect()
			if err != nil {
				t.Fatalf("in-process connection: %v", err)
			}
			svc.Close()
		})
	}
	t.Run("credentials still required over TLS", func(t *testing.T) {
		srv := natstest.Start(t, "", func(c *natsembed.Config) {
			c.TLS = natsembed.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey}
		})
		nc, err := nats.Connect(srv.ClientURL(), nats.RootCAs(certs.CA), nats.MaxReconnects(0))
		if err == nil {
			nc.Close()
			t.Fatal("anonymous TLS client connected")
		}
	})
}
