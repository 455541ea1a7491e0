package main

import (
	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
)

// natsClient holds the flags of a command that dials NATS as a client.
type natsClient struct {
	url string
	tls config.TLSFiles
}

func addNATSClientFlags(cmd *cobra.Command) *natsClient {
	c := &natsClient{}
	f := cmd.Flags()
	f.StringVar(&c.url, "nats-url", nats.DefaultURL, "NATS server URL")
	f.StringVar(&c.tls.CAFile, "nats-ca", "", "CA of the server's TLS certificate (default: the system's roots)")
	f.StringVar(&c.tls.CertFile, "nats-cert", "", "client certificate, where the server demands one (mutual TLS)")
	f.StringVar(&c.tls.KeyFile, "nats-key", "", "key of --nats-cert")
	return c
}

func (c *natsClient) options(extra ...nats.Option) []nats.Option {
	return append(app.ClientTLS(c.tls), extra...)
}
