package whep_test

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/whep"
)

func Example() {
	src, err := whep.New("https://media.example.com/whep/room1?sig=abc", whep.Options{
		Token:        "secret",         // sent as Authorization: Bearer
		AudioTimeout: 10 * time.Second, // POST to first audio packet
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.Describe())
	_ = func(ctx context.Context) error { // what a room worker does
		return src.Run(ctx, func(c ingest.Chunk) error { return nil })
	}
	_, err = whep.New("rtmp://media.example.com/x", whep.Options{})
	fmt.Println(err)
	// Output:
	// whep:https://media.example.com/whep/room1
	// whep: bad WHEP endpoint URL: scheme "rtmp" (want http or https)
}
