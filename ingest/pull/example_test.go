package pull_test

import (
	"fmt"

	"github.com/earshot/earshot/ingest/pull"
)

func ExampleNew() {
	for _, u := range []string{
		"rtmp://live.example.com/app/room1",
		"https://cdn.example.com/room1/index.m3u8",
		"whep+https://media.example.com/whep/room1",
		"gopher://x",
	} {
		src, err := pull.New(u, pull.Options{Token: "t"})
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(src.Describe())
	}
	// Output:
	// ffmpeg:rtmp://live.example.com/app/room1
	// ffmpeg:https://cdn.example.com/room1/index.m3u8
	// whep:https://media.example.com/whep/room1
	// pull: unsupported source URL: scheme "gopher" (want rtmp, rtmps, rtsp, rtsps, srt, http, https, whep+http, whep+https, file)
}
