package wsconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/websocket"
)

// MaxMessage bounds one server message; results are small.
const MaxMessage = 1 << 20

// ErrTimeout is returned when the server does not answer in time.
var ErrTimeout = errors.New("wsconn: server did not answer in time")

// Conn is one client connection with a reader goroutine.
type Conn struct {
	ws      *websocket.Conn
	msgs    chan []byte
	readErr error // set before msgs is closed
}

// Dial connects to url (ws:// or wss://) within timeout.
func Dial(ctx context.Context, url string, header http.Header, timeout time.Duration) (*Conn, error) {
	cfg, err := websocket.NewConfig(url, "http://localhost/")
	if err != nil {
		return nil, fmt.Errorf("wsconn: url %q: %w", url, err)
	}
	cfg.Header = header
	cfg.Dialer = &net.Dialer{Timeout: timeout}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ws, err := cfg.DialContext(dctx)
	if err != nil {
		return nil, fmt.Errorf("wsconn: dial %s: %w", url, err)
	}
	ws.MaxPayloadBytes = MaxMessage
	c := &Conn{ws: ws, msgs: make(chan []byte, 1024)}
	go c.read()
	return c, nil
}

func (c *Conn) read() {
	defer close(c.msgs)
	for {
		var b []byte
		if err := websocket.Message.Receive(c.ws, &b); err != nil {
			c.readErr = err
			return
		}
		c.msgs <- b
	}
}

// SendText sends a text frame within timeout.
func (c *Conn) SendText(s string, timeout time.Duration) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(timeout))
	if err := websocket.Message.Send(c.ws, s); err != nil {
		return fmt.Errorf("wsconn: send: %w", err)
	}
	return nil
}

// SendBinary sends a binary frame within timeout.
func (c *Conn) SendBinary(b []byte, timeout time.Duration) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(timeout))
	if err := websocket.Message.Send(c.ws, b); err != nil {
		return fmt.Errorf("wsconn: send: %w", err)
	}
	return nil
}

// Poll returns the messages queued so far without waiting.
func (c *Conn) Poll() [][]byte {
	var out [][]byte
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return out
			}
			out = append(out, m)
		default:
			return out
		}
	}
}

// Drain hands every message to f until f returns true, the server closes
// the connection, or timeout passes (ErrTimeout).
func (c *Conn) Drain(timeout time.Duration, f func([]byte) bool) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return nil
			}
			if f(m) {
				return nil
			}
		case <-t.C:
			return ErrTimeout
		}
	}
}

// Close closes the connection; the reader goroutine ends with it.
func (c *Conn) Close() error {
	err := c.ws.Close()
	for range c.msgs { // let the reader finish
	}
	return err
}
