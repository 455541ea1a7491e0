package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/earshot/earshot/api"
)

// A stand-in for `earshot serve` with http.require_tokens: the room list
// needs a token.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"unauthorized","message":"this API needs a token"}}`)
			return
		}
		io.WriteString(w, `{"rooms":[{"room":{"id":"demo"},"state":"live","alerts":2}]}`)
	}))
}

func ExampleClient() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	anon, _ := api.New(srv.URL)
	_, err := anon.Rooms(ctx)
	var e *api.Error
	if errors.As(err, &e) && e.Code == api.CodeUnauthorized {
		fmt.Println("without a token:", e.Status, e.Code)
	}

	c, err := api.New(srv.URL, api.WithToken("s3cret"))
	if err != nil {
		panic(err)
	}
	rooms, err := c.Rooms(ctx)
	if err != nil {
		panic(err)
	}
	for _, st := range rooms {
		fmt.Printf("%s %s, %d alerts\n", st.Room.ID, st.State, st.Alerts)
	}
	// Output:
	// without a token: 401 unauthorized
	// demo live, 2 alerts
}

// A receiver verifies every delivery before it decodes the body, and
// deduplicates on the Earshot-Delivery header (the same on every retry).
func ExampleVerifyWebhook() {
	secret := []byte("whsec_the_endpoint_secret")
	body := []byte(`{"type":"alert","id":"01JD7Z","room":"r1"}`)
	sent := time.Unix(1_800_000_000, 0)
	header := api.SignWebhook(secret, body, sent) // what earshot sends

	fmt.Println(api.VerifyWebhook(secret, header, body, sent.Add(30*time.Second)))
	fmt.Println(api.VerifyWebhook(secret, header, body, sent.Add(10*time.Minute)) != nil)
	fmt.Println(api.VerifyWebhook([]byte("a different secret"), header, body, sent) != nil)
	// Output:
	// <nil>
	// true
	// true
}
