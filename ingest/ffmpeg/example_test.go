package ffmpeg_test

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/ffmpeg"
)

func Example() {
	src, err := ffmpeg.New("rtmp://user:secret@live.example.com/app/room1", ffmpeg.Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.Describe())
	_ = func(ctx context.Context) error { // what a room worker does
		return src.Run(ctx, func(c ingest.Chunk) error { return nil })
	}
	_, err = ffmpeg.New("concat:/etc/passwd", ffmpeg.Options{})
	fmt.Println(err)
	// Output:
	// ffmpeg:rtmp://user:xxxxx@live.example.com/app/room1
	// ffmpeg: bad source URL: scheme "concat" not supported (want rtmp, rtmps, rtsp, rtsps, srt, http, https or file)
}
